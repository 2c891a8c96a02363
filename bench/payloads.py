"""Canned answers shaped like those of Airflow 2.11's stable REST API and Airflow 3.3's REST API v2.

Every field a real answer carries is present, nulls included, so decoding cost is realistic.
Values vary per item (ids, timestamps, states) so nothing can be cached by value.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

DAG_ID = "bench_dag"
BASE = datetime(2024, 1, 1, tzinfo=timezone.utc)
STATES = ("success", "success", "success", "failed", "running", "deferred", "up_for_retry", "skipped")
OPERATORS = ("PythonOperator", "BashOperator", "EmptyOperator", "DateTimeSensorAsync")
# Airflow 3 names the operator a task was built with too (the decorator for TaskFlow tasks).
OPERATOR_NAMES = ("@task", "BashOperator", "EmptyOperator", "DateTimeSensorAsync")
# What the REST API v2 routes of the bench server want: `Authorization: Bearer <this>`.
V2_TOKEN = "bench-token"


def _ts(moment: datetime) -> str:
    # Airflow answers with isoformat(): microseconds when non-zero and a +00:00 offset.
    return moment.isoformat()


def _trigger(i: int, at: datetime) -> dict[str, Any]:
    return {
        "classpath": "airflow.triggers.temporal.DateTimeTrigger",
        "created_date": _ts(at + timedelta(seconds=2, microseconds=417 * i % 1_000_000)),
        "id": 1000 + i,
        "kwargs": f"{{'moment': DateTime({at.year}, {at.month}, {at.day}, 0, 5, 0, tzinfo=Timezone('UTC'))}}",
        "triggerer_id": 7 + i % 3,
    }


def _triggerer_job(i: int, at: datetime) -> dict[str, Any]:
    return {
        "dag_id": None,
        "end_date": None,
        "executor_class": None,
        "hostname": f"triggerer-{i % 3}",
        "id": 7 + i % 3,
        "job_type": "TriggererJob",
        "latest_heartbeat": _ts(at + timedelta(seconds=30, microseconds=1234 * i % 1_000_000)),
        "start_date": _ts(at - timedelta(hours=5, microseconds=987 * i % 1_000_000)),
        "state": "running",
        "unixname": "airflow",
    }


def task_instance(i: int) -> dict[str, Any]:
    """The i-th task instance, as Airflow 2.11 answers it (keys sorted, as Flask sends them)."""
    run_day = BASE + timedelta(days=i // 50)
    run_id = f"scheduled__{_ts(run_day)}"
    state = STATES[i % len(STATES)]
    queued = run_day + timedelta(seconds=1 + i % 50, microseconds=(i * 7919) % 1_000_000)
    start = queued + timedelta(seconds=1, microseconds=(i * 104_729) % 1_000_000)
    finished = state not in ("running", "deferred")
    end = start + timedelta(seconds=3 + i % 17, microseconds=(i * 15_485_863) % 1_000_000) if finished else None
    deferred = state == "deferred"
    task_id = f"task_{i % 50}"
    return {
        "dag_id": DAG_ID,
        "dag_run_id": run_id,
        "duration": (end - start).total_seconds() if end else None,
        "end_date": _ts(end) if end else None,
        "execution_date": _ts(run_day),
        "executor": None,
        "executor_config": "{}",
        "hostname": f"worker-{i % 4}.internal",
        "map_index": -1,
        "max_tries": 2,
        "note": f"checked by on-call, ticket {i}" if i % 10 == 3 else None,
        "operator": OPERATORS[i % len(OPERATORS)],
        "pid": 20000 + i,
        "pool": "default_pool",
        "pool_slots": 1,
        "priority_weight": 1 + i % 5,
        "queue": "default",
        "queued_when": _ts(queued),
        "rendered_fields": {"op_args": [], "op_kwargs": {"n": i}, "templates_dict": None},
        "rendered_map_index": None,
        "sla_miss": None,
        "start_date": _ts(start),
        "state": state,
        "task_display_name": task_id,
        "task_id": task_id,
        "trigger": _trigger(i, start) if deferred else None,
        "triggerer_job": _triggerer_job(i, start) if deferred else None,
        "try_number": 1 + (state == "up_for_retry"),
        "unixname": "airflow",
    }


def dag_run(i: int) -> dict[str, Any]:
    """The i-th DAG run of the bench DAG; timestamps make up most of it."""
    logical = BASE + timedelta(hours=i)
    start = logical + timedelta(hours=1, seconds=2, microseconds=(i * 7919) % 1_000_000)
    end = start + timedelta(seconds=40 + i % 30, microseconds=(i * 104_729) % 1_000_000)
    manual = i % 7 == 0
    return {
        "conf": {},
        "dag_id": DAG_ID,
        "dag_run_id": f"{'manual' if manual else 'scheduled'}__{_ts(logical)}",
        "data_interval_end": _ts(logical + timedelta(hours=1)),
        "data_interval_start": _ts(logical),
        "end_date": _ts(end),
        "execution_date": _ts(logical),
        "external_trigger": manual,
        "last_scheduling_decision": _ts(end - timedelta(microseconds=(i * 31) % 1_000_000 + 1)),
        "logical_date": _ts(logical),
        "note": None,
        "run_type": "manual" if manual else "scheduled",
        "start_date": _ts(start),
        "state": "success",
    }


def task_instance_page(limit: int) -> bytes:
    return json.dumps({"task_instances": [task_instance(i) for i in range(limit)], "total_entries": 25_000}).encode()


def dag_run_page(limit: int) -> bytes:
    return json.dumps({"dag_runs": [dag_run(i) for i in range(limit)], "total_entries": 2_000}).encode()


def task_instance_reference(dag_id: str, run_id: str, task_id: str) -> bytes:
    return json.dumps(
        {"dag_id": dag_id, "dag_run_id": run_id, "execution_date": "2024-01-01T00:00:00+00:00", "task_id": task_id}
    ).encode()


def _ts3(moment: datetime) -> str:
    # Airflow 3 (pydantic) answers UTC timestamps with a Z, and microseconds when non-zero.
    return moment.isoformat().replace("+00:00", "Z")


def _uuid(kind: str, i: int) -> str:
    # Airflow 3 ids are UUID7s; stable ones keep the canned answer the same from run to run.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench/{kind}/{i}"))


def task_instance_v2(i: int) -> dict[str, Any]:
    """The i-th task instance as Airflow 3.3.2 answers it (schema TaskInstanceResponse, its field order)."""
    run_day = BASE + timedelta(days=i // 50)
    run_id = f"scheduled__{_ts(run_day)}"
    state = STATES[i % len(STATES)]
    scheduled = run_day + timedelta(seconds=i % 50, microseconds=(i * 3571) % 1_000_000)
    queued = scheduled + timedelta(seconds=1, microseconds=(i * 7919) % 1_000_000)
    start = queued + timedelta(seconds=1, microseconds=(i * 104_729) % 1_000_000)
    finished = state not in ("running", "deferred")
    end = start + timedelta(seconds=3 + i % 17, microseconds=(i * 15_485_863) % 1_000_000) if finished else None
    deferred = state == "deferred"
    task_id = f"task_{i % 50}"
    return {
        "id": _uuid("ti", i),
        "task_id": task_id,
        "dag_id": DAG_ID,
        "dag_run_id": run_id,
        "map_index": -1,
        "logical_date": _ts3(run_day),
        "run_after": _ts3(run_day),
        "start_date": _ts3(start),
        "end_date": _ts3(end) if end else None,
        "duration": (end - start).total_seconds() if end else None,
        "state": state,
        "try_number": 1 + (state == "up_for_retry"),
        "max_tries": 2,
        "task_display_name": task_id,
        "dag_display_name": DAG_ID,
        "hostname": f"worker-{i % 4}.internal",
        "unixname": "airflow",
        "pool": "default_pool",
        "pool_slots": 1,
        "queue": "default",
        "priority_weight": 1 + i % 5,
        "operator": OPERATORS[i % len(OPERATORS)],
        "operator_name": OPERATOR_NAMES[i % len(OPERATOR_NAMES)],
        "queued_when": _ts3(queued),
        "scheduled_when": _ts3(scheduled),
        "pid": 20000 + i,
        "executor": None,
        "executor_config": "{}",
        "note": f"checked by on-call, ticket {i}" if i % 10 == 3 else None,
        "rendered_map_index": None,
        "rendered_fields": {"op_args": [], "op_kwargs": {"n": i}, "templates_dict": None},
        "trigger": {
            "id": 1000 + i,
            "classpath": "airflow.providers.standard.triggers.temporal.DateTimeTrigger",
            "kwargs": f"{{'moment': DateTime({start.year}, {start.month}, {start.day}, 0, 5, 0, "
                      "tzinfo=Timezone('UTC'))}",
            "created_date": _ts3(start + timedelta(seconds=2)),
            "queue": None,
            "triggerer_id": 7 + i % 3,
        } if deferred else None,
        "triggerer_job": {
            "id": 7 + i % 3,
            "dag_id": None,
            "state": "running",
            "job_type": "TriggererJobRunner",
            "start_date": _ts3(start - timedelta(hours=5)),
            "end_date": None,
            "latest_heartbeat": _ts3(start + timedelta(seconds=30)),
            "executor_class": None,
            "hostname": f"triggerer-{i % 3}",
            "unixname": "airflow",
            "dag_display_name": None,
        } if deferred else None,
        "dag_version": {
            "id": _uuid("dag_version", i // 50),
            "version_number": 1 + i // 50,
            "dag_id": DAG_ID,
            "bundle_name": "dags-folder",
            "bundle_version": None,
            "created_at": _ts3(run_day - timedelta(minutes=5)),
            "dag_display_name": DAG_ID,
            "bundle_url": None,
        },
    }


def task_instance_page_v2(limit: int) -> bytes:
    items = [task_instance_v2(i) for i in range(limit)]
    return json.dumps({"task_instances": items, "total_entries": 25_000, "total_entries_limit": 50_000,
                       "next_cursor": None, "previous_cursor": None}).encode()
