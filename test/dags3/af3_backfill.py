"""Airflow 3 only. A daily schedule over three days (2024-01-01 to 2024-01-03) with catchup, paused at
creation: its runs come from the backfills the tests create, not from the scheduler."""

import pendulum
from airflow.sdk import dag, task


@dag(
    dag_id="af3_backfill",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    end_date=pendulum.datetime(2024, 1, 3, tz="UTC"),
    catchup=True,
    is_paused_upon_creation=True,
    max_active_runs=3,
    tags=["client-test", "airflow3"],
)
def af3_backfill():
    @task
    def tick(**context):
        print(f"tick for {context['logical_date']}")

    tick()


af3_backfill()
