"""Fixtures that run a real Airflow server for the integration tests, and clients that talk to it.

The server and its runs are set up with the harness's own raw HTTP calls (``tools/local_airflow.py``),
never through ``airflow_client``, so a bug in the client cannot hide behind its own set-up. Only the
client fixtures at the end import the client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tools import local_airflow  # the repo root is on sys.path because test/ is a package

REPO_ROOT = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO_ROOT / "test" / "dags"
INTEGRATION_DIR = Path(__file__).resolve().parent

FINISHED_DAGS = ("ti_plain", "ti_mapped", "ti_retry")
BLOCKED_DAG = "ti_blocked"
ALL_DAGS = (*FINISHED_DAGS, BLOCKED_DAG)

LocalAirflow = local_airflow.LocalAirflow


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "integration: needs the real Airflow server of test/integration")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item, not only ours, so filter by location.
    for item in items:
        if INTEGRATION_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def airflow() -> Iterator[LocalAirflow]:
    """A started Airflow server over test/dags, in a fresh AIRFLOW_HOME, stopped at session end."""
    server = LocalAirflow(DAGS_FOLDER)
    try:
        server.start(wait_for_dags=ALL_DAGS)
        yield server
    finally:
        server.stop()


def _expect_state(airflow: LocalAirflow, dag_id: str, run_id: str, state: str, expected: str) -> None:
    if state != expected:
        pytest.fail(
            f"run {dag_id}/{run_id} ended {state!r}, expected {expected!r}; scheduler log tail:\n"
            f"{airflow.log_tail('scheduler')}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def finished_runs(airflow: LocalAirflow) -> dict[str, str]:
    """dag_id -> run_id of one successful run each of ti_plain, ti_mapped and ti_retry."""
    # Trigger all first so the scheduler can interleave them, then wait.
    runs = {dag_id: airflow.trigger_run(dag_id) for dag_id in FINISHED_DAGS}
    for dag_id, run_id in runs.items():
        _expect_state(airflow, dag_id, run_id, airflow.wait_for_run(dag_id, run_id), "success")
    return runs


@pytest.fixture(scope="session")
def blocked_run(airflow: LocalAirflow) -> str:
    """Run id of a ti_blocked run that stays queued: its task instances have no state."""
    # The DAG is created paused; pausing again guards against a test that unpaused it earlier.
    status, body = airflow.request("PATCH", f"/dags/{BLOCKED_DAG}?update_mask=is_paused", {"is_paused": True})
    assert status == 200, f"pausing {BLOCKED_DAG} failed: {status} {body}"
    return airflow.trigger_run(BLOCKED_DAG)


@pytest.fixture(scope="session")
def trigger_and_wait(airflow: LocalAirflow) -> Callable[..., str]:
    """A callable ``(dag_id, *, conf=None, expect="success", timeout=300) -> run_id``.

    It triggers a fresh run and waits for it to finish; ``expect=None`` accepts any final state.
    """

    def run(dag_id: str, *, conf: dict | None = None, expect: str | None = "success",
            timeout: float = 300) -> str:
        run_id = airflow.trigger_run(dag_id, conf=conf)
        state = airflow.wait_for_run(dag_id, run_id, timeout=timeout)
        if expect is not None:
            _expect_state(airflow, dag_id, run_id, state, expect)
        return run_id

    return run


def _client(airflow: LocalAirflow, user: tuple[str, str] | None) -> Iterator[Any]:
    import airflow_client.client as client

    config = client.Configuration(host=airflow.host)
    if user is not None:
        config.username, config.password = user
    with client.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture(scope="session")
def admin_client(airflow: LocalAirflow) -> Iterator[Any]:
    """An ``ApiClient`` logged in as the Admin user."""
    yield from _client(airflow, airflow.admin)


@pytest.fixture(scope="session")
def viewer_client(airflow: LocalAirflow) -> Iterator[Any]:
    """An ``ApiClient`` logged in as a user with the Viewer role (reads some things, writes nothing)."""
    yield from _client(airflow, airflow.viewer)


@pytest.fixture(scope="session")
def anonymous_client(airflow: LocalAirflow) -> Iterator[Any]:
    """An ``ApiClient`` that sends no credentials."""
    yield from _client(airflow, None)
