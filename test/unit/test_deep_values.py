"""Free-form values nested hundreds of levels deep: answers convert, copy and print; requests are refused."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_run_api
from airflow_client.client.json_values import MAX_DEPTH
from airflow_client.client.model.dag_run import DAGRun

from .conftest import Answer


def nested(levels: int) -> dict[str, Any]:
    """A conf with `levels` objects within each other, a list beside each."""
    conf: dict[str, Any] = {"leaf": "bottom"}
    for i in range(levels - 1):
        conf = {"inner": conf, "index": [i]}
    return conf


def depth(value: Any) -> int:
    levels = 0
    while isinstance(value, dict):
        levels += 1
        value = value.get("inner")
    return levels


@pytest.fixture
def dag_runs(api_client: client.ApiClient) -> dag_run_api.DAGRunApi:
    return dag_run_api.DAGRunApi(api_client)


def test_a_conf_500_levels_deep_from_the_server_decodes_converts_copies_pickles_and_prints(server, dag_runs):
    conf = nested(500)
    server.reply(Answer(body=json.dumps({"dag_id": "d", "dag_run_id": "r", "state": "success", "conf": conf}).encode()))
    run = dag_runs.get_dag_run("d", "r")
    assert depth(run.conf) == 500

    as_dict = run.to_dict()
    assert as_dict["conf"] == conf and as_dict["conf"] is not run.conf  # a copy all the way down
    assert depth(run._data_store["conf"]) == 500

    for clone in (copy.deepcopy(run), pickle.loads(pickle.dumps(run)), copy.copy(run)):
        assert isinstance(clone, DAGRun) and clone == run
        assert depth(clone.conf) == 500
    deep_copy = copy.deepcopy(run)
    deep_copy.conf["inner"]["leaf"] = "changed"
    assert "leaf" not in run.conf["inner"]  # the deep copy shares nothing

    text = str(run)
    assert text.startswith("{'conf': {'index': [498],") and "'bottom'" in text and "'dag_id': 'd'" in text
    assert "\n" not in repr(run) and len(repr(run)) < 400


def test_a_copy_of_a_model_is_its_own_and_shares_the_values(server, dag_runs):
    server.reply(Answer(body={"dag_id": "d", "dag_run_id": "r", "state": "success", "conf": {"a": [1]}}))
    run = dag_runs.get_dag_run("d", "r")
    shallow = copy.copy(run)
    shallow.note = "mine"
    assert "note" not in run
    assert shallow.conf is run.conf


def test_a_pickle_of_a_shallow_model_still_loads_in_the_form_older_versions_wrote(server, dag_runs):
    server.reply(Answer(body={"dag_id": "d", "dag_run_id": "r", "state": "success", "conf": {"a": {"b": [1, {}]}}}))
    run = dag_runs.get_dag_run("d", "r")
    rebuild, (cls, _, as_datetime) = run.__reduce__()
    assert rebuild(cls, {"dag_id": "d", "conf": {"a": {"b": [1, {}]}}}, as_datetime).conf == run.conf
    assert pickle.loads(pickle.dumps(run)).conf == {"a": {"b": [1, {}]}}


@pytest.mark.parametrize("given", [nested(MAX_DEPTH + 1), nested(500), {"in_a_list": [nested(MAX_DEPTH - 1)]}])
def test_a_conf_deeper_than_the_limit_from_a_caller_is_refused_before_sending(server, dag_runs, given):
    with pytest.raises(client.ApiValueError) as caught:
        dag_runs.post_dag_run("d", {"conf": given})
    message = str(caught.value)
    assert message.startswith("post_dag_run(dag_run).conf: nested more than 200 levels deep")
    assert len(message) < 300
    with pytest.raises(client.ApiValueError, match=r"^DAGRun\.conf: nested more than 200 levels deep"):
        DAGRun(conf=given)
    run = DAGRun()
    with pytest.raises(client.ApiValueError, match=r"^DAGRun\.conf: nested more than 200"):
        run.conf = given
    assert server.seen == []


def test_a_conf_at_the_limit_from_a_caller_is_sent_whole(server, dag_runs):
    server.reply(Answer(body={"dag_id": "d", "dag_run_id": "r", "state": "queued"}))
    dag_runs.post_dag_run("d", DAGRun(conf=nested(MAX_DEPTH)))
    assert depth(server.last.json()["conf"]) == MAX_DEPTH


def test_a_deep_free_form_value_sent_with_checks_off_is_encoded_without_recursion_error(server, dag_runs):
    server.reply(Answer(body={"dag_id": "d", "dag_run_id": "r", "state": "queued"}))
    dag_runs.post_dag_run("d", {"conf": nested(500)}, _check_input_type=False)
    assert depth(server.last.json()["conf"]) == 500


def test_a_conf_that_holds_itself_converts_copies_pickles_and_prints_keeping_its_shape(server, dag_runs):
    server.reply(Answer(body={"dag_id": "d", "dag_run_id": "r", "state": "success", "conf": {"a": [1]}}))
    run = dag_runs.get_dag_run("d", "r")
    run.conf["self"] = run.conf  # a script may do this to the dict it reads
    run.conf["twice"] = [run.conf["a"], run.conf["a"]]
    as_dict = run.to_dict()["conf"]
    assert as_dict["self"] is as_dict and as_dict["twice"][0] is as_dict["twice"][1] is as_dict["a"]
    for clone in (copy.deepcopy(run), pickle.loads(pickle.dumps(run))):
        assert clone.conf["self"] is clone.conf and clone.conf is not run.conf
        assert clone.conf["twice"][0] is clone.conf["twice"][1] is clone.conf["a"] == [1]
    assert "<Recursion on dict" in str(run) and "{...}" in repr(run)
    with pytest.raises(client.ApiValueError, match="nested more than 200 levels deep"):
        dag_runs.post_dag_run("d", {"conf": run.conf})
    assert len(server.seen) == 1
