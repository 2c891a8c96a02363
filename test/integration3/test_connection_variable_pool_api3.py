"""The 2.x ConnectionApi, VariableApi and PoolApi, call for call, against a real Airflow 3.3.2: same
methods, same arguments, same model types as on Airflow 2."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import connection_api, pool_api, variable_api
from airflow_client.client.exceptions import (
    ApiException,
    ApiTypeError,
    BadRequestException,
    ConflictException,
    ForbiddenException,
    NotFoundException,
)
from airflow_client.client.model.connection import Connection
from airflow_client.client.model.connection_collection import ConnectionCollection
from airflow_client.client.model.connection_collection_item import ConnectionCollectionItem
from airflow_client.client.model.pool import Pool
from airflow_client.client.model.pool_collection import PoolCollection
from airflow_client.client.model.variable import Variable
from airflow_client.client.model.variable_collection import VariableCollection
from airflow_client.client.model.variable_collection_item import VariableCollectionItem
from test.server_files import unique
from tools.local_airflow import quote_segment

pytestmark = pytest.mark.integration


def make_client(airflow3: Any, user: tuple[str, str]) -> Iterator[client.ApiClient]:
    config = client.Configuration(host=airflow3.base_url, username=user[0], password=user[1])
    with client.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture(scope="module")
def admin_client(airflow3: Any) -> Iterator[client.ApiClient]:
    yield from make_client(airflow3, airflow3.admin)


@pytest.fixture(scope="module")
def viewer_client(airflow3: Any) -> Iterator[client.ApiClient]:
    yield from make_client(airflow3, airflow3.viewer)


@pytest.fixture(scope="module")
def conns(admin_client: client.ApiClient) -> connection_api.ConnectionApi:
    return connection_api.ConnectionApi(admin_client)


@pytest.fixture(scope="module")
def variables(admin_client: client.ApiClient) -> variable_api.VariableApi:
    return variable_api.VariableApi(admin_client)


@pytest.fixture(scope="module")
def pools(admin_client: client.ApiClient) -> pool_api.PoolApi:
    return pool_api.PoolApi(admin_client)


# -- connections --------------------------------------------------------------------------------------------


def test_connection_round_trip_create_read_patch_delete(conns, airflow3, cleanup):
    conn_id = unique("conn")
    cleanup.append(f"/connections/{conn_id}")
    secret = "pw-" + uuid.uuid4().hex
    body = Connection(
        connection_id=conn_id, conn_type="http", host="api.example.com", port=8443, login="etl",
        password=secret, schema="https", description="made by tests ✓", extra=json.dumps({"timeout": 30}),
    )
    created = conns.post_connection(body)
    assert isinstance(created, Connection)
    expected = {
        "connection_id": conn_id, "conn_type": "http", "host": "api.example.com", "port": 8443, "login": "etl",
        "schema": "https", "description": "made by tests ✓",
    }
    assert {k: created[k] for k in expected} == expected
    # extra travels as text both ways, as in 2.x: JSON text in, JSON text out.
    assert isinstance(created.extra, str) and json.loads(created.extra) == {"timeout": 30}
    got = conns.get_connection(conn_id)
    assert isinstance(got, Connection) and {k: got[k] for k in expected} == expected
    # Airflow 3 answers the password masked (2.x left it out); never the secret itself.
    assert got.get("password") in (None, "***") and secret not in repr(got)

    # With a mask only the named field is taken from the body: the host sent along is ignored.
    patched = conns.patch_connection(
        conn_id, Connection(connection_id=conn_id, conn_type="http", port=9443, host="ignored.example.com"),
        update_mask=["port"],
    )
    assert isinstance(patched, Connection)
    assert (patched.port, patched.host) == (9443, "api.example.com")

    # Without a mask every field sent is written and the others are kept.
    conns.patch_connection(conn_id, {"connection_id": conn_id, "conn_type": "ftp", "host": "ftp.example.com",
                                     "description": None})
    again = conns.get_connection(conn_id)
    assert (again.conn_type, again.host, again.description) == ("ftp", "ftp.example.com", None)
    assert (again.port, again.login, again.schema) == (9443, "etl", "https")
    # The password was kept through both patches: Airflow 3 says so only by masking it.
    status, raw = airflow3.request("GET", f"/connections/{conn_id}")
    assert status == 200 and raw["password"] == "***"

    assert conns.delete_connection(conn_id) is None
    with pytest.raises(NotFoundException) as caught:
        conns.get_connection(conn_id)
    assert caught.value.status == 404 and conn_id in caught.value.detail
    with pytest.raises(NotFoundException):
        conns.delete_connection(conn_id)


def test_connection_extra_is_text_both_ways_and_secret_keys_come_back_masked(conns, cleanup):
    conn_id = unique("conn_extra")
    cleanup.append(f"/connections/{conn_id}")
    api_key = "key-" + uuid.uuid4().hex
    extra = json.dumps({"api_key": api_key, "region": "eu", "nested": {"retries": 3}}, separators=(",", ":"))
    created = conns.post_connection(Connection(connection_id=conn_id, conn_type="http", extra=extra))
    for answer in (created, conns.get_connection(conn_id)):
        assert isinstance(answer.extra, str)
        assert json.loads(answer.extra) == {"api_key": "***", "region": "eu", "nested": {"retries": 3}}
        assert api_key not in repr(answer)
    # Airflow 3 takes only a JSON object as extra (2.x stored any text): the refusal names the field.
    with pytest.raises(ApiException) as caught:
        conns.patch_connection(conn_id, Connection(connection_id=conn_id, conn_type="http", extra="plain words"),
                               update_mask=["extra"])
    assert caught.value.status == 422 and "extra" in caught.value.detail
    listed = {c.connection_id: c for c in conns.get_connections(limit=100).connections}
    assert isinstance(listed[conn_id], ConnectionCollectionItem)


def test_listing_connections_pages_and_orders(conns, cleanup):
    prefix = unique("conn_list")
    ids = [f"{prefix}_{n}" for n in ("a", "b", "c")]
    for conn_id, host in zip(ids, ("h3.example.com", "h1.example.com", "h2.example.com"), strict=True):
        cleanup.append(f"/connections/{conn_id}")
        conns.post_connection(Connection(connection_id=conn_id, conn_type="http", host=host))

    page = conns.get_connections(order_by="connection_id", limit=100)
    assert isinstance(page, ConnectionCollection)
    assert all(isinstance(c, ConnectionCollectionItem) for c in page.connections)
    everything = [c.connection_id for c in page.connections]
    assert page.total_entries == len(everything) and everything == sorted(everything)
    assert [c for c in everything if c.startswith(prefix)] == ids
    reverse = [c.connection_id for c in conns.get_connections(order_by="-connection_id", limit=100).connections]
    assert reverse == everything[::-1]
    by_host = [c.connection_id for c in conns.get_connections(order_by="host", limit=100).connections]
    assert [c for c in by_host if c.startswith(prefix)] == [ids[1], ids[2], ids[0]]
    start = everything.index(ids[0])
    window = conns.get_connections(order_by="connection_id", limit=2, offset=start)
    assert [c.connection_id for c in window.connections] == ids[:2]
    assert window.total_entries == len(everything)


def test_duplicate_connection_is_a_conflict_and_a_changed_id_is_refused(conns, cleanup):
    conn_id = unique("conn_dup")
    cleanup.append(f"/connections/{conn_id}")
    conns.post_connection({"connection_id": conn_id, "conn_type": "http", "host": "first"})
    with pytest.raises(ConflictException) as caught:
        conns.post_connection({"connection_id": conn_id, "conn_type": "http", "host": "second"})
    assert caught.value.status == 409
    with pytest.raises(BadRequestException) as caught:
        conns.patch_connection(conn_id, {"connection_id": conn_id + "_new", "conn_type": "http"})
    assert caught.value.status == 400
    assert conns.get_connection(conn_id).host == "first"


def test_connection_test_is_refused_while_the_server_disables_it(conns):
    # Airflow's default `[core] test_connection = Disabled`, which the session's server keeps; the
    # enabled case is in test_config_monitoring_plugin_provider_api3.py, on a server configured for it.
    conn_id = unique("conn_test")
    with pytest.raises(ForbiddenException) as caught:
        conns.test_connection(Connection(connection_id=conn_id, conn_type="sqlite", host="/tmp/none.db"))
    assert caught.value.status == 403
    assert caught.value.detail.startswith("Testing connections is disabled in Airflow configuration")
    with pytest.raises(NotFoundException):
        conns.get_connection(conn_id)


def test_viewer_may_not_write_connections(viewer_client, conns):
    viewer = connection_api.ConnectionApi(viewer_client)
    conn_id = unique("conn_viewer")
    with pytest.raises(ForbiddenException) as caught:
        viewer.post_connection(Connection(connection_id=conn_id, conn_type="http"))
    assert caught.value.status == 403 and caught.value.method == "POST"
    with pytest.raises(ForbiddenException):
        viewer.patch_connection(conn_id, Connection(connection_id=conn_id, conn_type="http"))
    with pytest.raises(NotFoundException):
        conns.get_connection(conn_id)


def test_bad_connection_arguments_are_refused_before_sending(conns, airflow3):
    conn_id = unique("conn_bad")
    with pytest.raises(ApiTypeError):
        conns.post_connection({"connection_id": conn_id, "conn_type": "http", "port": "8080"})
    with pytest.raises(ApiTypeError):
        conns.post_connection({"connection_id": conn_id, "conn_type": "http", "hots": "typo"})
    with pytest.raises(ApiTypeError):
        conns.get_connections(limit="10")
    status, _ = airflow3.request("GET", f"/connections/{conn_id}")
    assert status == 404  # nothing reached the server


# -- variables ----------------------------------------------------------------------------------------------


def test_variable_round_trip_with_description_and_2x_update_masks(variables, cleanup):
    key = unique("var")
    cleanup.append(f"/variables/{key}")
    created = variables.post_variables(Variable(key=key, value="first", description="made by tests"))
    assert isinstance(created, Variable)
    assert (created.key, created.value, created.description) == (key, "first", "made by tests")
    got = variables.get_variable(key)
    assert isinstance(got, Variable) and (got.key, got.value, got.description) == (key, "first", "made by tests")

    # Airflow 2.11.2 knew the value as `val` in update_mask, the only name it took: it still works.
    patched = variables.patch_variable(key, Variable(key=key, value="second", description="ignored"),
                                       update_mask=["val"])
    assert isinstance(patched, Variable) and patched.value == "second"
    got = variables.get_variable(key)
    assert (got.value, got.description) == ("second", "made by tests")
    # The spec's name for it, which Airflow 3 takes.
    variables.patch_variable(key, Variable(key=key, value="third"), update_mask=["value"])
    assert variables.get_variable(key).value == "third"

    variables.patch_variable(key, {"key": key, "value": "ignored", "description": "new words"},
                             update_mask=["description"])
    got = variables.get_variable(key)
    assert (got.value, got.description) == ("third", "new words")

    patched = variables.patch_variable(key, Variable(key=key, value="fourth"))
    assert patched.value == "fourth" and variables.get_variable(key).value == "fourth"

    assert variables.delete_variable(key) is None
    with pytest.raises(NotFoundException) as caught:
        variables.get_variable(key)
    assert caught.value.status == 404
    with pytest.raises(NotFoundException):
        variables.delete_variable(key)


def test_posting_an_existing_key_is_a_conflict_on_airflow_3(variables, cleanup):
    key = unique("var_over")
    cleanup.append(f"/variables/{key}")
    variables.post_variables(Variable(key=key, value="old", description="old words"))
    # Airflow 2 overwrote the variable; Airflow 3 refuses and keeps it.
    with pytest.raises(ConflictException) as caught:
        variables.post_variables(Variable(key=key, value="new"))
    assert caught.value.status == 409 and key in caught.value.detail
    got = variables.get_variable(key)
    assert (got.value, got.description) == ("old", "old words")


def test_variable_keys_and_values_keep_unicode_newlines_and_url_characters(variables, airflow3):
    key = unique("clé-x.y")
    value = json.dumps({"list": [1, "ü", None]}) + "\nsecond line ✓ ?#%&=+;/"
    variables.post_variables({"key": key, "value": value, "description": "ünïcode"})
    try:
        got = variables.get_variable(key)
        assert (got.key, got.value, got.description) == (key, value, "ünïcode")
        status, raw = airflow3.request("GET", f"/variables/{quote_segment(key)}")
        assert status == 200 and raw["value"] == value
    finally:
        variables.delete_variable(key)


def test_listing_variables_pages_orders_and_returns_values_too(variables, cleanup):
    prefix = unique("var_list")
    keys = [f"{prefix}_{n}" for n in ("a", "b", "c")]
    for n, key in enumerate(keys):
        cleanup.append(f"/variables/{key}")
        variables.post_variables(Variable(key=key, value=f"value {n}", description=f"number {n}"))
    page = variables.get_variables(order_by="key", limit=100)
    assert isinstance(page, VariableCollection)
    everything = [v.key for v in page.variables]
    assert everything == sorted(everything) and page.total_entries == len(everything)
    ours = [v for v in page.variables if v.key.startswith(prefix)]
    assert [v.key for v in ours] == keys
    for n, item in enumerate(ours):
        assert isinstance(item, VariableCollectionItem)
        assert (item.value, item.description) == (f"value {n}", f"number {n}")
    reverse = [v.key for v in variables.get_variables(order_by="-key", limit=100).variables]
    assert reverse == everything[::-1]
    start = everything.index(keys[1])
    window = variables.get_variables(order_by="key", limit=2, offset=start)
    assert [v.key for v in window.variables] == keys[1:] and window.total_entries == len(everything)


def test_viewer_may_not_write_or_read_variables(viewer_client, variables):
    viewer = variable_api.VariableApi(viewer_client)
    key = unique("var_viewer")
    with pytest.raises(ForbiddenException) as caught:
        viewer.post_variables(Variable(key=key, value="nope"))
    assert caught.value.status == 403
    with pytest.raises(ForbiddenException):
        viewer.get_variables()
    with pytest.raises(NotFoundException):
        variables.get_variable(key)


# -- pools --------------------------------------------------------------------------------------------------


def test_pool_round_trip_with_include_deferred_and_2x_patches(pools, cleanup):
    name = unique("pool")
    cleanup.append(f"/pools/{name}")
    created = pools.post_pool(Pool(name=name, slots=3, description="made by tests", include_deferred=True))
    assert isinstance(created, Pool)
    assert (created.name, created.slots, created.description, created.include_deferred) == (
        name, 3, "made by tests", True)
    assert (created.open_slots, created.occupied_slots, created.running_slots, created.queued_slots,
            created.scheduled_slots, created.deferred_slots) == (3, 0, 0, 0, 0, 0)
    got = pools.get_pool(name)
    assert isinstance(got, Pool) and got == created

    # 2.x's masked patch names one field and sends neither include_deferred nor the others Airflow 3
    # wants in every body: the value kept is the pool's own.
    patched = pools.patch_pool(name, Pool(name=name, slots=5, description="ignored"), update_mask=["slots"])
    assert isinstance(patched, Pool)
    assert (patched.slots, patched.open_slots, patched.description, patched.include_deferred) == (
        5, 5, "made by tests", True)
    # A mask of a field the body leaves out.
    patched = pools.patch_pool(name, {"name": name, "description": "only words"}, update_mask=["description"])
    assert (patched.slots, patched.description, patched.include_deferred) == (5, "only words", True)
    # Without a mask the fields sent are written and the others kept, as in 2.x.
    patched = pools.patch_pool(name, {"name": name, "slots": 6})
    assert (patched.slots, patched.description, patched.include_deferred) == (6, "only words", True)
    # A mask may name the name, which Airflow 3 leaves as it is: it takes only the path's.
    patched = pools.patch_pool(name, {"name": name, "slots": 8}, update_mask=["name", "slots"])
    assert (patched.name, patched.slots, patched.include_deferred) == (name, 8, True)
    # An empty mask is no mask, as in 2.x.
    patched = pools.patch_pool(name, {"name": name, "description": "again"}, update_mask=[])
    assert (patched.slots, patched.description, patched.include_deferred) == (8, "again", True)
    patched = pools.patch_pool(name, {"name": name, "slots": 7, "description": "new words", "include_deferred": False})
    assert (patched.slots, patched.description, patched.include_deferred) == (7, "new words", False)
    got = pools.get_pool(name)
    assert (got.slots, got.open_slots, got.description, got.include_deferred) == (7, 7, "new words", False)

    assert pools.delete_pool(name) is None
    with pytest.raises(NotFoundException) as caught:
        pools.get_pool(name)
    assert caught.value.status == 404
    with pytest.raises(NotFoundException):
        pools.delete_pool(name)


def test_a_pool_cannot_be_renamed_on_airflow_3(pools, cleanup):
    old, new = unique("pool_old"), unique("pool_new")
    cleanup += [f"/pools/{old}", f"/pools/{new}"]
    pools.post_pool({"name": old, "slots": 2})
    # 2.x renamed the pool; Airflow 3 takes the body's name only when it is the path's.
    with pytest.raises(BadRequestException) as caught:
        pools.patch_pool(old, Pool(name=new, slots=2))
    assert "doesn't match" in caught.value.detail
    assert pools.get_pool(old).slots == 2


def test_listing_pools_pages_and_orders(pools, cleanup):
    prefix = unique("pool_list")
    names = [f"{prefix}_{n}" for n in ("a", "b", "c")]
    for name, slots in zip(names, (30, 10, 20), strict=True):
        cleanup.append(f"/pools/{quote_segment(name)}")
        pools.post_pool(Pool(name=name, slots=slots))
    page = pools.get_pools(order_by="name", limit=100)
    assert isinstance(page, PoolCollection)
    everything = [p.name for p in page.pools]
    assert everything == sorted(everything) and page.total_entries == len(everything)
    assert "default_pool" in everything and [n for n in everything if n.startswith(prefix)] == names
    reverse = [p.name for p in pools.get_pools(order_by="-name", limit=100).pools]
    assert reverse == everything[::-1]
    start = everything.index(names[0])
    window = pools.get_pools(order_by="name", limit=2, offset=start)
    assert [p.name for p in window.pools] == names[:2] and window.total_entries == len(everything)
    # Airflow 3 sorts pools by name or id only (2.x also by slots).
    with pytest.raises(BadRequestException) as caught:
        pools.get_pools(order_by="-slots")
    assert "slots" in caught.value.detail


def test_default_pool_can_be_resized_but_not_deleted(pools):
    before = pools.get_pool("default_pool")
    with pytest.raises(BadRequestException) as caught:
        pools.delete_pool("default_pool")
    assert "can't be deleted" in caught.value.detail
    resized = pools.patch_pool("default_pool", Pool(name="default_pool", slots=before.slots + 1),
                               update_mask=["slots"])
    try:
        assert resized.slots == before.slots + 1 and resized.include_deferred == before.include_deferred
        # 2.x's patch without a mask, of the two fields Airflow 3 lets change on the default pool.
        again = pools.patch_pool("default_pool", {"name": "default_pool", "slots": before.slots + 2})
        assert again.slots == before.slots + 2
    finally:
        pools.patch_pool("default_pool", {"name": "default_pool", "slots": before.slots}, update_mask=["slots"])
    assert pools.get_pool("default_pool").slots == before.slots


def test_duplicate_pool_is_a_conflict(pools, cleanup):
    name = unique("pool_dup")
    cleanup.append(f"/pools/{name}")
    pools.post_pool(Pool(name=name, slots=1))
    with pytest.raises(ConflictException) as caught:
        pools.post_pool(Pool(name=name, slots=2))
    assert caught.value.status == 409
    assert pools.get_pool(name).slots == 1


def test_viewer_may_list_pools_but_not_create_one(viewer_client, pools):
    viewer = pool_api.PoolApi(viewer_client)
    assert "default_pool" in {p.name for p in viewer.get_pools().pools}
    name = unique("pool_viewer")
    with pytest.raises(ForbiddenException) as caught:
        viewer.post_pool(Pool(name=name, slots=1))
    assert caught.value.status == 403 and caught.value.method == "POST"
    with pytest.raises(ForbiddenException):
        viewer.patch_pool("default_pool", Pool(name="default_pool", slots=1), update_mask=["slots"])
    with pytest.raises(NotFoundException):
        pools.get_pool(name)


def test_missing_pool_is_not_found(pools):
    name = unique("no_such_pool")
    with pytest.raises(NotFoundException) as caught:
        pools.get_pool(name)
    assert caught.value.status == 404 and name in caught.value.detail
