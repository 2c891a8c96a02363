"""Calls that ask an Airflow 3 server something first (look-ups), or read more than one answer, on loopback:
DatasetApi by URI where Airflow 3 addresses assets by id, and the FAB auth manager's permission pairs."""

from __future__ import annotations

import re
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_run_api, dataset_api, permission_api, role_api, user_api, variable_api
from airflow_client.client.exceptions import ApiValueError, ForbiddenException, NotFoundException
from airflow_client.client.model.action_collection import ActionCollection
from airflow_client.client.model.dataset import Dataset
from airflow_client.client.model.dataset_collection import DatasetCollection
from airflow_client.client.model.dataset_event import DatasetEvent
from airflow_client.client.model.dataset_event_collection import DatasetEventCollection
from airflow_client.client.model.queued_event import QueuedEvent
from airflow_client.client.model.queued_event_collection import QueuedEventCollection

from .conftest import Answer, LoopbackServer, Seen

ORDERS = "s3://shop/orders"
LEFT = "s3://shop/orders_left"  # contains ORDERS's text: a uri_pattern match that is not the asset
CREATED = "2025-01-01T00:00:00Z"


def asset(asset_id: int, uri: str, *, name: str | None = None, dags: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"id": asset_id, "name": name or uri, "uri": uri, "group": "asset", "extra": {},
            "created_at": CREATED, "updated_at": CREATED,
            "scheduled_dags": [{"dag_id": d, "created_at": CREATED, "updated_at": CREATED} for d in dags],
            "producing_tasks": [{"dag_id": "producer", "task_id": "produce", "created_at": CREATED,
                                 "updated_at": CREATED}],
            "consuming_tasks": [], "aliases": [], "watchers": [], "last_asset_event": None}


def event(event_id: int, item: dict[str, Any]) -> dict[str, Any]:
    return {"id": event_id, "asset_id": item["id"], "uri": item["uri"], "name": item["name"], "group": "asset",
            "extra": {"from_rest_api": True}, "source_task_id": None, "source_dag_id": None, "source_run_id": None,
            "source_map_index": -1, "created_dagruns": [], "timestamp": CREATED, "partition_key": None}


def permission_pairs(count: int) -> list[dict[str, Any]]:
    """(action, resource) pairs as the FAB auth manager lists them: 4 actions per resource."""
    actions = ("can_read", "can_edit", "can_create", "can_delete")
    return [{"action": {"name": actions[n % 4]}, "resource": {"name": f"R{n // 4}"}} for n in range(count)]


def queued(dag_id: str, asset_id: int) -> dict[str, Any]:
    return {"dag_id": dag_id, "asset_id": asset_id, "created_at": CREATED, "dag_display_name": dag_id}


class AssetServer:
    """Answers like Airflow 3.3's asset routes (and the FAB auth manager's permissions), paging by limit and
    offset; every request is kept in `server.seen`."""

    def __init__(self, server: LoopbackServer, assets: list[dict[str, Any]]) -> None:
        self.server = server
        self.assets = assets
        self.queued = [queued("pair", 7), queued("pair", 8)]
        self.pairs: list[dict[str, Any]] = []
        self.max_page = 100
        server.handler = self.answer

    def page(self, seen: Seen, field: str, items: list[Any]) -> Answer:
        limit = min(int(seen.query.get("limit", ["50"])[0]), self.max_page)
        offset = int(seen.query.get("offset", ["0"])[0])
        return Answer(body={field: items[offset : offset + limit], "total_entries": len(items)})

    def by_id(self, asset_id: str) -> dict[str, Any] | None:
        return next((a for a in self.assets if str(a["id"]) == asset_id), None)

    def answer(self, seen: Seen) -> Answer:
        path, method, query = seen.path, seen.method, seen.query
        if seen.headers.get("Authorization") != "Bearer t":
            return Answer(status=401, body={"detail": "Not authenticated"})
        if path == "/auth/fab/v1/permissions":
            return self.page(seen, "actions", self.pairs)
        if path == "/api/v2/assets" and method == "GET":
            found = self.assets
            if "uri_pattern" in query:
                found = [a for a in found if query["uri_pattern"][0].lower() in a["uri"].lower()]
            if "dag_ids" in query:
                found = [a for a in found if {d["dag_id"] for d in a["scheduled_dags"]} & set(query["dag_ids"])]
            return self.page(seen, "assets", found)
        if path == "/api/v2/assets/events" and method == "POST":
            body = seen.json()
            item = self.by_id(str(body.get("asset_id")))
            return Answer(body=event(9, item)) if item else Answer(status=404, body={"detail": "no asset"})
        if path == "/api/v2/assets/events":
            return self.page(seen, "asset_events", [event(1, a) for a in self.assets])
        match = re.fullmatch(r"/api/v2/assets/(\d+)", path)
        if match:
            item = self.by_id(match[1])
            return Answer(body=item) if item else Answer(status=404, body={"detail": "not found"})
        match = re.fullmatch(r"/api/v2/(?:dags/(\w+)/)?assets/(?:(\d+)/)?queuedEvents", path)
        if match:
            dag_id, asset_id = match[1], match[2]
            found = [q for q in self.queued if dag_id in (None, q["dag_id"]) and asset_id in (None, str(q["asset_id"]))]
            if method == "DELETE":
                return Answer(status=204, body=b"") if found else Answer(status=404, body={"detail": "none"})
            if dag_id and asset_id:
                return Answer(body=found[0]) if found else Answer(status=404, body={"detail": "none"})
            return Answer(body={"queued_events": found, "total_entries": len(found)})
        if path.endswith("/upstreamAssetEvents"):
            return Answer(body={"asset_events": [event(1, self.assets[0])], "total_entries": 1})
        return Answer(status=404, body={"error": "API route not found"})


@pytest.fixture
def assets(server: LoopbackServer) -> AssetServer:
    return AssetServer(server, [asset(7, ORDERS, dags=("pair", "consumer")), asset(8, LEFT, dags=("pair",)),
                                asset(9, "s3://other/x")])


@pytest.fixture
def api_client(server: LoopbackServer) -> Any:
    config = client.Configuration(host=f"http://127.0.0.1:{server.port}/api/v2", access_token="t")
    config.retries = 0
    with client.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture
def datasets(api_client: client.ApiClient) -> dataset_api.DatasetApi:
    return dataset_api.DatasetApi(api_client)


def sent(server: LoopbackServer) -> list[str]:
    return [f"{s.method} {s.target}" for s in server.seen]


def test_a_dataset_read_by_uri_is_looked_up_then_read_by_its_asset_id(assets, datasets):
    dataset = datasets.get_dataset(ORDERS)
    assert sent(assets.server) == ["GET /api/v2/assets?uri_pattern=s3%3A%2F%2Fshop%2Forders&limit=100&offset=0",
                                   "GET /api/v2/assets/7"]
    assert isinstance(dataset, Dataset) and (dataset.id, dataset.uri) == (7, ORDERS)
    assert [d.dag_id for d in dataset.consuming_dags] == ["pair", "consumer"]  # Airflow 3's scheduled_dags
    assert dataset.producing_tasks[0].task_id == "produce"


def test_the_look_up_keeps_the_exact_uri_across_pages_of_partial_matches(assets, datasets):
    assets.assets = [asset(n, f"{ORDERS}_{n}") for n in range(1, 5)] + [asset(99, ORDERS)]
    assets.max_page = 2  # a server whose pages are smaller than asked for
    assert datasets.get_dataset(ORDERS).id == 99
    looked = [s.query["offset"] for s in assets.server.seen if s.path == "/api/v2/assets"]
    assert looked == [["0"], ["2"], ["4"]]


def test_an_unknown_uri_is_not_found_naming_the_uri_and_nothing_else_is_sent(assets, datasets):
    missing = "s3://shop/ORDERS"  # uri_pattern ignores case; the URI must match exactly
    with pytest.raises(NotFoundException) as caught:
        datasets.get_dataset(missing)
    assert caught.value.status == 404 and missing in caught.value.detail and caught.value.title == "Dataset not found"
    assert missing in str(caught.value)
    with pytest.raises(NotFoundException):
        datasets.create_dataset_event({"dataset_uri": missing})
    assert {s.path for s in assets.server.seen} == {"/api/v2/assets"}


def test_two_assets_with_one_uri_are_refused_naming_both(assets, datasets):
    assets.assets = [asset(1, ORDERS, name="orders_a"), asset(2, ORDERS, name="orders_b")]
    with pytest.raises(ApiValueError) as caught:
        datasets.delete_dataset_queued_events(ORDERS)
    assert ORDERS in str(caught.value) and "'orders_a' (id 1)" in str(caught.value) and "'orders_b' (id 2)" in str(
        caught.value)
    assert [s.method for s in assets.server.seen] == ["GET"]


def test_a_dataset_event_is_created_by_asset_id_and_answered_under_2x_names(assets, datasets):
    created = datasets.create_dataset_event({"dataset_uri": LEFT, "extra": {"rows": 3}})
    post = assets.server.seen[-1]
    assert (post.method, post.path, post.json()) == ("POST", "/api/v2/assets/events",
                                                     {"asset_id": 8, "extra": {"rows": 3}})
    assert isinstance(created, DatasetEvent)
    assert (created.dataset_id, created.dataset_uri, created.source_map_index) == (8, LEFT, -1)
    assert "uri" not in created.to_dict() and created["name"] == LEFT  # Airflow 3's extra field stays readable


def test_lists_of_assets_and_events_read_as_datasets(assets, datasets, api_client):
    page = datasets.get_datasets(dag_ids="pair,consumer", order_by="-uri")
    assert assets.server.seen[-1].query == {"dag_ids": ["pair", "consumer"], "order_by": ["-uri"], "limit": ["100"]}
    assert isinstance(page, DatasetCollection) and [d.uri for d in page.datasets] == [ORDERS, LEFT]
    assert page.datasets[0].consuming_dags[1].dag_id == "consumer" and page.total_entries == 2
    events = datasets.get_dataset_events(dataset_id=7, order_by="timestamp")
    assert assets.server.seen[-1].query == {"asset_id": ["7"], "order_by": ["timestamp"], "limit": ["100"]}
    assert isinstance(events, DatasetEventCollection)
    assert [(e.dataset_id, e.dataset_uri) for e in events.dataset_events][:2] == [(7, ORDERS), (8, LEFT)]
    upstream = dag_run_api.DAGRunApi(api_client).get_upstream_dataset_events("consumer", "run_1")
    assert assets.server.seen[-1].path == "/api/v2/dags/consumer/dagRuns/run_1/upstreamAssetEvents"
    assert [(e.dataset_id, e.dataset_uri) for e in upstream.dataset_events] == [(7, ORDERS)]


def test_queued_events_carry_the_dataset_uri_2x_gave_them(assets, datasets):
    one = datasets.get_dag_dataset_queued_event("pair", ORDERS)
    assert assets.server.seen[-1].path == "/api/v2/dags/pair/assets/7/queuedEvents"
    assert isinstance(one, QueuedEvent) and (one.dag_id, one.uri) == ("pair", ORDERS)
    of_asset = datasets.get_dataset_queued_events(LEFT)
    assert assets.server.seen[-1].path == "/api/v2/assets/8/queuedEvents"
    assert isinstance(of_asset, QueuedEventCollection) and [e.uri for e in of_asset.datasets] == [LEFT]
    before = len(assets.server.seen)
    of_dag = datasets.get_dag_dataset_queued_events("pair")
    # One request for the events, then one for the URIs of every asset the DAG uses.
    assert sent(assets.server)[before:] == ["GET /api/v2/dags/pair/assets/queuedEvents",
                                            "GET /api/v2/assets?dag_ids=pair&limit=100&offset=0"]
    assert [(e.dag_id, e.uri) for e in of_dag.datasets] == [("pair", ORDERS), ("pair", LEFT)]
    assert of_dag.queued_events == of_dag.datasets


def test_a_queued_event_of_an_asset_the_dag_no_longer_uses_gets_its_uri_by_id(assets, datasets):
    assets.queued = [queued("pair", 9)]
    (entry,) = datasets.get_dag_dataset_queued_events("pair").datasets
    assert entry.uri == "s3://other/x" and assets.server.seen[-1].path == "/api/v2/assets/9"


def test_queued_events_are_deleted_by_asset_id(assets, datasets):
    assert datasets.delete_dag_dataset_queued_event("pair", LEFT, before="2030-01-01T00:00:00+00:00") is None
    seen = assets.server.seen[-1]
    assert (seen.method, seen.path, seen.query) == ("DELETE", "/api/v2/dags/pair/assets/8/queuedEvents",
                                                    {"before": ["2030-01-01T00:00:00+00:00"]})
    assert datasets.delete_dataset_queued_events(ORDERS) is None
    assert assets.server.seen[-1].path == "/api/v2/assets/7/queuedEvents"


def test_a_refused_look_up_raises_the_servers_error(assets, datasets, server):
    answer = assets.answer
    server.handler = lambda seen: Answer(status=403, body={"detail": "Forbidden"}) if seen.path == "/api/v2/assets" \
        else answer(seen)
    with pytest.raises(ForbiddenException) as caught:
        datasets.get_dataset(ORDERS)
    assert caught.value.detail == "Forbidden" and caught.value.method == "GET"


def test_async_calls_check_their_arguments_at_once_and_look_up_on_the_pool(assets, datasets):
    with pytest.raises(client.ApiTypeError):
        datasets.get_dataset(42, async_req=True)
    assert not assets.server.seen
    result = datasets.get_dataset(ORDERS, async_req=True)
    assert result.get(timeout=10).id == 7
    assert [s.path for s in assets.server.seen] == ["/api/v2/assets", "/api/v2/assets/7"]


def test_permissions_are_the_distinct_action_names_of_every_pair_paged_by_the_client(assets, api_client):
    assets.pairs = permission_pairs(210)
    api = permission_api.PermissionApi(api_client)
    everything = api.get_permissions()
    assert isinstance(everything, ActionCollection)
    assert [a.name for a in everything.actions] == ["can_read", "can_edit", "can_create", "can_delete"]
    assert everything.total_entries == 4
    # Every pair is read, 100 at a time, whatever the call's own limit and offset.
    assert [s.query for s in assets.server.seen] == [{"limit": ["100"]}, {"limit": ["100"], "offset": ["100"]},
                                                     {"limit": ["100"], "offset": ["200"]}]
    window = api.get_permissions(limit=2, offset=1)
    assert [a.name for a in window.actions] == ["can_edit", "can_create"] and window.total_entries == 4
    assert assets.server.seen[-3].query == {"limit": ["100"]}
    assert api.get_permissions(offset=4).actions == []


# -- the FAB auth manager's API ---------------------------------------------------------------------------------


UI_PAGE = '<!doctype html>\n<html lang="en"><head><meta charset="UTF-8" /></head><body></body></html>'


def simple_auth_manager(seen: Seen) -> Answer:
    """Airflow 3.3.2 without the FAB auth manager: nothing is routed at /auth/fab/v1, so a GET gets the UI's
    page and any other method 405; an unknown /api/v2 path gets Airflow's own 404."""
    if seen.path.startswith("/auth/fab/v1/"):
        if seen.method == "GET":
            return Answer(body=UI_PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
        return Answer(status=405, body={"detail": "Method Not Allowed"})
    if seen.method == "PATCH":
        return Answer(status=405, body={"detail": "Method Not Allowed"})
    return Answer(status=404, body={"error": "API route not found"})


@pytest.mark.parametrize(("call", "answered"), [
    (lambda c: user_api.UserApi(c).get_users(), "200 with an HTML page"),
    (lambda c: role_api.RoleApi(c).get_role("Viewer"), "200 with an HTML page"),
    (lambda c: permission_api.PermissionApi(c).get_permissions(limit=3), "200 with an HTML page"),
    (lambda c: user_api.UserApi(c).delete_user("someone"), "405 Method Not Allowed"),
    (lambda c: role_api.RoleApi(c).post_role({"name": "r", "actions": []}), "405 Method Not Allowed"),
], ids=["get_users", "get_role", "get_permissions", "delete_user", "post_role"])
def test_users_roles_and_permissions_without_the_fab_auth_manager_fail_saying_so(server, api_client, call, answered):
    server.handler = simple_auth_manager
    with pytest.raises(client.ApiException) as caught:
        call(api_client)
    name = ("get_users", "get_role", "get_permissions", "delete_user", "post_role")
    message = str(caught.value)
    assert any(f"{n}() needs the FAB auth manager's API (/auth/fab/v1)" in message for n in name)
    assert "does not run the FAB auth manager" in message and answered in message
    assert caught.value.detail == caught.value.reason
    assert server.seen[-1].path.startswith("/auth/fab/v1/")


def test_a_405_of_the_core_api_is_not_taken_for_a_missing_fab_auth_manager(server, api_client):
    server.handler = simple_auth_manager
    with pytest.raises(client.ApiException) as caught:
        variable_api.VariableApi(api_client).patch_variable("k", {"key": "k", "value": "v"})
    assert caught.value.status == 405 and "FAB" not in str(caught.value)


def test_fab_users_read_under_their_2x_names(server, api_client):
    server.handler = lambda seen: Answer(body={"users": [{"username": "u", "fail_login_count": 2, "roles": []}],
                                              "total_entries": 1})
    page = user_api.UserApi(api_client).get_users()
    assert server.seen[-1].target == "/auth/fab/v1/users?limit=100"
    assert page.users[0].failed_login_count == 2
