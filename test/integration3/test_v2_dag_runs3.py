"""The Airflow-3-only operations of DAGRunApi against a real Airflow 3.3.2: trigger and patch with v2 bodies,
the batch list, upstream asset events of an asset-triggered run, waiting for a run to finish, clearing runs
and partitions, and bulk updates and deletes of runs with the result of each action.

Runs of ``run_parked`` (paused) stay queued, so only the API changes them.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_client.client.api.asset_api import AssetApi
from airflow_client.client.api.dag_run_api import DAGRunApi
from airflow_client.client.exceptions import ApiException, ForbiddenException, NotFoundException
from airflow_client.client.models import (
    AssetEventCollectionResponse,
    BulkBodyBulkDAGRunBody,
    BulkDAGRunClearBody,
    BulkResponse,
    ClearPartitionsResponse,
    ClearTaskInstanceCollectionResponse,
    DAGRunCollectionResponse,
    DAGRunPatchBody,
    DAGRunResponse,
    TriggerDAGRunPostBody,
)
from test.integration3.conftest import wait_for

pytestmark = pytest.mark.integration

PARKED = "run_parked"


@pytest.fixture(scope="module")
def api(v2_client: Any) -> DAGRunApi:
    return DAGRunApi(v2_client)


def park(api: DAGRunApi, run_id: str) -> DAGRunResponse:
    return api.trigger_dag_run(PARKED, {"dag_run_id": run_id, "logical_date": None})


def test_trigger_dag_run_with_conf_and_note_then_a_duplicate_is_409(api):
    run = api.trigger_dag_run(PARKED, TriggerDAGRunPostBody(dag_run_id="v2_trigger", logical_date=None,
                                                            conf={"rows": 3}, note="from the client"))
    assert isinstance(run, DAGRunResponse)
    assert (run.dag_id, run.dag_run_id, run.state, run.run_type) == (PARKED, "v2_trigger", "queued", "manual")
    assert (run.conf, run.note, run.logical_date, run.triggered_by) == ({"rows": 3}, "from the client", None,
                                                                        "rest_api")
    assert [v.version_number for v in run.dag_versions] == [1]
    with pytest.raises(ApiException) as caught:
        api.trigger_dag_run(PARKED, {"dag_run_id": "v2_trigger", "logical_date": None})
    assert caught.value.status == 409


def test_patch_dag_run_sets_the_note_alone_then_the_state(api):
    park(api, "v2_patch")
    noted = api.patch_dag_run(PARKED, "v2_patch", DAGRunPatchBody(note="looked at", state="failed"),
                              update_mask=["note"])
    assert isinstance(noted, DAGRunResponse) and (noted.note, noted.state) == ("looked at", "queued")
    failed = api.patch_dag_run(PARKED, "v2_patch", {"state": "failed"})
    assert (failed.state, failed.note) == ("failed", "looked at") and failed.end_date is not None
    with pytest.raises(NotFoundException):
        api.patch_dag_run(PARKED, "v2_no_such_run", {"note": "x"})


def test_the_batch_list_filters_runs_across_dags(api):
    park(api, "v2_listed")
    api.patch_dag_run(PARKED, "v2_listed", {"state": "success"})
    page = api.get_list_dag_runs_batch("~", {"dag_ids": [PARKED], "states": ["success"], "page_limit": 100})
    assert isinstance(page, DAGRunCollectionResponse)
    assert "v2_listed" in [r.dag_run_id for r in page.dag_runs]
    assert {(r.dag_id, r.state) for r in page.dag_runs} == {(PARKED, "success")}


def test_clear_dag_runs_dry_run_lists_task_instances_and_the_real_clear_queues_the_runs(api):
    park(api, "v2_clear")
    api.patch_dag_run(PARKED, "v2_clear", {"state": "failed"})
    body = BulkDAGRunClearBody(dry_run=True, only_failed=False, dag_runs=[{"dag_run_id": "v2_clear"}])
    dry = api.clear_dag_runs(PARKED, body)
    assert isinstance(dry, ClearTaskInstanceCollectionResponse)
    assert sorted(ti.task_id for ti in dry.task_instances) == ["first", "second"]
    assert {ti.dag_run_id for ti in dry.task_instances} == {"v2_clear"}
    done = api.clear_dag_runs(PARKED, {"dry_run": False, "only_failed": False,
                                       "dag_runs": [{"dag_run_id": "v2_clear"}]})
    assert isinstance(done, DAGRunCollectionResponse)
    assert [(r.dag_run_id, r.state) for r in done.dag_runs] == [("v2_clear", "queued")]
    with pytest.raises(ApiException) as caught:
        api.clear_dag_runs(PARKED, {})  # neither runs nor partitions
    assert caught.value.status == 422


def test_clear_dag_run_partitions_of_a_dag_without_partitions_clears_nothing(api):
    park(api, "v2_partitions")
    result = api.clear_dag_run_partitions(PARKED, {"run_id": "v2_partitions", "dry_run": True})
    assert isinstance(result, ClearPartitionsResponse)
    assert (result.dag_runs_cleared, result.task_instances_cleared, result.dry_run) == (0, 0, True)
    with pytest.raises(ApiException) as caught:
        api.clear_dag_run_partitions(PARKED, {})
    assert caught.value.status == 422


def test_bulk_dag_runs_updates_and_deletes_with_per_action_results(api, airflow3):
    for run_id in ("v2_bulk_keep", "v2_bulk_gone"):
        park(api, run_id)
    result = api.bulk_dag_runs(PARKED, BulkBodyBulkDAGRunBody(actions=[
        {"action": "update", "entities": [{"dag_run_id": "v2_bulk_keep", "state": "failed", "note": "bulk"}]},
        {"action": "delete", "entities": ["v2_bulk_gone"]},
        {"action": "create", "entities": [{"dag_run_id": "v2_bulk_new"}]},
    ]))
    assert isinstance(result, BulkResponse)
    assert result.update.success == [f"{PARKED}.v2_bulk_keep"] and result.delete.success == [f"{PARKED}.v2_bulk_gone"]
    assert result.create.success == [] and [e["status_code"] for e in result.create.errors] == [405]
    kept = airflow3.request("GET", f"/dags/{PARKED}/dagRuns/v2_bulk_keep")[1]
    assert (kept["state"], kept["note"]) == ("failed", "bulk")
    assert airflow3.request("GET", f"/dags/{PARKED}/dagRuns/v2_bulk_gone")[0] == 404

    missing = api.bulk_dag_runs(PARKED, {"actions": [{"action": "delete", "entities": ["v2_bulk_missing"]}]})
    assert [e["status_code"] for e in missing.delete.errors] == [404]
    skipped = api.bulk_dag_runs(PARKED, {"actions": [
        {"action": "delete", "entities": ["v2_bulk_missing"], "action_on_non_existence": "skip"}]})
    assert (skipped.delete.success, skipped.delete.errors) == ([], [])
    across = api.bulk_dag_runs("~", {"actions": [
        {"action": "update", "entities": [{"dag_id": PARKED, "dag_run_id": "v2_bulk_keep", "note": "via ~"}]}]})
    assert across.update.success == [f"{PARKED}.v2_bulk_keep"]


def test_bulk_dag_runs_is_refused_to_a_viewer(v2_viewer_client):
    with pytest.raises(ForbiddenException):
        DAGRunApi(v2_viewer_client).bulk_dag_runs(PARKED, {"actions": [{"action": "delete", "entities": ["x"]}]})


def test_wait_until_finished_gives_each_state_then_the_results(api, v2_runs):
    run_id = v2_runs["ti_plain"]
    states = api.wait_dag_run_until_finished("ti_plain", run_id, 1)
    assert isinstance(states, list) and states and all(isinstance(s, dict) for s in states)
    assert states[-1] == {"state": "success"}
    assert {s["state"] for s in states} <= {"queued", "running", "success"}
    with_results = api.wait_dag_run_until_finished("ti_plain", run_id, 1, result=["say_hello"])
    assert with_results[-1] == {"state": "success", "results": {"say_hello": {"greeting": "hello"}}}
    with pytest.raises(NotFoundException):
        api.wait_dag_run_until_finished("ti_plain", "v2_no_such_run", 1)


def test_an_asset_triggered_run_lists_its_upstream_asset_events(api, v2_client, airflow3):
    assets = AssetApi(v2_client)
    ids = {a.uri: a.id for a in assets.get_assets(uri_pattern="client-test3/af3-").assets}
    made = [assets.create_asset_event({"asset_id": ids[uri]}).id
            for uri in ("s3://client-test3/af3-left", "s3://client-test3/af3-right")]

    def triggered() -> Any:
        runs = api.get_list_dag_runs_batch("~", {"dag_ids": ["af3_waiting"]}).dag_runs
        return runs[0] if runs else None

    run = wait_for(triggered, "a run of af3_waiting after both its assets changed")
    assert run.run_type == "asset_triggered"
    events = api.get_upstream_asset_events("af3_waiting", run.dag_run_id)
    assert isinstance(events, AssetEventCollectionResponse)
    # Every event of its assets since the DAG's previous run (none), not only the two that were queued.
    before = {e.id for uri in ids for e in assets.get_asset_events(asset_id=ids[uri], limit=100).asset_events}
    assert set(made) <= {e.id for e in events.asset_events} == before
    assert {e.uri for e in events.asset_events} == set(ids)
    assert airflow3.wait_for_run("af3_waiting", run.dag_run_id) == "success"
    assert api.get_upstream_asset_events(PARKED, "v2_trigger").asset_events == []
