"""`mypy --strict` checks the call options of endpoint methods and sees the models API modules bind."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = """\
import json

import airflow_client.client
from airflow_client.client.api import dag_api, dag_run_api, task_instance_api
from airflow_client.client.endpoint import CallOptions

config = airflow_client.client.Configuration(host="http://localhost:8080/api/v1")
api_client = airflow_client.client.ApiClient(config)
tis = task_instance_api.TaskInstanceApi(api_client)
"""


def mypy_strict(tmp_path: Path, name: str, code: str) -> tuple[int, list[str]]:
    """Exit status and error lines (as `line: message`) of `mypy --strict` on PRELUDE + code."""
    target = tmp_path / f"{name}.py"
    target.write_text(PRELUDE + textwrap.dedent(code), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental", str(target)],
        capture_output=True, text=True, env={"MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, cwd=tmp_path,
    )
    offset = PRELUDE.count("\n")
    errors = [
        f"{int(m[1]) - offset}: {m[2]}"
        for m in re.finditer(r"^.*?\.py:(\d+): error: (.*)$", result.stdout, re.M)
    ]
    return result.returncode, errors


def test_a_misspelt_parameter_or_option_and_a_wrong_option_type_are_type_errors(tmp_path):
    status, errors = mypy_strict(tmp_path, "misspelt", """\
        tis.get_task_instances("~", "~", limt=5)
        tis.get_task_instances("~", "~", _request_timout=5)
        tis.get_task_instances("~", "~", _preload_content="no")
        x: int = task_instance_api.TaskInstanceCollection()
    """)
    assert status == 1, errors
    assert errors[0] == (
        '1: Unexpected keyword argument "limt" for "get_task_instances" of "TaskInstanceApi"; did you mean "limit"?'
        "  [call-arg]"
    )
    assert errors[1].startswith('2: Unexpected keyword argument "_request_timout" for "get_task_instances"')
    assert errors[2].startswith('3: Argument "_preload_content" to "get_task_instances" of "TaskInstanceApi" has '
                                'incompatible type "str"; expected "bool"')
    # The model bound by the API module keeps its type: it is not Any.
    assert errors[3].startswith('4: Incompatible types in assignment (expression has type "TaskInstanceCollection"')
    assert len(errors) == 4, errors


def test_correct_calls_with_options_given_one_by_one_or_as_a_call_options_dict_pass(tmp_path):
    status, errors = mypy_strict(tmp_path, "correct", """\
        from airflow_client.client.api.connection_api import Connection
        from airflow_client.client.api.dag_run_api import DAGRun
        from airflow_client.client.api.task_instance_api import TaskInstanceCollection

        page: TaskInstanceCollection = tis.get_task_instances(
            "~", "~", state=["failed"], limit=5, _request_timeout=(3.0, 30.0), _check_return_type=False
        )
        options: CallOptions = {"_request_timeout": 10.0, "_headers": {"X-Trace": "1"}}
        dag = dag_api.DAGApi(api_client).get_dag("example", **options)
        runs = dag_run_api.DAGRunApi(api_client)
        run: DAGRun = runs.get_dag_run("example", "manual__1", **options)
        report = runs.clear_dag_run("example", run.dag_run_id or "", {"dry_run": True}, _request_timeout=5)
        print(json.dumps(report), page.total_entries, dag.dag_id, Connection(conn_type="http").conn_type)
    """)
    assert (status, errors) == (0, [])


def test_calls_of_airflow_3_methods_are_typed_from_its_description(tmp_path):
    status, errors = mypy_strict(tmp_path, "airflow3", """\
        from datetime import datetime, timezone

        from airflow_client.client.api import backfill_api, pool_api
        from airflow_client.client.api.backfill_api import BackfillPostBody, BackfillResponse
        from airflow_client.client.api.pool_api import BulkBodyPoolBody, BulkResponse

        backfills = backfill_api.BackfillApi(api_client)
        body = BackfillPostBody(dag_id="d", from_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
                                to_date="2024-01-02T00:00:00Z")
        created: BackfillResponse = backfills.create_backfill(body, _request_timeout=10)
        outcome: BulkResponse = pool_api.PoolApi(api_client).bulk_pools(
            BulkBodyPoolBody(actions=[{"action": "delete", "entities": ["p"]}])
        )
        page = tis.get_task_instances("~", "~", cursor="abc", limit=5)
        print(created.id, outcome.delete, page.total_entries)
        backfills.list_backfills(dag_id="d")
        backfills.pause_backfill("7")
        n: str = backfills.get_backfill(7)
    """)
    assert status == 1, errors
    assert errors[0].startswith('17: Argument 1 to "pause_backfill" of "BackfillApi" has incompatible type "str"')
    assert errors[1].startswith('18: Incompatible types in assignment (expression has type "BackfillResponse"')
    assert len(errors) == 2, errors
