"""Every XComApi, EventLogApi and ImportErrorApi operation against a real Airflow 2.11.2: XComs pushed
by real tasks, the audit log of a real run, and the import error of a DAG file broken on purpose."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from airflow_client.client.api import event_log_api, import_error_api, x_com_api
from airflow_client.client.exceptions import BadRequestException, ForbiddenException, NotFoundException
from airflow_client.client.model.event_log import EventLog
from airflow_client.client.model.event_log_collection import EventLogCollection
from airflow_client.client.model.import_error import ImportError as AirflowImportError
from airflow_client.client.model.import_error_collection import ImportErrorCollection
from airflow_client.client.model.x_com import XCom
from airflow_client.client.model.x_com_collection import XComCollection
from airflow_client.client.model.x_com_collection_item import XComCollectionItem

pytestmark = pytest.mark.integration

UTC = timezone.utc
PRODUCER = "dataset_producer"


@pytest.fixture(scope="module")
def xcoms(admin_client) -> x_com_api.XComApi:
    return x_com_api.XComApi(admin_client)


@pytest.fixture(scope="module")
def event_logs(admin_client) -> event_log_api.EventLogApi:
    return event_log_api.EventLogApi(admin_client)


@pytest.fixture(scope="module")
def import_errors(admin_client) -> import_error_api.ImportErrorApi:
    return import_error_api.ImportErrorApi(admin_client)


@pytest.fixture(scope="module")
def producer_run(dataset_flow) -> str:
    return dataset_flow["producer"]


# -- XCom --------------------------------------------------------------------------------------------------


def test_entries_of_a_task_list_keys_without_values(xcoms, producer_run):
    page = xcoms.get_xcom_entries(PRODUCER, producer_run, "produce")
    assert isinstance(page, XComCollection)
    keys = {e.key for e in page.xcom_entries}
    # `produce` returns a dict, which TaskFlow also pushes key by key; it pushes `summary` itself.
    assert {"return_value", "summary", "rows", "ok"} <= keys
    assert page.total_entries == len(page.xcom_entries) == len(keys)
    for entry in page.xcom_entries:
        assert isinstance(entry, XComCollectionItem)
        assert (entry.dag_id, entry.task_id, entry.map_index) == (PRODUCER, "produce", -1)
        assert "value" not in entry
        # Typed str, as in apache-airflow-client: the server's ISO 8601 text, with its offset.
        assert datetime.fromisoformat(entry.timestamp).tzinfo is not None
        assert datetime.fromisoformat(entry.execution_date).tzinfo is not None
    assert len({e.execution_date for e in page.xcom_entries}) == 1


def test_entries_across_tasks_and_runs_with_filters(xcoms, producer_run):
    of_run = xcoms.get_xcom_entries(PRODUCER, producer_run, "~")
    assert {(e.task_id, e.map_index) for e in of_run.xcom_entries if e.key == "return_value"} == {
        ("produce", -1), ("label", 0), ("label", 1),
    }
    one_index = xcoms.get_xcom_entries(PRODUCER, producer_run, "label", map_index=1)
    assert [(e.key, e.map_index) for e in one_index.xcom_entries] == [("return_value", 1)]
    anywhere = xcoms.get_xcom_entries("~", "~", "~", xcom_key="summary")
    assert [(e.dag_id, e.task_id) for e in anywhere.xcom_entries] == [(PRODUCER, "produce")]
    first = xcoms.get_xcom_entries(PRODUCER, producer_run, "~", limit=2)
    rest = xcoms.get_xcom_entries(PRODUCER, producer_run, "~", limit=100, offset=2)
    assert first.total_entries == rest.total_entries == of_run.total_entries
    assert len(first.xcom_entries) == 2
    assert len(first.xcom_entries) + len(rest.xcom_entries) == of_run.total_entries
    assert xcoms.get_xcom_entries("no_such_dag", "no+such:run", "~").total_entries == 0


def test_value_is_a_string_unless_stringify_is_false(xcoms, producer_run):
    as_text = xcoms.get_xcom_entry(PRODUCER, producer_run, "produce", "return_value")
    assert isinstance(as_text, XCom)
    assert (as_text.key, as_text.task_id, as_text.map_index) == ("return_value", "produce", -1)
    assert as_text.value == "{'rows': 3, 'ok': True}"  # Python's repr, the default stringify=True
    explicit = xcoms.get_xcom_entry(PRODUCER, producer_run, "produce", "return_value", stringify=True)
    assert explicit.value == as_text.value
    as_json = xcoms.get_xcom_entry(PRODUCER, producer_run, "produce", "return_value", stringify=False)
    assert as_json.value == {"rows": 3, "ok": True}
    assert as_json.timestamp == as_text.timestamp and datetime.fromisoformat(as_json.timestamp).tzinfo is not None
    summary = xcoms.get_xcom_entry(PRODUCER, producer_run, "produce", "summary", stringify=False)
    assert summary.value == "3 rows"
    rows = xcoms.get_xcom_entry(PRODUCER, producer_run, "produce", "rows", stringify=False)
    assert rows.value == 3


def test_value_of_one_map_index(xcoms, producer_run):
    second = xcoms.get_xcom_entry(PRODUCER, producer_run, "label", "return_value", map_index=1, stringify=False)
    assert (second.map_index, second.value) == (1, "label-2")
    first = xcoms.get_xcom_entry(PRODUCER, producer_run, "label", "return_value", map_index=0)
    assert (first.map_index, first.value) == (0, "label-1")


def test_deserialize_needs_the_server_to_allow_it(xcoms, producer_run):
    plain = xcoms.get_xcom_entry(PRODUCER, producer_run, "produce", "summary", deserialize=False)
    assert plain.value == "3 rows"
    # The harness leaves [api] enable_xcom_deserialize_support off, so Airflow refuses deserialize=true.
    with pytest.raises(BadRequestException) as caught:
        xcoms.get_xcom_entry(PRODUCER, producer_run, "produce", "summary", deserialize=True)
    assert caught.value.status == 400
    assert caught.value.detail == "XCom deserialization is disabled in configuration."
    assert "deserialize=true" in caught.value.url


def test_missing_xcom_key_is_not_found(xcoms, producer_run):
    with pytest.raises(NotFoundException) as caught:
        xcoms.get_xcom_entry(PRODUCER, producer_run, "produce", "no_such_key")
    assert caught.value.status == 404 and caught.value.title == "XCom entry not found"


def test_viewer_reads_xcoms_and_anonymous_is_refused(viewer_client, anonymous_client, producer_run):
    viewer = x_com_api.XComApi(viewer_client)
    assert viewer.get_xcom_entry(PRODUCER, producer_run, "produce", "summary").value == "3 rows"
    # The Viewer role may read XComs and XComApi has no writes; without credentials Airflow answers
    # 403, where the spec documents 401.
    with pytest.raises(ForbiddenException):
        x_com_api.XComApi(anonymous_client).get_xcom_entries(PRODUCER, producer_run, "~")


# -- event log ---------------------------------------------------------------------------------------------


def test_task_events_of_a_run_filtered_down_to_one(event_logs, producer_run):
    page = event_logs.get_event_logs(
        dag_id=PRODUCER, task_id="label", run_id=producer_run, map_index=1, try_number=1, event="success",
        owner="airflow",
    )
    assert isinstance(page, EventLogCollection)
    assert page.total_entries == 1
    (entry,) = page.event_logs
    assert isinstance(entry, EventLog)
    assert (entry.dag_id, entry.task_id, entry.run_id, entry.map_index, entry.try_number, entry.event) == (
        PRODUCER, "label", producer_run, 1, 1, "success",
    )
    assert entry.when.tzinfo is not None and entry.execution_date.tzinfo is not None
    assert entry.owner == "airflow"
    assert isinstance(entry.event_log_id, int)


def test_included_and_excluded_events(event_logs, producer_run):
    state_changes = event_logs.get_event_logs(dag_id=PRODUCER, run_id=producer_run, included_events="running,success")
    # Three task instances (produce, label[0], label[1]) each went running then success.
    assert state_changes.total_entries == 6
    assert sorted((e.task_id, e.map_index, e.event) for e in state_changes.event_logs) == [
        ("label", 0, "running"), ("label", 0, "success"), ("label", 1, "running"), ("label", 1, "success"),
        ("produce", -1, "running"), ("produce", -1, "success"),
    ]
    others = event_logs.get_event_logs(dag_id=PRODUCER, excluded_events="running,success", limit=100)
    events = {e.event for e in others.event_logs}
    assert "running" not in events and "success" not in events
    assert "api.post_dag_run" in events  # the harness triggered the run through the API
    trigger = event_logs.get_event_logs(dag_id=PRODUCER, event="api.post_dag_run", owner="admin")
    assert trigger.total_entries == 1 and trigger.event_logs[0].owner == "admin"


def test_time_window_ordering_and_paging(event_logs, producer_run):
    everything = event_logs.get_event_logs(dag_id=PRODUCER, order_by="when", limit=100)
    whens = [e.when for e in everything.event_logs]
    assert whens == sorted(whens) and len(whens) == everything.total_entries >= 8
    newest_first = event_logs.get_event_logs(dag_id=PRODUCER, order_by="-when", limit=100)
    oldest_first_ids = [e.event_log_id for e in everything.event_logs]
    assert [e.event_log_id for e in newest_first.event_logs] == oldest_first_ids[::-1]
    middle = everything.event_logs[len(whens) // 2]
    after = event_logs.get_event_logs(dag_id=PRODUCER, after=middle.when, limit=100)
    before = event_logs.get_event_logs(dag_id=PRODUCER, before=middle.when.isoformat(), limit=100)
    assert all(e.when > middle.when for e in after.event_logs)
    assert all(e.when < middle.when for e in before.event_logs)
    assert after.total_entries + before.total_entries == everything.total_entries - 1
    page = event_logs.get_event_logs(dag_id=PRODUCER, order_by="when", limit=3, offset=2)
    assert [e.event_log_id for e in page.event_logs] == [e.event_log_id for e in everything.event_logs[2:5]]
    future = datetime.now(UTC) + timedelta(days=1)
    assert event_logs.get_event_logs(after=future).total_entries == 0


def test_one_entry_by_id(event_logs, producer_run):
    listed = event_logs.get_event_logs(dag_id=PRODUCER, event="running", task_id="produce").event_logs[0]
    one = event_logs.get_event_log(listed.event_log_id)
    assert isinstance(one, EventLog)
    assert one.to_dict() == listed.to_dict()
    assert one.run_id == producer_run


def test_viewer_may_not_read_the_audit_log(viewer_client, event_logs):
    viewer = event_log_api.EventLogApi(viewer_client)
    with pytest.raises(ForbiddenException) as caught:
        viewer.get_event_logs(limit=1)
    assert caught.value.status == 403 and caught.value.method == "GET"
    some_id = event_logs.get_event_logs(limit=1).event_logs[0].event_log_id
    with pytest.raises(ForbiddenException):
        viewer.get_event_log(some_id)


def test_missing_event_log_entry_is_not_found(event_logs):
    with pytest.raises(NotFoundException) as caught:
        event_logs.get_event_log(987654321)
    assert caught.value.status == 404 and caught.value.title == "Event Log not found"


# -- import errors ---------------------------------------------------------------------------------------


def test_a_broken_dag_file_is_listed_with_its_stack_trace(import_errors, broken_dag_file):
    page = import_errors.get_import_errors()
    assert isinstance(page, ImportErrorCollection)
    ours = [e for e in page.import_errors if e.filename == str(broken_dag_file)]
    assert len(ours) == 1, [e.filename for e in page.import_errors]
    error = ours[0]
    assert isinstance(error, AirflowImportError)
    assert isinstance(error.import_error_id, int)
    assert "RuntimeError: broken on purpose by the client tests" in error.stack_trace
    assert datetime.fromisoformat(error.timestamp) <= datetime.now(UTC)
    assert page.total_entries == len(page.import_errors) >= 1


def test_one_import_error_by_id_and_in_pages(import_errors, broken_dag_file):
    listed = import_errors.get_import_errors(order_by="-import_error_id", limit=100)
    ours = next(e for e in listed.import_errors if e.filename == str(broken_dag_file))
    one = import_errors.get_import_error(ours.import_error_id)
    assert isinstance(one, AirflowImportError)
    assert one.to_dict() == ours.to_dict()
    ids = [e.import_error_id for e in listed.import_errors]
    assert ids == sorted(ids, reverse=True)
    first = import_errors.get_import_errors(order_by="import_error_id", limit=1)
    assert len(first.import_errors) == 1 and first.total_entries == listed.total_entries
    assert first.import_errors[0].import_error_id == min(ids)


def test_viewer_reads_import_errors_and_anonymous_is_refused(viewer_client, anonymous_client, broken_dag_file):
    # The Viewer role may read every DAG, so it sees the error and its stack trace.
    viewer = import_error_api.ImportErrorApi(viewer_client)
    filenames = {e.filename for e in viewer.get_import_errors().import_errors}
    assert str(broken_dag_file) in filenames
    # ImportErrorApi has no writes; without credentials Airflow answers 403, where the spec says 401.
    with pytest.raises(ForbiddenException):
        import_error_api.ImportErrorApi(anonymous_client).get_import_errors()


def test_missing_import_error_is_not_found(import_errors):
    with pytest.raises(NotFoundException) as caught:
        import_errors.get_import_error(987654321)
    assert caught.value.status == 404 and caught.value.title == "Import error not found"
