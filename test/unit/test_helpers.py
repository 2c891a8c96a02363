"""Pagination, bearer-token renewal and log text, against a real loopback server."""

from __future__ import annotations

import base64
import json
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest

import airflow_client.client as client
from airflow_client.client.api import variable_api
from airflow_client.client.auth import BearerRefresh
from airflow_client.client.exceptions import UnauthorizedException
from airflow_client.client.logs import log_text, token_metadata
from airflow_client.client.model.task_instance import TaskInstance
from airflow_client.client.pagination import paginate

from .conftest import Answer, Seen, task_instance_json


def listing_server(server, items: list[dict], cap: int = 100, key: str = "task_instances"):
    """Serve `items` page by page the way Airflow does: limit capped at `cap`, offset, total_entries."""

    def answer(seen: Seen) -> Answer:
        if seen.method == "POST":
            body = seen.json()
            limit, offset = body.get("page_limit", 100), body.get("page_offset", 0)
        else:
            query = parse_qs(urlsplit(seen.target).query)
            limit, offset = int(query.get("limit", ["100"])[0]), int(query.get("offset", ["0"])[0])
        page = items[offset: offset + min(limit, cap)]
        return Answer(body={key: page, "total_entries": len(items)})

    server.handler = answer


def tis(n: int) -> list[dict]:
    return [task_instance_json(task_id=f"t{i}") for i in range(n)]


def test_paginate_yields_every_item_once_across_pages(server, ti_api):
    listing_server(server, tis(23))
    got = list(paginate(ti_api.get_task_instances, "~", "~", state=["success"], page_size=5))
    assert [ti.task_id for ti in got] == [f"t{i}" for i in range(23)]
    assert all(isinstance(ti, TaskInstance) for ti in got)
    assert len(server.seen) == 5
    assert all(s.query["state"] == ["success"] and s.query["limit"] == ["5"] for s in server.seen)
    assert [s.query["offset"] for s in server.seen] == [["0"], ["5"], ["10"], ["15"], ["20"]]


def test_paginate_stops_at_max_items_without_fetching_more(server, ti_api):
    listing_server(server, tis(50))
    got = list(paginate(ti_api.get_task_instances, "~", "~", page_size=20, max_items=25))
    assert len(got) == 25
    assert [s.query["limit"] for s in server.seen] == [["20"], ["5"]]


def test_paginate_goes_on_when_the_server_caps_the_page_size(server, ti_api):
    listing_server(server, tis(250), cap=100)
    got = list(paginate(ti_api.get_task_instances, "~", "~", page_size=1000))
    assert len(got) == 250
    assert len(server.seen) == 3


def test_paginate_of_an_empty_listing_makes_one_call(server, ti_api):
    listing_server(server, [])
    assert list(paginate(ti_api.get_task_instances, "~", "~")) == []
    assert len(server.seen) == 1


def test_paginate_pages_batch_operations_through_the_request_body(server, ti_api):
    listing_server(server, tis(7))
    got = list(paginate(ti_api.get_task_instances_batch, {"dag_ids": ["a"]}, page_size=3))
    assert len(got) == 7
    assert [s.json() for s in server.seen] == [
        {"dag_ids": ["a"], "page_offset": 0, "page_limit": 3},
        {"dag_ids": ["a"], "page_offset": 3, "page_limit": 3},
        {"dag_ids": ["a"], "page_offset": 6, "page_limit": 3},
    ]


def test_paginate_when_an_item_is_added_between_pages_sees_a_shifted_item_again(server, ti_api):
    items = tis(6)

    def answer(seen: Seen) -> Answer:
        query = parse_qs(urlsplit(seen.target).query)
        offset = int(query["offset"][0])
        if offset == 3:
            items.insert(0, task_instance_json(task_id="new"))  # a new item sorts first
        return Answer(body={"task_instances": items[offset: offset + 3], "total_entries": len(items)})

    server.handler = answer
    got = [ti.task_id for ti in paginate(ti_api.get_task_instances, "~", "~", page_size=3)]
    assert got == ["t0", "t1", "t2", "t2", "t3", "t4", "t5"]  # documented: offsets shift


def test_paginate_refuses_what_is_not_a_list_operation(ti_api):
    with pytest.raises(client.ApiValueError, match="not a list operation"):
        list(paginate(ti_api.get_task_instance, "d", "r", "t"))
    with pytest.raises(client.ApiValueError, match="page_size"):
        list(paginate(ti_api.get_task_instances, "~", "~", page_size=0))
    with pytest.raises(client.ApiTypeError, match="takes an API method"):
        list(paginate(print))


def test_bearer_token_is_renewed_once_on_401_and_the_call_retried(server):
    tokens = iter(["fresh-1", "fresh-2"])
    calls = []

    def refresh() -> str:
        calls.append(1)
        return next(tokens)

    def answer(seen: Seen) -> Answer:
        if seen.headers.get("Authorization") == "Bearer fresh-1":
            return Answer(body={"key": "k", "value": "v"})
        return Answer(status=401, body={"title": "Unauthorized", "status": 401, "type": "x"})

    server.handler = answer
    config = client.Configuration(host=server.host, access_token="expired")
    config.auth_flow = BearerRefresh(refresh)
    with client.ApiClient(config) as api_client:
        api = variable_api.VariableApi(api_client)
        assert api.get_variable("k").value == "v"
        assert api.get_variable("k").value == "v"  # the new token is kept
    assert [s.headers["Authorization"] for s in server.seen] == ["Bearer expired", "Bearer fresh-1", "Bearer fresh-1"]
    assert len(calls) == 1
    assert config.access_token == "fresh-1"


def test_bearer_renewal_that_is_refused_again_raises_without_looping(server):
    server.default = Answer(status=401, body={"title": "Unauthorized", "status": 401, "type": "x"})
    config = client.Configuration(host=server.host, access_token="old")
    config.auth_flow = BearerRefresh(lambda: "still-bad")
    with client.ApiClient(config) as api_client:
        with pytest.raises(UnauthorizedException) as caught:
            variable_api.VariableApi(api_client).get_variable("k")
    assert len(server.seen) == 2
    assert "still-bad" not in str(caught.value) and "old" not in str(caught.value).split("Request:")[0]


def test_log_text_unwraps_host_and_text_pairs():
    content = "[('127.0.0.1', '*** Found local files\\nhello\\n'), ('other', 'more\\n')]"
    assert log_text(content) == "*** Found local files\nhello\nmore\n"
    assert log_text("plain text") == "plain text"
    assert log_text("[not python") == "[not python"


def test_token_metadata_reads_the_signed_payload():
    payload = base64.urlsafe_b64encode(json.dumps({"end_of_log": True, "log_pos": 42}).encode()).rstrip(b"=")
    assert token_metadata(payload.decode() + ".sig") == {"end_of_log": True, "log_pos": 42}
    packed = base64.urlsafe_b64encode(zlib.compress(b'{"end_of_log": false}')).rstrip(b"=")
    assert token_metadata("." + packed.decode() + ".sig") == {"end_of_log": False}
    assert token_metadata("garbage") == {}
    assert token_metadata(None) == {}


def test_wait_timeout_is_a_timeout_error_carrying_the_last_state(server, ti_api):
    from airflow_client.client.waiting import wait_for_task_instance

    server.default = Answer(body=task_instance_json(state="running"))
    with pytest.raises(TimeoutError) as caught:
        wait_for_task_instance(ti_api, "d", "r", "t", timeout=0.3, poll_interval=0.1)
    assert isinstance(caught.value, client.WaitTimeout)
    assert caught.value.last.state == "running"
    assert "still 'running'" in str(caught.value)


def test_wait_returns_at_the_first_final_state(server, ti_api):
    from airflow_client.client.waiting import wait_for_task_instance

    server.reply(Answer(body=task_instance_json(state="queued")), Answer(body=task_instance_json(state="running")))
    server.default = Answer(body=task_instance_json(state="failed"))
    ti = wait_for_task_instance(ti_api, "d", "r", "t", map_index=2, poll_interval=0.01)
    assert ti.state == "failed"
    assert len(server.seen) == 3
    assert server.last.path.endswith("/taskInstances/t/2")
