"""Every DAGRunApi operation against a real Airflow 2.11.2: trigger, read, note, mark, clear, delete,
list with filters, and the dataset events behind a run."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from airflow_client.client.api import dag_run_api
from airflow_client.client.exceptions import (
    ApiTypeError,
    ApiValueError,
    ConflictException,
    ForbiddenException,
    NotFoundException,
)
from airflow_client.client.model.basic_dag_run import BasicDAGRun
from airflow_client.client.model.clear_dag_run import ClearDagRun
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.model.dag_run_collection import DAGRunCollection
from airflow_client.client.model.dag_state import DagState
from airflow_client.client.model.dataset_event import DatasetEvent
from airflow_client.client.model.dataset_event_collection import DatasetEventCollection
from airflow_client.client.model.list_dag_runs_form import ListDagRunsForm
from airflow_client.client.model.set_dag_run_note import SetDagRunNote
from airflow_client.client.model.task_instance import TaskInstance
from airflow_client.client.model.task_instance_collection import TaskInstanceCollection
from airflow_client.client.model.update_dag_run_state import UpdateDagRunState
from tools import local_airflow

pytestmark = pytest.mark.integration

UTC = timezone.utc
ORDERS = "s3://client-test/orders"


@pytest.fixture(scope="module")
def api(admin_client) -> dag_run_api.DAGRunApi:
    return dag_run_api.DAGRunApi(admin_client)


@pytest.fixture(scope="module")
def viewer_api(viewer_client) -> dag_run_api.DAGRunApi:
    return dag_run_api.DAGRunApi(viewer_client)


@pytest.fixture(scope="module")
def parked(airflow) -> dict[str, str]:
    """Queued runs of the paused run_parked DAG, set up with raw calls; each test changes only its own.

    ``list_a`` and ``list_b`` (logical dates 2025-03-20 and 21) are never changed; ``clear`` starts
    marked successful.
    """
    status, body = airflow.request("PATCH", "/dags/run_parked?update_mask=is_paused", {"is_paused": True})
    assert status == 200, body
    dates = {
        "note": "03-02", "mark": "03-03", "clear": "03-04", "delete": "03-05", "list_a": "03-20", "list_b": "03-21",
    }
    runs = {
        name: airflow.trigger_run("run_parked", f"runs+{name}:1", logical_date=f"2025-{day}T00:00:00+00:00")
        for name, day in dates.items()
    }
    path = f"/dags/run_parked/dagRuns/{local_airflow.quote_segment(runs['clear'])}"
    status, body = airflow.request("PATCH", path, {"state": "success"})
    assert status == 200 and body["state"] == "success", body
    return runs


# -- trigger and read back ------------------------------------------------------------------------------


def test_trigger_creates_a_queued_run_that_reads_back_the_same(api):
    logical = datetime(2025, 3, 1, 6, 30, tzinfo=UTC)
    body = DAGRun(dag_run_id="runs+trigger:1", logical_date=logical, conf={"rows": [1, 2], "name": "ünï"},
                  note="triggered ✓")
    run = api.post_dag_run("run_parked", body)
    assert isinstance(run, DAGRun)
    assert (run.dag_id, run.dag_run_id) == ("run_parked", "runs+trigger:1")
    # The DAG is paused, so the run stays queued and never starts.
    assert isinstance(run.state, DagState) and run.state == "queued"
    assert run.run_type == "manual" and run.external_trigger is True
    assert run.logical_date == run.execution_date == logical
    assert run.data_interval_start == run.data_interval_end == logical  # a DAG without schedule
    assert run.conf == {"rows": [1, 2], "name": "ünï"}
    assert run.note == "triggered ✓"
    assert run.start_date is None and run.end_date is None
    again = api.get_dag_run("run_parked", "runs+trigger:1")
    assert again.to_dict() == run.to_dict()
    slim = api.get_dag_run("run_parked", "runs+trigger:1", fields=["dag_run_id", "state"])
    assert slim.to_dict() == {"dag_run_id": "runs+trigger:1", "state": "queued"}


def test_a_run_id_in_use_is_a_conflict(api, parked):
    with pytest.raises(ConflictException) as caught:
        api.post_dag_run("run_parked", {"dag_run_id": parked["note"]})
    assert caught.value.status == 409
    assert parked["note"] in caught.value.detail


def test_trigger_without_ids_gets_a_manual_run_id_and_the_current_time(api):
    run = api.post_dag_run("run_parked", DAGRun())
    assert run.dag_run_id == f"manual__{run.logical_date.isoformat()}"
    assert run.logical_date.tzinfo is not None
    assert abs(run.logical_date - datetime.now(UTC)) < timedelta(minutes=5)
    assert run.conf == {} and run.note is None and run.state == "queued"


# -- changing a run -------------------------------------------------------------------------------------


def test_note_is_written_then_replaced(api, parked):
    run_id = parked["note"]
    assert api.get_dag_run("run_parked", run_id).note is None
    updated = api.set_dag_run_note("run_parked", run_id, SetDagRunNote(note="looked at ✓"))
    assert isinstance(updated, DAGRun)
    assert (updated.dag_run_id, updated.note) == (run_id, "looked at ✓")
    assert api.get_dag_run("run_parked", run_id).note == "looked at ✓"
    api.set_dag_run_note("run_parked", run_id, {"note": "second thoughts"})
    assert api.get_dag_run("run_parked", run_id).note == "second thoughts"


def test_marking_a_run_changes_it_and_its_task_instances(api, parked, ti_states):
    run_id = parked["mark"]
    done = api.update_dag_run_state("run_parked", run_id, UpdateDagRunState(state="success"))
    assert isinstance(done, DAGRun)
    assert done.state == "success" and done.end_date.tzinfo is not None
    assert ti_states("run_parked", run_id) == {"first": "success", "second": "success"}
    failed = api.update_dag_run_state("run_parked", run_id, {"state": "failed"})
    assert failed.state == "failed"
    assert api.get_dag_run("run_parked", run_id).state == "failed"
    # Finished task instances keep their state when a run is marked failed.
    assert ti_states("run_parked", run_id) == {"first": "success", "second": "success"}
    queued = api.update_dag_run_state("run_parked", run_id, UpdateDagRunState(state="queued"))
    assert queued.state == "queued"
    assert api.get_dag_run("run_parked", run_id).state == "queued"


def test_clear_reports_in_a_dry_run_then_clears_the_run(api, parked, ti_states):
    run_id = parked["clear"]
    assert ti_states("run_parked", run_id) == {"first": "success", "second": "success"}
    # dry_run is true unless set, and the answer then lists task instance references.
    report = api.clear_dag_run("run_parked", run_id, ClearDagRun())
    assert isinstance(report, TaskInstanceCollection)
    assert all(isinstance(ti, TaskInstance) for ti in report.task_instances)
    assert sorted((ti.task_id, ti.dag_run_id) for ti in report.task_instances) == [
        ("first", run_id), ("second", run_id),
    ]
    logical = datetime(2025, 3, 4, tzinfo=UTC)
    assert all(datetime.fromisoformat(ti.execution_date) == logical for ti in report.task_instances)
    assert api.clear_dag_run("run_parked", run_id, {"dry_run": True}).to_dict() == report.to_dict()
    assert api.get_dag_run("run_parked", run_id).state == "success"
    assert ti_states("run_parked", run_id) == {"first": "success", "second": "success"}
    cleared = api.clear_dag_run("run_parked", run_id, ClearDagRun(dry_run=False))
    assert isinstance(cleared, DAGRun)
    assert (cleared.dag_run_id, cleared.state) == (run_id, "queued")
    assert ti_states("run_parked", run_id) == {"first": None, "second": None}


def test_deleted_run_is_gone(api, parked):
    run_id = parked["delete"]
    assert api.get_dag_run("run_parked", run_id).dag_run_id == run_id
    assert api.delete_dag_run("run_parked", run_id) is None
    with pytest.raises(NotFoundException) as caught:
        api.get_dag_run("run_parked", run_id)
    assert caught.value.status == 404 and run_id in caught.value.detail
    listed = api.get_dag_runs("run_parked", limit=100)
    assert run_id not in {r.dag_run_id for r in listed.dag_runs}
    with pytest.raises(NotFoundException):
        api.delete_dag_run("run_parked", run_id)


# -- listing ----------------------------------------------------------------------------------------------


def test_list_runs_of_one_dag_by_logical_date_state_and_fields(api, parked):
    window = {"execution_date_gte": datetime(2025, 3, 20, tzinfo=UTC), "execution_date_lte": "2025-03-21T00:00:00Z"}
    page = api.get_dag_runs("run_parked", **window)
    assert isinstance(page, DAGRunCollection)
    assert page.total_entries == 2
    assert [r.dag_run_id for r in page.dag_runs] == [parked["list_a"], parked["list_b"]]
    assert all(isinstance(r, DAGRun) and r.state == "queued" for r in page.dag_runs)
    newest = api.get_dag_runs("run_parked", **window, order_by="-execution_date", limit=1)
    assert newest.total_entries == 2 and [r.dag_run_id for r in newest.dag_runs] == [parked["list_b"]]
    second = api.get_dag_runs("run_parked", **window, order_by="-execution_date", limit=1, offset=1)
    assert [r.dag_run_id for r in second.dag_runs] == [parked["list_a"]]
    assert api.get_dag_runs("run_parked", **window, state=["success", "failed"]).total_entries == 0
    slim = api.get_dag_runs("run_parked", **window, fields=["dag_run_id", "logical_date"])
    assert [r.to_dict() for r in slim.dag_runs] == [
        {"dag_run_id": parked["list_a"], "logical_date": datetime(2025, 3, 20, tzinfo=UTC)},
        {"dag_run_id": parked["list_b"], "logical_date": datetime(2025, 3, 21, tzinfo=UTC)},
    ]


def test_list_runs_of_every_dag_by_state_and_times(api, dataset_flow):
    succeeded = api.get_dag_runs("~", state=["success"], limit=100)
    by_dag = {(r.dag_id, r.dag_run_id): r for r in succeeded.dag_runs}
    producer = by_dag[("dataset_producer", dataset_flow["producer"])]
    consumer = by_dag[("dataset_consumer", dataset_flow["consumer"])]
    assert producer.run_type == "manual" and consumer.run_type == "dataset_triggered"
    assert consumer.external_trigger is False
    # The consumer starts once `produce` updated the dataset, while the producer's other tasks may still run.
    assert producer.start_date <= consumer.start_date <= consumer.end_date
    assert producer.start_date <= producer.end_date
    around = {"start_date_gte": producer.start_date, "end_date_lte": producer.end_date}
    assert [r.dag_run_id for r in api.get_dag_runs("dataset_producer", **around).dag_runs] == [producer.dag_run_id]
    just_after = producer.start_date + timedelta(microseconds=1)
    assert api.get_dag_runs("dataset_producer", start_date_gte=just_after).total_entries == 0
    assert api.get_dag_runs("dataset_producer", start_date_lte=just_after, end_date_gte=producer.end_date,
                            updated_at_lte=datetime.now(UTC) + timedelta(minutes=1)).total_entries == 1
    assert api.get_dag_runs("~", updated_at_gte=datetime.now(UTC) + timedelta(days=1)).total_entries == 0


def test_batch_listing_with_filters_in_the_body(api, parked, dataset_flow):
    form = ListDagRunsForm(dag_ids=["dataset_producer", "dataset_consumer"], states=["success"])
    page = api.get_dag_runs_batch(form)
    assert isinstance(page, DAGRunCollection)
    assert {(r.dag_id, r.dag_run_id) for r in page.dag_runs} == {
        ("dataset_producer", dataset_flow["producer"]), ("dataset_consumer", dataset_flow["consumer"]),
    }
    assert page.total_entries == 2
    window = ListDagRunsForm(
        dag_ids=["run_parked"], states=["queued"],
        execution_date_gte=datetime(2025, 3, 20, tzinfo=UTC), execution_date_lte="2025-03-21T00:00:00+00:00",
        order_by="-execution_date", page_limit=1, page_offset=1,
    )
    second = api.get_dag_runs_batch(window)
    assert second.total_entries == 2
    assert [r.dag_run_id for r in second.dag_runs] == [parked["list_a"]]
    as_dict = api.get_dag_runs_batch({"dag_ids": ["run_parked"], "end_date_gte": "2099-01-01T00:00:00+00:00"})
    assert as_dict.total_entries == 0 and as_dict.dag_runs == []


# -- dataset events behind a run ---------------------------------------------------------------------------


def test_upstream_dataset_events_of_a_dataset_triggered_run(api, dataset_flow):
    events = api.get_upstream_dataset_events("dataset_consumer", dataset_flow["consumer"])
    assert isinstance(events, DatasetEventCollection)
    assert events.total_entries == 1
    (event,) = events.dataset_events
    assert isinstance(event, DatasetEvent)
    assert event.dataset_uri == ORDERS
    assert (event.source_dag_id, event.source_task_id, event.source_run_id, event.source_map_index) == (
        "dataset_producer", "produce", dataset_flow["producer"], -1,
    )
    (created,) = event.created_dagruns
    assert isinstance(created, BasicDAGRun)
    # The server names the run id `dag_run_id`; the spec calls it `run_id`.
    assert created["dag_run_id"] == dataset_flow["consumer"]
    assert created.dag_id == "dataset_consumer" and created.state == "success"
    assert created.logical_date.tzinfo is not None and created.end_date >= created.start_date


def test_a_created_run_is_readable_under_the_spec_name_too(api, dataset_flow):
    events = api.get_upstream_dataset_events("dataset_consumer", dataset_flow["consumer"])
    (created,) = events.dataset_events[0].created_dagruns
    assert created.run_id == created.dag_run_id == dataset_flow["consumer"]


def test_a_manual_run_has_no_upstream_dataset_events(api, dataset_flow):
    events = api.get_upstream_dataset_events("dataset_producer", dataset_flow["producer"])
    assert events.dataset_events == [] and events.total_entries == 0


# -- refusals ----------------------------------------------------------------------------------------------


def test_viewer_may_list_runs_but_not_trigger(viewer_api, parked):
    assert parked["list_a"] in {r.dag_run_id for r in viewer_api.get_dag_runs("run_parked", limit=100).dag_runs}
    with pytest.raises(ForbiddenException) as caught:
        viewer_api.post_dag_run("run_parked", DAGRun(dag_run_id="runs+viewer:1"))
    assert caught.value.status == 403 and caught.value.method == "POST"


def test_missing_run_and_dag_are_not_found(api):
    with pytest.raises(NotFoundException) as caught:
        api.get_dag_run("run_parked", "no+such:run")
    assert caught.value.title == "DAGRun not found" and "no+such:run" in caught.value.detail
    with pytest.raises(NotFoundException):
        api.update_dag_run_state("run_parked", "no+such:run", {"state": "success"})
    with pytest.raises(NotFoundException):
        api.get_upstream_dataset_events("run_parked", "no+such:run")
    with pytest.raises(NotFoundException) as caught:
        api.post_dag_run("no_such_dag", DAGRun())
    assert caught.value.title == "DAG not found"


def test_bad_arguments_are_refused_before_sending(api):
    with pytest.raises(ApiTypeError):
        api.get_dag_runs("run_parked", limit="ten")
    with pytest.raises(ApiValueError):
        api.get_dag_runs("run_parked", execution_date_gte="last tuesday")
    with pytest.raises(ApiTypeError):
        api.get_dag_runs("run_parked", state="queued")  # a list of states, not one string


def test_a_state_outside_the_spec_enum_is_refused_before_sending(api, parked):
    with pytest.raises((ApiValueError, ApiTypeError)):
        api.update_dag_run_state("run_parked", parked["list_a"], UpdateDagRunState(state="running"))
