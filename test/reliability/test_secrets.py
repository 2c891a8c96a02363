"""Secrets: credentials never show in a repr, a message, a traceback or a log line, even with debug on.

Calls that succeed and calls that fail (401, 403, 500, connection refused, timeout) are made with a
password, a bearer token, a session cookie and a Connection whose `password` is set, with
`Configuration.debug = True`, the `airflow_client` and `urllib3` loggers captured at DEBUG, a log
file, and stdout/stderr captured. Then every text a user could see is scanned.
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import secrets
import traceback
from typing import Any, Callable, Iterator, NamedTuple
from urllib.parse import quote

import pytest

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import connection_api, variable_api
from airflow_client.client.model.connection import Connection

from .conftest import Answer, RawServer, open_loopback, refused_port, silent

USER = "alice"
PASSWORD = "pw-" + secrets.token_hex(8)
TOKEN = "tok-" + secrets.token_hex(12)
COOKIE = "ck-" + secrets.token_hex(8)
CONN_PASSWORD = "connpw-" + secrets.token_hex(8)
SERVER_COOKIE = "srvck-" + secrets.token_hex(8)  # a session the server sets in an error answer
BASIC = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

SECRETS = {
    "password": PASSWORD,
    "bearer token": TOKEN,
    "Basic header value": BASIC,
    "cookie value": COOKIE,
    "connection password": CONN_PASSWORD,
    "cookie set by the server": SERVER_COOKIE,
}


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # the message with its arguments and any traceback


class Exposure(NamedTuple):
    texts: dict[str, list[str]]  # where it was seen -> texts
    outcomes: dict[str, str]  # scenario -> "ok" or the exception class name
    log_lines: list[str]


def _texts_of(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))]


@pytest.fixture(scope="module")
def exposure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exposure]:
    srv = open_loopback()
    silent_srv = RawServer(silent)
    log_file = tmp_path_factory.mktemp("logs") / "client.log"
    capture = Capture()
    watched = [logging.getLogger("airflow_client"), logging.getLogger("urllib3")]
    levels = [log.level for log in watched]
    for log in watched:
        log.addHandler(capture)
        log.setLevel(logging.DEBUG)
    texts: dict[str, list[str]] = {"exceptions": [], "models": [], "configuration and client": []}
    outcomes: dict[str, str] = {}
    stdout, stderr = io.StringIO(), io.StringIO()
    error_doc = {"title": "no", "detail": "refused", "status": 0}
    srv.handler = None

    def run(name: str, config: client.Configuration, cookie: str, call: Callable[[client.ApiClient], Any],
            answer: Answer | None = None) -> None:
        if answer is not None:
            srv.reply(answer)
        with client.ApiClient(config, cookie=cookie) as api_client:
            texts["configuration and client"] += [repr(config), str(config), repr(api_client), str(api_client)]
            try:
                result = call(api_client)
                outcomes[name] = "ok"
                texts["models"] += [repr(result), str(result)]
            except exceptions.OpenApiException as exc:
                outcomes[name] = type(exc).__name__
                texts["exceptions"] += _texts_of(exc)

    def configs(host: str, timeout: Any = (2, 5)) -> list[tuple[str, client.Configuration]]:
        basic = client.Configuration(host=host, username=USER, password=PASSWORD)
        bearer = client.Configuration(host=host, username=USER, password=PASSWORD, access_token=TOKEN)
        for config in (basic, bearer):
            config.retries = 0
            config.timeout = timeout
            config.debug = True
            config.logger_file = str(log_file)
        return [("basic", basic), ("bearer", bearer)]

    conn = Connection(connection_id="warehouse", conn_type="postgres", login="etl", password=CONN_PASSWORD)
    conn_answer = {"connection_id": "warehouse", "conn_type": "postgres", "login": "etl"}
    cookie = f"session={COOKIE}"
    get_var: Callable[[client.ApiClient], Any] = lambda c: variable_api.VariableApi(c).get_variable("k")  # noqa: E731
    post_conn: Callable[[client.ApiClient], Any] = lambda c: connection_api.ConnectionApi(c).post_connection(conn)  # noqa: E731
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            for auth, config in configs(srv.host):
                run(f"{auth} get ok", config, cookie, get_var, Answer(body={"key": "k", "value": "v"}))
                run(f"{auth} post connection ok", config, cookie, post_conn, Answer(body=conn_answer))
                for status in (401, 403, 500):
                    headers = {"Set-Cookie": f"session={SERVER_COOKIE}; HttpOnly; Path=/"}
                    run(f"{auth} get {status}", config, cookie, get_var,
                        Answer(status=status, body=dict(error_doc, status=status), headers=headers))
                    run(f"{auth} post connection {status}", config, cookie, post_conn,
                        Answer(status=status, body=dict(error_doc, status=status), headers=headers))
                run(f"{auth} bad field beside a password", config, cookie,
                    lambda c: connection_api.ConnectionApi(c).post_connection(
                        {"connection_id": 5, "conn_type": "postgres", "password": CONN_PASSWORD}))
                run(f"{auth} wrong type for the password itself", config, cookie,
                    lambda c: connection_api.ConnectionApi(c).post_connection(
                        {"connection_id": "c", "conn_type": "postgres", "password": list(CONN_PASSWORD)}))
            for auth, config in configs(f"http://127.0.0.1:{refused_port()}/api/v1"):
                run(f"{auth} refused", config, cookie, get_var)
                run(f"{auth} post connection refused", config, cookie, post_conn)
            for auth, config in configs(silent_srv.host, timeout=0.3):
                run(f"{auth} timeout", config, cookie, get_var)
                run(f"{auth} post connection timeout", config, cookie, post_conn)
        texts["models"] += [repr(conn), str(conn), conn.to_str()]
        texts["log records"] = capture.lines
        texts["log file"] = [log_file.read_text()]
        texts["stdout and stderr"] = [stdout.getvalue(), stderr.getvalue()]
        yield Exposure(texts, outcomes, capture.lines)
    finally:
        for log, level in zip(watched, levels, strict=True):
            log.removeHandler(capture)
            log.setLevel(level)
        root_logger = logging.getLogger("airflow_client")
        for handler in list(root_logger.handlers):
            if isinstance(handler, logging.FileHandler) and handler.baseFilename == str(log_file):
                root_logger.removeHandler(handler)
                handler.close()
        srv.close()
        silent_srv.close()


def test_the_scenarios_ran_as_intended(exposure):
    outcomes = exposure.outcomes
    for auth in ("basic", "bearer"):
        assert outcomes[f"{auth} get ok"] == outcomes[f"{auth} post connection ok"] == "ok"
        assert outcomes[f"{auth} get 401"] == "UnauthorizedException"
        assert outcomes[f"{auth} get 403"] == "ForbiddenException"
        assert outcomes[f"{auth} post connection 500"] == "ServiceException"
        assert outcomes[f"{auth} refused"] == outcomes[f"{auth} timeout"] == "ApiConnectionError"
        assert outcomes[f"{auth} bad field beside a password"] == "ApiTypeError"
        assert outcomes[f"{auth} wrong type for the password itself"] == "ApiTypeError"


@pytest.mark.parametrize("where", ["exceptions", "models", "configuration and client", "log records", "log file",
                                   "stdout and stderr"])
@pytest.mark.parametrize("secret", list(SECRETS))
def test_no_secret_appears_anywhere_a_user_can_see(exposure, where, secret):
    value = SECRETS[secret]
    leaks = [text for text in exposure.texts[where] if value in text]
    assert not leaks, f"the {secret} appears in {where}: {leaks[0][:500]!r}"


def test_the_debug_log_shows_each_request_with_its_credentials_redacted(exposure):
    requests = [line for line in exposure.log_lines if line.startswith("airflow_client DEBUG") and " -> " in line]
    assert len(requests) >= 8, exposure.log_lines
    for line in requests:
        assert "'Authorization': '<redacted>'" in line, line
        assert "'Cookie': '<redacted>'" in line, line


def test_the_debug_log_file_gets_the_same_redacted_lines(exposure):
    (content,) = exposure.texts["log file"]
    assert "'Authorization': '<redacted>'" in content


def test_a_secret_field_is_masked_in_the_models_repr_but_kept_for_the_request(exposure):
    conn = Connection(connection_id="c", conn_type="http", password=CONN_PASSWORD)
    assert "password='***'" in repr(conn)
    assert conn.password == CONN_PASSWORD and conn.to_dict()["password"] == CONN_PASSWORD


# -- credentials written into the host URL -------------------------------------------------------------------

URL_PASSWORD = "urlpw-" + secrets.token_hex(8)


def _url_with_credentials(host: str, user: str = "carol", password: str = URL_PASSWORD + "@:/%") -> str:
    scheme, rest = host.split("://", 1)
    return f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@{rest}"


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _everything_shown(config: client.Configuration, server: Any, caplog: pytest.LogCaptureFixture) -> str:
    """repr and str of the configuration and client, a failed call's exception, and the DEBUG log."""
    server.reply(Answer(status=404, body={"title": "Variable not found"}))
    texts = [repr(config), str(config), config.host]
    with caplog.at_level(logging.DEBUG, logger="airflow_client"), client.ApiClient(config) as api_client:
        texts += [repr(api_client), str(api_client)]
        with pytest.raises(exceptions.NotFoundException) as caught:
            variable_api.VariableApi(api_client).get_variable("k")
    texts += _texts_of(caught.value)
    texts += [record.getMessage() for record in caplog.records]
    return "\n".join(texts)


def test_credentials_in_the_host_url_are_sent_as_basic_and_never_shown(caplog):
    srv = open_loopback()
    try:
        config = client.Configuration(host=_url_with_credentials(srv.host))
        config.retries = 0
        assert config.host == srv.host
        assert (config.username, config.password) == ("carol", URL_PASSWORD + "@:/%")
        shown = _everything_shown(config, srv, caplog)
        assert srv.last.headers["Authorization"] == _basic("carol", URL_PASSWORD + "@:/%")
        assert srv.last.path == "/api/v1/variables/k"
    finally:
        srv.close()
    assert URL_PASSWORD not in shown
    assert f"GET {srv.host}/variables/k" in shown


def test_credentials_in_a_host_assigned_later_are_taken_out_too(caplog):
    srv = open_loopback()
    try:
        config = client.Configuration()
        config.host = _url_with_credentials(srv.host)
        config.retries = 0
        assert config.host == srv.host
        shown = _everything_shown(config, srv, caplog)
        assert srv.last.headers["Authorization"] == _basic("carol", URL_PASSWORD + "@:/%")
    finally:
        srv.close()
    assert URL_PASSWORD not in shown


def test_explicit_credentials_win_over_those_in_the_host_url(caplog):
    srv = open_loopback()
    try:
        config = client.Configuration(host=_url_with_credentials(srv.host), username="admin", password="admin-pw")
        config.retries = 0
        assert config.host == srv.host
        shown = _everything_shown(config, srv, caplog)
        assert srv.last.headers["Authorization"] == _basic("admin", "admin-pw")
    finally:
        srv.close()
    assert URL_PASSWORD not in shown


def test_credentials_in_the_host_url_never_show_when_no_answer_comes():
    host = _url_with_credentials(f"http://127.0.0.1:{refused_port()}/api/v1")
    config = client.Configuration(host=host)
    config.retries = 1
    with client.ApiClient(config) as api_client:
        with pytest.raises(exceptions.ApiConnectionError) as caught:
            variable_api.VariableApi(api_client).get_variable("k")
    assert URL_PASSWORD not in "\n".join(_texts_of(caught.value))
