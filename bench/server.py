"""A loopback HTTP/1.1 keep-alive server answering canned Airflow JSON, run in its own process.

It answers as Airflow 2.11 under `/api/v1` (basic auth) and as Airflow 3.3 under `/api/v2` (a bearer
token; `/api/v2/version` without one, which is how a client given the server root finds Airflow 3).

    python bench/server.py      prints its port (a JSON line), then serves until stdin closes

Its own process keeps its CPU time out of the client's figures. It stops when its parent closes
its stdin (or dies), and in any case after MAX_LIFETIME seconds.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import payloads

MAX_LIFETIME = 30 * 60
EXPECTED_AUTH = "Basic " + base64.b64encode(b"admin:admin").decode()
EXPECTED_BEARER = "Bearer " + payloads.V2_TOKEN
VERSION_V2 = json.dumps({"version": "3.3.2", "git_version": None}).encode()
TI_LIST = re.compile(r"^/api/v1/dags/([^/]+)/dagRuns/([^/]+)/taskInstances$")
TI_LIST_V2 = re.compile(r"^/api/v2/dags/([^/]+)/dagRuns/([^/]+)/taskInstances$")
RUN_LIST = re.compile(r"^/api/v1/dags/([^/]+)/dagRuns$")
TI_ONE = re.compile(r"^/api/v1/dags/([^/]+)/dagRuns/([^/]+)/taskInstances/([^/]+)$")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Airflow's server does
    # Without it, Nagle's algorithm meets the client's delayed ACK and each call waits ~40 ms.
    disable_nagle_algorithm = True
    pages: dict[tuple[str, int], bytes] = {}

    def log_message(self, format: str, *args: object) -> None:
        pass  # a line per request would cost more than the answer

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _authorized(self, expected: str = EXPECTED_AUTH) -> bool:
        # Every contender must pay for the same header; a missing one would be an unfair shortcut.
        if self.headers.get("Authorization") == expected:
            return True
        self._answer(401, b'{"title": "Unauthorized", "status": 401}')
        return False

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        if path.startswith("/api/v2/"):
            self._get_v2(path, url.query)
            return
        if not self._authorized():
            return
        limit = int(parse_qs(url.query).get("limit", ["100"])[0])
        if TI_LIST.match(path):
            body = self.pages.get(("ti", limit))
        elif RUN_LIST.match(path):
            body = self.pages.get(("run", limit))
        else:
            body = None
        if body is None:
            self._answer(404, b'{"title": "Not Found", "status": 404}')
        else:
            self._answer(200, body)

    def _get_v2(self, path: str, query: str) -> None:
        if path == "/api/v2/version":
            self._answer(200, VERSION_V2)
            return
        if not self._authorized(EXPECTED_BEARER):
            return
        limit = int(parse_qs(query).get("limit", ["50"])[0])
        body = self.pages.get(("ti_v2", limit)) if TI_LIST_V2.match(path) else None
        if body is None:
            self._answer(404, b'{"detail": "Not Found"}')
        else:
            self._answer(200, body)

    def do_PATCH(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))  # drained to keep the connection usable
        if not self._authorized():
            return
        found = TI_ONE.match(urlsplit(self.path).path)
        if found is None or not body.startswith(b"{"):
            self._answer(400, b'{"title": "Bad Request", "status": 400}')
            return
        dag_id, run_id, task_id = (unquote(part) for part in found.groups())
        self._answer(200, payloads.task_instance_reference(dag_id, run_id, task_id))


def build_pages() -> dict[tuple[str, int], bytes]:
    """Every answer serialized once, before the first request, so serving is a plain write."""
    return {
        ("ti", 100): payloads.task_instance_page(100),
        ("ti", 10_000): payloads.task_instance_page(10_000),
        ("run", 100): payloads.dag_run_page(100),
        ("ti_v2", 100): payloads.task_instance_page_v2(100),
    }


def main() -> None:
    if hasattr(os, "sched_setaffinity") and len(sys.argv) > 1:
        # The parent may give the server a core of its own, away from the measured client.
        os.sched_setaffinity(0, {int(sys.argv[1])})
    Handler.pages = build_pages()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    deadline = threading.Timer(MAX_LIFETIME, lambda: os._exit(0))
    deadline.daemon = True
    deadline.start()
    # The parent learns the port and, for the report, how big each canned answer is.
    sizes = {f"{kind}_{limit}": len(body) for (kind, limit), body in Handler.pages.items()}
    print(json.dumps({"port": server.server_address[1], "sizes": sizes}), flush=True)
    sys.stdin.read()  # returns when the parent closes the pipe or exits
    server.shutdown()


if __name__ == "__main__":
    main()
