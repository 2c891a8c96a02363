"""Threads: one ApiClient shared by 16 threads, 1,000 calls each, against a keep-alive loopback server.

The server (the unit tests' loopback server) runs in a process of its own, so that it does not compete
with the 16 client threads for this interpreter's lock; it reports what it saw through a pipe.

Every call must succeed with its own answer (no answer crosses to another thread), and the server
must see no more client connections than `Configuration.connection_pool_maxsize`: threads beyond it
wait for a free connection instead of opening more. The same load again through `async_req=True`
on `ApiClient(pool_threads=16)`.
"""

from __future__ import annotations

import multiprocessing
import threading
from multiprocessing.connection import Connection
from typing import Any, Iterator, NamedTuple

import pytest

import airflow_client.client as client
from airflow_client.client.api import pool_api, variable_api

from .conftest import Answer, count, open_loopback

THREADS = 16
CALLS_PER_THREAD = 1000


def answer_by_path(seen: Any) -> Answer:
    """Each answer is derived from its request, so a mixed-up answer cannot pass for the right one."""
    kind, _, name = seen.path.rpartition("/")
    if kind.endswith("/variables"):
        return Answer(body={"key": name, "value": f"value of {name}", "description": None})
    return Answer(body={"name": name, "slots": len(name), "occupied_slots": 0, "open_slots": len(name)})


def serve(pipe: Connection) -> None:
    """In the server process: run a loopback server until told to stop, reporting what it saw."""
    srv = open_loopback()
    srv.handler = answer_by_path
    pipe.send(srv.port)
    while pipe.recv() == "report":
        pipe.send((len(srv.seen), sorted(srv.peers)))
    srv.close()


class KeepAliveServer(NamedTuple):
    host: str
    pipe: Connection

    def seen_and_peers(self) -> tuple[int, list[tuple[str, int]]]:
        self.pipe.send("report")
        return self.pipe.recv()  # type: ignore[no-any-return]


@pytest.fixture
def keep_alive() -> Iterator[KeepAliveServer]:
    spawn = multiprocessing.get_context("spawn")
    pipe, child_end = spawn.Pipe()
    process = spawn.Process(target=serve, args=(child_end,), daemon=True)
    process.start()
    try:
        assert pipe.poll(60), "the server process did not start"
        port = pipe.recv()
        yield KeepAliveServer(f"http://127.0.0.1:{port}/api/v1", pipe)
    finally:
        pipe.send("stop")
        process.join(10)
        if process.is_alive():
            process.kill()


def make_config(srv: KeepAliveServer) -> client.Configuration:
    config = client.Configuration(host=srv.host, username="u", password="p")
    config.retries = 0  # a failed call must show as an error, not be hidden by a retry
    return config


def check(result: Any, thread: int, i: int) -> bool:
    if i % 2 == 0:
        return result.key == f"v{thread}-{i}" and result.value == f"value of v{thread}-{i}"
    name = f"p{thread}-{i}"
    return result.name == name and result.slots == len(name)


def call(variables: variable_api.VariableApi, pools: pool_api.PoolApi, thread: int, i: int, **options: Any) -> Any:
    if i % 2 == 0:
        return variables.get_variable(f"v{thread}-{i}", **options)
    return pools.get_pool(f"p{thread}-{i}", **options)


def test_one_client_shared_by_16_threads_making_1000_calls_each(keep_alive):
    config = make_config(keep_alive)
    errors: list[str] = []
    done = [0] * THREADS
    with client.ApiClient(config) as api_client:
        variables, pools = variable_api.VariableApi(api_client), pool_api.PoolApi(api_client)

        def work(thread: int) -> None:
            for i in range(CALLS_PER_THREAD):
                try:
                    result = call(variables, pools, thread, i)
                except Exception as exc:  # counted, not raised: every error is reported below
                    errors.append(f"thread {thread} call {i}: {type(exc).__name__}: {exc}")
                    continue
                if not check(result, thread, i):
                    errors.append(f"thread {thread} call {i}: wrong answer {result!r}")
                done[thread] += 1

        threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
    calls = THREADS * CALLS_PER_THREAD
    count("calls made", sum(done))
    count("errors", len(errors))
    assert not errors, f"{len(errors)} errors, first: {errors[:3]}"
    seen, peers = keep_alive.seen_and_peers()
    assert sum(done) == calls and seen == calls
    assert 1 <= len(peers) <= config.connection_pool_maxsize, peers


def test_the_same_load_through_async_req_on_16_pool_threads(keep_alive):
    config = make_config(keep_alive)
    errors: list[str] = []
    with client.ApiClient(config, pool_threads=THREADS) as api_client:
        variables, pools = variable_api.VariableApi(api_client), pool_api.PoolApi(api_client)
        pending = [
            (t, i, call(variables, pools, t, i, async_req=True))
            for t in range(THREADS) for i in range(CALLS_PER_THREAD)
        ]
        made = 0
        for t, i, result in pending:
            try:
                value = result.get(timeout=120)
            except Exception as exc:
                errors.append(f"call {t}/{i}: {type(exc).__name__}: {exc}")
                continue
            made += 1
            if not check(value, t, i):
                errors.append(f"call {t}/{i}: wrong answer {value!r}")
    count("calls made", made)
    count("errors", len(errors))
    assert not errors, f"{len(errors)} errors, first: {errors[:3]}"
    seen, peers = keep_alive.seen_and_peers()
    assert made == THREADS * CALLS_PER_THREAD == seen
    assert 1 <= len(peers) <= config.connection_pool_maxsize, peers
