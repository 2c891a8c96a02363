"""Pagination, log following and waiting against the real Airflow 2.11.2."""

from __future__ import annotations

import time
import uuid

import pytest

from airflow_client.client import apis
from airflow_client.client.api import dag_run_api, task_instance_api, variable_api
from airflow_client.client.exceptions import WaitTimeout
from airflow_client.client.logs import follow_log, read_log
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.model_utils import ListKind, Model
from airflow_client.client.pagination import paginate
from airflow_client.client.waiting import trigger_and_wait, wait_for_dag_run, wait_for_task_instance

pytestmark = pytest.mark.integration


def list_operations() -> list[tuple[str, str]]:
    """(API class, method) of every listing of Airflow 2 that pages: limit/offset, or page_* in its body."""
    found = []
    for cls_name in apis.__all__:
        cls = getattr(apis, cls_name)
        for name, method in vars(cls).items():
            op = getattr(method, "operation", None)
            # Operations only Airflow 3 has, and paging only Airflow 3 offers (get_providers), are not here.
            if op is None or not op.airflow2 or (op.airflow3 is not None and "limit" in op.airflow3.new):
                continue
            body_fields = op.kinds[op.body].cls._tables() if op.body else {}
            # patch_dags also takes limit/offset, but it changes DAGs: it is no listing to walk.
            if (op.method == "GET" and "limit" in op.annotations) or "page_limit" in body_fields:
                found.append((cls_name, name))
    return sorted(found)


def test_every_list_operation_is_known():
    ops = list_operations()
    assert ("TaskInstanceApi", "get_task_instances_batch") in ops
    assert ("DAGRunApi", "get_dag_runs_batch") in ops
    assert len(ops) >= 20


@pytest.mark.parametrize("cls_name, method_name", list_operations())
def test_paginate_accepts_every_list_operation(admin_client, finished_runs, cls_name, method_name):
    api = getattr(apis, cls_name)(admin_client)
    method = getattr(api, method_name)
    op = method.operation
    values = {
        "dag_id": "ti_mapped", "dag_run_id": finished_runs["ti_mapped"], "task_id": "square",
        "dag_ids": "ti_mapped,ti_plain", "map_index": 0,
    }
    args = [values[name] for name in op.positional if name != op.body]
    if op.body in op.positional:
        args.append({})
    items = list(paginate(method, *args, page_size=2, max_items=7))
    assert len(items) <= 7
    # Whatever came back is made of the collection's own item model (or kept as received).
    for item in items:
        assert isinstance(item, (Model, dict, str))


def test_paging_through_small_pages_gives_the_same_items_as_one_big_page(admin_client, finished_runs):
    api = task_instance_api.TaskInstanceApi(admin_client)
    whole = api.get_task_instances("~", "~", limit=100).task_instances
    paged = list(paginate(api.get_task_instances, "~", "~", page_size=2))
    key = [(t.dag_id, t.dag_run_id, t.task_id, t.map_index) for t in whole]
    assert [(t.dag_id, t.dag_run_id, t.task_id, t.map_index) for t in paged] == key
    assert len(key) >= 6  # the finished runs alone have 2 + 3 + 1 task instances


def test_an_item_removed_between_pages_makes_the_next_item_skipped(admin_client):
    api = variable_api.VariableApi(admin_client)
    prefix = f"page_{uuid.uuid4().hex[:8]}_"
    keys = [f"{prefix}{i}" for i in range(6)]
    for key in keys:
        api.post_variables({"key": key, "value": "v"})
    try:
        seen = []
        pages = paginate(api.get_variables, page_size=100)
        for variable in pages:
            if variable.key.startswith(prefix):
                seen.append(variable.key)
        assert seen == keys  # undisturbed: every item once, in order

        seen = []
        walker = paginate(api.get_variables, page_size=2, order_by="key")
        for variable in walker:
            if variable.key == f"{prefix}1":
                api.delete_variable(f"{prefix}0")  # removed behind the current offset
            if variable.key.startswith(prefix):
                seen.append(variable.key)
        assert seen[:2] == keys[:2] and seen[-1] == keys[-1]
        assert len(seen) == len(keys) - 1  # documented: the item that slid into the read page is skipped
    finally:
        for key in keys[1:]:
            api.delete_variable(key)


def test_follow_log_yields_text_while_the_task_runs_and_ends_with_it(airflow, admin_client):
    airflow.wait_for_dags(["ti_slow_log"])
    runs = dag_run_api.DAGRunApi(admin_client)
    tis = task_instance_api.TaskInstanceApi(admin_client)
    run_id = str(runs.post_dag_run("ti_slow_log", {}).dag_run_id)
    deadline = time.monotonic() + 120
    while tis.get_task_instance("ti_slow_log", run_id, "tick").get("state") != "running":
        assert time.monotonic() < deadline, "the task did not start"
        time.sleep(0.5)
    pieces = list(follow_log(tis, "ti_slow_log", run_id, "tick", 1, timeout=120, poll_interval=1))
    text = "".join(pieces)
    assert len([p for p in pieces if "tick" in p]) >= 2, f"the log came in one piece: {pieces!r}"
    positions = [text.index(f"tick {i}") for i in range(8)]
    assert positions == sorted(positions)
    assert "ticking done" in text
    assert not text.startswith("[(")
    final = wait_for_task_instance(tis, "ti_slow_log", run_id, "tick", timeout=60, poll_interval=1)
    assert final.state == "success"
    whole = read_log(tis, "ti_slow_log", run_id, "tick", 1)
    assert all(f"tick {i}" in whole for i in range(8))


def test_trigger_and_wait_returns_the_finished_run(admin_client):
    runs = dag_run_api.DAGRunApi(admin_client)
    run = trigger_and_wait(runs, "ti_plain", DAGRun(note="waited for"), timeout=180, poll_interval=1)
    assert isinstance(run, DAGRun)
    assert run.state == "success" and run.end_date is not None
    again = wait_for_dag_run(runs, "ti_plain", str(run.dag_run_id), timeout=5, poll_interval=1)
    assert again.end_date == run.end_date


def test_waiting_on_a_run_that_cannot_start_times_out_with_the_last_state(admin_client, blocked_run):
    runs = dag_run_api.DAGRunApi(admin_client)
    with pytest.raises(WaitTimeout) as caught:
        wait_for_dag_run(runs, "ti_blocked", blocked_run, timeout=2, poll_interval=0.5)
    assert caught.value.last.state == "queued"


def test_mapped_log_read_as_text(admin_client, finished_runs):
    tis = task_instance_api.TaskInstanceApi(admin_client)
    text = read_log(tis, "ti_mapped", finished_runs["ti_mapped"], "square", 1, map_index=1)
    assert "square of 2" in text and "square of 3" not in text


def test_items_come_back_as_their_models(admin_client, finished_runs):
    api = task_instance_api.TaskInstanceApi(admin_client)
    kind = type(api.get_task_instances("~", "~", limit=1))._tables()["task_instances"]
    assert isinstance(kind, ListKind)
    assert all(isinstance(t, kind.item.cls) for t in paginate(api.get_task_instances, "~", "~", page_size=3))
