"""Timestamps: each field has the type apache-airflow-client 2.10 declares; one switch makes all datetimes."""

from __future__ import annotations

import copy
import json
import pickle
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from dateutil.parser import isoparse

import airflow_client.client as client
from airflow_client.client import models
from airflow_client.client.api import dag_api, dag_run_api, monitoring_api, task_instance_api
from airflow_client.client.kinds import compile_type
from airflow_client.client.model.clear_task_instances import ClearTaskInstances
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.model.task_instance import TaskInstance
from airflow_client.client.model.task_instance_collection import TaskInstanceCollection
from airflow_client.client.model_utils import DateTimeKind, DateTimeStrKind, Model

from .conftest import Answer, task_instance_json

# The timestamps apache-airflow-client 2.x declares as `str` (Airflow's spec marks them
# `format: datetime`); TaskInstanceHistory, newer than 2.10, follows the same rule.
STR_TYPED = {
    "ClearTaskInstances.end_date", "ClearTaskInstances.start_date",
    "DagProcessorStatus.latest_dag_processor_heartbeat", "DagWarning.timestamp", "ImportError.timestamp",
    "Job.end_date", "Job.latest_heartbeat", "Job.start_date", "SLAMiss.execution_date", "SLAMiss.timestamp",
    "SchedulerStatus.latest_scheduler_heartbeat", "TaskInstance.end_date", "TaskInstance.execution_date",
    "TaskInstance.start_date", "TaskInstanceHistory.end_date", "TaskInstanceHistory.start_date",
    "TaskInstanceReference.execution_date", "Trigger.created_date", "TriggererStatus.latest_triggerer_heartbeat",
    "UpdateTaskInstancesState.execution_date", "User.changed_on", "User.created_on", "User.last_login",
    "UserCollectionItem.changed_on", "UserCollectionItem.created_on", "UserCollectionItem.last_login",
    "XCom.execution_date", "XCom.timestamp", "XComCollectionItem.execution_date", "XComCollectionItem.timestamp",
}
MOMENT = "2024-03-04T05:06:07.250000+00:00"
PARSED = datetime(2024, 3, 4, 5, 6, 7, 250000, tzinfo=timezone.utc)


def timestamp_fields() -> list[tuple[type[Model], str]]:
    found = []
    for name in models.__all__:
        cls = getattr(models, name)
        if isinstance(cls, type) and issubclass(cls, Model):
            found += [(cls, field) for field, kind in cls._tables().items() if isinstance(kind, DateTimeKind)]
    return found


@pytest.fixture
def as_datetime(config: client.Configuration) -> client.Configuration:
    config.timestamps_as_datetime = True
    return config


def trigger_json() -> dict[str, object]:
    return {"id": 1, "classpath": "x.Y", "kwargs": "{}", "created_date": MOMENT, "triggerer_id": 2}


def job_json() -> dict[str, object]:
    return {"id": 7, "job_type": "TriggererJob", "start_date": MOMENT, "end_date": None, "latest_heartbeat": MOMENT}


def dag_run_json(**overrides: object) -> dict[str, object]:
    run = {
        "dag_run_id": "manual__1", "dag_id": "d", "logical_date": MOMENT, "execution_date": MOMENT,
        "start_date": MOMENT, "end_date": None, "data_interval_start": MOMENT, "data_interval_end": MOMENT,
        "last_scheduling_decision": MOMENT, "run_type": "manual", "state": "success", "external_trigger": True,
        "conf": {}, "note": None,
    }
    run.update(overrides)
    return run


# -- the default: the official client's types ------------------------------------------------------------


def test_every_timestamp_field_has_the_type_the_official_client_declares():
    fields = timestamp_fields()
    assert len(fields) >= 70, "the models lost their timestamps"
    wrong = []
    for cls, field in fields:
        obj = cls._server_decoder(False)({field: MOMENT})
        expected = str if f"{cls.__name__}.{field}" in STR_TYPED else datetime
        if type(obj[field]) is not expected:
            wrong.append(f"{cls.__name__}.{field}: {type(obj[field]).__name__}, expected {expected.__name__}")
    assert wrong == []
    as_text = {f"{cls.__name__}.{field}" for cls, field in fields if isinstance(cls._tables()[field], DateTimeStrKind)}
    assert as_text == STR_TYPED


def test_task_instance_timestamps_are_the_servers_text_so_scripts_slice_parse_and_dump_them(server, ti_api):
    server.reply(Answer(body={"task_instances": [task_instance_json()], "total_entries": 1}))
    ti = ti_api.get_task_instances("~", "~").task_instances[0]
    assert ti.start_date == "2024-01-01T00:00:02+00:00" and type(ti.start_date) is str
    assert ti.execution_date[:10] == "2024-01-01"
    assert ti["end_date"] == ti.get("end_date") == "2024-01-01T00:00:03.250000+00:00"
    assert isoparse(ti.start_date) == datetime(2024, 1, 1, 0, 0, 2, tzinfo=timezone.utc)
    assert json.loads(json.dumps(ti.to_dict()))["start_date"] == "2024-01-01T00:00:02+00:00"


def test_nested_str_typed_timestamps_stay_text_by_default(server, ti_api):
    server.reply(Answer(body=task_instance_json(trigger=trigger_json(), triggerer_job=job_json())))
    ti = ti_api.get_task_instance("d", "r", "t")
    assert ti.trigger.created_date == MOMENT
    assert ti.triggerer_job.start_date == MOMENT
    json.dumps(ti.to_dict())


def test_dag_run_timestamps_are_aware_datetimes_by_default_as_the_official_client_declares(api_client, server):
    server.reply(Answer(body=dag_run_json(execution_date="2024-03-04T05:06:07.25Z")))
    run = dag_run_api.DAGRunApi(api_client).get_dag_run("d", "manual__1")
    assert run.start_date == PARSED and run.logical_date.tzinfo is not None
    assert run.execution_date == PARSED
    assert run.end_date is None


# -- the switch ------------------------------------------------------------------------------------------


def test_the_switch_makes_every_timestamp_an_aware_datetime_in_nested_models_and_lists(as_datetime, server, ti_api):
    server.reply(Answer(body={
        "task_instances": [task_instance_json(trigger=trigger_json(), triggerer_job=job_json()), task_instance_json()],
        "total_entries": 2,
    }))
    page = ti_api.get_task_instances("~", "~")
    first, second = page.task_instances
    assert first.start_date == datetime(2024, 1, 1, 0, 0, 2, tzinfo=timezone.utc)
    assert first["execution_date"] == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert second.get("end_date") == datetime(2024, 1, 1, 0, 0, 3, 250000, tzinfo=timezone.utc)
    assert first.trigger.created_date == PARSED
    assert first.triggerer_job.latest_heartbeat == PARSED and first.triggerer_job.end_date is None
    assert first.to_dict()["trigger"]["created_date"] == PARSED
    assert isinstance(first, TaskInstance) and isinstance(page, TaskInstanceCollection)
    assert type(first).__name__ == "TaskInstance"


def test_the_switch_is_per_configuration_and_read_when_an_answer_is_decoded(server, config):
    other = client.Configuration(host=config.host, username="alice", password="s3cret-pw")
    other.timestamps_as_datetime = True
    server.default = Answer(body=task_instance_json())
    with client.ApiClient(config) as plain_client, client.ApiClient(other) as datetime_client:
        plain_api = task_instance_api.TaskInstanceApi(plain_client)
        assert type(plain_api.get_task_instance("d", "r", "t").start_date) is str
        datetime_api = task_instance_api.TaskInstanceApi(datetime_client)
        assert type(datetime_api.get_task_instance("d", "r", "t").start_date) is datetime
        config.timestamps_as_datetime = True
        assert type(plain_api.get_task_instance("d", "r", "t").start_date) is datetime
        config.timestamps_as_datetime = False
        assert type(plain_api.get_task_instance("d", "r", "t").start_date) is str


def test_the_switch_reaches_models_inside_a_value_of_several_possible_shapes():
    kind = compile_type("TaskInstanceCollection | DAGRun")
    data = {"task_instances": [task_instance_json()], "total_entries": 1}
    assert kind.decoder(True)(data).task_instances[0].start_date == datetime(2024, 1, 1, 0, 0, 2, tzinfo=timezone.utc)
    data = {"task_instances": [task_instance_json()], "total_entries": 1}
    assert kind.decoder(False)(data).task_instances[0].start_date == "2024-01-01T00:00:02+00:00"


def test_the_switch_reaches_the_heartbeats_of_the_health_answer(as_datetime, api_client, server):
    server.reply(Answer(body={
        "metadatabase": {"status": "healthy"},
        "scheduler": {"status": "healthy", "latest_scheduler_heartbeat": "2024-03-04T05:06:07.25"},
    }))
    health = monitoring_api.MonitoringApi(api_client).get_health()
    assert health.scheduler.latest_scheduler_heartbeat == PARSED


def test_with_the_switch_a_timestamp_that_does_not_parse_is_kept_as_received(as_datetime, server, ti_api):
    server.reply(Answer(body=task_instance_json(start_date="yesterday", end_date=17)))
    ti = ti_api.get_task_instance("d", "r", "t")
    assert ti.start_date == ti.to_dict()["start_date"] == "yesterday"
    assert ti.end_date == 17
    assert ti.execution_date == datetime(2024, 1, 1, tzinfo=timezone.utc)


def test_models_decoded_with_the_switch_compare_copy_and_pickle_like_the_others(as_datetime, server, ti_api):
    server.default = Answer(body=task_instance_json())
    ti, again = ti_api.get_task_instance("d", "r", "t"), ti_api.get_task_instance("d", "r", "t")
    assert ti == again
    for clone in (pickle.loads(pickle.dumps(ti)), copy.deepcopy(ti), copy.copy(ti)):
        assert clone == ti
        assert isinstance(clone, TaskInstance)
        assert clone.start_date == datetime(2024, 1, 1, 0, 0, 2, tzinfo=timezone.utc)


# -- what callers give -----------------------------------------------------------------------------------


def test_a_str_typed_timestamp_takes_a_datetime_and_holds_and_sends_its_iso_text(api_client, server):
    two_hours_east = timezone(timedelta(hours=2))
    body = ClearTaskInstances(dry_run=True, start_date=datetime(2024, 1, 2, 3, 4, 5, tzinfo=two_hours_east))
    body.end_date = datetime(2024, 1, 3)  # naive: taken as UTC, like every timestamp
    assert body.start_date == "2024-01-02T03:04:05+02:00"
    assert body.end_date == "2024-01-03T00:00:00+00:00"
    server.reply(Answer(body={"task_instances": []}))
    dag_api.DAGApi(api_client).post_clear_task_instances("d", body)
    sent = server.last.json()
    assert sent["start_date"] == "2024-01-02T03:04:05+02:00"
    assert sent["end_date"] == "2024-01-03T00:00:00+00:00"


def test_a_str_typed_timestamp_given_as_text_is_checked_and_sent_as_given(api_client, server):
    server.reply(Answer(body={"task_instances": []}))
    dag_api.DAGApi(api_client).post_clear_task_instances("d", {"start_date": "2024-01-02T03:04:05Z"})
    assert server.last.json()["start_date"] == "2024-01-02T03:04:05Z"
    with pytest.raises(client.ApiValueError, match=r"ClearTaskInstances\.start_date: expected an ISO 8601 timestamp"):
        ClearTaskInstances(start_date="yesterday")
    expected = r"ClearTaskInstances\.end_date: expected str \(an ISO 8601 timestamp\) or datetime, got int 17"
    with pytest.raises(client.ApiTypeError, match=expected):
        ClearTaskInstances(end_date=17)
    with pytest.raises(client.ApiValueError, match="end_date"):
        dag_api.DAGApi(api_client).post_clear_task_instances("d", {"end_date": "2024-13-45"})
    assert len(server.seen) == 1


def test_a_datetime_typed_field_still_takes_text_or_datetime_and_holds_a_datetime():
    run = DAGRun(logical_date="2024-03-04T05:06:07.25Z")
    assert run.logical_date == PARSED
    run.logical_date = datetime(2024, 3, 4, 5, 6, 7, 250000)
    assert run.logical_date == PARSED


# -- the documentation -----------------------------------------------------------------------------------


def test_the_models_guide_lists_every_str_typed_timestamp():
    page = (Path(__file__).resolve().parents[2] / "docs" / "model-behaviour.md").read_text(encoding="utf-8")
    section = page.split("<!-- str-typed timestamps -->")[1]
    listed = set(re.findall(r"`(\w+\.\w+)`", section.split("<!-- end -->")[0]))
    assert listed == STR_TYPED
