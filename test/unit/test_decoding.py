"""Answers that deviate from the spec never fail a call: known parts convert, the rest is kept."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from airflow_client.client import exceptions
from airflow_client.client.api import dag_run_api
from airflow_client.client.model.task_instance import TaskInstance
from airflow_client.client.model.task_instance_collection import TaskInstanceCollection
from airflow_client.client.model.task_state import TaskState

from .conftest import Answer, task_instance_json


@pytest.fixture
def dag_run_api_(api_client):
    return dag_run_api.DAGRunApi(api_client)


def dag_run_json(**overrides: object) -> dict[str, object]:
    """A DAG run as Airflow 2.11 answers it; its timestamps are typed datetime."""
    run = {
        "dag_run_id": "manual__2024-01-01T00:00:00+00:00", "dag_id": "example",
        "logical_date": "2024-01-01T00:00:00+00:00", "execution_date": "2024-01-01T00:00:00+00:00",
        "start_date": "2024-01-01T00:00:01+00:00", "end_date": "2024-01-01T00:00:05+00:00",
        "data_interval_start": "2024-01-01T00:00:00+00:00", "data_interval_end": "2024-01-01T00:00:00+00:00",
        "last_scheduling_decision": None, "run_type": "manual", "state": "success", "external_trigger": True,
        "conf": {}, "note": None,
    }
    run.update(overrides)
    return run


def test_a_full_answer_decodes_to_models_with_the_declared_types_and_enum_states(server, ti_api):
    server.reply(Answer(body={"task_instances": [task_instance_json()], "total_entries": 1}))
    page = ti_api.get_task_instances("~", "~")
    assert isinstance(page, TaskInstanceCollection)
    ti = page.task_instances[0]
    assert isinstance(ti, TaskInstance)
    # TaskInstance's timestamps are typed str, as in apache-airflow-client (see test_timestamps.py).
    assert ti.start_date == "2024-01-01T00:00:02+00:00"
    assert ti.execution_date == "2024-01-01T00:00:00+00:00"
    assert ti.end_date == "2024-01-01T00:00:03.250000+00:00"
    assert isinstance(ti.state, TaskState)
    assert ti.state == TaskState("success") == "success"
    assert ti.duration == 1.25
    assert ti.rendered_fields == {"templates_dict": None, "op_args": []}
    assert ti.sla_miss is None


def test_null_end_date_is_kept_as_none(server, ti_api):
    server.reply(Answer(body=task_instance_json(end_date=None, state="running")))
    ti = ti_api.get_task_instance("d", "r", "t")
    assert ti.end_date is None
    assert ti.state == "running"


def test_null_where_the_spec_says_non_null_is_kept(server, ti_api):
    server.reply(Answer(body=task_instance_json(task_id=None, try_number=None, execution_date=None)))
    ti = ti_api.get_task_instance("d", "r", "t")
    assert ti.task_id is None
    assert ti.try_number is None
    assert ti.execution_date is None


def test_unknown_field_from_a_newer_server_stays_reachable(server, ti_api):
    server.reply(Answer(body=task_instance_json(dag_version={"id": 3}, new_flag=True)))
    ti = ti_api.get_task_instance("d", "r", "t")
    assert ti.dag_version == {"id": 3}
    assert ti["new_flag"] is True
    assert ti.to_dict()["dag_version"] == {"id": 3}


def test_unknown_enum_value_is_kept_as_its_enum_type(server, ti_api):
    server.reply(Answer(body=task_instance_json(state="paused_by_operator")))
    ti = ti_api.get_task_instance("d", "r", "t")
    assert ti.state == "paused_by_operator"
    assert ti.state.value == "paused_by_operator"
    assert isinstance(ti.state, TaskState)


def test_number_where_a_string_was_declared_is_kept_as_received(server, ti_api):
    server.reply(Answer(body=task_instance_json(hostname=12345, pool_slots="2")))
    ti = ti_api.get_task_instance("d", "r", "t")
    assert ti.hostname == 12345
    assert ti.pool_slots == "2"


def test_timestamp_that_does_not_parse_is_kept_as_text(server, dag_run_api_):
    server.reply(Answer(body=dag_run_json(start_date="yesterday", end_date=17)))
    run = dag_run_api_.get_dag_run("d", "r")
    assert run.start_date == "yesterday"
    assert run.end_date == 17
    assert run.logical_date.year == 2024  # its neighbours still convert


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03-04T05:06:07Z", datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc)),
        ("2024-03-04T05:06:07.1+00:00", datetime(2024, 3, 4, 5, 6, 7, 100000, tzinfo=timezone.utc)),
        ("2024-03-04T05:06:07", datetime(2024, 3, 4, 5, 6, 7, tzinfo=timezone.utc)),
    ],
)
def test_every_timestamp_form_airflow_may_send_becomes_aware(server, dag_run_api_, text, expected):
    server.reply(Answer(body=dag_run_json(start_date=text)))
    assert dag_run_api_.get_dag_run("d", "r").start_date == expected


def test_nested_object_of_the_wrong_shape_is_kept_and_the_rest_converts(server, ti_api):
    server.reply(
        Answer(
            body=task_instance_json(
                sla_miss="not an object",
                trigger={"id": 1, "classpath": "x.Y", "kwargs": "{}", "created_date": "2024-01-01T00:00:00+00:00"},
            )
        )
    )
    ti = ti_api.get_task_instance("d", "r", "t")
    assert ti.sla_miss == "not an object"
    assert ti.trigger.created_date == "2024-01-01T00:00:00+00:00"
    assert ti.trigger.id == 1


def test_bad_item_in_a_list_is_kept_and_the_other_items_convert(server, ti_api):
    server.reply(Answer(body={"task_instances": [task_instance_json(), "junk", None], "total_entries": 3}))
    page = ti_api.get_task_instances("~", "~")
    assert isinstance(page.task_instances[0], TaskInstance)
    assert page.task_instances[1:] == ["junk", None]


@pytest.mark.parametrize(
    ("body", "content_type", "shown"),
    [
        (b"[1, 2, 3]", "application/json", "'[1, 2, 3]'"),
        (b"null", "application/json", "'null'"),
        (b'"a string"', "application/json", "'\"a string\"'"),
        (b"<html><form>Sign in</form></html>", "text/html; charset=utf-8", "'<html><form>Sign in</form></html>'"),
        (b"", "application/json", "an empty body"),
        (b"", "text/html", "an empty body"),
    ],
)
def test_a_success_that_is_not_the_declared_json_object_is_an_error_naming_the_operation(
    server, ti_api, body, content_type, shown
):
    server.reply(Answer(body=body, headers={"Content-Type": content_type}))
    with pytest.raises(exceptions.ResponseDecodeError) as caught:
        ti_api.get_task_instance("d", "r", "t")
    message = str(caught.value)
    assert "get_task_instance answered 200 with" in message
    assert shown in message
    assert "expected a JSON object (TaskInstance)" in message
    if body:
        assert content_type in message


def test_json_labelled_as_html_is_decoded_when_it_is_the_declared_object(server, ti_api):
    server.reply(Answer(body=b'{"task_id": "t", "state": "success"}', headers={"Content-Type": "text/html"}))
    ti = ti_api.get_task_instance("d", "r", "t")
    assert type(ti).__name__ == "TaskInstance"
    assert ti.state == "success"


def test_an_operation_that_answers_text_on_request_still_returns_text(server, ti_api):
    server.reply(Answer(body="line one\n", headers={"Content-Type": "text/plain"}))
    assert ti_api.get_log("d", "r", "t", 1, _headers={"Accept": "text/plain"}) == "line one\n"


def test_invalid_json_with_a_json_content_type_raises_decode_error_with_the_body(server, ti_api):
    server.reply(Answer(body=b'{"task_id": "t", '))
    with pytest.raises(exceptions.ResponseDecodeError) as caught:
        ti_api.get_task_instance("d", "r", "t")
    assert caught.value.status == 200
    assert caught.value.body == '{"task_id": "t", '
    assert "not valid JSON" in str(caught.value)


def test_log_json_answer_keeps_airflow_text_form_of_host_and_text_tuples(server, ti_api):
    content = "[('worker-1', '*** Found local files\\nhello from ti_plain\\n')]"
    server.reply(Answer(body={"content": content, "continuation_token": "eyJlbmQiOnRydWV9"}))
    log = ti_api.get_log("d", "r", "t", 1)
    assert log.content == content
    assert log.continuation_token == "eyJlbmQiOnRydWV9"


def test_timestamps_read_any_way_are_aware_datetimes(server, dag_run_api_):
    body = dag_run_json(start_date="2024-05-06T07:08:09.5+02:00")
    server.default = Answer(body=body)
    expected = datetime(2024, 5, 6, 5, 8, 9, 500000, tzinfo=timezone.utc)
    assert dag_run_api_.get_dag_run("d", "r").start_date == expected
    assert dag_run_api_.get_dag_run("d", "r")["start_date"] == expected
    assert dag_run_api_.get_dag_run("d", "r").get("start_date") == expected
    assert dag_run_api_.get_dag_run("d", "r").to_dict()["start_date"] == expected
    assert "start_date=datetime.datetime(2024, 5, 6, 7, 8, 9, 500000" in repr(dag_run_api_.get_dag_run("d", "r"))
    read, unread = dag_run_api_.get_dag_run("d", "r"), dag_run_api_.get_dag_run("d", "r")
    assert read.start_date == expected and read == unread
    import pickle

    assert pickle.loads(pickle.dumps(dag_run_api_.get_dag_run("d", "r"))).start_date == expected


def test_a_timestamp_that_does_not_parse_reads_as_received_every_time(server, dag_run_api_):
    server.default = Answer(body=dag_run_json(end_date="soon"))
    run = dag_run_api_.get_dag_run("d", "r")
    assert run.end_date == run["end_date"] == run.get("end_date") == run.to_dict()["end_date"] == "soon"


def test_clear_dag_run_returns_the_decoded_json_object_as_is(server, api_client):
    # The spec answers "a DAGRun or a TaskInstanceCollection" (anyOf): the object is returned as received.
    from airflow_client.client.api.dag_run_api import DAGRunApi

    api = DAGRunApi(api_client)
    report = {"task_instances": [task_instance_json()], "total_entries": 1}
    server.reply(Answer(body=report))
    answer = api.clear_dag_run("example", "manual__1", {"dry_run": True})
    assert type(answer) is dict and answer == report
    assert json.loads(json.dumps(answer)) == report
    run = {"dag_id": "example", "dag_run_id": "manual__1", "state": "queued", "end_date": None}
    server.reply(Answer(body=run))
    answer = api.clear_dag_run("example", "manual__1", {"dry_run": False})
    assert type(answer) is dict and answer == run


def test_get_providers_returns_the_decoded_json_object_as_is(server, api_client):
    # The spec answers "a ProviderCollection and a CollectionInfo" (allOf): the object is returned as received.
    from airflow_client.client.api.provider_api import ProviderApi

    page = {"providers": [{"package_name": "apache-airflow-providers-http", "description": "HTTP", "version": "4.1.0"}],
            "total_entries": 1}
    server.reply(Answer(body=page))
    answer = ProviderApi(api_client).get_providers()
    assert type(answer) is dict and answer == page
    assert json.loads(json.dumps(answer)) == page
