"""Headers: checked before anything is sent, and the value of a credential-like header never shown.

Every header of every request (credentials, cookie, default headers, per-call `_headers`, proxy
headers) passes one check in the transport: a name that is not an HTTP token, or a value with CR, LF
or NUL, is an `ApiValueError` naming the header, raised before any I/O. One rule decides which
headers are credentials (`exceptions.is_secret_header`), and every message and log line follows it.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from typing import Any, Callable

import pytest

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import variable_api

from .conftest import Answer, count

SECRET = "s3cr3t-" + secrets.token_hex(8)


def _texts(exc: BaseException) -> str:
    return "\n".join([str(exc), repr(exc), "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))])


def _config(host: str, **kwargs: Any) -> client.Configuration:
    config = client.Configuration(host=host, **kwargs)
    config.retries = 0
    return config


# How each kind of header reaches a request, given a name and a value.
SOURCES: dict[str, Callable[[str, str, str], client.ApiClient]] = {
    "set_default_header": lambda host, name, value: _with_default(client.ApiClient(_config(host)), name, value),
    "header_name/header_value": lambda host, name, value: client.ApiClient(
        _config(host), header_name=name, header_value=value),
}


def _with_default(api_client: client.ApiClient, name: str, value: str) -> client.ApiClient:
    api_client.set_default_header(name, value)
    return api_client


def refused(server: Any, api_client: client.ApiClient) -> exceptions.ApiValueError:
    with api_client, pytest.raises(exceptions.ApiValueError) as caught:
        variable_api.VariableApi(api_client).get_variable("k")
    assert server.seen == [], "a request was sent despite the bad header"
    count("bad inputs tried")
    return caught.value


@pytest.mark.parametrize("value", [SECRET + "\n", SECRET + "\r\n", "Bearer\n" + SECRET, SECRET + "\x00"],
                         ids=["trailing LF", "trailing CRLF", "inner LF", "NUL"])
def test_an_access_token_with_a_line_break_is_refused_without_showing_it(server, value):
    err = refused(server, client.ApiClient(_config(server.host, access_token=value)))
    assert "'Authorization'" in str(err) and "Configuration.access_token" in str(err)
    assert SECRET not in _texts(err)


def test_a_token_read_from_a_file_is_refused_with_the_hint_to_strip_it(server, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(SECRET + "\n")
    err = refused(server, client.ApiClient(_config(server.host, access_token=token_file.read_text())))
    assert "trailing newline" in str(err) and "strip()" in str(err)


@pytest.mark.parametrize("cookie", [f"session={SECRET}\r\nX-Injected: 1", f"session={SECRET}\n", f"session={SECRET}\0"])
def test_a_cookie_with_a_line_break_or_nul_is_refused_without_showing_it(server, cookie):
    err = refused(server, client.ApiClient(_config(server.host), cookie=cookie))
    assert "'Cookie'" in str(err) and "ApiClient(cookie=...)" in str(err)
    assert SECRET not in _texts(err)


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("name", ["X-Api-Key", "X-Auth-Token", "X-Session-Id", "Proxy-Authorization",
                                  "X-Airflow-Password", "X-Client-Secret", "X-Credential"])
def test_a_credential_like_default_header_with_a_line_break_is_refused_without_showing_it(server, source, name):
    err = refused(server, SOURCES[source](server.host, name, SECRET + "\r\n"))
    assert repr(name) in str(err)
    assert SECRET not in _texts(err)


@pytest.mark.parametrize("source", list(SOURCES))
def test_an_ordinary_header_with_a_line_break_is_refused_showing_the_value(server, source):
    err = refused(server, SOURCES[source](server.host, "X-Trace", "abc\r\nX-Injected: 1"))
    assert "'X-Trace'" in str(err) and "'abc\\r\\nX-Injected: 1'" in str(err)


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("name", ["X Trace", "X-Trace:", "X-\x01Trace", "", "X-Tr\u00e4ce", "X-Trace\n"])
def test_a_header_name_that_is_not_a_token_is_refused_naming_it(server, source, name):
    err = refused(server, SOURCES[source](server.host, name, "1"))
    assert "not a valid header name" in str(err)


def test_a_whole_header_line_given_as_a_name_does_not_show_its_credential(server):
    err = refused(server, SOURCES["set_default_header"](server.host, f"Authorization: Bearer {SECRET}", "x"))
    assert "'Authorization'" in str(err) and SECRET not in _texts(err)


def test_a_value_outside_latin_1_is_refused_naming_the_header(server):
    err = refused(server, SOURCES["set_default_header"](server.host, "X-Trace", "\u20ac"))
    assert "'X-Trace'" in str(err) and "latin-1" in str(err)


def test_proxy_headers_are_checked_when_the_client_is_made(server):
    config = _config(server.host)
    config.proxy = f"http://127.0.0.1:{server.port}"
    config.proxy_headers = {"Proxy-Authorization": "Basic " + SECRET + "\n"}
    with pytest.raises(exceptions.ApiValueError) as caught:
        client.ApiClient(config)
    assert "Configuration.proxy_headers" in str(caught.value) and SECRET not in _texts(caught.value)


def test_a_call_option_header_of_any_credential_like_name_is_refused_without_showing_it(server):
    with client.ApiClient(_config(server.host)) as api_client:
        for name in ("X-Api-Key", "X-Auth-Token", "Set-Cookie", "X-Session"):
            with pytest.raises(exceptions.ApiValueError) as caught:
                variable_api.VariableApi(api_client).get_variable("k", _headers={name: SECRET + "\n"})
            assert name in str(caught.value) and SECRET not in _texts(caught.value)
    assert server.seen == []


def test_good_headers_are_sent_unchanged(server):
    server.default = Answer(body={"key": "k", "value": "v"})
    with client.ApiClient(_config(server.host, access_token=SECRET), cookie="session=1") as api_client:
        api_client.set_default_header("X-Trace", "a b\tc;d=\"e\"")
        api_client.set_default_header("X-Latin", "caf\u00e9")
        assert variable_api.VariableApi(api_client).get_variable("k").value == "v"
    headers = server.last.headers
    assert headers["Authorization"] == "Bearer " + SECRET and headers["Cookie"] == "session=1"
    assert headers["X-Trace"] == "a b\tc;d=\"e\"" and headers["X-Latin"] == "caf\u00e9"


# -- one rule for what is a credential ----------------------------------------------------------------------

CREDENTIAL_NAMES = ["Authorization", "authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Auth-Token",
                    "X-Api-Key", "X-API-KEY", "Api-Key", "X-Session-Id", "X-Airflow-Password", "X-Client-Secret",
                    "X-Amz-Security-Token", "X-Credential", "WWW-Authenticate"]
ORDINARY_NAMES = ["Content-Type", "Accept", "User-Agent", "X-Request-Id", "Location", "Content-Length", "Date"]


def test_one_rule_tells_credential_like_headers_from_others():
    assert all(exceptions.is_secret_header(name) for name in CREDENTIAL_NAMES)
    assert not any(exceptions.is_secret_header(name) for name in ORDINARY_NAMES)


def test_every_credential_like_header_is_redacted_in_an_error_message(server):
    headers = {name: f"{SECRET}-{i}" for i, name in enumerate(CREDENTIAL_NAMES[2:])}
    headers["X-Request-Id"] = "req-1"
    server.reply(Answer(status=500, body={"title": "down"}, headers=headers))
    with client.ApiClient(_config(server.host)) as api_client:
        with pytest.raises(exceptions.ServiceException) as caught:
            variable_api.VariableApi(api_client).get_variable("k")
    text = _texts(caught.value)
    assert SECRET not in text
    assert "'X-Api-Key': '<redacted>'" in text and "'X-Request-Id': 'req-1'" in text


def test_every_credential_like_request_header_is_redacted_in_the_debug_log(server, caplog):
    server.default = Answer(body={"key": "k", "value": "v"})
    with client.ApiClient(_config(server.host, access_token=SECRET + "-token")) as api_client:
        api_client.set_default_header("X-Auth-Token", SECRET + "-auth")
        api_client.set_default_header("X-Trace", "trace-1")
        with caplog.at_level(logging.DEBUG, logger="airflow_client"):
            variable_api.VariableApi(api_client).get_variable("k", _headers={"X-Api-Key": SECRET + "-key"})
    lines = [r.getMessage() for r in caplog.records if " -> 200" in r.getMessage()]
    assert len(lines) == 1
    assert SECRET not in lines[0]
    for name in ("Authorization", "X-Auth-Token", "X-Api-Key"):
        assert f"'{name}': '<redacted>'" in lines[0]
    assert "'X-Trace': 'trace-1'" in lines[0]
