"""Mutual authentication, against loopback servers that accept with the real service key, or pretend to.

Airflow 2.11.2 never sends its half of mutual authentication (see test_kerberos_airflow.py), so the
verifying side is proven here: one server accepts the ticket with pyspnego and the service keytab and
answers with the real token; the other answers 200 with `WWW-Authenticate: Negotiate Zm9v` ("foo").
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import airflow_client.client as client
from airflow_client.client.api import monitoring_api
from airflow_client.client.exceptions import ApiException, ForbiddenException, UnauthorizedException
from airflow_client.client.kerberos import KerberosAuth, KerberosError, MutualAuthenticationError
from test.kerberos.conftest import REALM, USER, kinit_cache

VERSION_BODY = json.dumps({"version": "2.11.2", "git_version": ""}).encode()
BOGUS = "Zm9v"


class NegotiateServer(ThreadingHTTPServer):
    """Answers GET /api/v1/version. `mode`: "accept" (real acceptor), "bogus", "garbled" (not
    base64), "silent" (no token), "refuse" (401) or "forbid" (403)."""

    daemon_threads = True

    def __init__(self, mode: str, fail_first: int = 0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = mode
        self.fail_first = fail_first  # answer 503 to that many requests, after using up their tokens
        self.statuses: list[int] = []
        self.flags: list[int] = []  # context flags the acceptor saw (delegation, mutual auth)
        self.client_tokens: list[str] = []
        self.server_tokens: list[str] = []
        self.clients: list[str] = []

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    server: NegotiateServer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        import spnego  # installed by the client_kerberos_libs fixture before any server starts

        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "negotiate" or not token or token in self.server.client_tokens:
            # No token, or one seen before: like Airflow's backend, whose replay cache refuses a copy.
            self._answer(401, {"WWW-Authenticate": "Negotiate"})
            return
        self.server.client_tokens.append(token)
        if self.server.mode in ("refuse", "forbid"):
            self._answer(401 if self.server.mode == "refuse" else 403, {"WWW-Authenticate": "Negotiate"})
            return
        if self.server.fail_first > 0:
            self.server.fail_first -= 1
            self._answer(503, {})
            return
        headers: dict[str, str] = {}
        if self.server.mode == "accept":
            # Accepts a ticket for any principal of the service keytab (airflow/ or HTTP/localhost).
            acceptor = spnego.server(protocol="kerberos")
            try:
                reply = acceptor.step(base64.b64decode(token))
            except spnego.exceptions.SpnegoError:
                self._answer(403, {})
                return
            self.server.clients.append(str(acceptor.client_principal))
            self.server.flags.append(int(acceptor.context_attr))
            if reply:
                encoded = base64.b64encode(reply).decode()
                self.server.server_tokens.append(encoded)
                headers["WWW-Authenticate"] = "Negotiate " + encoded
        elif self.server.mode == "bogus":
            headers["WWW-Authenticate"] = "Negotiate " + BOGUS
        elif self.server.mode == "garbled":
            headers["WWW-Authenticate"] = "Negotiate not*base64!"
        self._answer(200, headers, VERSION_BODY)

    def _answer(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.server.statuses.append(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def serve(kerberos_env: str, client_kerberos_libs: None, service_keytab: Path) -> Iterator:
    started: list[NegotiateServer] = []

    def start(mode: str, fail_first: int = 0) -> NegotiateServer:
        server = NegotiateServer(mode, fail_first)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


def make_client(port: int, flow: KerberosAuth, host: str = "localhost", **settings: object) -> client.ApiClient:
    config = client.Configuration(host=f"http://{host}:{port}/api/v1")
    config.auth_flow = flow
    config.retries = 0
    for name, value in settings.items():
        setattr(config, name, value)
    return client.ApiClient(config)


def test_server_that_proves_itself_is_verified(serve) -> None:
    server = serve("accept")
    flow = KerberosAuth()
    with make_client(server.port, flow) as api_client:
        assert monitoring_api.MonitoringApi(api_client).get_version().version == "2.11.2"
    assert server.clients == [f"{USER}@{REALM}"]
    assert len(server.server_tokens) == 1  # the server did answer with its half...
    assert flow.server_verified is True  # ...and the flow completed the context with it


def test_required_mutual_auth_passes_when_the_server_proves_itself(serve) -> None:
    server = serve("accept")
    flow = KerberosAuth(require_mutual=True)
    with make_client(server.port, flow) as api_client:
        monitoring_api.MonitoringApi(api_client).get_version()
    assert flow.server_verified is True


def test_bogus_server_token_fails_the_call(serve) -> None:
    server = serve("bogus")
    with make_client(server.port, KerberosAuth()) as api_client:
        with pytest.raises(MutualAuthenticationError) as refused:
            monitoring_api.MonitoringApi(api_client).get_version()
    error = refused.value
    assert isinstance(error, ApiException) and isinstance(error, KerberosError)
    assert error.status == 200
    assert "does not verify as coming from airflow@localhost" in str(error)
    assert BOGUS not in str(error) and BOGUS not in repr(error)
    assert server.client_tokens[0] not in str(error)


def test_garbled_server_token_fails_the_call(serve) -> None:
    server = serve("garbled")
    with make_client(server.port, KerberosAuth()) as api_client:
        with pytest.raises(MutualAuthenticationError, match="does not verify"):
            monitoring_api.MonitoringApi(api_client).get_version()


def test_bogus_token_is_ignored_when_mutual_auth_is_off(serve) -> None:
    server = serve("bogus")
    flow = KerberosAuth(mutual=False)
    with make_client(server.port, flow) as api_client:
        assert monitoring_api.MonitoringApi(api_client).get_version().version == "2.11.2"
    assert flow.server_verified is None


def test_missing_token_fails_only_when_required(serve) -> None:
    server = serve("silent")
    lenient = KerberosAuth()
    with make_client(server.port, lenient) as api_client:
        monitoring_api.MonitoringApi(api_client).get_version()
    assert lenient.server_verified is False
    with make_client(server.port, KerberosAuth(require_mutual=True)) as api_client:
        with pytest.raises(MutualAuthenticationError, match="sent no WWW-Authenticate: Negotiate token"):
            monitoring_api.MonitoringApi(api_client).get_version()


def test_refused_streamed_answer_gives_its_connection_back(serve) -> None:
    # One connection in the pool, blocking: if the refused answer kept it, the next call would hang.
    server = serve("bogus")
    with make_client(server.port, KerberosAuth(), connection_pool_maxsize=1) as api_client:
        api = monitoring_api.MonitoringApi(api_client)
        for _ in range(2):
            with pytest.raises(MutualAuthenticationError):
                api.get_version(_preload_content=False, _request_timeout=10)


def test_http_service_principal(serve, realm, monkeypatch: pytest.MonkeyPatch) -> None:
    # A server (or proxy) following the HTTP/<host> convention: service="HTTP".
    ccache = kinit_cache(realm, USER, label="http-service")
    monkeypatch.setenv("KRB5CCNAME", ccache)
    server = serve("accept")
    flow = KerberosAuth(service="HTTP")
    with make_client(server.port, flow) as api_client:
        monitoring_api.MonitoringApi(api_client).get_version()
    assert flow.server_verified is True
    tickets = realm.klist(ccache)
    assert f"HTTP/localhost@{REALM}" in tickets and "airflow/" not in tickets


def test_host_name_decides_the_principal(serve) -> None:
    server = serve("accept")
    # By address, the client asks for airflow/127.0.0.1, which the KDC does not know...
    with make_client(server.port, KerberosAuth(), host="127.0.0.1") as api_client:
        with pytest.raises(KerberosError, match=r"airflow@127\.0\.0\.1"):
            monitoring_api.MonitoringApi(api_client).get_version()
    assert server.client_tokens == []  # nothing was sent
    # ...unless told the principal's host name.
    flow = KerberosAuth(hostname="localhost")
    with make_client(server.port, flow, host="127.0.0.1") as api_client:
        monitoring_api.MonitoringApi(api_client).get_version()
    assert flow.server_verified is True


def test_no_token_in_logs_or_errors(serve, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # all loggers, pyspnego's included
    good, bogus = serve("accept"), serve("bogus")
    errors: list[str] = []
    with make_client(good.port, KerberosAuth(), debug=True) as api_client:
        monitoring_api.MonitoringApi(api_client).get_version()
    with make_client(bogus.port, KerberosAuth(), debug=True) as api_client:
        try:
            monitoring_api.MonitoringApi(api_client).get_version()
        except MutualAuthenticationError as exc:
            errors += [str(exc), repr(exc)]
    assert errors
    assert "Kerberos: GET" in caplog.text and "proved it is airflow@localhost" in caplog.text
    tokens = [*good.client_tokens, *good.server_tokens, *bogus.client_tokens]
    assert len(tokens) == 3
    for token in tokens:
        for text in (caplog.text, *errors):
            assert token[:32] not in text


def test_a_retried_request_gets_a_new_token(serve) -> None:
    # urllib3 retries the 503 with the same header; the server refuses the copy (401); the flow then
    # sends the request once more with a new token, which is accepted.
    server = serve("accept", fail_first=1)
    flow = KerberosAuth()
    with make_client(server.port, flow, retries=1) as api_client:
        assert monitoring_api.MonitoringApi(api_client).get_version().version == "2.11.2"
    assert server.statuses == [503, 401, 200]
    assert len(server.client_tokens) == 2 and server.client_tokens[0] != server.client_tokens[1]
    assert flow.server_verified is True


def test_a_refused_token_is_tried_once_more_only(serve) -> None:
    server = serve("refuse")  # 401 to everything
    with make_client(server.port, KerberosAuth()) as api_client:
        with pytest.raises(UnauthorizedException):
            monitoring_api.MonitoringApi(api_client).get_version()
    assert server.statuses == [401, 401]
    assert len(set(server.client_tokens)) == 2


def test_forbidden_is_final(serve) -> None:
    server = serve("forbid")  # a principal the server knows but does not let in
    with make_client(server.port, KerberosAuth()) as api_client:
        with pytest.raises(ForbiddenException):
            monitoring_api.MonitoringApi(api_client).get_version()
    assert server.statuses == [403]


def test_delegation_forwards_the_ticket_only_when_asked(serve) -> None:
    import spnego

    server = serve("accept")
    for delegate in (False, True):
        with make_client(server.port, KerberosAuth(delegate=delegate)) as api_client:
            monitoring_api.MonitoringApi(api_client).get_version()
    plain, delegated = (spnego.ContextReq(flags) for flags in server.flags)
    assert spnego.ContextReq.mutual_auth in plain and spnego.ContextReq.mutual_auth in delegated
    assert spnego.ContextReq.delegate not in plain
    assert spnego.ContextReq.delegate in delegated
