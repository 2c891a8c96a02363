"""Fixtures that run real Airflow 3.3.2 servers on loopback for the tests of test/integration3.

Everything here talks raw HTTP through the harness (``tools/local_airflow.py``,
``tools/local_airflow3.py``), never through ``airflow_client``. The servers parse ``test/dags3``:
the same DAG ids and behaviour as the Airflow 2 tests' ``test/dags``, plus the Airflow-3-only DAGs
whose ids start with ``af3_``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tools.local_airflow import dag_ids_in
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

