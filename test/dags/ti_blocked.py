"""Paused at creation: a run triggered through the API stays queued and its tasks never get a state."""

from __future__ import annotations

import pendulum
from airflow.decorators import dag, task


@dag(
    dag_id="ti_blocked",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test"],
    is_paused_upon_creation=True,
)
def ti_blocked():
    @task
    def first() -> None:
        print("first")

    @task
    def second() -> None:
        print("second")

    @task
    def fan(x: int) -> None:
        print(f"fan {x}")

    # A literal list is expanded when the run is created, so the queued run has map indexes 0 and 1.
    start = first()
    start >> second()
    start >> fan.expand(x=[1, 2])


ti_blocked()
