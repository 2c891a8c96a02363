"""The 2.x XComApi, EventLogApi and ImportErrorApi against a real Airflow 3.3.2: XComs pushed by real
tasks, the audit log of real actions, and the import error of a DAG file broken on purpose."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import event_log_api, import_error_api, pool_api, x_com_api
from airflow_client.client.exceptions import ForbiddenException, NotFoundException, UnauthorizedException
from airflow_client.client.model.event_log import EventLog
from airflow_client.client.model.event_log_collection import EventLogCollection
from airflow_client.client.model.import_error import ImportError as AirflowImportError
from airflow_client.client.model.import_error_collection import ImportErrorCollection
from airflow_client.client.model.x_com import XCom
from airflow_client.client.model.x_com_collection import XComCollection
from airflow_client.client.model.x_com_collection_item import XComCollectionItem
from test.server_files import unique

pytestmark = pytest.mark.integration

UTC = timezone.utc
PRODUCER = "dataset_producer"


def make_client(host: str, user: tuple[str, str] | None) -> Iterator[client.ApiClient]:
    config = client.Configuration(host=host, **({"username": user[0], "password": user[1]} if user else {}))
    with client.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture(scope="module")
def admin_client(airflow3: Any) -> Iterator[client.ApiClient]:
    yield from make_client(airflow3.base_url, airflow3.admin)


@pytest.fixture(scope="module")
def viewer_client(airflow3: Any) -> Iterator[client.ApiClient]:
    yield from make_client(airflow3.host, airflow3.viewer)


@pytest.fixture(scope="module")
def anonymous_client(airflow3: Any) -> Iterator[client.ApiClient]:
    yield from make_client(airflow3.host, None)


@pytest.fixture(scope="module")
def xcoms(admin_client) -> x_com_api.XComApi:
    return x_com_api.XComApi(admin_client)


@pytest.fixture(scope="module")
def event_logs(admin_client) -> event_log_api.EventLogApi:
    return event_log_api.EventLogApi(admin_client)


@pytest.fixture(scope="module")
def import_errors(admin_client) -> import_error_api.ImportErrorApi:
    return import_error_api.ImportErrorApi(admin_client)


# -- XCom --------------------------------------------------------------------------------------------------


def test_entries_of_a_task_list_keys_without_values(xcoms, producer_run3):
    page = xcoms.get_xcom_entries(PRODUCER, producer_run3, "produce")
    assert isinstance(page, XComCollection)
    keys = {e.key for e in page.xcom_entries}
    # `produce` returns a dict, which TaskFlow also pushes key by key; it pushes `summary` itself.
    assert keys == {"return_value", "summary", "rows", "ok"}
    assert page.total_entries == len(page.xcom_entries) == 4
    for entry in page.xcom_entries:
        assert isinstance(entry, XComCollectionItem)
        assert (entry.dag_id, entry.task_id, entry.map_index) == (PRODUCER, "produce", -1)
        assert "value" not in entry
        assert datetime.fromisoformat(entry.timestamp).tzinfo is not None
        # Triggered without a logical date, which Airflow 3 allows: execution_date is None.
        assert entry.execution_date is None and entry["run_id"] == producer_run3


def test_entries_across_tasks_and_runs_with_filters(xcoms, producer_run3):
    of_run = xcoms.get_xcom_entries(PRODUCER, producer_run3, "~")
    assert {(e.task_id, e.map_index) for e in of_run.xcom_entries if e.key == "return_value"} == {
        ("produce", -1), ("label", 0), ("label", 1),
    }
    one_index = xcoms.get_xcom_entries(PRODUCER, producer_run3, "label", map_index=1)
    assert [(e.key, e.map_index) for e in one_index.xcom_entries] == [("return_value", 1)]
    anywhere = xcoms.get_xcom_entries("~", "~", "~", xcom_key="summary")
    # Other modules run dataset_producer too: every run of it has one, and only its "produce" task.
    assert {(e.dag_id, e.task_id, e.key) for e in anywhere.xcom_entries} == {(PRODUCER, "produce", "summary")}
    assert producer_run3 in {e["run_id"] for e in anywhere.xcom_entries}
    first = xcoms.get_xcom_entries(PRODUCER, producer_run3, "~", limit=2)
    rest = xcoms.get_xcom_entries(PRODUCER, producer_run3, "~", limit=100, offset=2)
    assert first.total_entries == rest.total_entries == of_run.total_entries
    assert len(first.xcom_entries) == 2
    assert len(first.xcom_entries) + len(rest.xcom_entries) == of_run.total_entries
    assert xcoms.get_xcom_entries("no_such_dag", "no+such:run", "~").total_entries == 0


def test_value_is_a_string_unless_stringify_is_false(xcoms, producer_run3):
    as_text = xcoms.get_xcom_entry(PRODUCER, producer_run3, "produce", "return_value")
    assert isinstance(as_text, XCom)
    assert (as_text.key, as_text.task_id, as_text.map_index) == ("return_value", "produce", -1)
    assert as_text.value == "{'rows': 3, 'ok': True}"  # Python's repr, as 2.x's default stringify=True gave
    explicit = xcoms.get_xcom_entry(PRODUCER, producer_run3, "produce", "return_value", stringify=True)
    assert explicit.value == as_text.value
    as_json = xcoms.get_xcom_entry(PRODUCER, producer_run3, "produce", "return_value", stringify=False)
    assert as_json.value == {"rows": 3, "ok": True}
    assert as_json.timestamp == as_text.timestamp
    assert xcoms.get_xcom_entry(PRODUCER, producer_run3, "produce", "summary", stringify=False).value == "3 rows"
    assert xcoms.get_xcom_entry(PRODUCER, producer_run3, "produce", "rows", stringify=False).value == 3


def test_value_of_one_map_index(xcoms, producer_run3):
    second = xcoms.get_xcom_entry(PRODUCER, producer_run3, "label", "return_value", map_index=1, stringify=False)
    assert (second.map_index, second.value) == (1, "label-2")
    first = xcoms.get_xcom_entry(PRODUCER, producer_run3, "label", "return_value", map_index=0)
    assert (first.map_index, first.value) == (0, "label-1")


def test_deserialize_is_always_allowed_on_airflow_3(xcoms, producer_run3):
    # Airflow 2 refused deserialize=true unless [api] enable_xcom_deserialize_support was set; Airflow 3
    # has no such setting and gives the value as the XCom backend reads it.
    plain = xcoms.get_xcom_entry(PRODUCER, producer_run3, "produce", "summary", deserialize=False)
    assert plain.value == "3 rows"
    read = xcoms.get_xcom_entry(PRODUCER, producer_run3, "produce", "return_value", deserialize=True,
                                stringify=False)
    assert read.value == {"rows": 3, "ok": True}


def test_missing_xcom_key_is_not_found(xcoms, producer_run3):
    with pytest.raises(NotFoundException) as caught:
        xcoms.get_xcom_entry(PRODUCER, producer_run3, "produce", "no_such_key")
    assert caught.value.status == 404 and "no_such_key" in caught.value.detail


def test_viewer_reads_xcoms_and_anonymous_is_refused(viewer_client, anonymous_client, producer_run3):
    viewer = x_com_api.XComApi(viewer_client)
    assert viewer.get_xcom_entry(PRODUCER, producer_run3, "produce", "summary").value == "3 rows"
    with pytest.raises(UnauthorizedException):
        x_com_api.XComApi(anonymous_client).get_xcom_entries(PRODUCER, producer_run3, "~")


# -- event log ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool_actions(admin_client) -> str:
    """A pool created, patched and deleted through the API: three entries of the audit log."""
    pools = pool_api.PoolApi(admin_client)
    name = unique("pool_audit")
    pools.post_pool({"name": name, "slots": 1})
    pools.patch_pool(name, {"name": name, "slots": 2}, update_mask=["slots"])
    pools.delete_pool(name)
    return name


def test_task_events_of_a_run_filtered_down_to_one(event_logs, producer_run3):
    everything = event_logs.get_event_logs(dag_id=PRODUCER, run_id=producer_run3, limit=100)
    assert isinstance(everything, EventLogCollection) and everything.total_entries >= 1
    assert {(e.dag_id, e.run_id) for e in everything.event_logs} == {(PRODUCER, producer_run3)}
    sample = everything.event_logs[0]
    assert isinstance(sample, EventLog) and isinstance(sample.event_log_id, int) and sample.when.tzinfo is not None
    task_event = next(e for e in everything.event_logs if e.task_id == "label" and e.map_index == 1)
    page = event_logs.get_event_logs(dag_id=PRODUCER, task_id="label", run_id=producer_run3, map_index=1,
                                     try_number=task_event.try_number, event=task_event.event,
                                     owner=task_event.owner)
    assert task_event.event_log_id in {e.event_log_id for e in page.event_logs}
    assert all((e.task_id, e.map_index, e.event) == ("label", 1, task_event.event) for e in page.event_logs)
    assert page.total_entries < everything.total_entries


def test_events_by_name_included_and_excluded(event_logs, pool_actions):
    created = event_logs.get_event_logs(event="post_pool", limit=100)
    ours = [e for e in created.event_logs if pool_actions in (e.extra or "")]
    assert len(ours) == 1 and ours[0].owner == "admin" and ours[0].dag_id is None
    mine = event_logs.get_event_logs(included_events="post_pool,patch_pool,delete_pool", limit=100)
    names = {e.event for e in mine.event_logs if pool_actions in (e.extra or "")}
    assert names == {"post_pool", "patch_pool", "delete_pool"}
    others = event_logs.get_event_logs(excluded_events="post_pool,delete_pool", limit=100)
    assert not {e.event for e in others.event_logs} & {"post_pool", "delete_pool"}


def test_time_window_ordering_and_paging(event_logs, pool_actions):
    everything = event_logs.get_event_logs(order_by="when", limit=100)
    whens = [e.when for e in everything.event_logs]
    assert whens == sorted(whens) and len(whens) >= 3
    newest_first = event_logs.get_event_logs(order_by="-event_log_id", limit=3)
    ids = [e.event_log_id for e in newest_first.event_logs]
    assert ids == sorted(ids, reverse=True)
    theirs = event_logs.get_event_logs(included_events="post_pool,patch_pool,delete_pool", order_by="when",
                                       limit=100).event_logs
    ours = [e for e in theirs if pool_actions in (e.extra or "")]
    middle = ours[1]
    after = event_logs.get_event_logs(after=middle.when, included_events="post_pool,patch_pool,delete_pool",
                                      limit=100)
    before = event_logs.get_event_logs(before=middle.when.isoformat(),
                                       included_events="post_pool,patch_pool,delete_pool", limit=100)
    assert ours[2].event_log_id in {e.event_log_id for e in after.event_logs}
    assert ours[0].event_log_id in {e.event_log_id for e in before.event_logs}
    assert all(e.when > middle.when for e in after.event_logs)
    assert all(e.when < middle.when for e in before.event_logs)
    page = event_logs.get_event_logs(order_by="when", limit=3, offset=1)
    assert [e.event_log_id for e in page.event_logs] == [e.event_log_id for e in everything.event_logs[1:4]]
    future = datetime.now(UTC) + timedelta(days=1)
    assert event_logs.get_event_logs(after=future).total_entries == 0


def test_one_entry_by_id(event_logs, pool_actions):
    listed = event_logs.get_event_logs(event="delete_pool", order_by="-when", limit=1).event_logs[0]
    one = event_logs.get_event_log(listed.event_log_id)
    assert isinstance(one, EventLog)
    assert one.to_dict() == listed.to_dict()


def test_viewer_reads_the_audit_log_but_may_not_add_to_it(viewer_client, event_logs, pool_actions):
    # Airflow 3's viewer role may read the audit log (2.x's Viewer got 403).
    viewer = event_log_api.EventLogApi(viewer_client)
    newest = viewer.get_event_logs(order_by="-event_log_id", limit=1).event_logs[0]
    assert viewer.get_event_log(newest.event_log_id).to_dict() == newest.to_dict()
    # A write the viewer tries is refused, and leaves no entry of its own.
    name = unique("pool_viewer")
    with pytest.raises(ForbiddenException) as caught:
        pool_api.PoolApi(viewer_client).post_pool({"name": name, "slots": 1})
    assert caught.value.status == 403 and caught.value.method == "POST"
    posted = event_logs.get_event_logs(event="post_pool", limit=100).event_logs
    assert not [e for e in posted if name in (e.extra or "")]


def test_missing_event_log_entry_is_not_found(event_logs):
    with pytest.raises(NotFoundException) as caught:
        event_logs.get_event_log(987654321)
    assert caught.value.status == 404 and "987654321" in caught.value.detail


# -- import errors ---------------------------------------------------------------------------------------


def test_a_broken_dag_file_is_listed_with_its_stack_trace(import_errors, broken_dag_file3):
    page = import_errors.get_import_errors()
    assert isinstance(page, ImportErrorCollection)
    # Airflow 3 names the file relative to its DAG bundle (2.x gave the absolute path).
    ours = [e for e in page.import_errors if e.filename == broken_dag_file3.name]
    assert len(ours) == 1, [e.filename for e in page.import_errors]
    error = ours[0]
    assert isinstance(error, AirflowImportError) and isinstance(error.import_error_id, int)
    assert "RuntimeError: broken on purpose by the client tests" in error.stack_trace
    assert datetime.fromisoformat(error.timestamp) <= datetime.now(UTC)
    assert error["bundle_name"] == "dags-folder"
    assert page.total_entries == len(page.import_errors) >= 1


def test_one_import_error_by_id_and_in_pages(import_errors, broken_dag_file3):
    listed = import_errors.get_import_errors(order_by="-import_error_id", limit=100)
    ours = next(e for e in listed.import_errors if e.filename == broken_dag_file3.name)
    one = import_errors.get_import_error(ours.import_error_id)
    assert isinstance(one, AirflowImportError) and one.to_dict() == ours.to_dict()
    ids = [e.import_error_id for e in listed.import_errors]
    assert ids == sorted(ids, reverse=True)
    first = import_errors.get_import_errors(order_by="import_error_id", limit=1)
    assert len(first.import_errors) == 1 and first.total_entries == listed.total_entries
    assert first.import_errors[0].import_error_id == min(ids)


def test_viewer_reads_import_errors_and_anonymous_is_refused(viewer_client, anonymous_client, broken_dag_file3):
    viewer = import_error_api.ImportErrorApi(viewer_client)
    assert broken_dag_file3.name in {e.filename for e in viewer.get_import_errors().import_errors}
    with pytest.raises(UnauthorizedException):
        import_error_api.ImportErrorApi(anonymous_client).get_import_errors()


def test_missing_import_error_is_not_found(import_errors):
    with pytest.raises(NotFoundException) as caught:
        import_errors.get_import_error(987654321)
    assert caught.value.status == 404 and "987654321" in caught.value.detail
