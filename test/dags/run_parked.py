"""Paused at creation: runs triggered by the tests stay queued, so their states only change by API calls."""

from __future__ import annotations

import pendulum
from airflow.decorators import dag, task


@dag(
    dag_id="run_parked",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test"],
    is_paused_upon_creation=True,
)
def run_parked():
    @task
    def first() -> None:
        print("first")

    @task
    def second() -> None:
        print("second")

    first() >> second()


run_parked()
