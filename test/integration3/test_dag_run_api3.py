"""The 2.x DAGRunApi, call for call, against a real Airflow 3.3.2: trigger (with a logical date, with
an execution_date, with neither), read, note, mark, clear, delete, and list with filters, with the same
methods, arguments and model types as on Airflow 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_run_api
from airflow_client.client.exceptions import ConflictException, ForbiddenException, NotFoundException
from airflow_client.client.model.clear_dag_run import ClearDagRun
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.model.dag_run_collection import DAGRunCollection
from airflow_client.client.model.dag_state import DagState
from airflow_client.client.model.list_dag_runs_form import ListDagRunsForm
from airflow_client.client.model.set_dag_run_note import SetDagRunNote
from airflow_client.client.model.update_dag_run_state import UpdateDagRunState
from tools.local_airflow import quote_segment

pytestmark = pytest.mark.integration

UTC = timezone.utc
WINDOW = {"execution_date_gte": datetime(2025, 3, 20, tzinfo=UTC), "execution_date_lte": "2025-03-21T00:00:00Z"}


def make_api(host: str, user: tuple[str, str]) -> Iterator[dag_run_api.DAGRunApi]:
    config = client.Configuration(host=host, username=user[0], password=user[1])
    with client.ApiClient(config) as api_client:
        yield dag_run_api.DAGRunApi(api_client)


@pytest.fixture(scope="module")
def api(airflow3: Any) -> Iterator[dag_run_api.DAGRunApi]:
    yield from make_api(airflow3.base_url, airflow3.admin)


@pytest.fixture(scope="module")
def viewer_api(airflow3: Any) -> Iterator[dag_run_api.DAGRunApi]:
    yield from make_api(airflow3.host, airflow3.viewer)


@pytest.fixture(scope="module")
def parked(airflow3: Any) -> dict[str, str]:
    """Queued runs of the paused run_parked DAG, made with raw calls; each test changes only its own.

    ``list_a`` and ``list_b`` (logical dates 2025-03-20 and 21) are never changed; ``clear`` starts
    marked successful.
    """
    airflow3.set_paused("run_parked", True)
    dates = {"note": "03-02", "mark": "03-03", "clear": "03-04", "delete": "03-05", "list_a": "03-20",
             "list_b": "03-21"}
    runs = {name: airflow3.trigger_run("run_parked", f"runs+{name}:1", logical_date=f"2025-{day}T00:00:00+00:00")
            for name, day in dates.items()}
    status, body = airflow3.request("PATCH", f"/dags/run_parked/dagRuns/{quote_segment(runs['clear'])}",
                                    {"state": "success"})
    assert status == 200 and body["state"] == "success", body
    return runs


# -- trigger and read back ------------------------------------------------------------------------------


def test_trigger_with_a_logical_date_creates_a_queued_run_that_reads_back_the_same(api):
    logical = datetime(2025, 3, 1, 6, 30, tzinfo=UTC)
    body = DAGRun(dag_run_id="runs+trigger:1", logical_date=logical, conf={"rows": [1, 2], "name": "ünï"},
                  note="triggered ✓")
    run = api.post_dag_run("run_parked", body)
    assert isinstance(run, DAGRun) and (run.dag_id, run.dag_run_id) == ("run_parked", "runs+trigger:1")
    # The DAG is paused, so the run stays queued and never starts.
    assert isinstance(run.state, DagState) and run.state == "queued"
    assert run.run_type == "manual" and run.external_trigger is True
    assert run.logical_date == run.execution_date == logical
    assert run.conf == {"rows": [1, 2], "name": "ünï"} and run.note == "triggered ✓"
    assert run.start_date is None and run.end_date is None
    again = api.get_dag_run("run_parked", "runs+trigger:1")
    fields = ("dag_run_id", "logical_date", "execution_date", "state", "run_type", "external_trigger", "conf", "note")
    assert [again[f] for f in fields] == [run[f] for f in fields]
    assert api.get_dag_run("run_parked", "runs+trigger:1", fields=["dag_run_id", "state"]).state == "queued"


def test_trigger_with_an_execution_date_gives_the_run_that_logical_date(api):
    when = datetime(2025, 3, 1, 7, 0, tzinfo=UTC)
    run = api.post_dag_run("run_parked", DAGRun(dag_run_id="runs+execution_date:1", execution_date=when))
    assert run.logical_date == run.execution_date == when
    assert api.get_dag_run("run_parked", "runs+execution_date:1").execution_date == when


def test_trigger_without_a_date_gives_a_run_without_a_logical_date(api):
    before = datetime.now(UTC)
    run = api.post_dag_run("run_parked", DAGRun())
    # Airflow 3 keeps no logical date for such a run (2.x used the current time); its id still says when.
    assert run.logical_date is None and run.execution_date is None
    assert run.dag_run_id.startswith("manual__") and run.state == "queued" and run.conf == {}
    assert abs(datetime.fromisoformat(run.dag_run_id[len("manual__"):]) - before) < timedelta(minutes=5)


def test_a_run_id_in_use_is_a_conflict(api, parked):
    with pytest.raises(ConflictException) as caught:
        api.post_dag_run("run_parked", {"dag_run_id": parked["note"]})
    assert caught.value.status == 409


# -- changing a run -------------------------------------------------------------------------------------


def test_note_is_written_then_replaced(api, parked):
    run_id = parked["note"]
    assert api.get_dag_run("run_parked", run_id).note is None
    updated = api.set_dag_run_note("run_parked", run_id, SetDagRunNote(note="looked at ✓"))
    assert isinstance(updated, DAGRun) and (updated.dag_run_id, updated.note) == (run_id, "looked at ✓")
    assert updated.execution_date == datetime(2025, 3, 2, tzinfo=UTC)
    assert api.get_dag_run("run_parked", run_id).note == "looked at ✓"
    api.set_dag_run_note("run_parked", run_id, {"note": "second thoughts"})
    assert api.get_dag_run("run_parked", run_id).note == "second thoughts"


def test_marking_a_run_changes_it_and_its_task_instances(api, parked, ti_states3):
    run_id = parked["mark"]
    done = api.update_dag_run_state("run_parked", run_id, UpdateDagRunState(state="success"))
    assert isinstance(done, DAGRun) and done.state == "success" and done.end_date.tzinfo is not None
    # Airflow 3.3.2 marks the task instances that never ran skipped (2.11 marked them successful).
    assert ti_states3("run_parked", run_id) == {"first": "skipped", "second": "skipped"}
    assert api.update_dag_run_state("run_parked", run_id, {"state": "failed"}).state == "failed"
    assert api.get_dag_run("run_parked", run_id).state == "failed"
    assert ti_states3("run_parked", run_id) == {"first": "skipped", "second": "skipped"}  # finished ones stay
    assert api.update_dag_run_state("run_parked", run_id, UpdateDagRunState(state="queued")).state == "queued"
    assert api.get_dag_run("run_parked", run_id).state == "queued"


def test_clear_reports_in_a_dry_run_then_clears_the_run(api, parked, ti_states3):
    run_id = parked["clear"]
    finished = {"first": "skipped", "second": "skipped"}  # marked successful before they ran: skipped
    assert ti_states3("run_parked", run_id) == finished
    report = api.clear_dag_run("run_parked", run_id, ClearDagRun())  # dry_run is true unless set
    assert type(report) is dict
    assert sorted((ti["task_id"], ti["dag_run_id"]) for ti in report["task_instances"]) == [
        ("first", run_id), ("second", run_id)]
    assert all(datetime.fromisoformat(ti["execution_date"]) == datetime(2025, 3, 4, tzinfo=UTC)
               for ti in report["task_instances"])
    assert json.loads(json.dumps(report)) == report
    assert api.get_dag_run("run_parked", run_id).state == "success"
    assert ti_states3("run_parked", run_id) == finished
    cleared = api.clear_dag_run("run_parked", run_id, ClearDagRun(dry_run=False))
    assert type(cleared) is dict and (cleared["dag_run_id"], cleared["state"]) == (run_id, "queued")
    assert datetime.fromisoformat(cleared["execution_date"]) == datetime(2025, 3, 4, tzinfo=UTC)
    assert ti_states3("run_parked", run_id) == {"first": None, "second": None}


def test_deleted_run_is_gone(api, parked):
    run_id = parked["delete"]
    assert api.delete_dag_run("run_parked", run_id) is None
    with pytest.raises(NotFoundException) as caught:
        api.get_dag_run("run_parked", run_id)
    assert caught.value.status == 404 and run_id in caught.value.detail
    assert run_id not in {r.dag_run_id for r in api.get_dag_runs("run_parked", limit=100).dag_runs}
    with pytest.raises(NotFoundException):
        api.delete_dag_run("run_parked", run_id)


# -- listing ----------------------------------------------------------------------------------------------


def test_list_runs_of_one_dag_by_execution_date_state_and_fields(api, parked):
    page = api.get_dag_runs("run_parked", **WINDOW)
    assert isinstance(page, DAGRunCollection) and page.total_entries == 2
    assert [r.dag_run_id for r in page.dag_runs] == [parked["list_a"], parked["list_b"]]
    assert all(isinstance(r, DAGRun) and r.state == "queued" for r in page.dag_runs)
    newest = api.get_dag_runs("run_parked", **WINDOW, order_by="-execution_date", limit=1)
    assert newest.total_entries == 2 and [r.dag_run_id for r in newest.dag_runs] == [parked["list_b"]]
    second = api.get_dag_runs("run_parked", **WINDOW, order_by="-execution_date", limit=1, offset=1)
    assert [r.dag_run_id for r in second.dag_runs] == [parked["list_a"]]
    assert [r.execution_date for r in second.dag_runs] == [datetime(2025, 3, 20, tzinfo=UTC)]
    assert api.get_dag_runs("run_parked", **WINDOW, state=["success", "failed"]).total_entries == 0
    slim = api.get_dag_runs("run_parked", **WINDOW, fields=["dag_run_id", "logical_date"])
    assert [r.logical_date for r in slim.dag_runs] == [datetime(2025, 3, day, tzinfo=UTC) for day in (20, 21)]


def test_list_runs_of_every_dag_by_state_and_times(api, plain_run3):
    succeeded = api.get_dag_runs("~", state=["success"], limit=100)
    assert all(r.state == "success" for r in succeeded.dag_runs)
    plain = {(r.dag_id, r.dag_run_id): r for r in succeeded.dag_runs}[("ti_plain", plain_run3)]
    assert plain.run_type == "manual" and plain.external_trigger is True and plain.execution_date is None
    assert plain.start_date <= plain.end_date
    around = {"start_date_gte": plain.start_date, "end_date_lte": plain.end_date}
    assert [r.dag_run_id for r in api.get_dag_runs("ti_plain", **around).dag_runs] == [plain.dag_run_id]
    assert api.get_dag_runs("ti_plain", start_date_gte=plain.start_date + timedelta(microseconds=1),
                            end_date_lte=plain.end_date).total_entries == 0
    assert api.get_dag_runs("~", updated_at_gte=datetime.now(UTC) + timedelta(days=1)).total_entries == 0


def test_batch_listing_with_filters_in_the_body(api, parked, plain_run3):
    form = ListDagRunsForm(dag_ids=["ti_plain", "run_parked"], states=["success"])
    page = api.get_dag_runs_batch(form)
    assert isinstance(page, DAGRunCollection)
    assert ("ti_plain", plain_run3) in {(r.dag_id, r.dag_run_id) for r in page.dag_runs}
    assert {r.dag_id for r in page.dag_runs} <= {"ti_plain", "run_parked"}
    assert all(r.state == "success" for r in page.dag_runs) and page.total_entries == len(page.dag_runs)
    window = ListDagRunsForm(
        dag_ids=["run_parked"], states=["queued"],
        execution_date_gte=datetime(2025, 3, 20, tzinfo=UTC), execution_date_lte="2025-03-21T00:00:00+00:00",
        order_by="-execution_date", page_limit=1, page_offset=1,
    )
    second = api.get_dag_runs_batch(window)
    assert second.total_entries == 2 and [r.dag_run_id for r in second.dag_runs] == [parked["list_a"]]
    as_dict = api.get_dag_runs_batch({"dag_ids": ["run_parked"], "end_date_gte": "2099-01-01T00:00:00+00:00"})
    assert as_dict.total_entries == 0 and as_dict.dag_runs == []


# -- refusals ----------------------------------------------------------------------------------------------


def test_viewer_may_list_runs_but_not_trigger(viewer_api, parked):
    assert parked["list_a"] in {r.dag_run_id for r in viewer_api.get_dag_runs("run_parked", limit=100).dag_runs}
    with pytest.raises(ForbiddenException) as caught:
        viewer_api.post_dag_run("run_parked", DAGRun(dag_run_id="runs+viewer:1"))
    assert caught.value.status == 403 and caught.value.method == "POST"


def test_missing_run_and_dag_are_not_found(api):
    with pytest.raises(NotFoundException) as caught:
        api.get_dag_run("run_parked", "no+such:run")
    assert "no+such:run" in caught.value.detail
    with pytest.raises(NotFoundException):
        api.update_dag_run_state("run_parked", "no+such:run", {"state": "success"})
    with pytest.raises(NotFoundException):
        api.set_dag_run_note("run_parked", "no+such:run", {"note": "x"})
    with pytest.raises(NotFoundException):
        api.post_dag_run("no_such_dag", DAGRun())
