"""The 2.x DAGApi, call for call, against a real Airflow 3.3.2: listing, reading, details, tasks, source,
reparsing, pausing, task instance states, clearing and deletion, with the same methods, arguments and
model types as on Airflow 2."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_api
from airflow_client.client.exceptions import ApiException, ForbiddenException, NotFoundException
from airflow_client.client.model.class_reference import ClassReference
from airflow_client.client.model.clear_task_instances import ClearTaskInstances
from airflow_client.client.model.dag import DAG
from airflow_client.client.model.dag_collection import DAGCollection
from airflow_client.client.model.dag_detail import DAGDetail
from airflow_client.client.model.inline_response200 import InlineResponse200
from airflow_client.client.model.tag import Tag
from airflow_client.client.model.task import Task
from airflow_client.client.model.task_collection import TaskCollection
from airflow_client.client.model.task_instance_reference import TaskInstanceReference
from airflow_client.client.model.task_instance_reference_collection import TaskInstanceReferenceCollection
from airflow_client.client.model.time_delta import TimeDelta
from airflow_client.client.model.update_task_instances_state import UpdateTaskInstancesState
from tools.local_airflow import quote_segment
from tools.local_airflow3 import TEST_DAGS3

pytestmark = pytest.mark.integration

UTC = timezone.utc
DATASET_DAGS = ("dataset_producer", "dataset_consumer", "dataset_pair")
MISSING_POOL = "client_test_missing_pool"  # test/dags3/dag_profile.py
ORDERS = "s3://client-test/orders"


def make_api(host: str, user: tuple[str, str]) -> Iterator[dag_api.DAGApi]:
    config = client.Configuration(host=host, username=user[0], password=user[1])
    with client.ApiClient(config) as api_client:
        yield dag_api.DAGApi(api_client)


@pytest.fixture(scope="module")
def api(airflow3: Any) -> Iterator[dag_api.DAGApi]:
    yield from make_api(airflow3.base_url, airflow3.admin)


@pytest.fixture(scope="module")
def viewer_api(airflow3: Any) -> Iterator[dag_api.DAGApi]:
    yield from make_api(airflow3.host, airflow3.viewer)


@pytest.fixture(scope="module")
def parked_runs(airflow3: Any) -> dict[str, str]:
    """Runs of the paused run_parked DAG, made with raw calls: ``set_state`` and ``by_date`` queued and
    untouched, ``clear`` queued with `first` failed, ``finished`` marked successful."""
    airflow3.set_paused("run_parked", True)
    runs = {
        name: airflow3.trigger_run("run_parked", f"dag_api+{name}:1", logical_date=f"2025-04-0{day}T00:00:00+00:00")
        for name, day in (("set_state", 1), ("clear", 2), ("by_date", 3), ("finished", 4))
    }
    path = f"/dags/run_parked/dagRuns/{quote_segment(runs['clear'])}/taskInstances/first"
    status, body = airflow3.request("PATCH", path, {"new_state": "failed"})
    assert status == 200, body
    status, body = airflow3.request("PATCH", f"/dags/run_parked/dagRuns/{quote_segment(runs['finished'])}",
                                    {"state": "success"})
    assert status == 200, body
    return runs


# -- listing and reading --------------------------------------------------------------------------------


def test_list_dags_by_tag_and_by_part_of_the_id(api):
    tagged = api.get_dags(tags=["datasets"])
    assert isinstance(tagged, DAGCollection) and tagged.total_entries == 3
    assert {d.dag_id for d in tagged.dags} == set(DATASET_DAGS)
    assert all(isinstance(d, DAG) and d.is_active is True for d in tagged.dags)
    assert {d.dag_id for d in api.get_dags(dag_id_pattern="SET_P").dags} == {"dataset_producer", "dataset_pair"}
    either = api.get_dags(tags=["profile", "toggle"])  # any of the tags
    assert {d.dag_id for d in either.dags} == {"dag_profile", "toggle_one", "toggle_two"}


def test_list_dags_by_pause_state(api):
    paused = api.get_dags(tags=["client-test"], paused=True, limit=100)
    active = api.get_dags(tags=["client-test"], paused=False, limit=100)
    assert {"dag_profile", "run_parked"} <= {d.dag_id for d in paused.dags}
    assert {"dataset_producer", "ti_plain"} <= {d.dag_id for d in active.dags}
    assert all(d.is_paused is True for d in paused.dags) and all(d.is_paused is False for d in active.dags)
    assert paused.total_entries + active.total_entries == api.get_dags(tags=["client-test"]).total_entries


def test_paging_ordering_and_fields_of_the_dag_list(api):
    newest_first = api.get_dags(tags=["datasets"], order_by="-dag_id")
    assert [d.dag_id for d in newest_first.dags] == ["dataset_producer", "dataset_pair", "dataset_consumer"]
    page = api.get_dags(tags=["datasets"], order_by="-dag_id", limit=1, offset=1)
    assert page.total_entries == 3 and [d.dag_id for d in page.dags] == ["dataset_pair"]
    # Airflow 3 always answers whole DAGs: the fields asked for are among them.
    slim = api.get_dags(tags=["datasets"], fields=["dag_id", "is_paused"])
    assert slim.total_entries == 3 and all({"dag_id", "is_paused"} <= set(d.to_dict()) for d in slim.dags)


def test_read_one_dag_with_its_2x_fields(api):
    dag = api.get_dag("dag_profile")
    assert isinstance(dag, DAG)
    assert dag.dag_id == dag.dag_display_name == "dag_profile"
    assert dag.is_paused is True and dag.is_active is True
    assert dag.owners == ["client-tests"] and dag.description == "Read-only DAG for the client tests"
    assert sorted(t.name for t in dag.tags) == ["client-test", "profile"] and all(isinstance(t, Tag) for t in dag.tags)
    assert dag.timetable_description == "Never, external triggers only"
    assert (dag.max_active_runs, dag.max_active_tasks, dag.has_import_errors) == (3, 7, False)
    assert dag.fileloc.endswith("/dag_profile.py") and dag.file_token
    assert dag.last_parsed_time.tzinfo is not None and dag.last_parsed_time <= datetime.now(UTC)
    assert dag.next_dagrun is None and dag.next_dagrun_create_after is None  # never scheduled
    # Airflow 3 has no SubDAGs and no schedule_interval: those 2.x fields are absent, not made up.
    assert "is_subdag" not in dag and dag.get("schedule_interval") is None
    assert api.get_dag("dag_profile", fields=["dag_id", "owners"]).owners == ["client-tests"]


def test_details_decode_timeout_dates_params_and_time_zone(api):
    details = api.get_dag_details("dag_profile")
    assert isinstance(details, DAGDetail) and details.is_active is True
    timeout = details.dag_run_timeout
    assert isinstance(timeout, TimeDelta)
    assert (timeout.type, timeout.days, timeout.seconds, timeout.microseconds) == ("TimeDelta", 0, 5415, 0)
    # The DAG starts at midnight in Paris: 23:00 UTC the day before.
    assert details.start_date == datetime(2023, 12, 31, 23, 0, tzinfo=UTC)
    assert details.end_date == datetime(2030, 6, 29, 22, 0, tzinfo=UTC)
    assert details.timezone == "UTC"
    assert details.params["limit"]["value"] == 5
    assert details.doc_md == "# Profile\nSettings only."
    assert details.catchup is False and details.is_paused_upon_creation is True
    assert details.concurrency == 7 and details.max_active_tasks == 7
    assert details.dataset_expression is None and details.last_parsed.tzinfo is not None


def test_an_asset_schedule_is_the_dataset_expression(api):
    details = api.get_dag_details("dataset_consumer")
    assert ORDERS in str(details.dataset_expression)
    assert details.dataset_expression == details["asset_expression"]


def test_tasks_of_a_dag_with_their_settings(api):
    tasks = api.get_tasks("dag_profile")
    assert isinstance(tasks, TaskCollection) and tasks.total_entries == 2
    assert [t.task_id for t in tasks.tasks] == ["extract", "load"] and all(isinstance(t, Task) for t in tasks.tasks)
    assert [t.task_id for t in api.get_tasks("dag_profile", order_by="-task_id").tasks] == ["load", "extract"]
    extract, load = tasks.tasks
    assert extract.downstream_task_ids == ["load"] and load.downstream_task_ids == []
    assert (extract.pool, load.pool) == (MISSING_POOL, "default_pool")
    assert extract.owner == "client-tests" and extract.retries == 2
    assert isinstance(extract.retry_delay, TimeDelta)
    assert (extract.retry_delay.days, extract.retry_delay.seconds) == (0, 45)
    assert extract.execution_timeout.seconds == 600 and load.execution_timeout is None
    assert (extract.trigger_rule, load.trigger_rule) == ("all_success", "all_done")
    assert extract.doc_md == "Reads the input." and load.doc_md is None
    assert isinstance(extract.class_ref, ClassReference)
    assert extract.class_ref.module_path == "airflow.providers.standard.decorators.python"
    assert extract.start_date == datetime(2023, 12, 31, 23, 0, tzinfo=UTC)
    assert extract.is_mapped is False and extract.extra_links == []


def test_read_one_task_and_a_missing_one(api):
    task = api.get_task("dag_profile", "load")
    assert isinstance(task, Task) and task.task_id == task.task_display_name == "load"
    assert task.to_dict() == api.get_tasks("dag_profile").tasks[1].to_dict()
    with pytest.raises(NotFoundException):
        api.get_task("dag_profile", "no_such_task")


def test_source_by_file_token_as_json_and_as_text(api):
    token = api.get_dag("dag_profile").file_token
    on_disk = (TEST_DAGS3 / "dag_profile.py").read_text(encoding="utf-8")
    as_json = api.get_dag_source(token)
    assert isinstance(as_json, InlineResponse200) and as_json.content == on_disk
    as_text = api.get_dag_source(token, _headers={"Accept": "text/plain"})
    assert isinstance(as_text, str) and as_text == on_disk
    with pytest.raises(NotFoundException) as caught:
        api.get_dag_source("not-a-file-token")
    assert "not-a-file-token" in caught.value.detail


def test_reparse_request_is_accepted_with_201_and_no_body(api):
    token = api.get_dag("toggle_one").file_token  # toggle_two is deleted below: no parse of it pending then
    data, status, _headers = api.reparse_dag_file(token, _return_http_data_only=False)
    assert (data, status) == (None, 201)
    with pytest.raises(NotFoundException) as caught:
        api.reparse_dag_file("not-a-file-token")
    assert caught.value.detail == "File not found"


# -- pausing ----------------------------------------------------------------------------------------------


def test_pause_then_unpause_one_dag(api):
    paused = api.patch_dag("toggle_one", DAG(is_paused=True), update_mask=["is_paused"])
    assert isinstance(paused, DAG) and (paused.dag_id, paused.is_paused, paused.is_active) == ("toggle_one", True, True)
    assert api.get_dag("toggle_one").is_paused is True
    assert api.patch_dag("toggle_one", {"is_paused": False}).is_paused is False
    assert api.get_dag("toggle_one").is_paused is False


def test_patch_dags_changes_every_match(api):
    def states() -> dict[str, bool]:
        return {d.dag_id: d.is_paused for d in api.get_dags(tags=["toggle"]).dags}

    changed = api.patch_dags("toggle_", DAG(is_paused=True), update_mask=["is_paused"])
    assert isinstance(changed, DAGCollection) and changed.total_entries == 2
    assert {d.dag_id: d.is_paused for d in changed.dags} == {"toggle_one": True, "toggle_two": True}
    assert states() == {"toggle_one": True, "toggle_two": True}
    api.patch_dags("TOGGLE", DAG(is_paused=False), tags=["toggle"], only_active=True, update_mask=["is_paused"])
    assert states() == {"toggle_one": False, "toggle_two": False}


def test_only_is_paused_can_be_changed(api):
    with pytest.raises(ApiException) as caught:
        api.patch_dag("toggle_one", DAG(is_paused=True), update_mask=["description"])
    assert caught.value.status in (400, 422)
    assert api.get_dag("toggle_one").is_paused is False


# -- task instance state ---------------------------------------------------------------------------------


def test_set_task_instance_state_reports_then_changes(api, parked_runs, ti_states3):
    run_id = parked_runs["set_state"]
    body = UpdateTaskInstancesState(
        task_id="first", dag_run_id=run_id, new_state="skipped",
        include_upstream=False, include_downstream=False, include_future=False, include_past=False,
    )
    report = api.post_set_task_instances_state("run_parked", body)
    assert isinstance(report, TaskInstanceReferenceCollection)
    assert [(r.dag_id, r.task_id, r.dag_run_id) for r in report.task_instances] == [("run_parked", "first", run_id)]
    assert all(isinstance(r, TaskInstanceReference) for r in report.task_instances)
    assert datetime.fromisoformat(report.task_instances[0].execution_date) == datetime(2025, 4, 1, tzinfo=UTC)
    assert ti_states3("run_parked", run_id) == {"first": None, "second": None}  # dry_run is true unless set
    body.dry_run = False
    done = api.post_set_task_instances_state("run_parked", body)
    assert [r.task_id for r in done.task_instances] == ["first"]
    assert ti_states3("run_parked", run_id) == {"first": "skipped", "second": None}


def test_set_task_instance_state_of_the_run_with_an_execution_date(api, parked_runs, ti_states3):
    body = {"task_id": "second", "execution_date": "2025-04-03T00:00:00+00:00", "new_state": "success",
            "include_upstream": True, "include_downstream": False, "include_future": False, "include_past": False,
            "dry_run": False}
    done = api.post_set_task_instances_state("run_parked", body)
    assert {r.dag_run_id for r in done.task_instances} == {parked_runs["by_date"]}
    assert ti_states3("run_parked", parked_runs["by_date"])["second"] == "success"
    with pytest.raises(NotFoundException):
        api.post_set_task_instances_state("run_parked", {**body, "execution_date": "2001-01-01T00:00:00+00:00"})


def test_clear_task_instances_is_a_dry_run_of_failed_ones_unless_told(api, parked_runs, ti_states3):
    run_id = parked_runs["clear"]
    assert ti_states3("run_parked", run_id) == {"first": "failed", "second": None}
    report = api.post_clear_task_instances("run_parked", ClearTaskInstances(dag_run_id=run_id))
    assert isinstance(report, TaskInstanceReferenceCollection)
    assert [(r.task_id, r.dag_run_id) for r in report.task_instances] == [("first", run_id)]
    wider = api.post_clear_task_instances("run_parked", ClearTaskInstances(dag_run_id=run_id, only_failed=False))
    assert sorted(r.task_id for r in wider.task_instances) == ["first", "second"]
    assert ti_states3("run_parked", run_id) == {"first": "failed", "second": None}
    cleared = api.post_clear_task_instances(
        "run_parked", ClearTaskInstances(dag_run_id=run_id, dry_run=False, task_ids=["first"], include_subdags=False))
    assert [r.task_id for r in cleared.task_instances] == ["first"]
    assert ti_states3("run_parked", run_id) == {"first": None, "second": None}


def test_clearing_task_instances_leaves_the_run_state_alone_as_on_airflow_2(api, airflow3, parked_runs, ti_states3):
    run_id = parked_runs["finished"]
    cleared = api.post_clear_task_instances(
        "run_parked", ClearTaskInstances(dag_run_id=run_id, dry_run=False, only_failed=False, task_ids=["first"]))
    assert [r.task_id for r in cleared.task_instances] == ["first"]
    assert ti_states3("run_parked", run_id)["first"] is None
    # Airflow 3 would set the run back to queued unless told not to; 2.x's default left it as it was.
    status, body = airflow3.request("GET", f"/dags/run_parked/dagRuns/{quote_segment(run_id)}")
    assert status == 200 and body["state"] == "success", body


# -- refusals ----------------------------------------------------------------------------------------------


def test_viewer_may_read_but_not_pause(viewer_api):
    assert viewer_api.get_dag("toggle_two").dag_id == "toggle_two"
    with pytest.raises(ForbiddenException) as caught:
        viewer_api.patch_dag("toggle_two", DAG(is_paused=True), update_mask=["is_paused"])
    assert caught.value.status == 403 and caught.value.method == "PATCH"
    with pytest.raises(ForbiddenException):
        viewer_api.patch_dags("toggle_", DAG(is_paused=True), update_mask=["is_paused"])


def test_a_missing_dag_is_not_found(api):
    with pytest.raises(NotFoundException) as caught:
        api.get_dag("no_such_dag")
    assert caught.value.status == 404 and "no_such_dag" in caught.value.detail
    with pytest.raises(NotFoundException):
        api.get_dag_details("no_such_dag")


# -- deletion (last: the DAG is back only when its file is parsed again) ------------------------------------


def test_a_deleted_dag_is_gone_until_its_file_is_parsed_again(api, airflow3):
    assert api.get_dag("toggle_two").dag_id == "toggle_two"
    assert api.delete_dag("toggle_two") is None
    with pytest.raises(NotFoundException):
        api.get_dag("toggle_two")
    with pytest.raises(NotFoundException):
        api.delete_dag("toggle_two")
    # Its file is still there: the DAG processor's next pass brings it back, for the tests that follow.
    airflow3.wait_for_dags(["toggle_two"], timeout=90)
    assert api.get_dag("toggle_two").is_active is True
