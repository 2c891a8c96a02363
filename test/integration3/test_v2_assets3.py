"""AssetApi and AssetStateStoreApi, the Airflow-3-only asset operations, against a real Airflow 3.3.2: assets
and their aliases and events, materializing an ``@asset``, queued events, and the asset state store that a
task and the API write.

The af3_* DAGs own the assets used here (``s3://client-test3/made``, ``.../aliased``, ``.../af3-left``,
``.../af3-right``), so the dataset tests' assets are left alone.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_client.client.api.asset_api import AssetApi
from airflow_client.client.api.asset_state_store_api import AssetStateStoreApi
from airflow_client.client.exceptions import ForbiddenException, NotFoundException
from airflow_client.client.models import (
    AssetAliasCollectionResponse,
    AssetCollectionResponse,
    AssetEventCollectionResponse,
    AssetEventResponse,
    AssetResponse,
    AssetStateStoreCollectionResponse,
    AssetStateStoreResponse,
    CreateAssetEventsBody,
    DAGRunResponse,
    QueuedEventCollectionResponse,
    QueuedEventResponse,
)

pytestmark = pytest.mark.integration

MADE = "s3://client-test3/made"
ALIASED = "s3://client-test3/aliased"
LEFT = "s3://client-test3/af3-left"


@pytest.fixture(scope="module")
def assets(v2_client: Any) -> AssetApi:
    return AssetApi(v2_client)


@pytest.fixture(scope="module")
def stores(v2_client: Any) -> AssetStateStoreApi:
    return AssetStateStoreApi(v2_client)


def asset_id(api: AssetApi, uri: str) -> int:
    """Asset ids follow the order the DAG processor met the assets in: look them up by URI."""
    [found] = [a for a in api.get_assets(uri_pattern=uri).assets if a.uri == uri]
    return int(found.id)


def test_get_assets_and_get_asset_describe_the_materializable_asset(assets):
    page = assets.get_assets(uri_pattern="client-test3/made")
    assert isinstance(page, AssetCollectionResponse) and page.total_entries == 1
    [listed] = page.assets
    assert (listed.name, listed.uri) == ("af3_made", MADE)
    assert [(t.dag_id, t.task_id) for t in listed.producing_tasks] == [("af3_made", "af3_made")]
    one = assets.get_asset(listed.id)
    assert isinstance(one, AssetResponse) and (one.id, one.name, one.group) == (listed.id, "af3_made", "asset")
    with pytest.raises(NotFoundException):
        assets.get_asset(987654)


def test_an_alias_resolves_to_the_asset_its_task_updated(assets, airflow3, v2_runs):
    page = assets.get_asset_aliases(name_pattern="client-test")
    assert isinstance(page, AssetAliasCollectionResponse)
    [alias] = page.asset_aliases
    assert alias.name == "client-test-alias"
    one = assets.get_asset_alias(alias.id)
    assert one["name"] == "client-test-alias" and one["id"] == alias.id
    with pytest.raises(NotFoundException):
        assets.get_asset_alias(987654)

    run_id = v2_runs["af3_alias"]
    assert airflow3.wait_for_run("af3_alias", run_id) == "success"
    [aliased] = assets.get_assets(uri_pattern="client-test3/aliased").assets
    assert [a.name for a in aliased.aliases] == ["client-test-alias"]
    events = assets.get_asset_events(source_dag_id="af3_alias")
    assert isinstance(events, AssetEventCollectionResponse)
    [event] = events.asset_events
    assert (event.uri, event.source_task_id, event.source_run_id) == (ALIASED, "emit", run_id)
    assert event.extra == {"via": "alias"} and event.asset_id == aliased.id


def test_an_event_for_one_of_two_assets_is_queued_until_deleted_three_ways(assets):
    left = asset_id(assets, LEFT)

    def new_event() -> AssetEventResponse:
        return assets.create_asset_event(CreateAssetEventsBody(asset_id=left, extra={"from": "client"}))

    event = new_event()
    assert isinstance(event, AssetEventResponse) and event.asset_id == left and event.uri == LEFT
    assert event.extra == {"from": "client", "from_rest_api": True} and event.source_dag_id is None
    newest = assets.get_asset_events(asset_id=left, order_by=["-timestamp"], limit=1).asset_events
    assert [e.id for e in newest] == [event.id]

    queued = assets.get_asset_queued_events(left)
    assert isinstance(queued, QueuedEventCollectionResponse)
    assert [(q.dag_id, q.asset_id) for q in queued.queued_events] == [("af3_waiting", left)]
    by_dag = assets.get_dag_asset_queued_events("af3_waiting")
    assert [q.asset_id for q in by_dag.queued_events] == [left]
    one = assets.get_dag_asset_queued_event("af3_waiting", left)
    assert isinstance(one, QueuedEventResponse) and one.dag_id == "af3_waiting" and one.created_at

    assert assets.delete_dag_asset_queued_event("af3_waiting", left) is None
    with pytest.raises(NotFoundException):
        assets.get_dag_asset_queued_event("af3_waiting", left)
    with pytest.raises(NotFoundException):
        assets.delete_dag_asset_queued_event("af3_waiting", left)

    new_event()
    assert assets.delete_dag_asset_queued_events("af3_waiting") is None
    assert assets.get_dag_asset_queued_events("af3_waiting").total_entries == 0
    with pytest.raises(NotFoundException):
        assets.delete_dag_asset_queued_events("af3_waiting")

    new_event()
    assert assets.get_asset_queued_events(left).total_entries == 1
    assert assets.delete_asset_queued_events(left) is None
    assert assets.get_asset_queued_events(left).queued_events == []
    with pytest.raises(NotFoundException):
        assets.delete_asset_queued_events(left)


def test_materialize_runs_the_assets_dag_which_writes_its_state_store(assets, stores, airflow3):
    made = asset_id(assets, MADE)
    run = assets.materialize_asset(made)
    assert isinstance(run, DAGRunResponse)
    assert (run.dag_id, run.run_type, run.state) == ("af3_made", "asset_materialization", "queued")
    assert airflow3.wait_for_run("af3_made", run.dag_run_id) == "success"
    events = assets.get_asset_events(asset_id=made, source_run_id=run.dag_run_id).asset_events
    assert [(e.source_dag_id, e.source_task_id) for e in events] == [("af3_made", "af3_made")]

    listed = stores.list_asset_state_store(made)
    assert isinstance(listed, AssetStateStoreCollectionResponse)
    assert {e.key: e.value for e in listed.asset_state_store} == {"watermark": {"rows": 7}}
    one = stores.get_asset_state_store(made, "watermark")
    assert isinstance(one, AssetStateStoreResponse) and one.value == {"rows": 7}
    writer = one.last_updated_by
    assert (writer.kind, writer.dag_id, writer.run_id, writer.task_id) == ("task", "af3_made", run.dag_run_id,
                                                                           "af3_made")
    with pytest.raises(NotFoundException):
        assets.materialize_asset(987654)


def test_the_asset_state_store_is_written_read_deleted_and_cleared_through_the_api(assets, stores):
    made = asset_id(assets, MADE)
    assert stores.set_asset_state_store(made, "v2_limits", {"value": {"max": [1, 2]}}) is None
    assert stores.set_asset_state_store(made, "v2_label", {"value": "text"}) is None
    got = stores.get_asset_state_store(made, "v2_limits")
    assert got.value == {"max": [1, 2]} and got.last_updated_by.kind == "api" and got.last_updated_by.task_id is None
    assert stores.get_asset_state_store(made, "v2_label").value == "text"
    page = stores.list_asset_state_store(made, limit=1, offset=1)
    assert page.total_entries >= 2 and len(page.asset_state_store) == 1

    assert stores.delete_asset_state_store(made, "v2_limits") is None
    with pytest.raises(NotFoundException):
        stores.get_asset_state_store(made, "v2_limits")
    assert stores.delete_asset_state_store(made, "v2_limits") is None  # deleting again is no error
    assert stores.clear_asset_state_store(made) is None
    assert stores.list_asset_state_store(made).total_entries == 0
    with pytest.raises(NotFoundException):
        stores.list_asset_state_store(987654)


def test_a_viewer_reads_assets_but_may_not_write_events_or_state(v2_viewer_client, assets):
    made = asset_id(assets, MADE)
    viewer_assets = AssetApi(v2_viewer_client)
    assert viewer_assets.get_asset(made).uri == MADE
    with pytest.raises(ForbiddenException):
        viewer_assets.create_asset_event({"asset_id": made})
    with pytest.raises(ForbiddenException):
        AssetStateStoreApi(v2_viewer_client).set_asset_state_store(made, "v2_no", {"value": 1})
