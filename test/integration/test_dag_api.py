"""Every DAGApi operation against a real Airflow 2.11.2: listing, reading, pausing, task instance
state changes, source, reparsing and deletion."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from airflow_client.client.api import dag_api
from airflow_client.client.exceptions import ApiTypeError, BadRequestException, ForbiddenException, NotFoundException
from airflow_client.client.model.class_reference import ClassReference
from airflow_client.client.model.clear_task_instances import ClearTaskInstances
from airflow_client.client.model.cron_expression import CronExpression
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
from airflow_client.client.model.timezone import Timezone
from airflow_client.client.model.trigger_rule import TriggerRule
from airflow_client.client.model.update_task_instances_state import UpdateTaskInstancesState

pytestmark = pytest.mark.integration

API = dag_api.DAGApi  # the class of the shared `api` and `viewer_api` fixtures

UTC = timezone.utc
DAGS_FOLDER = Path(__file__).resolve().parents[1] / "dags"
DATASET_DAGS = ("dataset_producer", "dataset_consumer", "dataset_pair")
MISSING_POOL = "client_test_missing_pool"  # test/dags/dag_profile.py


@pytest.fixture(scope="module", autouse=True)
def _shared_dataset_run_goes_on_meanwhile(dataset_flow_started) -> None:
    """Nothing here reads it: triggered now, the session's dataset run has finished by the time the
    modules that read it start."""


@pytest.fixture(scope="module")
def parked_runs(airflow) -> dict[str, str]:
    """Queued runs of the paused run_parked DAG: ``set_state`` untouched, ``clear`` with `first` failed."""
    status, body = airflow.request("PATCH", "/dags/run_parked?update_mask=is_paused", {"is_paused": True})
    assert status == 200, body
    runs = {
        "set_state": airflow.trigger_run("run_parked", "dag_api+set_state:1", logical_date="2025-04-01T00:00:00+00:00"),
        "clear": airflow.trigger_run("run_parked", "dag_api+clear:1", logical_date="2025-04-02T00:00:00+00:00"),
    }
    mark_failed = {
        "dry_run": False, "task_id": "first", "dag_run_id": runs["clear"], "new_state": "failed",
        "include_upstream": False, "include_downstream": False, "include_future": False, "include_past": False,
    }
    status, body = airflow.request("POST", "/dags/run_parked/updateTaskInstancesState", mark_failed)
    assert status == 200, body
    return runs


# -- listing and reading --------------------------------------------------------------------------------


def test_list_dags_by_tag_and_by_part_of_the_id(api):
    tagged = api.get_dags(tags=["datasets"])
    assert isinstance(tagged, DAGCollection)
    assert tagged.total_entries == 3
    assert {d.dag_id for d in tagged.dags} == set(DATASET_DAGS)
    assert all(isinstance(d, DAG) for d in tagged.dags)
    # dag_id_pattern matches any part of the id, regardless of case.
    assert {d.dag_id for d in api.get_dags(dag_id_pattern="SET_P").dags} == {"dataset_producer", "dataset_pair"}
    either = api.get_dags(tags=["profile", "toggle"])  # any of the tags
    assert {d.dag_id for d in either.dags} == {"dag_profile", "toggle_one", "toggle_two"}


def test_list_dags_by_pause_state(api):
    paused = api.get_dags(tags=["client-test"], paused=True, limit=100)
    active = api.get_dags(tags=["client-test"], paused=False, limit=100)
    paused_ids = {d.dag_id for d in paused.dags}
    active_ids = {d.dag_id for d in active.dags}
    assert {"dag_profile", "run_parked", "ti_blocked"} <= paused_ids
    assert {"dataset_producer", "dataset_consumer", "ti_plain"} <= active_ids
    assert all(d.is_paused is True for d in paused.dags)
    assert all(d.is_paused is False for d in active.dags)
    assert paused.total_entries + active.total_entries == api.get_dags(tags=["client-test"]).total_entries


def test_paging_ordering_and_chosen_fields(api):
    newest_first = api.get_dags(tags=["datasets"], order_by="-dag_id")
    assert [d.dag_id for d in newest_first.dags] == ["dataset_producer", "dataset_pair", "dataset_consumer"]
    page = api.get_dags(tags=["datasets"], order_by="-dag_id", limit=1, offset=1)
    assert page.total_entries == 3
    assert [d.dag_id for d in page.dags] == ["dataset_pair"]
    slim = api.get_dags(tags=["datasets"], fields=["dag_id", "is_paused"])
    assert [sorted(d.to_dict()) for d in slim.dags] == [["dag_id", "is_paused"]] * 3
    assert slim.total_entries == 3


def test_read_the_stored_record_of_one_dag(api):
    dag = api.get_dag("dag_profile")
    assert isinstance(dag, DAG)
    assert dag.dag_id == dag.dag_display_name == "dag_profile"
    assert dag.is_paused is True and dag.is_active is True and dag.is_subdag is False
    assert dag.owners == ["client-tests"]
    assert dag.description == "Read-only DAG for the client tests"
    assert sorted(t.name for t in dag.tags) == ["client-test", "profile"]
    assert all(isinstance(t, Tag) for t in dag.tags)
    assert dag.schedule_interval is None
    assert dag.timetable_description == "Never, external triggers only"
    assert (dag.max_active_runs, dag.max_active_tasks) == (3, 7)
    assert dag.has_import_errors is False
    assert dag.fileloc == str(DAGS_FOLDER / "dag_profile.py")
    assert isinstance(dag.file_token, str) and dag.file_token
    assert dag.last_parsed_time.tzinfo is not None
    assert dag.last_parsed_time <= datetime.now(UTC)
    assert dag.next_dagrun is None  # never scheduled
    slim = api.get_dag("dag_profile", fields=["dag_id", "owners"])
    assert slim.to_dict() == {"dag_id": "dag_profile", "owners": ["client-tests"]}


def test_details_decode_timeout_dates_params_and_time_zone(api):
    details = api.get_dag_details("dag_profile")
    assert isinstance(details, DAGDetail)
    timeout = details.dag_run_timeout
    assert isinstance(timeout, TimeDelta)
    assert (timeout.type, timeout.days, timeout.seconds, timeout.microseconds) == ("TimeDelta", 0, 5415, 0)
    # The DAG starts at midnight in Paris: 23:00 UTC the day before.
    assert details.start_date == datetime(2023, 12, 31, 23, 0, tzinfo=UTC)
    assert details.end_date == datetime(2030, 6, 29, 22, 0, tzinfo=UTC)
    assert isinstance(details.timezone, Timezone)
    # Airflow 2.11.2 reports the server's default time zone here, not the DAG's Europe/Paris.
    assert details.timezone == "UTC"
    assert details.params["limit"]["value"] == 5
    assert details.doc_md == "# Profile\nSettings only."
    assert details.catchup is False and details.is_paused_upon_creation is True
    assert details.concurrency == 7 and details.max_active_tasks == 7
    assert details.orientation == "LR"
    assert details.schedule_interval is None and details.dataset_expression is None
    assert details.last_parsed.tzinfo is not None
    # The server names the field `template_searchpath`; the spec's `template_search_path` is absent.
    assert details.template_searchpath is None and "template_searchpath" in details.to_dict()
    assert details.get("template_search_path") is None
    only = api.get_dag_details("dag_profile", fields=["dag_id", "dag_run_timeout"])
    assert sorted(only.to_dict()) == ["dag_id", "dag_run_timeout"]
    assert only.dag_run_timeout == timeout


def test_a_dataset_schedule_decodes_as_its_summary_and_expression(api):
    details = api.get_dag_details("dataset_consumer")
    # Airflow sends a dataset schedule as the cron-expression variant holding the word "Dataset".
    assert isinstance(details.schedule_interval, CronExpression)
    assert (details.schedule_interval.type, details.schedule_interval.value) == ("CronExpression", "Dataset")
    assert details.dataset_expression == {"all": ["s3://client-test/orders"]}
    assert api.get_dag("dataset_consumer").schedule_interval == details.schedule_interval


def test_a_fixed_interval_schedule_decodes_to_a_time_delta(api, session_dag_files):
    dag = api.get_dag(session_dag_files.interval_dag)
    interval = dag.schedule_interval
    assert isinstance(interval, TimeDelta)
    assert (interval.type, interval.days, interval.seconds, interval.microseconds) == ("TimeDelta", 1, 21600, 0)
    assert dag.next_dagrun.tzinfo is not None and dag.next_dagrun_create_after >= dag.next_dagrun
    step = timedelta(days=interval.days, seconds=interval.seconds, microseconds=interval.microseconds)
    assert dag.next_dagrun_data_interval_end - dag.next_dagrun_data_interval_start == step
    details = api.get_dag_details(session_dag_files.interval_dag)
    assert details.schedule_interval == interval


def test_tasks_of_a_dag_with_their_settings(api):
    tasks = api.get_tasks("dag_profile")
    assert isinstance(tasks, TaskCollection)
    assert [t.task_id for t in tasks.tasks] == ["extract", "load"]
    assert all(isinstance(t, Task) for t in tasks.tasks)
    assert tasks.total_entries == 2  # sent by the server though the spec does not declare it
    assert [t.task_id for t in api.get_tasks("dag_profile", order_by="-task_id").tasks] == ["load", "extract"]
    extract, load = tasks.tasks
    assert extract.downstream_task_ids == ["load"] and load.downstream_task_ids == []
    assert (extract.pool, load.pool) == (MISSING_POOL, "default_pool")
    assert extract.owner == "client-tests" and extract.retries == 2
    assert isinstance(extract.retry_delay, TimeDelta)
    assert (extract.retry_delay.days, extract.retry_delay.seconds) == (0, 45)
    assert extract.execution_timeout.seconds == 600 and load.execution_timeout is None
    assert isinstance(extract.trigger_rule, TriggerRule)
    assert (extract.trigger_rule, load.trigger_rule) == ("all_success", "all_done")
    assert extract.doc_md == "Reads the input." and load.doc_md is None
    assert isinstance(extract.class_ref, ClassReference)
    assert extract.class_ref.module_path == "airflow.decorators.python"
    assert extract.start_date == datetime(2023, 12, 31, 23, 0, tzinfo=UTC)
    assert extract.is_mapped is False and extract.depends_on_past is False


def test_read_one_task(api):
    task = api.get_task("dag_profile", "load")
    assert isinstance(task, Task)
    assert task.task_id == task.task_display_name == "load"
    assert task.trigger_rule == "all_done"
    assert task.to_dict() == api.get_tasks("dag_profile").tasks[1].to_dict()


def test_source_as_json_and_as_text(api):
    token = api.get_dag("dag_profile").file_token
    on_disk = (DAGS_FOLDER / "dag_profile.py").read_text(encoding="utf-8")
    as_json = api.get_dag_source(token)
    assert isinstance(as_json, InlineResponse200)
    assert as_json.content == on_disk
    as_text = api.get_dag_source(token, _headers={"Accept": "text/plain"})
    assert isinstance(as_text, str)
    assert as_text == on_disk


def test_reparse_request_is_accepted_with_201_and_no_body(api):
    token = api.get_dag("toggle_two").file_token
    data, status, _headers = api.reparse_dag_file(token, _return_http_data_only=False)
    assert (data, status) == (None, 201)
    with pytest.raises(NotFoundException) as caught:
        api.reparse_dag_file("not-a-file-token")
    assert caught.value.title == "File not found"


def test_a_repeated_reparse_request_also_returns_none(api):
    token = api.get_dag("toggle_one").file_token
    # Back to back, at least one request finds the previous one still pending; Airflow then answers
    # 201 with the text/html body "Duplicate request".
    answers = [api.reparse_dag_file(token, _return_http_data_only=False) for _ in range(5)]
    assert [status for _data, status, _headers in answers] == [201] * 5
    assert [data for data, _status, _headers in answers] == [None] * 5


# -- pausing ----------------------------------------------------------------------------------------------


def test_pause_then_unpause_one_dag(api):
    paused = api.patch_dag("toggle_one", DAG(is_paused=True), update_mask=["is_paused"])
    assert isinstance(paused, DAG)
    assert (paused.dag_id, paused.is_paused) == ("toggle_one", True)
    assert api.get_dag("toggle_one").is_paused is True
    resumed = api.patch_dag("toggle_one", {"is_paused": False}, update_mask=["is_paused"])
    assert resumed.is_paused is False
    assert api.get_dag("toggle_one").is_paused is False


def test_patch_dags_changes_every_match_up_to_the_limit(api):
    def states():
        return {d.dag_id: d.is_paused for d in api.get_dags(tags=["toggle"]).dags}

    changed = api.patch_dags("toggle_", DAG(is_paused=True), update_mask=["is_paused"])
    assert isinstance(changed, DAGCollection)
    assert changed.total_entries == 2
    assert {d.dag_id: d.is_paused for d in changed.dags} == {"toggle_one": True, "toggle_two": True}
    assert states() == {"toggle_one": True, "toggle_two": True}
    # Only the first `limit` matches, by id, are changed; total_entries still counts all of them.
    first = api.patch_dags("TOGGLE_", DAG(is_paused=False), update_mask=["is_paused"], limit=1)
    assert first.total_entries == 2 and [d.dag_id for d in first.dags] == ["toggle_one"]
    assert states() == {"toggle_one": False, "toggle_two": True}
    api.patch_dags("toggle", DAG(is_paused=False), tags=["toggle"], only_active=True, update_mask=["is_paused"])
    assert states() == {"toggle_one": False, "toggle_two": False}


def test_update_mask_other_than_is_paused_is_refused(api):
    with pytest.raises(BadRequestException) as caught:
        api.patch_dag("toggle_one", DAG(is_paused=True), update_mask=["description"])
    assert "is_paused" in caught.value.detail
    assert api.get_dag("toggle_one").is_paused is False


# -- task instance state ---------------------------------------------------------------------------------


def test_set_task_instance_state_reports_then_changes(api, parked_runs, ti_states):
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
    # dry_run is true unless set: nothing changed yet.
    assert ti_states("run_parked", run_id) == {"first": None, "second": None}
    body.dry_run = False
    done = api.post_set_task_instances_state("run_parked", body)
    assert [r.task_id for r in done.task_instances] == ["first"]
    assert ti_states("run_parked", run_id) == {"first": "skipped", "second": None}


def test_set_task_instance_state_needs_all_four_include_flags(api, parked_runs):
    # The spec makes the include_* flags optional; Airflow 2.11.2 answers 400 without them.
    with pytest.raises(BadRequestException) as caught:
        api.post_set_task_instances_state(
            "run_parked", {"task_id": "first", "dag_run_id": parked_runs["set_state"], "new_state": "failed"}
        )
    assert all(flag in caught.value.detail for flag in ("include_upstream", "include_past"))


def test_clear_task_instances_is_a_dry_run_of_failed_ones_unless_told(api, parked_runs, ti_states):
    run_id = parked_runs["clear"]
    assert ti_states("run_parked", run_id) == {"first": "failed", "second": None}
    # dry_run and only_failed are both true unless set.
    report = api.post_clear_task_instances("run_parked", ClearTaskInstances(dag_run_id=run_id))
    assert isinstance(report, TaskInstanceReferenceCollection)
    assert [(r.task_id, r.dag_run_id) for r in report.task_instances] == [("first", run_id)]
    wider = api.post_clear_task_instances("run_parked", ClearTaskInstances(dag_run_id=run_id, only_failed=False))
    assert sorted(r.task_id for r in wider.task_instances) == ["first", "second"]
    assert ti_states("run_parked", run_id) == {"first": "failed", "second": None}
    cleared = api.post_clear_task_instances(
        "run_parked", ClearTaskInstances(dag_run_id=run_id, dry_run=False, task_ids=["first"])
    )
    assert [r.task_id for r in cleared.task_instances] == ["first"]
    assert ti_states("run_parked", run_id) == {"first": None, "second": None}


# -- deletion ----------------------------------------------------------------------------------------------


def test_a_dag_whose_file_is_gone_is_deleted_for_good(api, session_dag_files):
    dag_id = session_dag_files.doomed_dag
    assert api.get_dag(dag_id).is_active is True
    session_dag_files.doomed_file.unlink()
    # The DAG processor marks the DAGs of a vanished file inactive the next time it lists the folder.
    deadline = time.monotonic() + 90
    while api.get_dag(dag_id).is_active:
        assert time.monotonic() < deadline, f"{dag_id} still active after its file was removed"
        time.sleep(0.5)
    assert api.get_dags(dag_id_pattern=dag_id).total_entries == 0  # only_active is true unless set
    inactive = api.get_dags(dag_id_pattern=dag_id, only_active=False)
    assert [(d.dag_id, d.is_active) for d in inactive.dags] == [(dag_id, False)]
    assert api.delete_dag(dag_id) is None
    with pytest.raises(NotFoundException):
        api.get_dag(dag_id)
    assert api.get_dags(dag_id_pattern=dag_id, only_active=False).total_entries == 0
    with pytest.raises(NotFoundException):
        api.delete_dag(dag_id)


# -- refusals ----------------------------------------------------------------------------------------------


def test_viewer_may_read_but_not_pause(viewer_api):
    assert viewer_api.get_dag("toggle_two").dag_id == "toggle_two"
    with pytest.raises(ForbiddenException) as caught:
        viewer_api.patch_dag("toggle_two", DAG(is_paused=True), update_mask=["is_paused"])
    assert caught.value.status == 403 and caught.value.method == "PATCH"
    with pytest.raises(ForbiddenException):
        viewer_api.patch_dags("toggle_", DAG(is_paused=True), update_mask=["is_paused"])


def test_missing_dag_task_and_source_are_not_found(api):
    with pytest.raises(NotFoundException) as caught:
        api.get_dag("no_such_dag")
    assert caught.value.status == 404 and caught.value.title == "DAG not found"
    assert "no_such_dag" in caught.value.detail
    with pytest.raises(NotFoundException):
        api.get_dag_details("no_such_dag")
    with pytest.raises(NotFoundException) as caught:
        api.get_task("dag_profile", "no_such_task")
    assert caught.value.title == "Task not found"
    with pytest.raises(NotFoundException):
        api.get_dag_source("not-a-file-token")


def test_bad_arguments_are_refused_before_sending(api):
    with pytest.raises(ApiTypeError):
        api.get_dags(paused="yes")
    with pytest.raises(ApiTypeError):
        api.get_dags(tags="datasets")  # a lone string is not a list of tags
    with pytest.raises(ApiTypeError):
        DAG(is_paused=True, no_such_field=1)


def test_missing_credentials_are_refused_with_403(anonymous_client):
    # The spec documents 401; Airflow 2.11.2 answers 403.
    with pytest.raises(ForbiddenException):
        dag_api.DAGApi(anonymous_client).get_dags(limit=1)
