"""Print every failed task instance of every DAG run, however many pages it takes.

    AIRFLOW_HOST=http://localhost:8080/api/v1 python examples/failed_task_instances.py
"""

from __future__ import annotations

from _settings import configuration

import airflow_client.client
from airflow_client.client.api import task_instance_api
from airflow_client.client.pagination import paginate


def main() -> None:
    with airflow_client.client.ApiClient(configuration()) as api_client:
        api = task_instance_api.TaskInstanceApi(api_client)
        count = 0
        for ti in paginate(api.get_task_instances, "~", "~", state=["failed"], page_size=100):
            ended = ti.end_date or "-"  # the server's ISO 8601 text
            print(f"{ti.dag_id}  {ti.dag_run_id}  {ti.task_id}  try {ti.try_number}  ended {ended}")
            count += 1
        print(f"{count} failed task instances")


if __name__ == "__main__":
    main()
