"""Fixtures that run a real Airflow server for the integration tests, and clients that talk to it.

The server and its runs are set up with the harness's own raw HTTP calls (``tools/local_airflow.py``),
never through ``airflow_client``, so a bug in the client cannot hide behind its own set-up. Only the
client fixtures at the end import the client.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from test import server_files
from test.server_files import THIS_SERVER_ONLY, poll, write_atomically
from tools import local_airflow  # the repo root is on sys.path because test/ is a package

REPO_ROOT = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO_ROOT / "test" / "dags"
INTEGRATION_DIR = Path(__file__).resolve().parent

FINISHED_DAGS = ("ti_plain", "ti_mapped", "ti_retry")
BLOCKED_DAG = "ti_blocked"
# DAGs of the DAG, DAG run, dataset, XCom, event log, import error, stats and warning tests.
DATASET_DAGS = ("dataset_producer", "dataset_consumer", "dataset_pair")
API_DAGS = ("dag_profile", "run_parked", "toggle_one", "toggle_two", *DATASET_DAGS)
ALL_DAGS = (*FINISHED_DAGS, BLOCKED_DAG, *API_DAGS)

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


@pytest.fixture(scope="session")
def ti_states(airflow: LocalAirflow) -> Callable[[str, str], dict[str, Any]]:
    """A callable ``(dag_id, run_id) -> {task_id: state}``, read with a raw call (map indexes of a task
    collapse onto its id)."""

    def read(dag_id: str, run_id: str) -> dict[str, Any]:
        quote = local_airflow.quote_segment
        path = f"/dags/{quote(dag_id)}/dagRuns/{quote(run_id)}/taskInstances"
        status, body = airflow.request("GET", path)
        assert status == 200, f"reading task instances of {dag_id}/{run_id} failed: {status} {body}"
        return {ti["task_id"]: ti["state"] for ti in body["task_instances"]}

    return read


@pytest.fixture(scope="session")
def dataset_flow_started(airflow: LocalAirflow) -> str:
    """Run id of the session's one dataset_producer run, triggered but not waited for.

    Ask for it early to let the run go on while other tests run; ``dataset_flow`` waits for it.
    """
    status, body = airflow.request("PATCH", "/dags/dataset_consumer?update_mask=is_paused", {"is_paused": False})
    assert status == 200, f"unpausing dataset_consumer failed: {status} {body}"
    return airflow.trigger_run("dataset_producer")


@pytest.fixture(scope="session")
def dataset_flow(airflow: LocalAirflow, dataset_flow_started: str) -> dict[str, str]:
    """``{"producer": run_id, "consumer": run_id}``: the finished dataset_producer run and the
    dataset_consumer run that its update of s3://client-test/orders started, also finished.

    dataset_producer is triggered only by ``dataset_flow_started``, so it has exactly one run in the session.
    """
    producer = dataset_flow_started
    _expect_state(airflow, "dataset_producer", producer, airflow.wait_for_run("dataset_producer", producer), "success")
    deadline = time.monotonic() + 120
    while True:
        status, body = airflow.request("GET", "/dags/dataset_consumer/dagRuns")
        runs = [r for r in body.get("dag_runs", []) if r["run_type"] == "dataset_triggered"] if status == 200 else []
        if runs:
            break
        if time.monotonic() > deadline:
            pytest.fail(f"no dataset_triggered run of dataset_consumer; scheduler log tail:\n"
                        f"{airflow.log_tail('scheduler')}", pytrace=False)
        time.sleep(0.5)
    consumer = runs[0]["dag_run_id"]
    _expect_state(airflow, "dataset_consumer", consumer, airflow.wait_for_run("dataset_consumer", consumer), "success")
    return {"producer": producer, "consumer": consumer}


@dataclass(frozen=True)
class SessionDagFiles:
    """DAGs whose files are written into the DAGs folder after the server started, removed at session end."""

    interval_dag: str  # paused at creation, on a fixed timedelta schedule of 1 day 6 hours
    doomed_dag: str  # for delete_dag: a test removes its file first so that it does not come back
    doomed_file: Path


_DAG_BODY = """\
    from datetime import timedelta

    import pendulum
    from airflow import DAG
    from airflow.operators.empty import EmptyOperator

    with DAG(
        dag_id={dag_id!r},
        schedule={schedule},
        start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
        catchup=False,
        is_paused_upon_creation=True,
        tags=["client-test"],
    ) as dag:
        EmptyOperator(task_id="noop")
"""


@pytest.fixture(scope="session")
def session_dag_files(airflow: LocalAirflow) -> Iterator[SessionDagFiles]:
    """Two DAGs that only this session's server sees, parsed and listed.

    They cannot live in test/dags: other test sessions share the folder, and a deleted DAG would
    come back from its file.
    """
    prefix = f"_session_{secrets.token_hex(4)}"
    header = THIS_SERVER_ONLY.format(home=str(airflow.home))
    files = SessionDagFiles("session_interval", "session_doomed", DAGS_FOLDER / f"{prefix}_doomed.py")
    interval_file = DAGS_FOLDER / f"{prefix}_interval.py"
    try:
        write_atomically(interval_file, header + _DAG_BODY.format(
            dag_id=files.interval_dag, schedule="timedelta(days=1, hours=6)"))
        write_atomically(files.doomed_file, header + _DAG_BODY.format(dag_id=files.doomed_dag, schedule="None"))

        def listed() -> bool:
            status, body = airflow.request("GET", "/dags?dag_id_pattern=session_&only_active=true")
            return status == 200 and {files.interval_dag, files.doomed_dag} <= {d["dag_id"] for d in body["dags"]}

        poll(airflow, listed, f"DAGs {files.interval_dag} and {files.doomed_dag}")
        yield files
    finally:
        interval_file.unlink(missing_ok=True)
        files.doomed_file.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def broken_dag_file(airflow: LocalAirflow) -> Iterator[Path]:
    """A DAG file that fails to import on this session's server, listed by /importErrors; only for the
    module that asks for it."""
    with server_files.broken_dag_file(airflow, DAGS_FOLDER) as path:
        yield path


@pytest.fixture
def cleanup(airflow: LocalAirflow) -> Iterator[list[str]]:
    """API paths to DELETE (as admin, with raw calls) once the test is over, whatever happened."""
    yield from server_files.deleted_afterwards(airflow)


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


@pytest.fixture(scope="module")
def api(request: pytest.FixtureRequest, admin_client: Any) -> Any:
    """The API class a test module names in its ``API`` attribute, as the Admin user."""
    return request.module.API(admin_client)


@pytest.fixture(scope="module")
def viewer_api(request: pytest.FixtureRequest, viewer_client: Any) -> Any:
    """The module's ``API`` class as the Viewer user."""
    return request.module.API(viewer_client)


@pytest.fixture(scope="module")
def conns(admin_client: Any) -> Any:
    """ConnectionApi as the Admin user."""
    from airflow_client.client.api import connection_api

    return connection_api.ConnectionApi(admin_client)


@pytest.fixture(scope="module")
def variables(admin_client: Any) -> Any:
    """VariableApi as the Admin user."""
    from airflow_client.client.api import variable_api

    return variable_api.VariableApi(admin_client)


@pytest.fixture(scope="module")
def pools(admin_client: Any) -> Any:
    """PoolApi as the Admin user."""
    from airflow_client.client.api import pool_api

    return pool_api.PoolApi(admin_client)
