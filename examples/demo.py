"""Start a throwaway Airflow 2.11.2, run a DAG, and look at its task instances through the client.

    python3 dev.py demo
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import airflow_client.client  # noqa: E402
from airflow_client.client.api import dag_run_api, task_instance_api  # noqa: E402
from airflow_client.client.logs import read_log  # noqa: E402
from airflow_client.client.model.set_task_instance_note import SetTaskInstanceNote  # noqa: E402
from airflow_client.client.waiting import trigger_and_wait  # noqa: E402
from tools.local_airflow import LocalAirflow  # noqa: E402

DAG_ID = "ti_plain"


def main() -> None:
    airflow = LocalAirflow(ROOT / "test" / "dags")
    print("Starting a local Airflow 2.11.2 (the first time, its virtualenv is built; about a minute)...")
    try:
        airflow.start(wait_for_dags=[DAG_ID])
        print(f"Airflow is up at {airflow.host}")
        username, password = airflow.admin
        configuration = airflow_client.client.Configuration(host=airflow.host, username=username, password=password)
        with airflow_client.client.ApiClient(configuration) as api_client:
            print(f"Triggering {DAG_ID} and waiting for the scheduler to finish it...")
            run = trigger_and_wait(dag_run_api.DAGRunApi(api_client), DAG_ID, {"note": "from the demo"},
                                   timeout=300, poll_interval=2)
            run_id = str(run.dag_run_id)
            print(f"Run {run_id} ended: {run.state}")

            api = task_instance_api.TaskInstanceApi(api_client)
            page = api.get_task_instances(DAG_ID, run_id)
            print(f"\n{page.total_entries} task instances of {run_id}:")
            for ti in page.task_instances:
                took = f"{ti.duration:.2f}s" if ti.duration is not None else "-"
                started = ti.start_date[11:19] if ti.start_date else "-"  # ISO text, as the server sent it
                print(f"  {ti.task_id:<14} {ti.state!s:<10} try {ti.try_number}  started {started}  took {took}")

            print("\nThe log of say_hello, try 1, lines that mention it:")
            for line in read_log(api, DAG_ID, run_id, "say_hello", 1).splitlines():
                if "hello from" in line or "Marking task" in line:
                    print("  " + line.strip())

            api.set_task_instance_note(DAG_ID, run_id, "say_hello", SetTaskInstanceNote("looked at by the demo"))
            note = api.get_task_instance(DAG_ID, run_id, "say_hello").note
            print(f"\nNote written and read back: {note!r}")
    finally:
        airflow.stop()


if __name__ == "__main__":
    main()
