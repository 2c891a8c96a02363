"""Every TaskInstanceApi operation against a real Airflow 2.11.2 with runs finished by its scheduler."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from dateutil.parser import isoparse

import airflow_client.client as client
from airflow_client.client.api import task_instance_api
from airflow_client.client.exceptions import ForbiddenException, NotFoundException
from airflow_client.client.model.extra_link_collection import ExtraLinkCollection
from airflow_client.client.model.inline_response2001 import InlineResponse2001
from airflow_client.client.model.list_task_instance_form import ListTaskInstanceForm
from airflow_client.client.model.set_task_instance_note import SetTaskInstanceNote
from airflow_client.client.model.task_instance import TaskInstance
from airflow_client.client.model.task_instance_collection import TaskInstanceCollection
from airflow_client.client.model.task_instance_dependency_collection import TaskInstanceDependencyCollection
from airflow_client.client.model.task_instance_history import TaskInstanceHistory
from airflow_client.client.model.task_instance_history_collection import TaskInstanceHistoryCollection
from airflow_client.client.model.task_instance_reference import TaskInstanceReference
from airflow_client.client.model.task_state import TaskState
from airflow_client.client.model.update_task_instance import UpdateTaskInstance

pytestmark = pytest.mark.integration

API = task_instance_api.TaskInstanceApi  # the class of the shared `api` and `viewer_api` fixtures


def make_api(airflow, user: tuple[str, str]) -> task_instance_api.TaskInstanceApi:
    config = client.Configuration(host=airflow.host, username=user[0], password=user[1])
    return task_instance_api.TaskInstanceApi(client.ApiClient(config))


@pytest.fixture(scope="module")
def own_runs(trigger_and_wait) -> dict[str, str]:
    """Fresh finished runs that the tests of this module may change (notes, states)."""
    return {dag_id: trigger_and_wait(dag_id) for dag_id in ("ti_plain", "ti_mapped")}


# -- reading --------------------------------------------------------------------------------------------


def test_list_task_instances_of_a_finished_run(api, finished_runs):
    run_id = finished_runs["ti_plain"]
    assert "+" in run_id and ":" in run_id  # travels percent-encoded in the path
    page = api.get_task_instances("ti_plain", run_id)
    assert isinstance(page, TaskInstanceCollection)
    assert page.total_entries == 2
    by_task = {ti.task_id: ti for ti in page.task_instances}
    assert set(by_task) == {"say_hello", "after_hello"}
    for ti in page.task_instances:
        assert isinstance(ti, TaskInstance)
        assert ti.state == TaskState("success") == "success"
        assert ti.dag_run_id == run_id
        # Typed str, as in apache-airflow-client: the server's ISO 8601 text.
        assert isinstance(ti.start_date, str) and isoparse(ti.end_date) >= isoparse(ti.start_date)
        assert isoparse(ti.execution_date).tzinfo is not None
        assert ti.try_number == 1
        assert ti.map_index == -1
    assert isoparse(by_task["after_hello"].start_date) >= isoparse(by_task["say_hello"].end_date)


def test_with_timestamps_as_datetime_the_same_listing_has_aware_datetimes(airflow, finished_runs):
    config = client.Configuration(host=airflow.host, username=airflow.admin[0], password=airflow.admin[1])
    config.timestamps_as_datetime = True
    with client.ApiClient(config) as api_client:
        page = task_instance_api.TaskInstanceApi(api_client).get_task_instances("ti_plain", finished_runs["ti_plain"])
    for ti in page.task_instances:
        assert isinstance(ti, TaskInstance)
        assert ti.start_date.tzinfo is not None and ti.end_date >= ti.start_date
        assert ti.execution_date.tzinfo is not None


def test_list_across_all_dags_with_filters(api, finished_runs):
    page = api.get_task_instances("~", "~", state=["success"], pool=["default_pool"], limit=100)
    seen = {(ti.dag_id, ti.dag_run_id) for ti in page.task_instances}
    for dag_id in ("ti_plain", "ti_mapped", "ti_retry"):
        assert (dag_id, finished_runs[dag_id]) in seen
    assert all(ti.state == "success" for ti in page.task_instances)
    none_failed = api.get_task_instances("ti_plain", finished_runs["ti_plain"], state=["failed", "upstream_failed"])
    assert none_failed.total_entries == 0 and none_failed.task_instances == []


def test_date_and_duration_filters_are_applied_by_the_server(api, finished_runs):
    run_id = finished_runs["ti_plain"]
    ti = api.get_task_instance("ti_plain", run_id, "say_hello")
    started = isoparse(ti.start_date)
    after_it = api.get_task_instances("ti_plain", run_id, start_date_gte=started + timedelta(microseconds=1))
    assert "say_hello" not in {t.task_id for t in after_it.task_instances}
    up_to_it = api.get_task_instances("ti_plain", run_id, start_date_lte=ti.start_date)
    assert "say_hello" in {t.task_id for t in up_to_it.task_instances}
    future = datetime.now(timezone.utc) + timedelta(days=1)
    assert api.get_task_instances("~", "~", end_date_gte=future).total_entries == 0
    assert api.get_task_instances("ti_plain", run_id, duration_gte=3600.0).total_entries == 0


def test_paging_with_limit_and_offset(api, finished_runs):
    run_id = finished_runs["ti_mapped"]
    first = api.get_mapped_task_instances("ti_mapped", run_id, "square", limit=2, offset=0)
    rest = api.get_mapped_task_instances("ti_mapped", run_id, "square", limit=2, offset=2)
    assert first.total_entries == rest.total_entries == 3
    assert [t.map_index for t in first.task_instances] == [0, 1]
    assert [t.map_index for t in rest.task_instances] == [2]


def test_read_one_task_instance(api, finished_runs):
    ti = api.get_task_instance("ti_plain", finished_runs["ti_plain"], "say_hello")
    assert isinstance(ti, TaskInstance)
    assert (ti.dag_id, ti.task_id, ti.state) == ("ti_plain", "say_hello", "success")
    assert ti.operator and ti.pool == "default_pool" and ti.pool_slots == 1
    assert ti.hostname and ti.pid is not None
    assert isinstance(ti.duration, float) and ti.duration >= 0


def test_mapped_task_instances_list_every_map_index(api, finished_runs):
    run_id = finished_runs["ti_mapped"]
    page = api.get_mapped_task_instances("ti_mapped", run_id, "square")
    assert page.total_entries == 3
    assert [t.map_index for t in page.task_instances] == [0, 1, 2]
    by_start = api.get_mapped_task_instances("ti_mapped", run_id, "square", order_by="-start_date")
    starts = [isoparse(t.start_date) for t in by_start.task_instances]
    assert starts == sorted(starts, reverse=True)
    assert all(t.state == "success" and t.task_id == "square" for t in page.task_instances)
    one = api.get_mapped_task_instance("ti_mapped", run_id, "square", 1)
    assert (one.map_index, one.state) == (1, "success")


def test_log_as_json_holds_the_printed_line_and_a_continuation_token(api, finished_runs):
    log = api.get_log("ti_plain", finished_runs["ti_plain"], "say_hello", 1, full_content=True)
    assert isinstance(log, InlineResponse2001)
    assert "hello from ti_plain" in log.content
    assert isinstance(log.continuation_token, str) and log.continuation_token


def test_log_as_plain_text(api, finished_runs):
    text = api.get_log("ti_plain", finished_runs["ti_plain"], "say_hello", 1, _headers={"Accept": "text/plain"})
    assert isinstance(text, str)
    assert "hello from ti_plain" in text
    assert not text.startswith("[(")  # the text itself, not the repr of (host, text) tuples


def test_log_continues_from_its_token(api, finished_runs):
    run_id = finished_runs["ti_plain"]
    first = api.get_log("ti_plain", run_id, "say_hello", 1)
    more = api.get_log("ti_plain", run_id, "say_hello", 1, token=first.continuation_token)
    assert isinstance(more, InlineResponse2001)
    assert "hello from ti_plain" not in more.content  # nothing new after the end of a finished log


def test_log_of_one_mapped_index(api, finished_runs):
    text = api.get_log(
        "ti_mapped", finished_runs["ti_mapped"], "square", 1, map_index=2, _headers={"Accept": "text/plain"}
    )
    assert "square of 3" in text
    assert "square of 1" not in text


def test_tries_of_a_task_that_failed_once_then_succeeded(api, finished_runs):
    run_id = finished_runs["ti_retry"]
    tries = api.get_task_instance_tries("ti_retry", run_id, "flaky")
    assert isinstance(tries, TaskInstanceHistoryCollection)
    assert tries.total_entries == 2
    # Airflow 2.11.2 sends the list as `task_instances`; the spec names it `task_instances_history`.
    assert tries.task_instances == tries.task_instances_history
    assert all(isinstance(t, TaskInstanceHistory) for t in tries.task_instances_history)
    by_try = {t.try_number: t for t in tries.task_instances_history}
    assert set(by_try) == {1, 2}
    assert by_try[1].state in ("failed", "up_for_retry")
    assert by_try[2].state == "success"
    first = api.get_task_instance_try_details("ti_retry", run_id, "flaky", 1)
    assert isinstance(first, TaskInstanceHistory)
    assert first.try_number == 1 and first.state == by_try[1].state
    assert isoparse(first.end_date) <= isoparse(by_try[2].start_date)
    current = api.get_task_instance("ti_retry", run_id, "flaky")
    assert current.try_number == 2 and current.state == "success"


def test_logs_of_each_try_tell_their_own_story(api, finished_runs):
    run_id = finished_runs["ti_retry"]
    plain = {"_headers": {"Accept": "text/plain"}}
    assert "failing on purpose, try 1" in api.get_log("ti_retry", run_id, "flaky", 1, **plain)
    second = api.get_log("ti_retry", run_id, "flaky", 2, **plain)
    assert "succeeded on try 2" in second and "failing on purpose" not in second


def test_tries_of_a_mapped_index(api, finished_runs):
    run_id = finished_runs["ti_mapped"]
    tries = api.get_mapped_task_instance_tries("ti_mapped", run_id, "square", 0)
    assert tries.total_entries == 1
    assert tries.task_instances_history[0].map_index == 0
    detail = api.get_mapped_task_instance_try_details("ti_mapped", run_id, "square", 0, 1)
    assert (detail.map_index, detail.try_number, detail.state) == (0, 1, "success")


def test_dependencies_explain_why_a_queued_task_cannot_run(api, blocked_run):
    deps = api.get_task_instance_dependencies("ti_blocked", blocked_run, "second")
    assert isinstance(deps, TaskInstanceDependencyCollection)
    assert deps.dependencies, "a task whose upstream has not run must have unmet dependencies"
    names = {d.name for d in deps.dependencies}
    assert all(isinstance(d.reason, str) and d.reason for d in deps.dependencies)
    assert {"Dag Not Paused", "Dagrun Running"} <= names


def test_a_finished_mapped_index_waits_on_nothing(api, finished_runs):
    deps = api.get_mapped_task_instance_dependencies("ti_mapped", finished_runs["ti_mapped"], "square", 0)
    assert isinstance(deps, TaskInstanceDependencyCollection)
    assert deps.dependencies == []


def test_dependencies_of_a_queued_mapped_index(api, blocked_run):
    deps = api.get_mapped_task_instance_dependencies("ti_blocked", blocked_run, "fan", 1)
    assert isinstance(deps, TaskInstanceDependencyCollection)
    assert {"Dag Not Paused", "Dagrun Running"} <= {d.name for d in deps.dependencies}


def test_extra_links_of_a_python_task_are_an_empty_collection(api, finished_runs):
    links = api.get_extra_links("ti_plain", finished_runs["ti_plain"], "say_hello")
    assert isinstance(links, ExtraLinkCollection)
    # Airflow answers a mapping of link name to URL, here `{}`, not the spec's `extra_links` list.
    assert links.to_dict() == {}
    assert links.get("extra_links") is None


def test_batch_listing_across_dags(api, finished_runs):
    form = ListTaskInstanceForm(
        dag_ids=["ti_plain", "ti_mapped"],
        dag_run_ids=[finished_runs["ti_plain"], finished_runs["ti_mapped"]],
        state=["success"],
    )
    page = api.get_task_instances_batch(form)
    assert {(t.dag_id, t.task_id) for t in page.task_instances} == {
        ("ti_plain", "say_hello"),
        ("ti_plain", "after_hello"),
        ("ti_mapped", "square"),
    }
    assert page.total_entries == 5  # two plain tasks and three map indexes
    # Other modules run ti_mapped too: the one finished run of the session's fixture is asked for.
    only = api.get_task_instances_batch({"dag_ids": ["ti_mapped"], "dag_run_ids": [finished_runs["ti_mapped"]],
                                         "task_ids": ["square"], "page_limit": 2})
    assert len(only.task_instances) == 2 and only.total_entries == 3


# -- writing --------------------------------------------------------------------------------------------


def test_note_written_and_read_back(api, own_runs):
    run_id = own_runs["ti_plain"]
    updated = api.set_task_instance_note("ti_plain", run_id, "say_hello", SetTaskInstanceNote("checked ✓ by tests"))
    assert isinstance(updated, TaskInstance)
    assert updated.note == "checked ✓ by tests"
    assert api.get_task_instance("ti_plain", run_id, "say_hello").note == "checked ✓ by tests"


def test_mapped_note_written_and_read_back(api, own_runs):
    run_id = own_runs["ti_mapped"]
    api.set_mapped_task_instance_note("ti_mapped", run_id, "square", 2, {"note": "index two"})
    assert api.get_mapped_task_instance("ti_mapped", run_id, "square", 2).note == "index two"
    assert api.get_mapped_task_instance("ti_mapped", run_id, "square", 1).get("note") is None


def test_dry_run_reports_the_change_without_making_it(api, own_runs):
    run_id = own_runs["ti_plain"]
    body = UpdateTaskInstance(dry_run=True, new_state="failed")
    ref = api.patch_task_instance("ti_plain", run_id, "after_hello", body)
    assert isinstance(ref, TaskInstanceReference)
    assert (ref.dag_id, ref.task_id, ref.dag_run_id) == ("ti_plain", "after_hello", run_id)
    assert api.get_task_instance("ti_plain", run_id, "after_hello").state == "success"


def test_state_change_is_made_and_read_back(api, own_runs):
    run_id = own_runs["ti_plain"]
    ref = api.patch_task_instance("ti_plain", run_id, "after_hello", {"dry_run": False, "new_state": "failed"})
    # Airflow 2.11.2 answers a real change with an empty object; only a dry run names the instance.
    assert isinstance(ref, TaskInstanceReference) and ref.to_dict() == {}
    assert api.get_task_instance("ti_plain", run_id, "after_hello").state == "failed"


def test_mapped_state_change_is_made_and_read_back(api, own_runs):
    run_id = own_runs["ti_mapped"]
    body = UpdateTaskInstance(dry_run=False, new_state="skipped")
    ref = api.patch_mapped_task_instance("ti_mapped", run_id, "square", 1, update_task_instance=body)
    assert isinstance(ref, TaskInstanceReference)
    states = {t.map_index: t.state for t in api.get_mapped_task_instances("ti_mapped", run_id, "square").task_instances}
    assert states == {0: "success", 1: "skipped", 2: "success"}


# -- refusals ---------------------------------------------------------------------------------------------


def test_viewer_may_read_but_not_write(viewer_api, finished_runs):
    run_id = finished_runs["ti_plain"]
    assert viewer_api.get_task_instance("ti_plain", run_id, "say_hello").state == "success"
    with pytest.raises(ForbiddenException) as caught:
        viewer_api.set_task_instance_note("ti_plain", run_id, "say_hello", SetTaskInstanceNote("nope"))
    assert caught.value.status == 403
    assert caught.value.method == "PATCH"
    assert caught.value.title


def test_missing_task_is_not_found_with_the_servers_explanation(api, finished_runs):
    with pytest.raises(NotFoundException) as caught:
        api.get_task_instance("ti_plain", finished_runs["ti_plain"], "no_such_task")
    err = caught.value
    assert err.status == 404
    assert err.title and "not found" in err.title.lower()
    assert "no_such_task" in str(err)


def test_bad_credentials_are_refused_with_403(airflow):
    api = make_api(airflow, ("admin", "wrong-password"))
    try:
        with pytest.raises(ForbiddenException) as caught:
            api.get_task_instances("~", "~", limit=1)
        assert "wrong-password" not in str(caught.value)
    finally:
        api.api_client.close()
