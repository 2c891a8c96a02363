"""Start a throwaway Airflow (2.11.2, 3.3.2 or both), run a DAG, and look at its task instances through the client.

    python3 dev.py demo                  both generations, one after the other
    python3 dev.py demo --airflow 3      Airflow 3.3.2 only (2: Airflow 2.11.2 only)

The client code (`show`) is the same for both: it is given the server root, asks which Airflow runs
there, and makes the same 2.x calls.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import airflow_client.client  # noqa: E402
from airflow_client.client.api import dag_run_api, task_instance_api  # noqa: E402
from airflow_client.client.logs import read_log  # noqa: E402
from airflow_client.client.model.set_task_instance_note import SetTaskInstanceNote  # noqa: E402
from airflow_client.client.waiting import trigger_and_wait  # noqa: E402
from tools.local_airflow import TEST_DAGS, AirflowServer, LocalAirflow  # noqa: E402
from tools.local_airflow3 import TEST_DAGS3, LocalAirflow3  # noqa: E402

DAG_ID = "ti_plain"
# Each generation's throwaway server and the test DAGs written for it (the same DAG ids in both).
SERVERS: dict[str, tuple[type[AirflowServer], Path]] = {
    "2": (LocalAirflow, TEST_DAGS),
    "3": (LocalAirflow3, TEST_DAGS3),
}


def show(root: str, username: str, password: str) -> None:
    """The client's part: the same calls, whichever Airflow runs at `root`."""
    configuration = airflow_client.client.Configuration(host=root, username=username, password=password)
    with airflow_client.client.ApiClient(configuration) as api_client:
        server = api_client.server
        print(f"{root} runs Airflow {server.version} (generation {server.generation}, API at {server.api_root})")
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

        print("\nThe log of say_hello, try 1, the lines the task printed:")
        for line in read_log(api, DAG_ID, run_id, "say_hello", 1).splitlines():
            if "hello from" in line:
                print("  " + line.strip())

        api.set_task_instance_note(DAG_ID, run_id, "say_hello", SetTaskInstanceNote("looked at by the demo"))
        note = api.get_task_instance(DAG_ID, run_id, "say_hello").note
        print(f"\nNote written and read back: {note!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--airflow", choices=("2", "3", "both"), default="both",
                        help="which Airflow to start and use (default: both, one after the other)")
    args = parser.parse_args(argv)
    for generation in ("2", "3") if args.airflow == "both" else (args.airflow,):
        server_class, dags = SERVERS[generation]
        airflow = server_class(dags)
        print(f"\n=== Starting a local Airflow {airflow.release.version} "
              "(the first time, its virtualenv is built; a minute or two)...")
        try:
            airflow.start(wait_for_dags=[DAG_ID])
            show(airflow.base_url, *airflow.admin)
        finally:
            airflow.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
