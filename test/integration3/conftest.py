"""Fixtures that run real Airflow 3.3.2 servers on loopback for the tests of test/integration3.

The servers are set up with raw HTTP through the harness (``tools/local_airflow.py``,
``tools/local_airflow3.py``), never through ``airflow_client``; ``v2_client`` and ``v2_viewer_client`` are
the client under test. The servers parse ``test/dags3``:
the same DAG ids and behaviour as the Airflow 2 tests' ``test/dags``, plus the Airflow-3-only DAGs
whose ids start with ``af3_``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import airflow_client.client as client
from test import server_files
from tools.local_airflow import dag_ids_in, quote_segment
from tools.local_airflow3 import TEST_DAGS3, LocalAirflow3, LocalAirflow3Fab

FINISHED_DAGS = ("ti_plain", "ti_mapped", "ti_retry")
BLOCKED_DAG = "ti_blocked"
ALL_DAGS = dag_ids_in(TEST_DAGS3)


@pytest.fixture(scope="session")
def airflow3() -> Iterator[LocalAirflow3]:
    """Airflow 3.3.2 with the simple auth manager (users ``admin`` and ``viewer``), every test DAG listed.

    ``base_url`` is the server root (``/auth/token`` lives there), ``host`` the REST API root
    (``.../api/v2``); ``admin`` and ``viewer`` are (username, password) pairs.
    """
    with LocalAirflow3(TEST_DAGS3) as server:
        server.wait_for_dags(ALL_DAGS)
        yield server


@pytest.fixture(scope="session")
def airflow3_fab() -> Iterator[LocalAirflow3Fab]:
    """A second Airflow 3.3.2 server, with the FAB auth manager: ``admin`` (Admin role) and ``viewer``
    (Viewer role). Started only for the tests that ask for it."""
    with LocalAirflow3Fab(TEST_DAGS3) as server:
        yield server


@pytest.fixture(scope="session")
def started_runs3(airflow3: LocalAirflow3) -> dict[str, str]:
    """dag_id -> run_id of one run each of ti_plain, ti_mapped and ti_retry, triggered but not waited for.

    Ask for it early to let the runs go on while other tests run; ``finished_runs3`` waits for them.
    """
    # Triggered together so the scheduler runs them side by side.
    return {dag_id: airflow3.trigger_run(dag_id) for dag_id in FINISHED_DAGS}


@pytest.fixture(scope="session")
def finished_runs3(airflow3: LocalAirflow3, started_runs3: dict[str, str]) -> dict[str, str]:
    """The runs of ``started_runs3``, all finished successfully."""
    runs = started_runs3
    states = {dag_id: airflow3.wait_for_run(dag_id, run_id) for dag_id, run_id in runs.items()}
    if set(states.values()) != {"success"}:
        pytest.fail(f"runs did not all succeed: {states}; scheduler log tail:\n{airflow3.log_tail('scheduler')}",
                    pytrace=False)
    return runs


@pytest.fixture(scope="session")
def blocked_run3(airflow3: LocalAirflow3) -> str:
    """Run id of a ti_blocked run that stays queued: its task instances have no state."""
    # The DAG is created paused; pausing again guards against a test that unpaused it earlier.
    airflow3.set_paused(BLOCKED_DAG, True)
    return airflow3.trigger_run(BLOCKED_DAG)


@pytest.fixture(scope="session")
def plain_run3(airflow3: LocalAirflow3) -> str:
    """Run id of a ti_plain run of its own, finished successfully; for the modules that sort before
    test_harness3, whose first test needs the runs of ``started_runs3`` still going when it starts."""
    run_id = airflow3.trigger_run("ti_plain")
    state = airflow3.wait_for_run("ti_plain", run_id)
    if state != "success":
        pytest.fail(f"ti_plain run {run_id} ended {state}; scheduler log tail:\n{airflow3.log_tail('scheduler')}",
                    pytrace=False)
    return run_id


@pytest.fixture(scope="session")
def producer_run3(airflow3: LocalAirflow3) -> str:
    """Run id of one finished dataset_producer run: XComs pushed by real tasks (a dict returned, a key
    pushed by hand, a mapped task's values) and the event log entries of its task instances."""
    run_id = airflow3.trigger_run("dataset_producer")
    state = airflow3.wait_for_run("dataset_producer", run_id)
    if state != "success":
        pytest.fail(f"dataset_producer ended {state}; scheduler log tail:\n{airflow3.log_tail('scheduler')}",
                    pytrace=False)
    return run_id


@pytest.fixture(scope="session")
def ti_states3(airflow3: LocalAirflow3) -> Callable[[str, str], dict[str, Any]]:
    """A callable ``(dag_id, run_id) -> {task_id: state}``, read with a raw call."""

    def read(dag_id: str, run_id: str) -> dict[str, Any]:
        path = f"/dags/{quote_segment(dag_id)}/dagRuns/{quote_segment(run_id)}/taskInstances"
        status, body = airflow3.request("GET", path)
        assert status == 200, f"reading task instances of {dag_id}/{run_id} failed: {status} {body}"
        return {ti["task_id"]: ti["state"] for ti in body["task_instances"]}

    return read


@pytest.fixture(scope="module")
def broken_dag_file3(airflow3: LocalAirflow3) -> Iterator[Path]:
    """A DAG file in the shared test DAGs folder that fails to import on this session's server only,
    listed by /importErrors; removed afterwards, and its import error waited away."""
    with server_files.broken_dag_file(airflow3, TEST_DAGS3) as path:
        yield path


@pytest.fixture
def cleanup(airflow3: LocalAirflow3) -> Iterator[list[str]]:
    """API paths to DELETE (as admin, with raw calls) once the test is over, whatever happened."""
    yield from server_files.deleted_afterwards(airflow3)


# --- the Airflow-3-only operations (test_v2_*3.py) ---------------------------------------------------

# Runs of the af3_* DAGs and own runs of shared DAGs that the v2 modules change (delete, patch, clear):
# triggered together, once, so the scheduler runs them side by side while the first tests go on.
V2_RUN_DAGS = ("af3_group", "af3_hitl", "af3_alias", "ti_plain", "ti_mapped")


@pytest.fixture(scope="session")
def v2_runs(airflow3: LocalAirflow3) -> dict[str, str]:
    """dag_id -> run_id of one run each of ``V2_RUN_DAGS``, triggered but not waited for.

    The af3_hitl run stops at its human-in-the-loop task until a test answers it.
    """
    return {dag_id: airflow3.trigger_run(dag_id) for dag_id in V2_RUN_DAGS}


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 120, interval: float = 0.5) -> Any:
    """Poll ``condition`` until it returns something truthy, and return that; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:.0f} s", pytrace=False)
        time.sleep(interval)


def _api_client(host: str, user: tuple[str, str]) -> Iterator[client.ApiClient]:
    config = client.Configuration(host=host, username=user[0], password=user[1])
    with client.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture(scope="session")
def v2_client(airflow3: LocalAirflow3) -> Iterator[client.ApiClient]:
    """An ``ApiClient`` of the admin user, given the server root as host."""
    yield from _api_client(airflow3.base_url, airflow3.admin)


@pytest.fixture(scope="session")
def v2_viewer_client(airflow3: LocalAirflow3) -> Iterator[client.ApiClient]:
    """An ``ApiClient`` of the viewer user, given the REST API root (``.../api/v2``) as host."""
    yield from _api_client(airflow3.host, airflow3.viewer)
