"""Faults: servers that refuse, reset, stall or fail in passing, each a real server on loopback.

What must hold (docs/call-options.md, "Timeouts and retries"): every call ends, in a value or an
`ApiException`; the default timeout is finite; idempotent requests (GET, PUT, DELETE) are retried on
connection errors and on 429/500/502/503/504 with exponential backoff, at most `Configuration.retries`
times, honouring `Retry-After`; a POST or PATCH that reached the server is never sent twice; and
nothing is retried on 400/401/403/404/409.
"""

from __future__ import annotations

import datetime
import email.utils
import itertools
import math
import socket
import threading
import time
from collections import defaultdict
from typing import Any, Callable

import pytest
import urllib3

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import dag_api, variable_api
from airflow_client.client.rest import make_timeout

from .conftest import Answer, RawServer, count, finishes_within, http_answer, refused_port, reset, silent

VARIABLE = {"key": "k", "value": "v", "description": None}


def make_client(host: str, *, retries: Any = 3, timeout: Any = (2.0, 5.0)) -> client.ApiClient:
    config = client.Configuration(host=host, username="u", password="p")
    config.retries = retries
    config.timeout = timeout
    return client.ApiClient(config)


def variables(api_client: client.ApiClient) -> variable_api.VariableApi:
    return variable_api.VariableApi(api_client)


class Script:
    """A loopback handler answering each path from its own list in turn (the last answer repeats).

    It records when each request arrived, per path, so the gaps between retries are measured on the
    server side.
    """

    def __init__(self, *answers: Answer) -> None:
        self.answers = answers
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def __call__(self, seen: Any) -> Answer:
        with self._lock:
            times = self.arrivals[seen.path]
            times.append(time.monotonic())
            return self.answers[min(len(times), len(self.answers)) - 1]

    def gaps(self, path: str) -> list[float]:
        times = self.arrivals[path]
        return [later - earlier for earlier, later in itertools.pairwise(times)]


def survived() -> None:
    count("faults survived")


# -- the default timeout ------------------------------------------------------------------------------------


def test_the_default_timeout_is_finite_for_connect_and_read():
    config = client.Configuration()
    timeout = make_timeout(config.timeout)
    assert timeout is not None
    assert 0 < timeout.connect_timeout < math.inf and 0 < timeout.read_timeout < math.inf
    with client.ApiClient(config) as api_client:
        pool_timeout = api_client.rest_client.pool_manager.connection_pool_kw["timeout"]
        assert 0 < pool_timeout.connect_timeout < math.inf and 0 < pool_timeout.read_timeout < math.inf


# -- no server, a silent server, a server that hangs up ------------------------------------------------------


def test_a_refused_connection_is_an_api_connection_error_with_its_cause():
    host = f"http://127.0.0.1:{refused_port()}/api/v1"
    with make_client(host, retries=0) as api_client:
        with pytest.raises(exceptions.ApiConnectionError) as caught:
            variables(api_client).get_variable("k")
    err = caught.value
    assert err.status is None and err.method == "GET" and err.url == host + "/variables/k"
    assert isinstance(err.__cause__, urllib3.exceptions.HTTPError)
    assert "refused" in str(err).lower()
    survived()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_refused_connection_is_retried_within_the_backoff_bound_then_given_up(method):
    host = f"http://127.0.0.1:{refused_port()}/api/v1"
    with make_client(host, retries=3) as api_client:
        api = variables(api_client)
        started = time.monotonic()
        with pytest.raises(exceptions.ApiConnectionError) as caught:
            if method == "get":
                api.get_variable("k")
            else:  # never connected, so never sent: retrying a POST here is safe
                api.post_variables({"key": "k", "value": "v"})
        elapsed = time.monotonic() - started
    # Backoff ceilings for 3 retries: 0, 1 and 2 seconds (backoff_factor 0.5, full jitter).
    assert elapsed < 3.0 + 2.0, elapsed
    assert isinstance(caught.value.__cause__, urllib3.exceptions.MaxRetryError)
    survived()


def test_a_server_that_never_answers_is_ended_by_a_short_configuration_timeout(raw_server):
    srv = raw_server(silent)
    with make_client(srv.host, retries=0, timeout=0.5) as api_client:
        started = time.monotonic()
        with pytest.raises(exceptions.ApiConnectionError) as caught:
            variables(api_client).get_variable("k")
        elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 3.0, elapsed
    assert isinstance(caught.value.__cause__, urllib3.exceptions.ReadTimeoutError)
    assert len(srv.requests) == 1
    survived()


def test_a_connect_read_timeout_pair_and_a_per_call_timeout_end_a_silent_server_too(raw_server):
    srv = raw_server(silent)
    with make_client(srv.host, retries=0, timeout=(1.0, 0.4)) as api_client:
        started = time.monotonic()
        with pytest.raises(exceptions.ApiConnectionError):
            variables(api_client).get_variable("k")
        assert time.monotonic() - started < 3.0
        survived()
    with make_client(srv.host, retries=0) as api_client:  # (2, 5) in the configuration, 0.3 for this call
        started = time.monotonic()
        with pytest.raises(exceptions.ApiConnectionError):
            variables(api_client).get_variable("k", _request_timeout=0.3)
        assert time.monotonic() - started < 2.0
        survived()


def test_a_silent_server_is_retried_for_a_get_at_most_retries_times(raw_server):
    srv = raw_server(silent)
    with make_client(srv.host, retries=3, timeout=0.3) as api_client:
        started = time.monotonic()
        with pytest.raises(exceptions.ApiConnectionError):
            variables(api_client).get_variable("k")
        elapsed = time.monotonic() - started
    assert len(srv.requests) == 4  # the first try and 3 retries
    assert elapsed < 4 * 0.3 + 3.0 + 2.0, elapsed
    survived()


def post_or_patch(api_client: client.ApiClient, method: str) -> Any:
    api = variables(api_client)
    if method == "post_variables":
        return api.post_variables({"key": "k", "value": "v"})
    return api.patch_variable("k", {"key": "k", "value": "v"})


def assert_sent_once_without_an_answer(srv: RawServer, method: str, timeout: Any = (2.0, 5.0)) -> None:
    """A POST or PATCH, with retries on, that got no answer: ApiConnectionError, and the server saw it once."""
    with make_client(srv.host, retries=3, timeout=timeout) as api_client:
        with pytest.raises(exceptions.ApiConnectionError):
            post_or_patch(api_client, method)
    time.sleep(0.2)  # a retry, if any, would have arrived by now
    assert [r.method for r in srv.requests] == ["POST" if method == "post_variables" else "PATCH"]
    survived()


@pytest.mark.parametrize("method", ["post_variables", "patch_variable"])
def test_a_post_or_patch_to_a_silent_server_is_sent_once(raw_server, method):
    assert_sent_once_without_an_answer(raw_server(silent), method, timeout=0.3)


def test_a_server_that_stalls_in_the_middle_of_a_body_is_ended_by_the_read_timeout(raw_server):
    def stall(srv: RawServer, conn: socket.socket) -> None:
        srv.read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"key\"")
        srv.stopping.wait(60)

    srv = raw_server(stall)
    with make_client(srv.host, retries=0, timeout=0.5) as api_client:
        started = time.monotonic()
        with pytest.raises(exceptions.ApiConnectionError):
            variables(api_client).get_variable("k")
        assert time.monotonic() - started < 3.0
    survived()


def _reset_mid_body(srv: RawServer, conn: socket.socket) -> None:
    srv.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                 b'{"key": "k", "value": "' + b"x" * 100)
    time.sleep(0.05)
    reset(conn)


def test_a_connection_reset_in_the_middle_of_a_body_is_an_api_connection_error(raw_server):
    srv = raw_server(_reset_mid_body)
    with make_client(srv.host, retries=0) as api_client:
        with pytest.raises(exceptions.ApiConnectionError) as caught:
            variables(api_client).get_variable("k")
    assert caught.value.status is None and caught.value.__cause__ is not None
    assert len(srv.requests) == 1
    survived()


def test_a_get_reset_in_the_middle_of_a_body_is_retried_and_succeeds(raw_server):
    def reset_then_answer(srv: RawServer, conn: socket.socket) -> None:
        if len(srv.requests) == 0:
            _reset_mid_body(srv, conn)
        elif srv.read_request(conn):
            conn.sendall(http_answer(200, b'{"key": "k", "value": "v"}'))

    srv = raw_server(reset_then_answer)
    with make_client(srv.host, retries=3) as api_client:
        assert variables(api_client).get_variable("k").value == "v"
    assert len(srv.requests) == 2
    survived()


def _hang_up_after_reading(srv: RawServer, conn: socket.socket) -> None:
    srv.read_request(conn)
    reset(conn)


@pytest.mark.parametrize("method", ["post_variables", "patch_variable"])
@pytest.mark.parametrize("fault", ["reset before any answer", "reset in the middle of the body"])
def test_a_post_or_patch_reset_after_it_was_sent_is_not_sent_again(raw_server, method, fault):
    srv = raw_server(_hang_up_after_reading if fault == "reset before any answer" else _reset_mid_body)
    assert_sent_once_without_an_answer(srv, method)


# -- failing in passing: retried when idempotent -------------------------------------------------------------

IDEMPOTENT: list[tuple[str, str, Callable[[client.ApiClient], Any]]] = [
    ("GET", "/api/v1/variables/k", lambda c: variable_api.VariableApi(c).get_variable("k")),
    ("DELETE", "/api/v1/variables/k", lambda c: variable_api.VariableApi(c).delete_variable("k")),
    ("PUT", "/api/v1/parseDagFile/token", lambda c: dag_api.DAGApi(c).reparse_dag_file("token")),
]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("method, path, call", IDEMPOTENT, ids=[m for m, _, _ in IDEMPOTENT])
def test_an_idempotent_request_failing_in_passing_is_retried_and_succeeds(server, status, method, path, call):
    script = Script(Answer(status=status, body={"title": "down"}), Answer(status=200, body=VARIABLE))
    server.handler = script
    with make_client(server.host, retries=3) as api_client:
        result = call(api_client)
    if method == "GET":
        assert result.value == "v"
    assert [(s.method, s.path) for s in server.seen] == [(method, path)] * 2
    survived()


def test_retries_back_off_exponentially_and_stop_after_configuration_retries(server):
    """16 clients at once against a server that always answers 503: 4 tries each, gaps within 0/1/2 s."""
    script = Script(Answer(status=503, body={"title": "Service Unavailable"}))
    server.handler = script
    errors: dict[int, BaseException] = {}

    def one(i: int) -> None:
        with make_client(server.host, retries=3) as api_client:
            try:
                variables(api_client).get_variable(f"k{i}")
            except BaseException as exc:
                errors[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    gaps = [script.gaps(f"/api/v1/variables/k{i}") for i in range(16)]
    assert all(len(g) == 3 for g in gaps), gaps  # 1 try + Configuration.retries (3), then given up
    for exc in errors.values():
        assert type(exc) is exceptions.ServiceException and exc.status == 503, exc
        assert "Service Unavailable" in exc.body
    assert len(errors) == 16
    slack = 0.75  # a loaded machine delays threads; the ceilings themselves are 0, 1 and 2 seconds
    assert all(g[0] < 0 + slack for g in gaps), gaps
    assert all(g[1] < 1.0 + slack for g in gaps), gaps
    assert all(g[2] < 2.0 + slack for g in gaps), gaps
    # Full jitter draws each wait from [0, ceiling]: with 16 clients, the third wait exceeds the second
    # ceiling for some of them unless the ceiling did not grow (odds 2**-16).
    assert max(g[2] for g in gaps) > 1.0, gaps
    assert max(g[1] for g in gaps) > 0.25, gaps
    survived()


@pytest.mark.parametrize("retries, tries", [(0, 1), (1, 2), (2, 3)])
def test_the_number_of_tries_is_one_plus_configuration_retries(server, retries, tries):
    server.handler = Script(Answer(status=502, body=b"<html>bad gateway</html>", headers={"Content-Type": "text/html"}))
    with make_client(server.host, retries=retries) as api_client:
        with pytest.raises(exceptions.ServiceException) as caught:
            variables(api_client).get_variable("k")
    assert caught.value.status == 502 and caught.value.body == "<html>bad gateway</html>"
    assert len(server.seen) == tries
    survived()


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(server, status):
    script = Script(Answer(status=status, body={"title": "slow down"}, headers={"Retry-After": "1"}),
                    Answer(status=200, body=VARIABLE))
    server.handler = script
    with make_client(server.host, retries=3) as api_client:
        assert variables(api_client).get_variable("k").key == "k"
    (gap,) = script.gaps("/api/v1/variables/k")
    assert 0.95 <= gap < 1.0 + 1.5, gap
    survived()


@pytest.mark.parametrize("status", [429, 500, 503])
@pytest.mark.parametrize("method", ["post_variables", "patch_variable"])
def test_a_post_or_patch_answered_with_a_passing_failure_is_sent_once(server, status, method):
    server.handler = Script(Answer(status=status, body={"title": "busy"}, headers={"Retry-After": "0"}),
                            Answer(status=200, body=VARIABLE))
    with make_client(server.host, retries=3) as api_client:
        with pytest.raises(exceptions.ApiException) as caught:
            post_or_patch(api_client, method)
    assert caught.value.status == status
    time.sleep(0.1)
    assert len(server.seen) == 1
    survived()


NOT_RETRIED = [(400, exceptions.BadRequestException), (401, exceptions.UnauthorizedException),
               (403, exceptions.ForbiddenException), (404, exceptions.NotFoundException),
               (409, exceptions.ConflictException)]


@pytest.mark.parametrize("status, cls", NOT_RETRIED)
@pytest.mark.parametrize("method, path, call", IDEMPOTENT, ids=[m for m, _, _ in IDEMPOTENT])
def test_a_client_error_is_never_retried(server, status, cls, method, path, call):
    server.handler = Script(Answer(status=status, body={"title": "no", "status": status}),
                            Answer(status=200, body=VARIABLE))
    with make_client(server.host, retries=3) as api_client:
        with pytest.raises(cls) as caught:
            call(api_client)
    assert caught.value.status == status and caught.value.title == "no"
    assert [(s.method, s.path) for s in server.seen] == [(method, path)]
    survived()


def test_a_client_error_on_a_post_is_not_retried_either(server):
    server.handler = Script(Answer(status=409, body={"title": "exists"}), Answer(status=200, body=VARIABLE))
    with make_client(server.host, retries=3) as api_client:
        with pytest.raises(exceptions.ConflictException):
            variables(api_client).post_variables({"key": "k", "value": "v"})
    assert len(server.seen) == 1
    survived()


def test_a_urllib3_retry_given_as_configuration_retries_is_used_as_is(server):
    server.handler = Script(Answer(status=503), Answer(status=503), Answer(status=200, body=VARIABLE))
    with make_client(server.host, retries=urllib3.Retry(total=1, status_forcelist=[503], backoff_factor=0,
                                                        raise_on_status=False)) as api_client:
        with pytest.raises(exceptions.ServiceException):
            variables(api_client).get_variable("k")
    assert len(server.seen) == 2
    survived()


# -- Retry-After: honoured up to Configuration.max_retry_after, never for 413 --------------------------------

IN_AN_HOUR = email.utils.format_datetime(datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1),
                                         usegmt=True)


@pytest.mark.parametrize("retry_after", ["3600", IN_AN_HOUR], ids=["seconds", "http-date"])
def test_a_retry_after_beyond_max_retry_after_returns_the_503_at_once(server, retry_after):
    server.handler = Script(Answer(status=503, body={"title": "maintenance"}, headers={"Retry-After": retry_after}),
                            Answer(status=200, body=VARIABLE))
    with make_client(server.host, retries=3) as api_client:
        started = time.monotonic()
        with pytest.raises(exceptions.ServiceException) as caught:
            finishes_within(10, lambda: variables(api_client).get_variable("k", _request_timeout=2))
        elapsed = time.monotonic() - started
    assert elapsed < 2.0, elapsed
    assert caught.value.status == 503 and caught.value.title == "maintenance"
    assert len(server.seen) == 1
    survived()


def test_max_retry_after_is_configurable(server):
    def slow_down_once() -> Script:
        server.handler = script = Script(Answer(status=429, body={"title": "slow down"}, headers={"Retry-After": "2"}),
                                         Answer(status=200, body=VARIABLE))
        return script

    config = client.Configuration(host=server.host)
    config.max_retry_after = 1
    script = slow_down_once()
    with client.ApiClient(config) as api_client:
        with pytest.raises(exceptions.ApiException) as caught:
            finishes_within(10, lambda: variables(api_client).get_variable("k"))
    assert caught.value.status == 429 and script.gaps("/api/v1/variables/k") == []
    config.max_retry_after = 2.5  # read when the client is made
    script = slow_down_once()
    with client.ApiClient(config) as api_client:
        assert finishes_within(10, lambda: variables(api_client).get_variable("k")).value == "v"
    (gap,) = script.gaps("/api/v1/variables/k")
    assert 1.9 <= gap < 2.0 + 1.5, gap
    survived()


def test_a_413_is_never_retried_even_with_retry_after(server):
    server.handler = Script(Answer(status=413, body={"title": "too large"}, headers={"Retry-After": "1"}),
                            Answer(status=200, body=VARIABLE))
    with make_client(server.host, retries=3) as api_client:
        with pytest.raises(exceptions.ApiException) as caught:
            finishes_within(10, lambda: variables(api_client).get_variable("k"))
    assert caught.value.status == 413
    assert len(server.seen) == 1
    survived()


def test_an_unreadable_retry_after_falls_back_to_the_backoff(server):
    server.handler = Script(Answer(status=503, body={"title": "busy"}, headers={"Retry-After": "soon"}),
                            Answer(status=200, body=VARIABLE))
    with make_client(server.host, retries=3) as api_client:
        assert finishes_within(10, lambda: variables(api_client).get_variable("k")).value == "v"
    assert len(server.seen) == 2
    survived()


# -- the read timeout bounds the whole answer of a try -------------------------------------------------------

DRIP_EVERY = 0.25  # seconds between two bytes: far below any read timeout here, so only a deadline ends it


def _drip(srv: RawServer, conn: socket.socket, head: bytes, drip: bytes) -> None:
    """Read the request, send `head` at once, then `drip` one byte at a time."""
    if srv.read_request(conn) is None:
        return
    conn.sendall(head)
    for byte in drip:
        if srv.stopping.wait(DRIP_EVERY):
            return
        conn.sendall(bytes([byte]))


def drip_body(srv: RawServer, conn: socket.socket) -> None:
    body = b'{"key": "k", "value": "' + b"v" * 200 + b'"}'
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    _drip(srv, conn, head, body)


def drip_headers(srv: RawServer, conn: socket.socket) -> None:
    _drip(srv, conn, b"HTTP/1.1 200 OK\r\n", b"X-Slow: " + b"s" * 200 + b"\r\nContent-Length: 2\r\n\r\n{}")


@pytest.mark.parametrize("configured, per_call", [
    ((2.0, 5.0), 1.5),
    ((2.0, 5.0), (1.0, 1.5)),
    (1.5, None),
    ((1.0, 1.5), None),
], ids=["per-call total", "per-call pair", "configured total", "configured pair"])
def test_a_server_dripping_the_body_is_ended_by_the_read_timeout(raw_server, configured, per_call):
    srv = raw_server(drip_body)
    options = {} if per_call is None else {"_request_timeout": per_call}
    with make_client(srv.host, retries=0, timeout=configured) as api_client:
        started = time.monotonic()
        with pytest.raises(exceptions.ApiConnectionError) as caught:
            finishes_within(15, lambda: variables(api_client).get_variable("k", **options))
        elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 1.5 + 1.5, elapsed
    assert "timed out" in str(caught.value) and "1.5 s" in str(caught.value)
    assert isinstance(caught.value.__cause__, urllib3.exceptions.ReadTimeoutError)
    survived()


def test_a_streamed_call_has_its_status_line_and_headers_bounded(raw_server):
    srv = raw_server(drip_headers)
    with make_client(srv.host, retries=0) as api_client:
        started = time.monotonic()
        with pytest.raises(exceptions.ApiConnectionError):
            finishes_within(15, lambda: variables(api_client).get_variable(
                "k", _preload_content=False, _request_timeout=(1.0, 1.5)))
        assert time.monotonic() - started < 1.5 + 1.5
    survived()


def test_a_streamed_body_is_the_callers_to_read_past_the_deadline(raw_server):
    body = b'{"key": "k", "value": "slow"}'
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    srv = raw_server(lambda srv, conn: _drip(srv, conn, head, body))  # about 7 s of body
    with make_client(srv.host, retries=0) as api_client:
        resp = variables(api_client).get_variable("k", _preload_content=False, _request_timeout=(1.0, 1.0))
        try:
            assert resp.read() == body
        finally:
            resp.release_conn()
    survived()


def test_each_try_of_a_get_gets_its_own_deadline(raw_server):
    srv = raw_server(drip_body)
    with make_client(srv.host, retries=1, timeout=(1.0, 1.0)) as api_client:
        started = time.monotonic()
        with pytest.raises(exceptions.ApiConnectionError):
            finishes_within(15, lambda: variables(api_client).get_variable("k"))
        elapsed = time.monotonic() - started
    assert len(srv.requests) == 2
    assert 1.9 < elapsed < 2 * 1.0 + 2.0, elapsed  # the first retry has no backoff
    survived()


@pytest.mark.parametrize("method", ["post_variables", "patch_variable"])
def test_a_post_or_patch_past_its_deadline_is_sent_once(raw_server, method):
    assert_sent_once_without_an_answer(raw_server(drip_body), method, timeout=(1.0, 1.0))
