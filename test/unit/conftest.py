"""A real HTTP/1.1 server on loopback that records every request and answers what a test tells it."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

import airflow_client.client as client
from airflow_client.client.api import task_instance_api


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    target: str  # the raw request target: path and query, percent-encoded as sent
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: bytes | str | Any = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def encoded(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        body = self.body
        if isinstance(body, (bytes, bytearray)):
            data = bytes(body)
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            data = body.encode()
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
        else:
            data = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json")
        return data, headers


class LoopbackServer:
    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.peers: set[tuple[str, int]] = set()  # client (host, port) pairs: one per connection
        self.answers: deque[Answer] = deque()
        self.default = Answer()
        self.handler: Callable[[Seen], Answer] | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else headers and body wait on delayed ACKs

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, dict(self.headers.items()), body)
                outer.seen.append(seen)
                outer.peers.add(self.client_address)
                if outer.handler is not None:
                    answer = outer.handler(seen)
                else:
                    answer = outer.answers.popleft() if outer.answers else outer.default
                if answer.delay:
                    time.sleep(answer.delay)
                data, headers = answer.encoded()
                try:
                    self.send_response(answer.status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.host = f"http://127.0.0.1:{self.port}/api/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def reply(self, *answers: Answer) -> None:
        self.answers.extend(answers)

    @property
    def last(self) -> Seen:
        return self.seen[-1]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.close()


@pytest.fixture
def config(server: LoopbackServer) -> client.Configuration:
    cfg = client.Configuration(host=server.host, username="alice", password="s3cret-pw")
    cfg.retries = 0
    return cfg


@pytest.fixture
def api_client(config: client.Configuration) -> Iterator[client.ApiClient]:
    with client.ApiClient(config) as c:
        yield c


@pytest.fixture
def ti_api(api_client: client.ApiClient) -> task_instance_api.TaskInstanceApi:
    return task_instance_api.TaskInstanceApi(api_client)


def task_instance_json(**overrides: Any) -> dict[str, Any]:
    """A task instance as Airflow 2.11 answers it, every field present."""
    ti = {
        "dag_id": "example",
        "dag_run_id": "manual__2024-01-01T00:00:00+00:00",
        "duration": 1.25,
        "end_date": "2024-01-01T00:00:03.250000+00:00",
        "execution_date": "2024-01-01T00:00:00+00:00",
        "executor": None,
        "executor_config": "{}",
        "hostname": "worker-1",
        "map_index": -1,
        "max_tries": 1,
        "note": None,
        "operator": "PythonOperator",
        "pid": 4242,
        "pool": "default_pool",
        "pool_slots": 1,
        "priority_weight": 2,
        "queue": "default",
        "queued_when": "2024-01-01T00:00:01.000000+00:00",
        "rendered_fields": {"templates_dict": None, "op_args": []},
        "rendered_map_index": None,
        "sla_miss": None,
        "start_date": "2024-01-01T00:00:02+00:00",
        "state": "success",
        "task_display_name": "say_hello",
        "task_id": "say_hello",
        "trigger": None,
        "triggerer_job": None,
        "try_number": 1,
        "unixname": "airflow",
    }
    ti.update(overrides)
    return ti
