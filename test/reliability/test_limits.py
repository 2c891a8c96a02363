"""Answer size: a body is read up to `Configuration.max_response_size` bytes once decoded, no further.

A compressed answer is decoded piece by piece and refused as soon as it passes the cap, so a small
gzip body that inflates to hundreds of megabytes costs about the cap in memory, not its inflated size.
"""

from __future__ import annotations

import gzip
import json
import socket
import tracemalloc
import zlib

import pytest

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import variable_api

from .conftest import Answer, ExactAnswer, RawServer, count, finishes_within

MB = 1024 * 1024
INFLATED = 200 * MB
CAP = 10 * MB
VARIABLE = {"key": "k", "value": "v", "description": None}


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """About 200 KB of gzip that inflates to 200 MB of zeros, made without holding the 200 MB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    zeros = bytes(MB)
    out = [packer.compress(zeros) for _ in range(INFLATED // MB)]
    out.append(packer.flush())
    return b"".join(out)


def make_client(host: str, cap: int | None = CAP, maxsize: int = 4) -> client.ApiClient:
    config = client.Configuration(host=host)
    config.retries = 0
    config.max_response_size = cap
    config.connection_pool_maxsize = maxsize
    config.pool_timeout = 2.0
    return client.ApiClient(config)


def get(api_client: client.ApiClient) -> object:
    return finishes_within(60, lambda: variable_api.VariableApi(api_client).get_variable("k"))


def test_a_gzip_bomb_is_refused_at_the_cap_in_little_memory(server, bomb):
    assert len(bomb) < MB
    server.reply(ExactAnswer(body=bomb, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}))
    server.default = Answer(body=VARIABLE)
    # One connection: the next call only works if the refused answer gave its connection back.
    with make_client(server.host, maxsize=1) as api_client:
        tracemalloc.start()
        try:
            with pytest.raises(exceptions.ResponseTooLarge) as caught:
                get(api_client)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert get(api_client).value == "v"
    assert peak < 32 * MB, f"{peak / MB:.1f} MB held to refuse a {INFLATED // MB} MB answer"
    err = caught.value
    assert isinstance(err, exceptions.ApiException) and err.status == 200 and err.limit == CAP
    message = str(err)
    assert f"max_response_size ({CAP} bytes)" in message
    assert f"GET {server.host}/variables/k" in message
    count("faults survived")


def test_a_declared_length_over_the_cap_is_refused_before_reading(server):
    body = b"[" + b"0," * (MB // 2) + b"0]"
    server.reply(Answer(body=body))
    server.default = Answer(body=VARIABLE)
    with make_client(server.host, cap=MB // 2, maxsize=1) as api_client:
        with pytest.raises(exceptions.ResponseTooLarge) as caught:
            get(api_client)
        assert get(api_client).value == "v"
    assert caught.value.headers["Content-Length"] == str(len(body))
    count("faults survived")


def _chunked(size: int):
    def behaviour(srv: RawServer, conn: socket.socket) -> None:
        if srv.read_request(conn) is None:
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                     b"Connection: close\r\n\r\n")
        piece = b" " * (64 * 1024)
        sent = 0
        try:
            while sent < size:
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            conn.sendall(b'5\r\n"big"\r\n0\r\n\r\n')
        except OSError:
            pass  # the client stopped reading at its cap
    return behaviour


def test_a_chunked_answer_of_no_declared_length_is_refused_at_the_cap(raw_server):
    srv = raw_server(_chunked(64 * MB))
    with make_client(srv.host, cap=2 * MB) as api_client:
        with pytest.raises(exceptions.ResponseTooLarge):
            get(api_client)
    count("faults survived")


def test_a_chunked_answer_under_the_cap_is_read_in_full(raw_server):
    srv = raw_server(_chunked(MB))
    with make_client(srv.host, cap=2 * MB) as api_client:
        resp = finishes_within(30, lambda: api_client.rest_client.request("GET", srv.host + "/x"))
    assert resp.data.strip() == b'"big"' and len(resp.data) == MB + 5


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_answer_under_the_cap_is_decoded(server, encoding):
    body = json.dumps(VARIABLE).encode()
    packed = gzip.compress(body) if encoding == "gzip" else zlib.compress(body)
    server.reply(ExactAnswer(body=packed, headers={"Content-Type": "application/json", "Content-Encoding": encoding}))
    with make_client(server.host, cap=len(body)) as api_client:
        assert get(api_client).value == "v"


def test_an_answer_of_exactly_the_cap_is_read(server):
    body = json.dumps(dict(VARIABLE, description="d" * 1000)).encode()
    server.reply(Answer(body=body))
    with make_client(server.host, cap=len(body)) as api_client:
        assert get(api_client).description == "d" * 1000


def test_max_response_size_none_reads_any_size(server, bomb):
    headers = {"Content-Type": "text/plain", "Content-Encoding": "gzip"}
    server.reply(ExactAnswer(body=bomb[: 64 * 1024], headers=headers))
    with make_client(server.host, cap=None) as api_client:
        resp = api_client.rest_client.request("GET", server.host + "/x")
    assert len(resp.data) > CAP and set(resp.data) == {0}


def test_an_error_answer_is_capped_too(server, bomb):
    server.reply(ExactAnswer(status=500, body=bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}))
    with make_client(server.host) as api_client:
        with pytest.raises(exceptions.ResponseTooLarge) as caught:
            get(api_client)
    assert caught.value.status == 500


def test_the_error_answer_to_a_streamed_call_is_read_within_the_cap(server, bomb):
    server.reply(ExactAnswer(status=500, body=bomb,
                             headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}))
    server.default = Answer(body=VARIABLE)
    with make_client(server.host, maxsize=1) as api_client:
        api = variable_api.VariableApi(api_client)
        tracemalloc.start()
        try:
            with pytest.raises(exceptions.ResponseTooLarge):
                finishes_within(60, lambda: api.get_variable("k", _preload_content=False))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 4 * CAP
        assert get(api_client).value == "v"  # the refused answer gave its one connection back
