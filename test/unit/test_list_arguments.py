"""A str where a list is declared is refused before sending, with a message that says to pass a list."""

from __future__ import annotations

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_run_api
from airflow_client.client.model.list_dag_runs_form import ListDagRunsForm
from airflow_client.client.model.list_task_instance_form import ListTaskInstanceForm

from .conftest import Answer


def refused_as_str(call, where: str, given: str, example: str) -> None:
    with pytest.raises(client.ApiTypeError) as caught:
        call()
    message = str(caught.value)
    assert message.startswith(f"{where}: expected list of ")
    assert f"got str {given!r}; pass a list, e.g. {example}" in message


def test_a_comma_joined_str_for_a_multi_valued_query_parameter_is_refused_naming_it(server, ti_api):
    refused_as_str(lambda: ti_api.get_task_instances("~", "~", state="success,failed"),
                   "get_task_instances(state)", "success,failed", "['success', 'failed']")
    refused_as_str(lambda: ti_api.get_task_instances("~", "~", pool="default_pool"),
                   "get_task_instances(pool)", "default_pool", "['default_pool']")
    assert server.seen == []


def test_a_str_for_a_list_field_of_a_request_body_is_refused_naming_the_field(server, api_client, ti_api):
    refused_as_str(lambda: ListTaskInstanceForm(state="success"),
                   "ListTaskInstanceForm.state", "success", "['success']")
    form = ListTaskInstanceForm(state=["success"])
    refused_as_str(lambda: setattr(form, "dag_ids", "a, b"), "ListTaskInstanceForm.dag_ids", "a, b", "['a', 'b']")
    refused_as_str(lambda: ti_api.get_task_instances_batch({"state": "failed,upstream_failed"}),
                   "get_task_instances_batch(list_task_instance_form).state", "failed,upstream_failed",
                   "['failed', 'upstream_failed']")
    runs = dag_run_api.DAGRunApi(api_client)
    refused_as_str(lambda: runs.get_dag_runs_batch(ListDagRunsForm(dag_ids="my_dag")),
                   "ListDagRunsForm.dag_ids", "my_dag", "['my_dag']")
    assert server.seen == []


def test_lists_and_tuples_are_sent_one_value_each(server, ti_api):
    server.default = Answer(body={"task_instances": [], "total_entries": 0})
    ti_api.get_task_instances("~", "~", state=["success", "failed"], pool=("p1",))
    assert server.last.query["state"] == ["success", "failed"] and server.last.query["pool"] == ["p1"]
    ti_api.get_task_instances_batch(ListTaskInstanceForm(state=("success",), dag_ids=["d"]))
    assert server.last.json() == {"state": ["success"], "dag_ids": ["d"]}
