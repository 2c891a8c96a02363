"""Shared pieces of the reliability battery: servers that behave and servers that misbehave, and tallies.

The well-behaved HTTP server is the unit tests' loopback server, imported from `test.unit.conftest`
(not copied): a real `http.server` on 127.0.0.1 that records every request and answers what a test
tells it. Servers that `http.server` cannot play (one that never answers, one that resets a
connection in the middle of a body, one that hangs up after reading a request) are raw sockets here.

Every module adds what it tried to `TALLY`; the totals are printed at the end of the session as
`reliability: ...` lines, whatever the pytest verbosity.
"""

from __future__ import annotations

import os
import socket
import socketserver
import ssl
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, TypeVar

import pytest
import trustme
from hypothesis import HealthCheck, settings

# The loopback server and its fixture come from the unit tests; `server` becomes a fixture here too.
from test.unit.conftest import Answer, LoopbackServer, Seen, server, task_instance_json  # noqa: F401

T = TypeVar("T")

TALLY: Counter[str] = Counter()
_TALLY_LOCK = threading.Lock()

# RELIABILITY_SCALE=0.1 runs a tenth of the generated examples, for a quick look while editing.
SCALE = float(os.environ.get("RELIABILITY_SCALE", "1"))


def count(key: str, n: int = 1) -> None:
    with _TALLY_LOCK:
        TALLY[key] += n


def examples(n: int) -> settings:
    """Hypothesis settings for a property run over `n` generated inputs (scaled), without deadlines.

    Loopback round trips on a loaded 2-core machine vary too much for per-example deadlines; the
    battery's own time budget is what matters.
    """
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
        print_blob=True,
    )


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    write = terminalreporter.write_line
    for key in ("bad inputs tried", "bodies fuzzed", "faults survived"):
        if key in TALLY:
            write(f"reliability: {key}: {TALLY[key]}")
    if "calls made" in TALLY:
        write(f"reliability: calls made: {TALLY['calls made']}, errors: {TALLY['errors']}")


# -- well-behaved servers --------------------------------------------------------------------------


class ExactAnswer(Answer):
    """An answer whose headers are sent exactly as given: no Content-Type is added when there is none."""

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        body = self.body if isinstance(self.body, (bytes, bytearray)) else str(self.body).encode()
        return bytes(body), dict(self.headers)


def open_loopback() -> LoopbackServer:
    srv = LoopbackServer()
    # http.server listens with a backlog of 5; many threads connecting at once would see SYN retries.
    srv.httpd.socket.listen(128)
    return srv


def tls_server(cert_and_key: tuple[bytes, bytes] | trustme.LeafCert, *, client_ca: trustme.CA | None = None) -> (
        LoopbackServer):
    """The loopback server, speaking TLS with this certificate; requiring a client cert from `client_ca`."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if isinstance(cert_and_key, trustme.LeafCert):
        cert_and_key.configure_cert(ctx)
    else:
        blob = cert_and_key[0] + cert_and_key[1]
        with trustme.Blob(blob).tempfile() as path:
            ctx.load_cert_chain(path)
    if client_ca is not None:
        ctx.verify_mode = ssl.CERT_REQUIRED
        client_ca.configure_trust(ctx)
    srv = open_loopback()
    # The handshake happens on the handler's first read, in its own thread, so a client that fails
    # it never blocks the accept loop; such failures are expected here, not worth a traceback.
    srv.httpd.socket = ctx.wrap_socket(srv.httpd.socket, server_side=True, do_handshake_on_connect=False)
    srv.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
    return srv


def https_host(srv: LoopbackServer) -> str:
    return f"https://127.0.0.1:{srv.port}/api/v1"


@pytest.fixture(scope="module")
def loopback() -> Iterator[LoopbackServer]:
    """One loopback server for a whole module: tests vary its answers instead of starting servers."""
    srv = open_loopback()
    yield srv
    srv.close()


# -- misbehaving servers ---------------------------------------------------------------------------


@dataclass
class RawRequest:
    at: float  # time.monotonic() when the request had been read in full
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class RawServer:
    """A TCP server on loopback whose every connection is handed to `behaviour(server, conn)`.

    `read_request` reads one HTTP/1.1 request off a connection and records it; what is answered, if
    anything, is up to the behaviour. `close()` ends every connection still open.
    """

    behaviour: Callable[[RawServer, socket.socket], None]
    requests: list[RawRequest] = field(default_factory=list)
    connections: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with outer._lock:
                    outer.connections += 1
                    outer._open.append(self.request)
                try:
                    outer.behaviour(outer, self.request)
                except OSError:
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 64

        self.tcp = Server(("127.0.0.1", 0), Handler)
        self.port = self.tcp.server_address[1]
        self.host = f"http://127.0.0.1:{self.port}/api/v1"
        self._thread = threading.Thread(target=self.tcp.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def read_request(self, conn: socket.socket) -> RawRequest | None:
        """One request read in full, or None if the client went away first."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            body += chunk
        request = RawRequest(time.monotonic(), method, target, headers, body)
        with self._lock:
            self.requests.append(request)
        return request

    def close(self) -> None:
        self.stopping.set()
        self.tcp.shutdown()
        self.tcp.server_close()
        with self._lock:
            for conn in self._open:
                try:
                    conn.close()
                except OSError:
                    pass


def reset(conn: socket.socket) -> None:
    """Close with a TCP RST instead of a FIN: the peer sees 'connection reset by peer'."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def http_answer(status: int, body: bytes = b"{}", content_type: str = "application/json", close: bool = True) -> bytes:
    head = f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
    if close:
        head += "Connection: close\r\n"
    return head.encode() + b"\r\n" + body


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[RawServer, socket.socket], None]], RawServer]]:
    """A factory of `RawServer`s, all closed at the end of the test."""
    made: list[RawServer] = []

    def make(behaviour: Callable[[RawServer, socket.socket], None]) -> RawServer:
        srv = RawServer(behaviour)
        made.append(srv)
        return srv

    yield make
    for srv in made:
        srv.close()


def finishes_within(seconds: float, call: Callable[[], T]) -> T:
    """`call()` run in a daemon thread: its result, or its exception raised here; fails if it is still running.

    For calls that would hang without the behaviour under test: the test fails instead of hanging.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]


def refused_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def silent(srv: RawServer, conn: socket.socket) -> None:
    """Accept, read the request, never answer (until the test ends)."""
    srv.read_request(conn)
    srv.stopping.wait(60)
