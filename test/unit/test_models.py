"""Models behave like the official client's: construction, access, comparison, conversion."""

from __future__ import annotations

import copy
import importlib
import io
import json
import pickle
import pprint
import subprocess
import sys
from datetime import datetime, timezone

import pytest

import airflow_client.client as client
from airflow_client.client import apis, models
from airflow_client.client.api import dag_run_api
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.model.inline_response2001 import InlineResponse2001
from airflow_client.client.model.set_task_instance_note import SetTaskInstanceNote
from airflow_client.client.model.task_instance import TaskInstance
from airflow_client.client.model.task_state import TaskState
from airflow_client.client.model.time_delta import TimeDelta
from airflow_client.client.model.trigger import Trigger
from airflow_client.client.model.update_task_instance import UpdateTaskInstance
from airflow_client.client.model.update_task_state import UpdateTaskState
from airflow_client.client.model.user import User

from .conftest import Answer, task_instance_json


def decoded_ti(**overrides: object) -> TaskInstance:
    return TaskInstance._from_server(json.loads(json.dumps(task_instance_json(**overrides))))


def test_required_fields_are_positional_and_optional_ones_keywords():
    assert SetTaskInstanceNote("done").note == "done"
    assert SetTaskInstanceNote(note="done") == SetTaskInstanceNote("done")
    body = UpdateTaskInstance(dry_run=False, new_state=UpdateTaskState("skipped"))
    assert body.dry_run is False
    assert body.new_state == "skipped"


def test_attribute_item_get_and_in_access():
    ti = decoded_ti(note="checked")
    assert ti.note == ti["note"] == ti.get("note") == "checked"
    assert "note" in ti and "nope" not in ti
    assert ti.get("nope", "fallback") == "fallback"
    with pytest.raises(client.ApiAttributeError):
        _ = ti.nope
    with pytest.raises(KeyError):
        _ = ti["nope"]
    assert getattr(ti, "nope", None) is None


def test_declared_but_absent_field_raises_attribute_error_and_get_gives_default():
    body = UpdateTaskInstance(new_state="failed")
    assert "dry_run" not in body
    with pytest.raises(client.ApiAttributeError, match=r"UpdateTaskInstance\.dry_run is not set"):
        _ = body.dry_run
    assert body.get("dry_run") is None


def test_equality_is_by_class_and_fields():
    assert decoded_ti() == decoded_ti()
    assert decoded_ti() != decoded_ti(note="x")
    assert SetTaskInstanceNote("a") != InlineResponse2001(content="a")


def test_enums_compare_equal_to_same_value_and_to_plain_strings():
    assert TaskState("failed") == TaskState("failed")
    assert TaskState("failed") == UpdateTaskState("failed")
    assert TaskState("failed") == "failed"
    assert TaskState("failed").value == "failed"
    assert type(TaskState("failed").value) is str
    assert TaskState(value="skipped") == "skipped"
    assert str(TaskState("failed")) == "failed"
    assert repr(TaskState("failed")) == "TaskState('failed')"
    assert {TaskState("failed"): 1}["failed"] == 1
    with pytest.raises(client.ApiValueError, match="'exploded' is not a valid TaskState"):
        TaskState("exploded")


def test_to_dict_gives_plain_data_with_each_timestamp_of_its_declared_type():
    ti = decoded_ti()
    data = ti.to_dict()
    assert type(data["state"]) is str and data["state"] == "success"
    assert data["start_date"] == "2024-01-01T00:00:02+00:00"
    assert data["rendered_fields"] == {"templates_dict": None, "op_args": []}
    json.dumps(data)
    run = DAGRun._from_server({"dag_id": "d", "start_date": "2024-01-01T00:00:02Z", "state": "queued"})
    assert run.to_dict() == {
        "dag_id": "d", "start_date": datetime(2024, 1, 1, 0, 0, 2, tzinfo=timezone.utc), "state": "queued"
    }


def test_repr_is_one_short_line_and_str_pretty_prints_to_dict_over_several_lines():
    ti = decoded_ti(note="n" * 500, rendered_fields={"sql": "SELECT 1\n" * 200})
    assert repr(ti).startswith("TaskInstance(dag_id='example', ")
    assert "state=TaskState('success')" in repr(ti)
    assert "\n" not in repr(ti) and len(repr(ti)) < 3000
    assert "note='nnnnn" in repr(ti) and "n" * 100 not in repr(ti)  # long values are cut
    # str() and print() show what the official client shows: pprint.pformat(to_dict()).
    assert str(ti) == ti.to_str() == pprint.pformat(ti.to_dict())
    assert str(ti).count("\n") > 20 and "'task_id': 'say_hello'" in str(ti)
    printed = io.StringIO()
    print(ti, file=printed)
    assert printed.getvalue() == str(ti) + "\n"
    pprinted = io.StringIO()
    pprint.pprint(ti, stream=pprinted)
    assert pprinted.getvalue().startswith("TaskInstance(dag_id='example', ")


def test_str_and_repr_hide_secrets_even_in_nested_models():
    secret = "hunter2-secret-pw"
    user = User(username="u", password=secret)
    for text in (str(user), repr(user), user.to_str(), pprint.pformat(user)):
        assert secret not in text
    assert "'password': '***'" in str(user) and "password='***'" in repr(user)
    holder = TaskInstance(rendered_fields={"who": [user]})  # a free-form value holding a model
    assert secret not in str(holder) and secret not in repr(holder)
    assert "'password': '***'" in str(holder)
    assert user.to_dict()["password"] == secret  # to_dict() itself is the data


def test_enum_value_item_gives_the_plain_string_and_indexes_stay_those_of_str(api_client, server):
    server.reply(Answer(body={"dag_id": "d", "dag_run_id": "r", "state": "success", "conf": {}}))
    run = dag_run_api.DAGRunApi(api_client).get_dag_run("d", "r")
    assert run["state"]["value"] == "success" and type(run["state"]["value"]) is str
    assert run.state["value"] == run.state.value
    state = TaskState("failed")
    assert state["value"] == "failed"
    assert state[0] == "f" and state[-1] == "d" and state[1:4] == "ail" and state[::-1] == "deliaf"
    with pytest.raises(TypeError):
        _ = state["other"]
    assert TaskState._from_server("paused_by_operator")["value"] == "paused_by_operator"


def test_data_store_gives_the_fields_by_python_name_with_nested_models_as_models():
    ti = decoded_ti(trigger={"id": 1, "classpath": "x.Y", "kwargs": "{}", "created_date": "2024-01-01T00:00:00Z"})
    store = ti._data_store
    assert store["task_id"] == "say_hello" and isinstance(store["state"], TaskState)
    assert isinstance(store["trigger"], Trigger) and store["trigger"].id == 1
    assert set(store) == set(task_instance_json())
    assert TimeDelta(type="TimeDelta", days=1, seconds=0, microseconds=0)._data_store == {
        "type": "TimeDelta", "days": 1, "seconds": 0, "microseconds": 0,
    }
    assert TaskState("failed")._data_store == {"value": "failed"}
    run = DAGRun._from_server({"dag_id": "d", "start_date": "2024-01-01T00:00:00Z"})
    assert run._data_store["start_date"] == datetime(2024, 1, 1, tzinfo=timezone.utc)


def test_data_store_is_read_only_and_writing_to_it_changes_nothing():
    ti = decoded_ti()
    ti._data_store["task_id"] = "changed"
    assert ti.task_id == "say_hello"
    with pytest.raises(client.ApiAttributeError, match="_data_store is read-only"):
        ti._data_store = {}
    assert ti.task_id == "say_hello"


def test_models_pickle_and_copy_with_their_data():
    ti = decoded_ti()
    for clone in (pickle.loads(pickle.dumps(ti)), copy.copy(ti), copy.deepcopy(ti)):
        assert clone == ti
        assert isinstance(clone.state, TaskState)
    assert pickle.loads(pickle.dumps(TaskState("failed"))) == "failed"


def test_models_and_apis_packages_re_export_everything_lazily():
    assert models.TaskInstance is TaskInstance
    assert apis.TaskInstanceApi.__name__ == "TaskInstanceApi"
    assert "TaskInstanceCollection" in dir(models)
    with pytest.raises(AttributeError):
        _ = models.NoSuchModel
    for name in models.__all__:
        module = importlib.import_module(f"airflow_client.client.model.{models._MODULES[name]}")
        assert getattr(module, name) is getattr(models, name)


def test_importing_the_client_does_not_import_every_model():
    code = (
        "import sys, airflow_client.client\n"
        "from airflow_client.client.api import task_instance_api\n"
        "print(sum(1 for m in sys.modules if m.startswith('airflow_client.client.model.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_exception_classes_are_importable_where_scripts_look_for_them():
    from airflow_client.client.exceptions import (
        ForbiddenException,
        NotFoundException,
        ServiceException,
        UnauthorizedException,
    )

    for cls in (NotFoundException, UnauthorizedException, ForbiddenException, ServiceException):
        assert issubclass(cls, client.ApiException)
    assert issubclass(client.ApiTypeError, TypeError)
    assert issubclass(client.ApiValueError, ValueError)
    assert issubclass(client.ApiKeyError, KeyError)
    assert issubclass(client.ApiAttributeError, AttributeError)


def test_configuration_and_client_never_show_the_password():
    config = client.Configuration(host="http://h/api/v1", username="u", password="hunter2-secret")
    config.access_token = "tok-secret"
    with client.ApiClient(config) as api_client:
        for text in (repr(config), str(config), repr(api_client), str(api_client)):
            assert "hunter2-secret" not in text and "tok-secret" not in text
