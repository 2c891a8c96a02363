"""Keys with `/ ? # % space` and non-ASCII characters, through the client and a real Airflow 2.11.2.

The loopback tests (`test/reliability/test_bad_input.py`) prove what the client puts on the wire;
this proves that Airflow reads it back as the same key. Airflow itself restricts some ids, and
that is asserted as it is:

- variables: any key round-trips, `/` included (the route takes the rest of the path);
- pools: any name round-trips except one with `/`: it can be created, but Airflow's route for
  one pool stops at the first `/`, so the pool cannot be read, changed or deleted through the API;
- connections: ids are limited to letters, digits, `-`, `.` and `_`; others are refused with 400;
- `.` and `..` are ordinary keys once percent-encoded as `%2E` / `%2E%2E`, which the client does.

Clean-up goes through the harness's raw HTTP calls (or the CLI for what the API cannot reach), never
through the client under test.
"""

from __future__ import annotations

import uuid

import pytest

from airflow_client.client.exceptions import BadRequestException, NotFoundException
from tools.local_airflow import quote_segment

pytestmark = pytest.mark.integration

# Each has one of the characters that need escaping, then all of them together.
ODD = ["a/b", "what?x=1", "hash#tag", "100%", "%41%2F", "with space", "ключ-é-😀", "tab\tand+plus",
       "a/b?c#d%e f ключ 😀"]


def tag(text: str) -> str:
    return f"{text}-{uuid.uuid4().hex[:8]}"





@pytest.mark.parametrize("text", ODD)
def test_a_variable_with_an_odd_key_round_trips(airflow, variables, text):
    key = tag(text)
    try:
        assert variables.post_variables({"key": key, "value": "first"}).key == key
        got = variables.get_variable(key)
        assert (got.key, got.value) == (key, "first")
        assert variables.patch_variable(key, {"key": key, "value": "second"}).value == "second"
        assert variables.get_variable(key).value == "second"
        assert key in {v.key for v in variables.get_variables(limit=1000).variables}
        variables.delete_variable(key)
        with pytest.raises(NotFoundException) as caught:
            variables.get_variable(key)
        assert caught.value.title == "Variable not found"
    finally:
        airflow.request("DELETE", "/variables/" + quote_segment(key))


@pytest.mark.parametrize("text", [t for t in ODD if "/" not in t])
def test_a_pool_with_an_odd_name_round_trips(airflow, pools, text):
    name = tag(text)
    try:
        assert pools.post_pool({"name": name, "slots": 2}).name == name
        assert pools.get_pool(name).slots == 2
        assert pools.patch_pool(name, {"name": name, "slots": 3}).slots == 3
        pools.delete_pool(name)
        with pytest.raises(NotFoundException) as caught:
            pools.get_pool(name)
        assert name in caught.value.detail  # "Pool with name:'...' not found": Airflow read the same name
    finally:
        airflow.request("DELETE", "/pools/" + quote_segment(name))


def test_a_pool_whose_name_has_a_slash_is_created_but_cannot_be_reached_by_name(airflow, pools):
    name = tag("a/b")
    try:
        assert pools.post_pool({"name": name, "slots": 2}).name == name
        assert name in {p.name for p in pools.get_pools(limit=1000).pools}
        # The client sends a%2Fb, the WSGI server decodes it to a/b, and /pools/<name> matches no route:
        # Flask's own 404, not Airflow's "Pool not found".
        for call in (lambda: pools.get_pool(name), lambda: pools.delete_pool(name)):
            with pytest.raises(NotFoundException) as caught:
                call()
            assert caught.value.title == "Not Found"
            assert "requested URL was not found" in caught.value.detail
    finally:
        airflow._airflow("pools", "delete", name)  # the API cannot reach it; the CLI can
    assert name not in {p.name for p in pools.get_pools(limit=1000).pools}


@pytest.mark.parametrize("text", [t for t in ODD if "/" not in t])
def test_a_connection_id_with_other_than_letters_digits_dash_dot_underscore_is_refused(airflow, conns, text):
    conn_id = tag(text)
    try:
        with pytest.raises(BadRequestException) as caught:
            conns.post_connection({"connection_id": conn_id, "conn_type": "http"})
        # Airflow quotes the id it got with repr(): it got exactly the id given.
        assert f"The key {conn_id!r} has to be made of alphanumeric characters, dashes, dots and underscores" in (
            caught.value.detail)
        with pytest.raises(NotFoundException) as caught:
            conns.get_connection(conn_id)
        assert caught.value.title == "Connection not found" and conn_id in caught.value.detail
    finally:
        airflow.request("DELETE", "/connections/" + quote_segment(conn_id))


def test_a_connection_id_with_a_slash_is_refused_and_cannot_be_looked_up(airflow, conns):
    conn_id = tag("a/b")
    with pytest.raises(BadRequestException):
        conns.post_connection({"connection_id": conn_id, "conn_type": "http"})
    with pytest.raises(NotFoundException) as caught:
        conns.get_connection(conn_id)
    assert caught.value.title == "Not Found"  # no route, as for pools


def test_a_connection_id_of_allowed_characters_round_trips(airflow, conns):
    conn_id = tag("dots.and-dashes_OK")
    try:
        assert conns.post_connection({"connection_id": conn_id, "conn_type": "http"}).connection_id == conn_id
        assert conns.get_connection(conn_id).conn_type == "http"
        conns.delete_connection(conn_id)
        with pytest.raises(NotFoundException):
            conns.get_connection(conn_id)
    finally:
        airflow.request("DELETE", "/connections/" + quote_segment(conn_id))


@pytest.mark.parametrize("key", [".", ".."])
def test_a_variable_whose_key_is_a_dot_segment_round_trips(airflow, variables, key):
    """'.' and '..' are sent as %2E and %2E%2E: sent literally, URL normalisation would drop them."""
    try:
        assert variables.post_variables({"key": key, "value": "dots"}).key == key
        status, raw = airflow.request("GET", "/variables/" + key.replace(".", "%2E"))
        assert status == 200 and raw["value"] == "dots"  # Airflow itself serves it
        assert variables.get_variable(key).value == "dots"
        variables.delete_variable(key)
    finally:
        airflow.request("DELETE", "/variables/" + key.replace(".", "%2E"))
