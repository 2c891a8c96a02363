"""Every ConnectionApi, VariableApi and PoolApi operation against a real Airflow 2.11.2."""

from __future__ import annotations

import json
import subprocess
import uuid

import pytest

from airflow_client.client.api import connection_api, pool_api, variable_api
from airflow_client.client.exceptions import (
    ApiTypeError,
    ApiValueError,
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







def stored_connection(airflow, conn_id: str) -> dict:
    """The connection as Airflow stores it, read with the `airflow` CLI (the API never returns the password)."""
    result = subprocess.run(
        [str(airflow.venv / "bin" / "airflow"), "connections", "get", conn_id, "-o", "json"],
        env=airflow.environment(), cwd=airflow.home, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (entry,) = json.loads(result.stdout[result.stdout.index("[{"):])
    return entry


# -- connections --------------------------------------------------------------------------------------------


def test_connection_round_trip_create_read_patch_delete(conns, cleanup):
    conn_id = unique("conn")
    cleanup.append(f"/connections/{conn_id}")
    body = Connection(
        connection_id=conn_id, conn_type="http", host="api.example.com", port=8443, login="etl",
        password="pw-" + uuid.uuid4().hex, schema="https", description="made by tests ✓",
        extra=json.dumps({"timeout": 30}),
    )
    created = conns.post_connection(body)
    assert isinstance(created, Connection)
    expected = {
        "connection_id": conn_id, "conn_type": "http", "host": "api.example.com", "port": 8443, "login": "etl",
        "schema": "https", "description": "made by tests ✓",
    }
    assert {k: created[k] for k in expected} == expected
    assert json.loads(created.extra) == {"timeout": 30}
    got = conns.get_connection(conn_id)
    assert isinstance(got, Connection)
    assert {k: got[k] for k in expected} == expected

    # With a mask only the named field is taken from the body: the host sent along is ignored.
    patched = conns.patch_connection(
        conn_id, Connection(connection_id=conn_id, conn_type="http", port=9443, host="ignored.example.com"),
        update_mask=["port"],
    )
    assert isinstance(patched, Connection)
    assert (patched.port, patched.host) == (9443, "api.example.com")
    assert (conns.get_connection(conn_id).port, conns.get_connection(conn_id).host) == (9443, "api.example.com")

    # Without a mask every field sent is written and the others are kept.
    conns.patch_connection(conn_id, {"connection_id": conn_id, "conn_type": "ftp", "host": "ftp.example.com",
                                     "description": None})
    again = conns.get_connection(conn_id)
    assert (again.conn_type, again.host, again.description) == ("ftp", "ftp.example.com", None)
    assert (again.port, again.login, again.schema) == (9443, "etl", "https")

    assert conns.delete_connection(conn_id) is None
    with pytest.raises(NotFoundException) as caught:
        conns.get_connection(conn_id)
    assert caught.value.status == 404
    with pytest.raises(NotFoundException):
        conns.delete_connection(conn_id)


def test_password_is_stored_never_returned_and_never_shown(conns, airflow, cleanup):
    conn_id = unique("conn_pw")
    cleanup.append(f"/connections/{conn_id}")
    secret, api_key = "pw-" + uuid.uuid4().hex, "key-" + uuid.uuid4().hex
    body = Connection(connection_id=conn_id, conn_type="postgres", host="db.internal", login="etl", password=secret,
                      extra=json.dumps({"api_key": api_key, "region": "eu"}))
    # The caller can still read what they set ...
    assert body.password == secret and body["password"] == secret and body.to_dict()["password"] == secret
    # ... but printing the model never shows it.
    for shown in (repr(body), str(body), body.to_str()):
        assert secret not in shown
        assert "password" in shown and "***" in shown

    created = conns.post_connection(body)
    got = conns.get_connection(conn_id)
    for answer in (created, got):
        assert "password" not in answer and answer.get("password") is None
        # Keys of extra that look secret come back masked.
        assert json.loads(answer.extra) == {"api_key": "***", "region": "eu"}
        assert secret not in repr(answer) and api_key not in repr(answer)
    # The server itself leaves it out: this is not the client dropping a field.
    status, raw = airflow.request("GET", f"/connections/{conn_id}")
    assert status == 200 and "password" not in raw and raw["connection_id"] == conn_id

    # It was stored as written, extra included.
    stored = stored_connection(airflow, conn_id)
    assert stored["password"] == secret
    assert stored["extra_dejson"]["api_key"] == api_key

    new_secret = "pw2-" + uuid.uuid4().hex
    patch = Connection(connection_id=conn_id, conn_type="postgres", password=new_secret, host="ignored")
    assert new_secret not in repr(patch) and new_secret not in str(patch)
    patched = conns.patch_connection(conn_id, patch, update_mask=["password"])
    assert "password" not in patched and patched.host == "db.internal"
    stored = stored_connection(airflow, conn_id)
    assert (stored["password"], stored["host"]) == (new_secret, "db.internal")

    listed = conns.get_connections(limit=100)
    (item,) = [c for c in listed.connections if c.connection_id == conn_id]
    assert "password" not in item and "extra" not in item


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
    assert page.total_entries == len(everything)
    assert everything == sorted(everything)
    assert [c for c in everything if c.startswith(prefix)] == ids

    reverse = [c.connection_id for c in conns.get_connections(order_by="-connection_id", limit=100).connections]
    assert reverse == everything[::-1]
    by_host = [c.connection_id for c in conns.get_connections(order_by="host", limit=100).connections]
    assert [c for c in by_host if c.startswith(prefix)] == [ids[1], ids[2], ids[0]]

    start = everything.index(ids[0])
    window = conns.get_connections(order_by="connection_id", limit=2, offset=start)
    assert [c.connection_id for c in window.connections] == ids[:2]
    assert window.total_entries == len(everything)


def test_connection_test_is_refused_while_the_server_disables_it(conns):
    # Airflow's default `[core] test_connection = Disabled`, which the test server keeps; the
    # enabled case is in test_config_monitoring_plugin_provider_api.py, on a server configured for it.
    conn_id = unique("conn_test")
    with pytest.raises(ForbiddenException) as caught:
        conns.test_connection(Connection(connection_id=conn_id, conn_type="sqlite", host="/tmp/none.db"))
    assert caught.value.status == 403
    assert "Testing connections is disabled" in caught.value.body
    with pytest.raises(NotFoundException):
        conns.get_connection(conn_id)  # a test never saves the connection


def test_duplicate_connection_and_changed_id_are_refused(conns, cleanup):
    conn_id = unique("conn_dup")
    cleanup.append(f"/connections/{conn_id}")
    conns.post_connection({"connection_id": conn_id, "conn_type": "http", "host": "first"})
    with pytest.raises(ConflictException) as caught:
        conns.post_connection({"connection_id": conn_id, "conn_type": "http", "host": "second"})
    assert caught.value.status == 409 and conn_id in caught.value.detail
    with pytest.raises(BadRequestException) as caught:
        conns.patch_connection(conn_id, {"connection_id": conn_id + "_new", "conn_type": "http"})
    assert "connection_id cannot be updated" in caught.value.detail
    assert conns.get_connection(conn_id).host == "first"


def test_viewer_may_neither_read_nor_write_connections(viewer_client, conns):
    viewer = connection_api.ConnectionApi(viewer_client)
    conn_id = unique("conn_viewer")
    with pytest.raises(ForbiddenException) as caught:
        viewer.post_connection(Connection(connection_id=conn_id, conn_type="http"))
    assert caught.value.status == 403 and caught.value.method == "POST"
    # The Viewer role has no read access to connections either.
    with pytest.raises(ForbiddenException):
        viewer.get_connections()
    with pytest.raises(NotFoundException):
        conns.get_connection(conn_id)


def test_missing_credentials_are_refused_with_403(anonymous_client):
    # The spec documents 401; Airflow 2.11.2 answers 403.
    with pytest.raises(ForbiddenException) as caught:
        connection_api.ConnectionApi(anonymous_client).get_connections()
    assert caught.value.status == 403


def test_missing_connection_is_not_found(conns):
    conn_id = unique("no_such_conn")
    with pytest.raises(NotFoundException) as caught:
        conns.get_connection(conn_id)
    assert caught.value.status == 404
    assert caught.value.title == "Connection not found"
    assert conn_id in caught.value.detail


def test_bad_connection_arguments_are_refused_before_sending(conns, airflow):
    conn_id = unique("conn_bad")
    with pytest.raises(ApiTypeError):
        Connection(connection_id=conn_id, conn_type="http", port="8080")
    with pytest.raises(ApiTypeError):
        conns.post_connection({"connection_id": conn_id, "conn_type": "http", "port": "8080"})
    with pytest.raises(ApiTypeError) as caught:
        conns.post_connection({"connection_id": conn_id, "conn_type": "http", "password": 31415926})
    assert "31415926" not in str(caught.value)  # a wrong secret is not echoed either
    with pytest.raises(ApiTypeError):
        conns.post_connection({"connection_id": conn_id, "conn_type": "http", "hots": "typo"})
    with pytest.raises(ApiTypeError):
        conns.get_connections(limit="10")
    with pytest.raises(ApiTypeError):
        conns.get_connection()
    status, _ = airflow.request("GET", f"/connections/{conn_id}")
    assert status == 404  # nothing reached the server


# -- variables ----------------------------------------------------------------------------------------------


def test_variable_round_trip_create_read_patch_delete(variables):
    key = unique("var")
    created = variables.post_variables(Variable(key=key, value="first", description="made by tests"))
    assert isinstance(created, Variable)
    assert (created.key, created.value, created.description) == (key, "first", "made by tests")
    got = variables.get_variable(key)
    assert isinstance(got, Variable)
    assert (got.key, got.value, got.description) == (key, "first", "made by tests")

    # The spec calls the field `value`; Airflow 2.11.2's update_mask only knows it as `val`.
    patched = variables.patch_variable(key, Variable(key=key, value="second", description="ignored"),
                                       update_mask=["val"])
    assert isinstance(patched, Variable) and patched.value == "second"
    got = variables.get_variable(key)
    assert (got.value, got.description) == ("second", "made by tests")

    variables.patch_variable(key, {"key": key, "value": "ignored", "description": "new words"},
                             update_mask=["description"])
    got = variables.get_variable(key)
    assert (got.value, got.description) == ("second", "new words")

    patched = variables.patch_variable(key, Variable(key=key, value="third"))
    assert patched.value == "third"
    assert variables.get_variable(key).value == "third"

    assert variables.delete_variable(key) is None
    with pytest.raises(NotFoundException) as caught:
        variables.get_variable(key)
    assert caught.value.status == 404
    with pytest.raises(NotFoundException):
        variables.delete_variable(key)


def test_variable_update_mask_value_is_refused_it_must_say_val(variables, cleanup):
    key = unique("var_mask")
    cleanup.append(f"/variables/{key}")
    variables.post_variables({"key": key, "value": "kept"})
    # The spec's field name is `value`; Airflow 2.11.2 refuses it in update_mask with 400.
    with pytest.raises(BadRequestException) as caught:
        variables.patch_variable(key, Variable(key=key, value="changed"), update_mask=["value"])
    assert caught.value.status == 400
    assert "'value' is unknown or cannot be updated" in caught.value.detail
    assert variables.get_variable(key).value == "kept"


def test_posting_an_existing_key_overwrites_it(variables, cleanup):
    key = unique("var_over")
    cleanup.append(f"/variables/{key}")
    variables.post_variables(Variable(key=key, value="old", description="old words"))
    variables.post_variables(Variable(key=key, value="new"))
    got = variables.get_variable(key)
    assert (got.value, got.description) == ("new", None)


def test_patch_whose_body_names_another_key_is_refused(variables, cleanup):
    key = unique("var_key")
    cleanup.append(f"/variables/{key}")
    variables.post_variables({"key": key, "value": "v"})
    with pytest.raises(BadRequestException) as caught:
        variables.patch_variable(key, Variable(key=key + "_other", value="w"))
    assert "doesn't match" in caught.value.detail
    assert variables.get_variable(key).value == "v"


def test_variable_keys_and_values_keep_unicode_newlines_and_url_characters(variables, airflow):
    key = unique("clé ?#%&=+;x/y")
    value = json.dumps({"list": [1, "ü", None]}) + "\nsecond line ✓"
    variables.post_variables({"key": key, "value": value, "description": "ünïcode"})
    try:
        got = variables.get_variable(key)
        assert (got.key, got.value, got.description) == (key, value, "ünïcode")
        status, raw = airflow.request("GET", f"/variables/{quote_segment(key)}")
        assert status == 200 and raw["value"] == value  # what the server stored, read without the client
    finally:
        variables.delete_variable(key)
    with pytest.raises(NotFoundException):
        variables.get_variable(key)


def test_secret_looking_variable_values_are_returned_as_stored(variables, cleanup):
    key = unique("api_secret")
    cleanup.append(f"/variables/{key}")
    variables.post_variables({"key": key, "value": "s3cr3t"})
    assert variables.get_variable(key).value == "s3cr3t"


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
        # The spec leaves `value` out of list items; Airflow 2.11.2 sends it, and the client keeps it.
        assert item.value == item["value"] == item.to_dict()["value"] == f"value {n}"
        assert item.description == f"number {n}"

    reverse = [v.key for v in variables.get_variables(order_by="-key", limit=100).variables]
    assert reverse == everything[::-1]
    start = everything.index(keys[1])
    window = variables.get_variables(order_by="key", limit=2, offset=start)
    assert [v.key for v in window.variables] == keys[1:]
    assert window.total_entries == len(everything)


def test_viewer_gets_403_even_on_reading_variables(viewer_client, variables):
    viewer = variable_api.VariableApi(viewer_client)
    key = unique("var_viewer")
    with pytest.raises(ForbiddenException) as caught:
        viewer.post_variables(Variable(key=key, value="nope"))
    assert caught.value.status == 403
    # The Viewer role lacks read access to variables too, so even the listing is refused.
    with pytest.raises(ForbiddenException):
        viewer.get_variables()
    with pytest.raises(NotFoundException):
        variables.get_variable(key)


def test_missing_variable_is_not_found(variables):
    with pytest.raises(NotFoundException) as caught:
        variables.get_variable(unique("no_such_var"))
    assert caught.value.status == 404 and caught.value.title == "Variable not found"


def test_bad_variable_arguments_are_refused_before_sending(variables, airflow):
    key = unique("var_bad")
    with pytest.raises(ApiTypeError):
        Variable(key=key, value=42)
    with pytest.raises(ApiTypeError):
        variables.post_variables({"key": key, "value": {"not": "a string"}})
    with pytest.raises(ApiTypeError):
        variables.patch_variable(key, {"key": key, "value": "v"}, update_mask="val")  # a list is due
    with pytest.raises(ApiTypeError):
        variables.get_variables(offset=1.5)
    status, _ = airflow.request("GET", f"/variables/{key}")
    assert status == 404


# -- pools --------------------------------------------------------------------------------------------------


def test_pool_round_trip_create_read_patch_delete(pools):
    name = unique("pool")
    created = pools.post_pool(Pool(name=name, slots=3, description="made by tests", include_deferred=True))
    assert isinstance(created, Pool)
    assert (created.name, created.slots, created.description, created.include_deferred) == (
        name, 3, "made by tests", True)
    assert (created.open_slots, created.occupied_slots, created.running_slots, created.queued_slots,
            created.scheduled_slots, created.deferred_slots) == (3, 0, 0, 0, 0, 0)
    got = pools.get_pool(name)
    assert isinstance(got, Pool) and got == created

    patched = pools.patch_pool(name, Pool(name=name, slots=5, description="ignored"), update_mask=["slots"])
    assert isinstance(patched, Pool)
    assert (patched.slots, patched.open_slots, patched.description) == (5, 5, "made by tests")
    got = pools.get_pool(name)
    assert (got.slots, got.description, got.include_deferred) == (5, "made by tests", True)

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


def test_patch_without_mask_can_rename_a_pool(pools, cleanup):
    old, new = unique("pool_old"), unique("pool_new")
    cleanup += [f"/pools/{old}", f"/pools/{new}"]
    pools.post_pool({"name": old, "slots": 2})
    renamed = pools.patch_pool(old, Pool(name=new, slots=2))
    assert renamed.name == new
    assert pools.get_pool(new).slots == 2
    with pytest.raises(NotFoundException):
        pools.get_pool(old)


def test_pool_names_keep_unicode_and_url_characters(pools):
    name = unique("pööl 1+2 & ?x=y%")
    pools.post_pool({"name": name, "slots": 2})
    try:
        assert pools.get_pool(name).name == name
    finally:
        pools.delete_pool(name)
    with pytest.raises(NotFoundException):
        pools.get_pool(name)


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
    assert "default_pool" in everything
    assert [n for n in everything if n.startswith(prefix)] == names
    by_slots = pools.get_pools(order_by="-slots", limit=100).pools
    assert [p.slots for p in by_slots] == sorted((p.slots for p in by_slots), reverse=True)
    assert [p.name for p in by_slots if p.name.startswith(prefix)] == [names[0], names[2], names[1]]

    start = everything.index(names[0])
    window = pools.get_pools(order_by="name", limit=2, offset=start)
    assert [p.name for p in window.pools] == names[:2]
    assert window.total_entries == len(everything)


def test_default_pool_can_be_resized_but_not_deleted(pools):
    before = pools.get_pool("default_pool")
    with pytest.raises(BadRequestException) as caught:
        pools.delete_pool("default_pool")
    assert "can't be deleted" in caught.value.detail
    resized = pools.patch_pool("default_pool", Pool(name="default_pool", slots=before.slots + 1),
                               update_mask=["slots"])
    try:
        assert resized.slots == before.slots + 1
    finally:
        pools.patch_pool("default_pool", {"name": "default_pool", "slots": before.slots}, update_mask=["slots"])
    assert pools.get_pool("default_pool").slots == before.slots


def test_duplicate_pool_is_a_conflict(pools, cleanup):
    name = unique("pool_dup")
    cleanup.append(f"/pools/{name}")
    pools.post_pool(Pool(name=name, slots=1))
    with pytest.raises(ConflictException) as caught:
        pools.post_pool(Pool(name=name, slots=2))
    assert caught.value.status == 409 and name in caught.value.detail
    assert pools.get_pool(name).slots == 1


def test_viewer_may_list_pools_but_not_create_one(viewer_client, pools):
    viewer = pool_api.PoolApi(viewer_client)
    assert "default_pool" in {p.name for p in viewer.get_pools().pools}
    name = unique("pool_viewer")
    with pytest.raises(ForbiddenException) as caught:
        viewer.post_pool(Pool(name=name, slots=1))
    assert caught.value.status == 403 and caught.value.method == "POST"
    with pytest.raises(NotFoundException):
        pools.get_pool(name)


def test_missing_pool_is_not_found(pools):
    name = unique("no_such_pool")
    with pytest.raises(NotFoundException) as caught:
        pools.get_pool(name)
    assert caught.value.status == 404 and name in caught.value.detail


def test_bad_pool_arguments_are_refused_before_sending(pools, airflow):
    name = unique("pool_bad")
    with pytest.raises(ApiValueError) as caught:
        pools.post_pool(Pool(name=name, slots=1, open_slots=3))  # read-only: the server computes it
    assert "open_slots" in str(caught.value)
    with pytest.raises(ApiTypeError):
        pools.post_pool({"name": name, "slots": "3"})
    with pytest.raises(ApiTypeError):
        Pool(name=name, slots=True)
    with pytest.raises(ApiTypeError):
        pools.get_pools(order_by=["name"])
    status, _ = airflow.request("GET", f"/pools/{name}")
    assert status == 404
