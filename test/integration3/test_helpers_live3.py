"""Pagination, log following and waiting against the real Airflow 3.3.2, with the 2.x call forms."""

from __future__ import annotations

import time
import types
from collections.abc import Iterator
from typing import Any

import pytest

import airflow_client.client
from airflow_client.client import apis
from airflow_client.client.api import dag_run_api, task_instance_api
from airflow_client.client.exceptions import ApiValueError, WaitTimeout
from airflow_client.client.logs import follow_log, read_log
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.pagination import paginate
from airflow_client.client.waiting import trigger_and_wait, wait_for_dag_run, wait_for_task_instance
from tools.local_airflow import quote_segment
from tools.local_airflow3 import LocalAirflow3

pytestmark = pytest.mark.integration

# The map indexes of one ti_many run (MANY in test/dags/_client_test_dags.py): more than a page of Airflow 3.
MANY = 120


@pytest.fixture(scope="module")
def client3(airflow3: LocalAirflow3) -> Iterator[airflow_client.client.ApiClient]:
    username, password = airflow3.admin
    config = airflow_client.client.Configuration(host=airflow3.base_url, username=username, password=password)
    with airflow_client.client.ApiClient(config) as api_client:
        yield api_client


@pytest.fixture(scope="module")
def many_run(airflow3: LocalAirflow3) -> Iterator[str]:
    """A queued run of ti_many (paused): MANY task instances without a state. Deleted afterwards, so the
    listings of other modules do not see it."""
    run_id = airflow3.trigger_run("ti_many")
    yield run_id
    airflow3.request("DELETE", f"/dags/ti_many/dagRuns/{quote_segment(run_id)}")


def recording(method: Any, calls: list[dict[str, Any]]) -> Any:
    """The same bound API method, noting the keyword arguments of each call paginate makes."""

    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return method(*args, **kwargs)

    call.operation = method.operation  # type: ignore[attr-defined]
    return types.MethodType(call, method.__self__)


def list_operations3() -> list[tuple[str, str]]:
    """(API class, method) of every listing that pages on Airflow 3 with the simple auth manager."""
    found = []
    for cls_name in apis.__all__:
        for name, method in vars(getattr(apis, cls_name)).items():
            op = getattr(method, "operation", None)
            a3 = op.airflow3 if op is not None else None
            if a3 is None or a3.route is None or a3.api != "v2" or op.paging is None or op.items_field is None:
                continue
            if op.method != "GET" and op.paging != "body":
                continue  # patch_dags takes limit/offset too, but it changes DAGs: no listing to walk
            found.append((cls_name, name))
    return sorted(found)


def test_every_list_operation_of_airflow_3_is_known():
    ops = list_operations3()
    assert {("TaskInstanceApi", "get_task_instances"), ("DAGRunApi", "get_dag_runs"), ("DAGApi", "get_dag_tags"),
            ("TaskInstanceApi", "get_task_instances_batch"), ("AssetApi", "get_assets")} <= set(ops)
    assert len(ops) >= 25


@pytest.mark.parametrize("cls_name, method_name", list_operations3())
def test_paginate_accepts_every_list_operation_of_airflow_3(airflow3, client3, finished_runs3, cls_name, method_name):
    method = getattr(getattr(apis, cls_name)(client3), method_name)
    op = method.operation
    status, assets = airflow3.request("GET", "/assets?limit=1")
    assert status == 200 and assets["assets"], assets
    values = {"dag_id": "ti_mapped", "dag_run_id": finished_runs3["ti_mapped"], "task_id": "square", "map_index": 0,
              "asset_id": assets["assets"][0]["id"]}
    if method_name == "get_task_instance_tries":
        # Airflow 3 has no unmapped instance of a mapped task to list the tries of (404): a plain task.
        values.update(dag_id="ti_retry", dag_run_id=finished_runs3["ti_retry"], task_id="flaky")
    args = []
    for name in op.positional:
        if name == op.body:
            args.append({})
            continue
        value = values[name]
        try:
            op.kinds[name].check(value, name)
        except ApiValueError:
            value = "~"  # an operation that lists across every DAG only
        args.append(value)
    items = list(paginate(method, *args, page_size=2, max_items=7))
    assert len(items) <= 7
    if method_name in ("get_task_instances", "get_mapped_task_instances"):
        assert sorted(item.map_index for item in items) == [0, 1, 2]  # three map indexes: two pages


def test_paginate_by_offset_walks_more_than_a_page_in_small_pages(client3, many_run):
    api = task_instance_api.TaskInstanceApi(client3)
    calls: list[dict[str, Any]] = []
    got = list(paginate(recording(api.get_task_instances, calls), "ti_many", many_run, offset=0, page_size=7))
    assert sorted(t.map_index for t in got) == list(range(MANY))
    assert [c["offset"] for c in calls] == list(range(0, MANY, 7))
    assert all(c["limit"] == 7 and "cursor" not in c for c in calls)


def test_paginate_asks_airflow_3_for_pages_it_can_answer(client3, many_run):
    api = task_instance_api.TaskInstanceApi(client3)
    calls: list[dict[str, Any]] = []
    got = list(paginate(recording(api.get_task_instances, calls), "ti_many", many_run, offset=0, page_size=1000))
    assert sorted(t.map_index for t in got) == list(range(MANY))
    assert [(c["limit"], c["offset"]) for c in calls] == [(100, 0), (100, 100)]


def test_paginate_by_cursor_walks_more_than_a_page_in_small_pages(client3, many_run):
    api = task_instance_api.TaskInstanceApi(client3)
    calls: list[dict[str, Any]] = []
    got = list(paginate(recording(api.get_task_instances, calls), "ti_many", many_run, page_size=9))
    assert sorted(t.map_index for t in got) == list(range(MANY))
    assert len(calls) == -(-MANY // 9)
    assert calls[0]["cursor"] == "" and all(c["cursor"] for c in calls[1:])
    assert all("offset" not in c for c in calls)
    first = api.get_task_instances("ti_many", many_run, limit=9, cursor="")
    assert isinstance(first.next_cursor, str) and first.next_cursor == calls[1]["cursor"]


def test_follow_log_yields_text_while_the_task_runs_and_ends_with_it(airflow3, client3):
    tis = task_instance_api.TaskInstanceApi(client3)
    run_id = airflow3.trigger_run("ti_slow_log")
    deadline = time.monotonic() + 120
    while tis.get_task_instance("ti_slow_log", run_id, "tick").get("state") != "running":
        assert time.monotonic() < deadline, "the task did not start"
        time.sleep(0.5)
    pieces = list(follow_log(tis, "ti_slow_log", run_id, "tick", 1, timeout=120, poll_interval=1))
    text = "".join(pieces)
    assert len([p for p in pieces if "tick" in p]) >= 2, f"the log came in one piece: {pieces!r}"
    ticks = [line for line in text.splitlines() if "task.stdout: tick " in line]
    assert [line.rsplit(": ", 1)[1] for line in ticks] == [f"tick {i}" for i in range(8)]  # each once, in order
    assert "ticking done" in text
    final = wait_for_task_instance(tis, "ti_slow_log", run_id, "tick", timeout=60, poll_interval=1)
    assert final.state == "success"
    whole = read_log(tis, "ti_slow_log", run_id, "tick", 1)
    assert all(f"tick {i}" in whole for i in range(8)) and "ticking done" in whole


def test_trigger_and_wait_returns_the_finished_run(client3):
    runs = dag_run_api.DAGRunApi(client3)
    run = trigger_and_wait(runs, "ti_plain", DAGRun(note="waited for"), timeout=180, poll_interval=1)
    assert isinstance(run, DAGRun)
    assert run.state == "success" and run.end_date is not None and run.note == "waited for"
    assert run.logical_date is None  # triggered without one: Airflow 3 gives the run none
    again = wait_for_dag_run(runs, "ti_plain", str(run.dag_run_id), timeout=5, poll_interval=1)
    assert again.end_date == run.end_date


def test_trigger_and_wait_returns_a_failed_run_and_its_failed_task(client3):
    runs = dag_run_api.DAGRunApi(client3)
    run = trigger_and_wait(runs, "ti_fails", timeout=180, poll_interval=1)
    assert run.state == "failed"
    ti = wait_for_task_instance(task_instance_api.TaskInstanceApi(client3), "ti_fails", str(run.dag_run_id),
                                "give_up", timeout=5, poll_interval=1)
    assert ti.state == "failed"


def test_waiting_on_a_run_that_cannot_start_times_out_with_the_last_state(client3, blocked_run3):
    runs = dag_run_api.DAGRunApi(client3)
    with pytest.raises(WaitTimeout) as caught:
        wait_for_dag_run(runs, "ti_blocked", blocked_run3, timeout=2, poll_interval=0.5)
    assert caught.value.last.state == "queued"
