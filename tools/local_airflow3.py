"""Run a throwaway Apache Airflow 3.3.2 server on loopback for integration tests.

The shared machinery (venv, processes, start, stop, raw HTTP) is ``tools/local_airflow.py``'s
:class:`~tools.local_airflow.AirflowServer`; this module says what differs in Airflow 3: an API
server (REST API v2 at ``/api/v2``), a second API server for the execution API that the tasks call
back into, a scheduler with the LocalExecutor, a separate DAG processor and a triggerer, and bearer
tokens from ``POST /auth/token`` instead of basic auth.

Why two API servers: with SQLite, Airflow 3.3.2's API server can block itself.  Its audit log
commits on the event loop; when another request of the same process holds SQLite's write lock and
needs that loop to commit, both wait for SQLite's busy timeout and one fails with a 500 "Database
error".  Task processes write through the execution API all the time, so with one server a test's
POST failed about once in 30 while DAGs ran; with the execution API in its own process none did.
Concurrent writes from several client threads to the one REST API server can still stall that way
(for the 20 s lock timeout set here).

:class:`LocalAirflow3` uses Airflow's default simple auth manager, :class:`LocalAirflow3Fab` the FAB
auth manager (users and roles in the database, ``/auth/fab/v1``).  Both have an ``admin`` user and a
``viewer`` one.  Run one from the command line with ``python tools/local_airflow.py --airflow 3 [--fab]``.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path
from typing import Any, ClassVar

from tools.local_airflow import REPO_ROOT, SETTINGS_MODULE, AirflowRelease, AirflowServer, free_port, http_json

# The FAB provider declares Requires-Python ">=3.11"; Airflow 3.3 itself supports 3.10 to 3.14.
AIRFLOW_3 = AirflowRelease(
    "3.3.2",
    ("apache-airflow==3.3.2", "apache-airflow-providers-fab==3.10.2"),
    ((3, 11), (3, 12), (3, 13), (3, 14)),
)

TEST_DAGS3 = REPO_ROOT / "test" / "dags3"
# DAG files of test/dags3 whose names start so exist only there: they use what only Airflow 3 has (assets
# made by ``@asset``, asset aliases, backfills, human-in-the-loop tasks, task state stores).
AIRFLOW3_ONLY_PREFIX = "af3_"

# Signs the API's tokens (HS512 wants 64 bytes or more); fixed, so every process of a server agrees.
_JWT_SECRET = "airflow-client-test-jwt-secret-" + "0123456789abcdef" * 4


class LocalAirflow3(AirflowServer):
    """Airflow 3.3.2 with the simple auth manager: users ``admin`` (role admin) and ``viewer``."""

    release = AIRFLOW_3
    api_path = "/api/v2"
    health_path = "/monitor/health"
    _list_dags = "/dags?limit=100&exclude_stale=true"
    # The v2 trigger body requires the key, null meaning "no logical date".
    _trigger_needs_logical_date = True
    # The start polls health twice a second, and each answer is an access log line.
    _log_noise: ClassVar[tuple[str, ...]] = ("path=/api/v2/monitor/health",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tokens: dict[tuple[str, str], str] = {}
        # Ports of our own: two servers on one machine must not read each other's task logs.
        self._worker_log_port = free_port()
        self._trigger_log_port = free_port()
        self.execution_api_url = f"http://127.0.0.1:{free_port()}/execution/"

    def _commands(self) -> dict[str, list[str]]:
        execution_port = str(urllib.parse.urlsplit(self.execution_api_url).port)
        return {
            "api_server": ["api-server", "--port", str(self.port), "--host", "127.0.0.1", "--workers", "1",
                           "--apps", "core"],
            "execution_api": ["api-server", "--port", execution_port, "--host", "127.0.0.1", "--workers", "1",
                              "--apps", "execution"],
            # Its log server lets the API read a running task's log, as in a real deployment.
            "scheduler": ["scheduler"],
            "dag_processor": ["dag-processor"],
            # No deferrable task here, so nothing for its log server to serve.
            "triggerer": ["triggerer", "--skip-serve-logs"],
        }

    def _settings(self) -> dict[str, str]:
        return {
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            # One worker process per slot is started up front; the test DAGs need a few.
            "AIRFLOW__CORE__PARALLELISM": "8",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{self.admin[0]}:admin,{self.viewer[0]}:viewer",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self._passwords_file),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": self.execution_api_url,
            "AIRFLOW__API__BASE_URL": self.base_url,
            "AIRFLOW__API__EXPOSE_CONFIG": "True",
            "AIRFLOW__API__SECRET_KEY": "airflow-client-test-secret-key",
            "AIRFLOW__API_AUTH__JWT_SECRET": _JWT_SECRET,
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(self._worker_log_port),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(self._trigger_log_port),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS": f"{SETTINGS_MODULE}.SQLITE_CONNECT_ARGS",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC": f"{SETTINGS_MODULE}.SQLITE_CONNECT_ARGS_ASYNC",
            # List the folder and parse quickly and often: the DAGs are tiny, and tests add files.
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "10",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "10",
        }

    @property
    def _passwords_file(self) -> Path:
        return self.home / "simple_auth_manager_passwords.json"

    def _prepare(self, deadline: float) -> None:
        # Without it the simple auth manager makes up passwords and writes them there.
        users = dict((self.admin, self.viewer))
        self._passwords_file.write_text(json.dumps(users), encoding="utf-8")

    def _is_ready(self, health: Any) -> bool:
        parts = ("metadatabase", "scheduler", "dag_processor", "triggerer")
        if not (isinstance(health, dict) and all((health.get(part) or {}).get("status") == "healthy"
                                                 for part in parts)):
            return False
        # The REST API's health does not cover the execution API, which the first task needs.
        try:
            status, _ = http_json("GET", self.execution_api_url + "health", timeout=5)
        except OSError:
            return False
        return status == 200

    def token(self, user: tuple[str, str] | None = None, *, fresh: bool = False) -> str:
        """An access token (JWT) for ``user`` (default: admin), kept for later calls unless ``fresh``."""
        user = user or self.admin
        if fresh or user not in self._tokens:
            status, answer = http_json(
                "POST", f"{self.base_url}/auth/token", {"username": user[0], "password": user[1]},
                {"Accept": "application/json"},
            )
            if status != 201 or not isinstance(answer, dict) or "access_token" not in answer:
                raise RuntimeError(f"getting a token for {user[0]!r} failed: {status} {answer}")
            self._tokens[user] = answer["access_token"]
        return self._tokens[user]

    def _authorization(self, user: tuple[str, str]) -> str:
        return "Bearer " + self.token(user)


class LocalAirflow3Fab(LocalAirflow3):
    """Airflow 3.3.2 with the FAB auth manager: ``admin`` has the Admin role, ``viewer`` the Viewer
    role; users and roles are also served at ``/auth/fab/v1``. Unlike :class:`LocalAirflow3`, it enables
    ``[core] test_connection``."""

    # Hundreds of permission-sync lines at the first start.
    _log_noise = (*LocalAirflow3._log_noise, "loc=override.py:")

    def _settings(self) -> dict[str, str]:
        settings = super()._settings()
        del settings["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"]
        del settings["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]
        settings["AIRFLOW__CORE__AUTH_MANAGER"] = (
            "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager"
        )
        # Connection tests run here; the other server keeps Airflow's default (Disabled), so tests
        # see both answers.
        settings["AIRFLOW__CORE__TEST_CONNECTION"] = "Enabled"
        return settings

    def _prepare(self, deadline: float) -> None:
        self._create_admin(deadline)

    def _after_ready(self) -> None:
        self._create_viewer()
