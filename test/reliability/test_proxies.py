"""Proxies: Configuration.proxy, else the environment's (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY).

`user:password@` in a proxy URL is sent as `Proxy-Authorization: Basic` (or as the SOCKS5 login) and
never shown. The proxies here are real servers on loopback: an HTTP forward proxy that takes
absolute-URI requests and forwards them, and a SOCKS5 server that relays a connection.
"""

from __future__ import annotations

import base64
import http.client
import logging
import os
import secrets
import socket
import socketserver
import struct
import subprocess
import sys
import textwrap
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote, urlsplit

import pytest

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import variable_api

from .conftest import Answer, count, finishes_within, refused_port

REPO_ROOT = Path(__file__).resolve().parents[2]
VARIABLE = {"key": "k", "value": "v"}
PROXY_USER = "proxy user"
PROXY_PASSWORD = "ppw-" + secrets.token_hex(8) + "@:/"
PROXY_ENV = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
# Not forwarded: they concern one connection, or the proxy itself.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authorization", "proxy-connection", "te", "trailers",
              "transfer-encoding", "upgrade", "content-length"}


class ForwardProxy:
    """An HTTP forward proxy on loopback: records each request (method, target, headers) and forwards it."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                outer.seen.append((self.command, self.path, dict(self.headers.items())))
                target = urlsplit(self.path)
                if target.scheme != "http" or not target.hostname:
                    self.send_error(400, "absolute http URI expected")
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
                try:
                    upstream.request(self.command, target.path + (f"?{target.query}" if target.query else ""),
                                     body, headers)
                    answer = upstream.getresponse()
                    data = answer.read()
                finally:
                    upstream.close()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _forward

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, scheme: str = "http", user: str | None = None, password: str | None = None) -> str:
        login = f"{quote(user, safe='')}:{quote(password or '', safe='')}@" if user is not None else ""
        return f"{scheme}://{login}127.0.0.1:{self.port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _exactly(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


class Socks5Proxy:
    """A SOCKS5 server (RFC 1928, with the RFC 1929 login) that records logins and relays CONNECTs."""

    def __init__(self) -> None:
        self.logins: list[tuple[str, str]] = []
        self.connects: list[tuple[str, int]] = []
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                try:
                    outer._serve(conn)
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.tcp = Server(("127.0.0.1", 0), Handler)
        self.port = self.tcp.server_address[1]
        threading.Thread(target=self.tcp.serve_forever, args=(0.05,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        _version, count_ = _exactly(conn, 2)
        methods = _exactly(conn, count_)
        if 2 in methods:
            conn.sendall(b"\x05\x02")
            _exactly(conn, 1)
            user = _exactly(conn, _exactly(conn, 1)[0]).decode()
            password = _exactly(conn, _exactly(conn, 1)[0]).decode()
            self.logins.append((user, password))
            conn.sendall(b"\x01\x00")
        else:
            conn.sendall(b"\x05\x00")
        _version, _command, _reserved, kind = _exactly(conn, 4)
        if kind == 1:
            host = socket.inet_ntoa(_exactly(conn, 4))
        elif kind == 3:
            host = _exactly(conn, _exactly(conn, 1)[0]).decode()
        else:
            host = socket.inet_ntop(socket.AF_INET6, _exactly(conn, 16))
        (port,) = struct.unpack("!H", _exactly(conn, 2))
        self.connects.append((host, port))
        upstream = socket.create_connection((host, port), timeout=10)
        conn.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("0.0.0.0") + b"\x00\x00")

        def pump(source: socket.socket, sink: socket.socket) -> None:
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            finally:
                for s in (source, sink):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        back = threading.Thread(target=pump, args=(upstream, conn), daemon=True)
        back.start()
        pump(conn, upstream)
        back.join(10)
        upstream.close()

    def url(self, scheme: str, user: str, password: str) -> str:
        return f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}@127.0.0.1:{self.port}"

    def close(self) -> None:
        self.tcp.shutdown()
        self.tcp.server_close()


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    srv = ForwardProxy()
    yield srv
    srv.close()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment without any proxy setting of the machine running the tests."""
    for name in PROXY_ENV:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def make_client(host: str, **settings: Any) -> client.ApiClient:
    config = client.Configuration(host=host, username="u", password="p")
    config.retries = 0
    for name, value in settings.items():
        setattr(config, name, value)
    return client.ApiClient(config)


def get(api_client: client.ApiClient) -> Any:
    return finishes_within(30, lambda: variable_api.VariableApi(api_client).get_variable("k"))


def proxy_basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def _texts(exc: BaseException) -> str:
    return "\n".join([str(exc), repr(exc), "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))])


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_the_environments_proxy_is_used_with_its_credentials(server, proxy, env, variable):
    env.setenv(variable, proxy.url(user=PROXY_USER, password=PROXY_PASSWORD))
    server.default = Answer(body=VARIABLE)
    with make_client(server.host) as api_client:
        assert get(api_client).value == "v"
    ((method, target, headers),) = proxy.seen
    assert (method, target) == ("GET", f"{server.host}/variables/k")
    assert headers["Proxy-Authorization"] == proxy_basic(PROXY_USER, PROXY_PASSWORD)
    assert headers["Authorization"] == proxy_basic("u", "p")
    assert "Proxy-Authorization" not in server.last.headers and server.last.path == "/api/v1/variables/k"


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost,127.0.0.1", "*", ".0.0.1"])
def test_no_proxy_in_the_environment_bypasses_it(server, proxy, env, no_proxy):
    env.setenv("HTTP_PROXY", proxy.url())
    env.setenv("NO_PROXY", no_proxy)
    server.default = Answer(body=VARIABLE)
    with make_client(server.host) as api_client:
        assert get(api_client).value == "v"
    assert proxy.seen == [] and len(server.seen) == 1


def test_an_https_proxy_variable_does_not_apply_to_http(server, proxy, env):
    env.setenv("HTTPS_PROXY", proxy.url())
    server.default = Answer(body=VARIABLE)
    with make_client(server.host) as api_client:
        assert get(api_client).value == "v"
    assert proxy.seen == []


def test_trust_env_false_ignores_the_environment(server, proxy, env):
    env.setenv("HTTP_PROXY", proxy.url())
    server.default = Answer(body=VARIABLE)
    with make_client(server.host, trust_env=False) as api_client:
        assert get(api_client).value == "v"
    assert proxy.seen == [] and len(server.seen) == 1


def test_configuration_no_proxy_bypasses_the_environments_proxy_too(server, proxy, env):
    env.setenv("HTTP_PROXY", proxy.url())
    server.default = Answer(body=VARIABLE)
    with make_client(server.host, no_proxy="127.0.0.1") as api_client:
        assert get(api_client).value == "v"
    assert proxy.seen == []


def test_configuration_proxy_wins_over_the_environment(server, proxy, env):
    env.setenv("HTTP_PROXY", f"http://127.0.0.1:{refused_port()}")
    server.default = Answer(body=VARIABLE)
    with make_client(server.host, proxy=proxy.url()) as api_client:
        assert get(api_client).value == "v"
    assert len(proxy.seen) == 1


def test_credentials_in_configuration_proxy_are_sent_and_never_shown(server, proxy, env, caplog):
    server.default = Answer(status=500, body={"title": "down"})
    config_proxy = proxy.url(user=PROXY_USER, password=PROXY_PASSWORD)
    with caplog.at_level(logging.DEBUG), make_client(server.host, proxy=config_proxy, debug=True) as api_client:
        with pytest.raises(exceptions.ServiceException) as caught:
            get(api_client)
        shown = [repr(api_client.configuration), repr(api_client), _texts(caught.value)]
    ((_, _, headers),) = proxy.seen
    assert headers["Proxy-Authorization"] == proxy_basic(PROXY_USER, PROXY_PASSWORD)
    shown += [record.getMessage() for record in caplog.records]
    assert not [text for text in shown if PROXY_PASSWORD in text or quote(PROXY_PASSWORD, safe="") in text]
    count("faults survived")


@pytest.mark.parametrize("where", ["configuration", "environment"])
def test_a_proxy_that_cannot_be_reached_never_shows_its_password(server, env, caplog, where):
    url = f"http://{PROXY_USER}:{quote(PROXY_PASSWORD, safe='')}@127.0.0.1:{refused_port()}"
    settings: dict[str, Any] = {"retries": 1, "debug": True}
    if where == "configuration":
        settings["proxy"] = url
    else:
        env.setenv("HTTP_PROXY", url)
    with caplog.at_level(logging.DEBUG), make_client(server.host, **settings) as api_client:
        with pytest.raises(exceptions.ApiConnectionError) as caught:
            get(api_client)
    shown = [_texts(caught.value)] + [record.getMessage() for record in caplog.records]
    assert "proxy" in shown[0].lower()
    assert not [text for text in shown if PROXY_PASSWORD in text or quote(PROXY_PASSWORD, safe="") in text]
    assert server.seen == []
    count("faults survived")


def test_an_explicit_proxy_authorization_header_wins_over_the_urls_credentials(server, proxy, env):
    server.default = Answer(body=VARIABLE)
    with make_client(server.host, proxy=proxy.url(user="a", password="b"),
                     proxy_headers={"Proxy-Authorization": "Bearer proxy-token"}) as api_client:
        assert get(api_client).value == "v"
    ((_, _, headers),) = proxy.seen
    assert headers["Proxy-Authorization"] == "Bearer proxy-token"


def test_an_unknown_proxy_scheme_is_refused_naming_it(server, env):
    with pytest.raises(exceptions.ApiValueError) as caught:
        make_client(server.host, proxy=f"ftp://{PROXY_USER}:{quote(PROXY_PASSWORD, safe='')}@127.0.0.1:21")
    assert "'ftp'" in str(caught.value) and PROXY_PASSWORD not in _texts(caught.value)


# -- SOCKS ---------------------------------------------------------------------------------------------------


@pytest.fixture
def socks() -> Iterator[Socks5Proxy]:
    srv = Socks5Proxy()
    yield srv
    srv.close()


@pytest.mark.parametrize("scheme", ["socks5", "socks5h"])
@pytest.mark.parametrize("where", ["configuration", "environment"])
def test_a_socks5_proxy_relays_the_call_with_its_login(server, socks, env, scheme, where):
    url = socks.url(scheme, PROXY_USER, PROXY_PASSWORD)
    settings: dict[str, Any] = {}
    if where == "configuration":
        settings["proxy"] = url
    else:
        env.setenv("ALL_PROXY", url)
    server.default = Answer(body=VARIABLE)
    with make_client(server.host, **settings) as api_client:
        assert get(api_client).value == "v"
    assert socks.logins == [(PROXY_USER, PROXY_PASSWORD)]
    assert socks.connects == [("127.0.0.1", server.port)]
    assert server.last.headers["Authorization"] == proxy_basic("u", "p")


NO_PYSOCKS = textwrap.dedent("""
    import sys
    sys.modules["socks"] = None  # as if PySocks were not installed
    import airflow_client.client as client

    config = client.Configuration(host="http://127.0.0.1:9/api/v1")
    config.proxy = sys.argv[1]
    try:
        client.ApiClient(config)
    except client.ApiValueError as exc:
        print("ApiValueError:", exc)
""")


@pytest.mark.parametrize("scheme", ["socks5", "socks5h", "socks4"])
def test_a_socks_proxy_without_pysocks_is_refused_saying_what_to_install(scheme):
    env = {k: v for k, v in os.environ.items() if k.lower() not in PROXY_ENV}
    url = f"{scheme}://{PROXY_USER.replace(' ', '')}:{quote(PROXY_PASSWORD, safe='')}@127.0.0.1:1080"
    done = subprocess.run([sys.executable, "-c", NO_PYSOCKS, url], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.startswith("ApiValueError:") and "pip install pysocks" in done.stdout, done.stdout + done.stderr
    assert PROXY_PASSWORD not in done.stdout and quote(PROXY_PASSWORD, safe="") not in done.stdout
