"""Trigger a DAG run, follow the log of one of its tasks as it is written, and wait for the run.

    python examples/trigger_and_follow.py DAG_ID TASK_ID
"""

from __future__ import annotations

import sys
import time

from _settings import configuration

import airflow_client.client
from airflow_client.client.api import dag_run_api, task_instance_api
from airflow_client.client.logs import follow_log
from airflow_client.client.waiting import TASK_INSTANCE_DONE, wait_for_dag_run


def main(dag_id: str, task_id: str) -> None:
    with airflow_client.client.ApiClient(configuration()) as api_client:
        runs = dag_run_api.DAGRunApi(api_client)
        tis = task_instance_api.TaskInstanceApi(api_client)
        run = runs.post_dag_run(dag_id, {"conf": {}, "note": "started by trigger_and_follow.py"})
        run_id = str(run.dag_run_id)
        print(f"triggered {run_id}")

        # The log exists once the task has started: wait until it runs (or already finished).
        while tis.get_task_instance(dag_id, run_id, task_id).get("state") not in {"running", *TASK_INSTANCE_DONE}:
            time.sleep(1)
        for text in follow_log(tis, dag_id, run_id, task_id, 1, timeout=3600, poll_interval=2):
            print(text, end="")

        final = wait_for_dag_run(runs, dag_id, run_id, timeout=3600, poll_interval=5)
        print(f"\nrun {run_id} ended {final.state}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
