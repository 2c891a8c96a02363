"""The Airflow-3-only operations of TaskInstanceApi and TaskStateStoreApi against a real Airflow 3.3.2: task
groups, map-index routes and dry runs, deleting task instances, bulk updates, the external log URL, a
human-in-the-loop task answered through the API, and the state store a task wrote.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_client.client.api.task_instance_api import TaskInstanceApi
from airflow_client.client.api.task_state_store_api import TaskStateStoreApi
from airflow_client.client.exceptions import ApiException, ForbiddenException, NotFoundException
from airflow_client.client.models import (
    BulkBodyBulkTaskInstanceBody,
    BulkResponse,
    HITLDetail,
    HITLDetailCollection,
    HITLDetailHistory,
    HITLDetailResponse,
    PatchTaskInstanceBody,
    TaskDependencyCollectionResponse,
    TaskInstanceCollectionResponse,
    TaskStateStoreCollectionResponse,
    TaskStateStoreResponse,
    UpdateHITLDetailPayload,
)
from test.integration3.conftest import wait_for
from tools.local_airflow import quote_segment

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(v2_client: Any) -> TaskInstanceApi:
    return TaskInstanceApi(v2_client)


@pytest.fixture(scope="module")
def group_run(airflow3: Any, v2_runs: dict[str, str]) -> str:
    run_id = v2_runs["af3_group"]
    assert airflow3.wait_for_run("af3_group", run_id) == "success"
    return run_id


def tis_of(airflow3: Any, dag_id: str, run_id: str) -> dict[tuple[str, int], dict[str, Any]]:
    status, page = airflow3.request("GET", f"/dags/{dag_id}/dagRuns/{quote_segment(run_id)}/taskInstances")
    assert status == 200, page
    return {(ti["task_id"], ti["map_index"]): ti for ti in page["task_instances"]}


# --- the task state store (written by af3_group's grp.stash) ---------------------------------------

def test_the_state_store_holds_what_the_task_wrote(v2_client, group_run):
    stores = TaskStateStoreApi(v2_client)
    listed = stores.list_task_state_store("af3_group", group_run, "grp.stash")
    assert isinstance(listed, TaskStateStoreCollectionResponse)
    assert {e.key: e.value for e in listed.task_state_store} == {"cursor": {"page": 3}, "label": "stashed"}
    one = stores.get_task_state_store("af3_group", group_run, "grp.stash", "cursor")
    assert isinstance(one, TaskStateStoreResponse) and (one.key, one.value) == ("cursor", {"page": 3})
    assert one.expires_at is not None and one.updated_at is not None
    assert stores.list_task_state_store("af3_group", group_run, "grp.echo").total_entries == 0


def test_the_state_store_is_written_patched_deleted_and_cleared_through_the_api(v2_client, group_run):
    stores = TaskStateStoreApi(v2_client)
    args = ("af3_group", group_run, "grp.stash")
    assert stores.set_task_state_store(*args, "v2_list", {"value": [1, "two"]}) is None
    assert stores.set_task_state_store(*args, "v2_kept", {"value": 1, "expires_at": "2099-01-01T00:00:00Z"}) is None
    kept = stores.get_task_state_store(*args, "v2_kept")
    assert kept.value == 1 and str(kept.expires_at).startswith("2099-01-01")
    stores.patch_task_state_store(*args, "v2_list", {"value": {"patched": True}})
    assert stores.get_task_state_store(*args, "v2_list").value == {"patched": True}
    with pytest.raises(NotFoundException):
        stores.patch_task_state_store(*args, "v2_missing", {"value": 1})
    page = stores.list_task_state_store(*args, limit=2, offset=1)
    assert page.total_entries == 4 and len(page.task_state_store) == 2

    assert stores.delete_task_state_store(*args, "v2_list") is None
    with pytest.raises(NotFoundException):
        stores.get_task_state_store(*args, "v2_list")
    assert stores.clear_task_state_store(*args) is None
    assert stores.list_task_state_store(*args).total_entries == 0
    with pytest.raises(NotFoundException):
        stores.set_task_state_store("af3_group", group_run, "no_such_task", "k", {"value": 1})


def test_a_viewer_may_not_write_the_state_store(v2_viewer_client, group_run):
    with pytest.raises(ForbiddenException):
        TaskStateStoreApi(v2_viewer_client).set_task_state_store("af3_group", group_run, "grp.stash", "v",
                                                                 {"value": 1})


# --- task groups ----------------------------------------------------------------------------------

def test_a_task_group_is_patched_as_a_whole_dry_run_first(api, airflow3, group_run):
    dry = api.patch_task_group_instances_dry_run("af3_group", group_run, "grp",
                                                 PatchTaskInstanceBody(new_state="failed"))
    assert isinstance(dry, TaskInstanceCollectionResponse)
    assert sorted((ti.task_id, ti.state) for ti in dry.task_instances) == [("grp.echo", "success"),
                                                                           ("grp.stash", "success")]
    done = api.patch_task_group_instances("af3_group", group_run, "grp", {"new_state": "failed"})
    assert sorted((ti.task_id, ti.state) for ti in done.task_instances) == [("grp.echo", "failed"),
                                                                            ("grp.stash", "failed")]
    api.patch_task_group_instances("af3_group", group_run, "grp", {"note": "group checked"}, update_mask=["note"])
    now = tis_of(airflow3, "af3_group", group_run)
    assert {task: ti["note"] for (task, _), ti in now.items()} == {
        "grp.stash": "group checked", "grp.echo": "group checked", "done": None}
    assert now[("done", -1)]["state"] == "success"
    with pytest.raises(NotFoundException):
        api.patch_task_group_instances_dry_run("af3_group", group_run, "no_such_group", {"new_state": "failed"})


# --- map-index routes, dry runs, dependencies -----------------------------------------------------

def test_mapped_task_instances_are_patched_by_map_index(api, airflow3, v2_runs):
    run_id = v2_runs["ti_mapped"]
    assert airflow3.wait_for_run("ti_mapped", run_id) == "success"
    dry = api.patch_task_instance_dry_run_by_map_index("ti_mapped", run_id, "square", 1, {"new_state": "failed"})
    assert [(ti.map_index, ti.state) for ti in dry.task_instances] == [(1, "success")]
    dry0 = api.patch_task_instance_dry_run("ti_mapped", run_id, "square", {"new_state": "failed"}, map_index=0)
    assert [(ti.map_index, ti.state) for ti in dry0.task_instances] == [(0, "success")]
    done = api.patch_task_instance_by_map_index("ti_mapped", run_id, "square", 1, {"new_state": "failed"})
    assert isinstance(done, TaskInstanceCollectionResponse)
    assert [(ti.map_index, ti.state) for ti in done.task_instances] == [(1, "failed")]
    noted = api.patch_task_instance_by_map_index("ti_mapped", run_id, "square", 2, {"note": "two"},
                                                 update_mask=["note"])
    assert [(ti.map_index, ti.note, ti.state) for ti in noted.task_instances] == [(2, "two", "success")]
    states = {key[1]: ti["state"] for key, ti in tis_of(airflow3, "ti_mapped", run_id).items()}
    assert states == {0: "success", 1: "failed", 2: "success"}


def test_a_dry_run_with_upstream_lists_both_tasks_and_changes_nothing(api, airflow3, v2_runs):
    run_id = v2_runs["ti_plain"]
    assert airflow3.wait_for_run("ti_plain", run_id) == "success"
    dry = api.patch_task_instance_dry_run("ti_plain", run_id, "after_hello",
                                          {"new_state": "failed", "include_upstream": True})
    assert sorted(ti.task_id for ti in dry.task_instances) == ["after_hello", "say_hello"]
    assert {ti["state"] for ti in tis_of(airflow3, "ti_plain", run_id).values()} == {"success"}


def test_dependencies_by_map_index_say_why_a_queued_mapped_task_waits(api, blocked_run3):
    deps = api.get_task_instance_dependencies_by_map_index("ti_blocked", blocked_run3, "fan", 1)
    assert isinstance(deps, TaskDependencyCollectionResponse) and deps.dependencies
    assert all(d.name and d.reason for d in deps.dependencies)


def test_the_external_log_url_is_refused_without_an_external_log_handler(api, airflow3, v2_runs):
    run_id = v2_runs["ti_plain"]
    assert airflow3.wait_for_run("ti_plain", run_id) == "success"
    with pytest.raises(ApiException) as caught:
        api.get_external_log_url("ti_plain", run_id, "say_hello", 1)
    assert caught.value.status == 400 and "does not support external logs" in str(caught.value)


# --- deleting and bulk changes --------------------------------------------------------------------

def test_delete_task_instance_removes_one_and_a_second_delete_is_404(api, airflow3, v2_runs):
    mapped = v2_runs["ti_mapped"]
    assert airflow3.wait_for_run("ti_mapped", mapped) == "success"
    api.delete_task_instance("ti_mapped", mapped, "square", map_index=2)
    assert sorted(i for _, i in tis_of(airflow3, "ti_mapped", mapped)) == [0, 1]
    with pytest.raises(NotFoundException):
        api.delete_task_instance("ti_mapped", mapped, "square", map_index=2)
    plain = v2_runs["ti_plain"]
    api.delete_task_instance("ti_plain", plain, "after_hello")
    assert [task for task, _ in tis_of(airflow3, "ti_plain", plain)] == ["say_hello"]


def test_bulk_task_instances_update_and_delete_with_per_action_results(api, airflow3):
    run_id = airflow3.trigger_run("run_parked", "v2_bulk_tis")
    result = api.bulk_task_instances("run_parked", run_id, BulkBodyBulkTaskInstanceBody(actions=[
        {"action": "update", "entities": [{"task_id": "first", "new_state": "success", "note": "bulk"}]},
        {"action": "delete", "entities": ["second"]},
        {"action": "create", "entities": [{"task_id": "first"}]},
    ]))
    assert isinstance(result, BulkResponse)
    assert result.update.success == [f"run_parked.{run_id}.first[-1]"]
    assert (result.delete.success, result.delete.errors) == ([f"run_parked.{run_id}.second[-1]"], [])
    assert [e["status_code"] for e in result.create.errors] == [405]
    tis = tis_of(airflow3, "run_parked", run_id)
    assert list(tis) == [("first", -1)] and (tis[("first", -1)]["state"], tis[("first", -1)]["note"]) == (
        "success", "bulk")
    # An action naming a missing task instance reports it. (Airflow stops that action at the first missing
    # one, in an order that varies, so existing and missing ones are not mixed here.)
    missing = api.bulk_task_instances("run_parked", run_id, {"actions": [
        {"action": "delete", "entities": [{"task_id": "no_such_task"}]}]})
    assert missing.delete.success == [] and [e["status_code"] for e in missing.delete.errors] == [404]
    masked = api.bulk_task_instances("run_parked", run_id, {"actions": [
        {"action": "update", "update_mask": ["note"], "entities": [{"task_id": "first", "note": "only the note"}]}]})
    assert masked.update.success == [f"run_parked.{run_id}.first[-1]"]
    assert tis_of(airflow3, "run_parked", run_id)[("first", -1)]["note"] == "only the note"


def test_bulk_task_instances_is_refused_to_a_viewer(v2_viewer_client, airflow3):
    run_id = airflow3.trigger_run("run_parked", "v2_bulk_tis_viewer")
    with pytest.raises(ForbiddenException):
        TaskInstanceApi(v2_viewer_client).bulk_task_instances(
            "run_parked", run_id, {"actions": [{"action": "delete", "entities": ["first"]}]})


# --- human in the loop ----------------------------------------------------------------------------

def test_a_human_in_the_loop_task_waits_for_an_answer_given_through_the_api(api, v2_viewer_client, airflow3,
                                                                            v2_runs):
    run_id = v2_runs["af3_hitl"]

    def waiting() -> HITLDetailCollection | None:
        page = api.get_hitl_details("af3_hitl", run_id)
        return page if page.total_entries else None

    page = wait_for(waiting, "the human-in-the-loop request of af3_hitl.approve")
    assert isinstance(page, HITLDetailCollection)
    [listed] = page.hitl_details
    assert (listed.subject, listed.body, listed.options, listed.defaults) == (
        "Ship the release?", "The nightly build passed.", ["ship", "hold"], ["hold"])
    assert listed.response_received is False and listed.chosen_options is None
    assert listed.task_instance.task_id == "approve" and listed.task_instance.state == "awaiting_input"
    unanswered = api.get_hitl_details("~", "~", response_received=False, dag_id_pattern="af3_hitl")
    assert [d.task_instance.dag_run_id for d in unanswered.hitl_details] == [run_id]

    detail = api.get_hitl_detail("af3_hitl", run_id, "approve", -1)
    assert isinstance(detail, HITLDetail) and detail.multiple is False and detail.created_at is not None
    first_try = api.get_hitl_detail_try_detail("af3_hitl", run_id, "approve", -1, 1)
    assert isinstance(first_try, HITLDetailHistory) and first_try.options == ["ship", "hold"]
    with pytest.raises(NotFoundException):
        api.get_hitl_detail_try_detail("af3_hitl", run_id, "approve", -1, 5)
    with pytest.raises(NotFoundException):
        api.get_hitl_detail("af3_hitl", run_id, "after", -1)

    with pytest.raises(ApiException) as caught:
        api.update_hitl_detail("af3_hitl", run_id, "approve", -1, {"chosen_options": ["maybe"]})
    assert caught.value.status == 400 and "Invalid options" in str(caught.value)
    with pytest.raises(ForbiddenException):
        TaskInstanceApi(v2_viewer_client).update_hitl_detail("af3_hitl", run_id, "approve", -1,
                                                             {"chosen_options": ["ship"]})
    answer = api.update_hitl_detail("af3_hitl", run_id, "approve", -1,
                                    UpdateHITLDetailPayload(chosen_options=["ship"], params_input={}))
    assert isinstance(answer, HITLDetailResponse)
    assert answer.chosen_options == ["ship"] and answer.responded_by.name == "admin"
    with pytest.raises(ApiException) as caught:
        api.update_hitl_detail("af3_hitl", run_id, "approve", -1, {"chosen_options": ["hold"]})
    assert caught.value.status == 409

    assert airflow3.wait_for_run("af3_hitl", run_id) == "success"
    after = api.get_hitl_detail("af3_hitl", run_id, "approve", -1)
    assert after.response_received is True and after.chosen_options == ["ship"]
    assert after.responded_by_user.name == "admin" and after.task_instance.state == "success"
