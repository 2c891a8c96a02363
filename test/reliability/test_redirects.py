"""Redirects: followed for GET and HEAD, at most 5 times, and only to the same host name.

The scheme may go from http to https (and the port with it), never back; any other redirect is
returned to the caller, which raises `ApiException` showing where it pointed. Credentials go along
only because the host never changes. 127.0.0.1 and localhost are different host names here.
"""

from __future__ import annotations

import base64
import socket
from typing import Iterator

import pytest
import trustme

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import variable_api

from .conftest import (
    Answer,
    LoopbackServer,
    RawServer,
    Seen,
    count,
    finishes_within,
    https_host,
    open_loopback,
    tls_server,
)

VARIABLE = {"key": "k", "value": "v"}
BASIC = "Basic " + base64.b64encode(b"u:p").decode()


@pytest.fixture
def servers() -> Iterator[list[LoopbackServer]]:
    made: list[LoopbackServer] = []
    yield made
    for srv in made:
        srv.close()


def make_client(host: str, **settings: object) -> client.ApiClient:
    config = client.Configuration(host=host, username="u", password="p")
    config.retries = 0
    for name, value in settings.items():
        setattr(config, name, value)
    return client.ApiClient(config)


def redirect(location: str, status: int = 301) -> Answer:
    return Answer(status=status, body={"title": "Moved"}, headers={"Location": location})


def get(api_client: client.ApiClient) -> object:
    return finishes_within(30, lambda: variable_api.VariableApi(api_client).get_variable("k"))


def not_followed(api_client: client.ApiClient, status: int, location: str) -> exceptions.ApiException:
    with pytest.raises(exceptions.ApiException) as caught:
        get(api_client)
    err = caught.value
    assert err.status == status and err.headers["Location"] == location
    assert f"Redirected to: {location}" in str(err)
    count("faults survived")
    return err


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_get_redirected_within_the_host_is_followed_with_its_credentials(server, status):
    server.reply(redirect("/api/v1/variables/k2", status), Answer(body=VARIABLE))
    with make_client(server.host) as api_client:
        assert get(api_client).value == "v"
    assert [s.path for s in server.seen] == ["/api/v1/variables/k", "/api/v1/variables/k2"]
    assert all(s.headers["Authorization"] == BASIC for s in server.seen)
    count("faults survived")


def test_a_head_redirected_within_the_host_is_followed(raw_server):
    def moved_once(srv: RawServer, conn: socket.socket) -> None:
        request = srv.read_request(conn)
        if request is not None and request.target == "/api/v1/x":
            conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: /api/v1/health\r\nContent-Length: 0\r\n"
                         b"Connection: close\r\n\r\n")
        elif request is not None:  # a HEAD answer declares a length but has no body
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 15\r\nConnection: close\r\n\r\n")

    srv = raw_server(moved_once)
    with make_client(srv.host) as api_client:
        resp = finishes_within(
            30, lambda: api_client.rest_client.request("HEAD", srv.host + "/x", {"Authorization": BASIC}))
    assert resp.status == 200 and resp.data == b""
    assert [(r.method, r.target) for r in srv.requests] == [("HEAD", "/api/v1/x"), ("HEAD", "/api/v1/health")]
    assert all(r.headers["authorization"] == BASIC for r in srv.requests)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_post_is_never_redirected(server, status):
    server.reply(redirect("/api/v1/variables", status), Answer(body=VARIABLE))
    with make_client(server.host) as api_client:
        with pytest.raises(exceptions.ApiException) as caught:
            finishes_within(30, lambda: variable_api.VariableApi(api_client).post_variables(VARIABLE))
    assert caught.value.status == status and "Redirected to: /api/v1/variables" in str(caught.value)
    assert len(server.seen) == 1


def test_a_redirect_to_another_host_name_is_not_followed(server, servers):
    other = open_loopback()
    servers.append(other)
    other.default = Answer(body=VARIABLE)
    location = f"http://localhost:{other.port}/api/v1/variables/k"
    server.reply(redirect(location))
    with make_client(server.host) as api_client:
        not_followed(api_client, 301, location)
    assert other.seen == [], "the credentials went to another host"
    assert len(server.seen) == 1


def test_a_redirect_to_another_port_of_the_same_scheme_is_not_followed(server, servers):
    other = open_loopback()
    servers.append(other)
    location = f"{other.host}/variables/k"
    server.reply(redirect(location, 307))
    with make_client(server.host) as api_client:
        not_followed(api_client, 307, location)
    assert other.seen == []


def test_a_redirect_whose_location_carries_credentials_is_not_followed_nor_shown(server):
    server.reply(redirect(f"http://x:hunter2@127.0.0.1:{server.port}/api/v1/variables/k"))
    with make_client(server.host) as api_client:
        with pytest.raises(exceptions.ApiException) as caught:
            get(api_client)
    assert caught.value.status == 301 and len(server.seen) == 1
    assert f"Redirected to: http://127.0.0.1:{server.port}/api/v1/variables/k" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_at_most_five_redirects_are_followed(server):
    def always_elsewhere(seen: Seen) -> Answer:
        return redirect(f"/api/v1/variables/k?hop={len(server.seen)}", 302)

    server.handler = always_elsewhere
    with make_client(server.host) as api_client:
        err = not_followed(api_client, 302, "/api/v1/variables/k?hop=6")
    assert len(server.seen) == 6 and err.status == 302


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def test_http_to_https_on_the_same_host_name_is_followed(server, servers, ca, tmp_path):
    tls = tls_server(ca.issue_cert("127.0.0.1"))
    servers.append(tls)
    tls.default = Answer(body=VARIABLE)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    server.reply(redirect(f"{https_host(tls)}/variables/k", 308))
    with make_client(server.host, ssl_ca_cert=str(ca_file)) as api_client:
        assert get(api_client).value == "v"
    assert len(server.seen) == 1 and len(tls.seen) == 1
    assert tls.seen[0].headers["Authorization"] == BASIC


def test_https_to_http_is_not_followed(server, servers, ca, tmp_path):
    tls = tls_server(ca.issue_cert("127.0.0.1"))
    servers.append(tls)
    location = f"{server.host}/variables/k"
    tls.reply(redirect(location))
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with make_client(https_host(tls), ssl_ca_cert=str(ca_file)) as api_client:
        not_followed(api_client, 301, location)
    assert server.seen == [], "the credentials left TLS"
