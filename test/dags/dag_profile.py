"""A DAG that is only read, never run: its settings are what get_dag_details and get_task(s) must decode.

Paused at creation. Its first task names a pool that does not exist, which gives the DAG a warning.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.decorators import dag, task

MISSING_POOL = "client_test_missing_pool"


@dag(
    dag_id="dag_profile",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="Europe/Paris"),
    end_date=pendulum.datetime(2030, 6, 30, tz="Europe/Paris"),
    catchup=False,
    tags=["client-test", "profile"],
    is_paused_upon_creation=True,
    description="Read-only DAG for the client tests",
    doc_md="# Profile\nSettings only.",
    dagrun_timeout=timedelta(hours=1, minutes=30, seconds=15),
    max_active_runs=3,
    max_active_tasks=7,
    params={"limit": 5},
    default_args={"owner": "client-tests"},
)
def dag_profile():
    @task(
        pool=MISSING_POOL,
        retries=2,
        retry_delay=timedelta(seconds=45),
        execution_timeout=timedelta(minutes=10),
        doc_md="Reads the input.",
    )
    def extract() -> int:
        return 1

    @task(trigger_rule="all_done")
    def load(value: int) -> None:
        print(value)

    load(extract())


dag_profile()
