"""BackfillApi and DagVersionApi against a real Airflow 3.3.2: backfills of the daily ``af3_backfill`` that
create real runs, pause, resume and cancel; DAG versions.

``af3_backfill`` is paused at creation, so its runs exist only through the backfills made here; it is
unpaused for the backfill's runs to run, and paused again.  With SQLite, Airflow 3.3.2 may refuse a backfill
write with 503 "Database is locked ... not supported on SQLite under concurrent access" while other processes
write (tasks running at the same time): such a call is tried again, as a user would.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from airflow_client.client.api.backfill_api import BackfillApi
from airflow_client.client.api.dag_version_api import DagVersionApi
from airflow_client.client.exceptions import ApiException, ForbiddenException, NotFoundException
from airflow_client.client.models import (
    BackfillCollectionResponse,
    BackfillPostBody,
    BackfillResponse,
    DAGVersionCollectionResponse,
    DagVersionResponse,
    DryRunBackfillCollectionResponse,
)
from test.integration3.conftest import wait_for

pytestmark = pytest.mark.integration

DAG = "af3_backfill"
DATES = ["2024-01-01", "2024-01-02", "2024-01-03"]
BACKFILLED = DATES[:2]  # by the module's backfill; DATES[2] by the one cancelled first


T = TypeVar("T")


def unlocked(call: Callable[[], T], tries: int = 20) -> T:
    """``call()``, tried again while Airflow answers 503 "Database is locked" (its SQLite limit, see above)."""
    for _ in range(tries - 1):
        try:
            return call()
        except ApiException as exc:
            if exc.status != 503 or "Database is locked" not in str(exc):
                raise
        time.sleep(0.5)
    return call()


def body(first: str = DATES[0], last: str = DATES[-1], **extra: Any) -> dict[str, Any]:
    return {"dag_id": DAG, "from_date": f"{first}T00:00:00Z", "to_date": f"{last}T00:00:00Z", **extra}


@pytest.fixture(scope="module")
def api(v2_client: Any) -> BackfillApi:
    return BackfillApi(v2_client)


def runs_of(airflow3: Any) -> list[dict[str, Any]]:
    status, answer = airflow3.request("GET", f"/dags/{DAG}/dagRuns?order_by=logical_date")
    assert status == 200, answer
    return list(answer["dag_runs"])


@pytest.fixture(scope="module")
def backfill(api: BackfillApi, airflow3: Any) -> Iterator[BackfillResponse]:
    """A backfill over the DAG's first two days, made while the DAG is paused: its runs wait, queued."""
    made = unlocked(lambda: api.create_backfill(BackfillPostBody(**body(*BACKFILLED, max_active_runs=3,
                                                                        dag_run_conf={"source": "client"}))))
    yield made
    airflow3.set_paused(DAG, True)


def test_a_dry_run_lists_the_logical_dates_a_backfill_would_run(api):
    dry = api.create_backfill_dry_run(body())
    assert isinstance(dry, DryRunBackfillCollectionResponse) and dry.total_entries == 3
    assert [str(b.logical_date)[:10] for b in dry.backfills] == DATES


def test_a_dag_without_a_periodic_schedule_cannot_be_backfilled(api):
    with pytest.raises(ApiException) as caught:
        api.create_backfill_dry_run(body(dag_id="ti_plain"))
    assert caught.value.status == 422 and "non-periodic schedule" in str(caught.value)
    with pytest.raises(NotFoundException):
        api.create_backfill(body(dag_id="no_such_dag"))


def test_cancelling_a_backfill_fails_its_queued_run_and_completes_it(api, airflow3):
    # Runs before the module's backfill exists: one running backfill per DAG at a time.
    last = unlocked(lambda: api.create_backfill(body(DATES[2], DATES[2])))
    assert [r["logical_date"][:10] for r in runs_of(airflow3)] == [DATES[2]]
    cancelled = unlocked(lambda: api.cancel_backfill(last.id))
    assert isinstance(cancelled, BackfillResponse) and cancelled.completed_at is not None
    assert [(r["run_type"], r["state"]) for r in runs_of(airflow3)] == [("backfill", "failed")]
    with pytest.raises(ApiException) as caught:
        unlocked(lambda: api.pause_backfill(last.id))
    assert caught.value.status == 409
    with pytest.raises(NotFoundException):
        api.cancel_backfill(987654)


def test_create_backfill_makes_one_queued_run_per_date(api, backfill, airflow3):
    assert isinstance(backfill, BackfillResponse)
    assert (backfill.dag_id, backfill.is_paused, backfill.completed_at) == (DAG, False, None)
    assert backfill.max_active_runs == 3 and backfill.dag_run_conf == {"source": "client"}
    runs = runs_of(airflow3)[:2]
    assert [r["logical_date"][:10] for r in runs] == BACKFILLED
    assert {r["run_type"] for r in runs} == {"backfill"} and {r["state"] for r in runs} == {"queued"}
    assert all(r["conf"] == {"source": "client"} for r in runs)


def test_list_and_get_backfill(api, backfill):
    page = api.list_backfills(DAG)
    assert isinstance(page, BackfillCollectionResponse)
    assert backfill.id in [b.id for b in page.backfills]
    one = api.get_backfill(backfill.id)
    assert isinstance(one, BackfillResponse) and (one.id, one.dag_id) == (backfill.id, DAG)
    with pytest.raises(NotFoundException):
        api.get_backfill(987654)


def test_only_one_backfill_of_a_dag_runs_at_a_time(api, backfill):
    with pytest.raises(ApiException) as caught:
        unlocked(lambda: api.create_backfill(body()))
    assert caught.value.status == 409 and "already a running backfill" in str(caught.value)


def test_a_viewer_may_list_but_not_create_backfills(v2_viewer_client, backfill):
    viewer = BackfillApi(v2_viewer_client)
    assert backfill.id in [b.id for b in viewer.list_backfills(DAG).backfills]
    with pytest.raises(ForbiddenException):
        viewer.create_backfill(body())


def test_pause_and_unpause_then_the_runs_of_the_backfill_run(api, backfill, airflow3):
    paused = unlocked(lambda: api.pause_backfill(backfill.id))
    assert isinstance(paused, BackfillResponse) and paused.is_paused is True
    assert api.get_backfill(backfill.id).is_paused is True
    resumed = unlocked(lambda: api.unpause_backfill(backfill.id))
    assert resumed.is_paused is False

    airflow3.set_paused(DAG, False)

    def all_done() -> list[dict[str, Any]] | None:
        runs = runs_of(airflow3)
        return runs if runs and all(r["state"] in ("success", "failed") for r in runs) else None

    runs = wait_for(all_done, "the backfill's runs", timeout=180, interval=1)
    # The scheduler adds no catchup run: each of the three days has its run already.
    assert [(r["logical_date"][:10], r["run_type"], r["state"]) for r in runs] == [
        (DATES[0], "backfill", "success"), (DATES[1], "backfill", "success"), (DATES[2], "backfill", "failed")]
    done = wait_for(lambda: api.get_backfill(backfill.id).completed_at, "the backfill's completion", timeout=60)
    assert done is not None
    airflow3.set_paused(DAG, True)


def test_dag_versions_list_and_read_one(v2_client):
    api = DagVersionApi(v2_client)
    page = api.get_dag_versions("ti_plain")
    assert isinstance(page, DAGVersionCollectionResponse) and page.total_entries == 1
    [listed] = page.dag_versions
    assert (listed.dag_id, listed.version_number, listed.bundle_name) == ("ti_plain", 1, "dags-folder")
    one = api.get_dag_version("ti_plain", 1)
    assert isinstance(one, DagVersionResponse) and one.id == listed.id and one.dag_display_name == "ti_plain"
    everywhere = api.get_dag_versions("~", limit=100)
    assert {"ti_plain", "af3_made", "af3_hitl"} <= {v.dag_id for v in everywhere.dag_versions}
    assert api.get_dag_versions("ti_plain", version_number=2).total_entries == 0
    with pytest.raises(NotFoundException):
        api.get_dag_version("ti_plain", 99)
    with pytest.raises(NotFoundException):
        api.get_dag_versions("no_such_dag")
