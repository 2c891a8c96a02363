"""Two-task DAG: a task that logs a known line and returns a value, plus a downstream task."""

from __future__ import annotations

import pendulum
from airflow.decorators import dag, task


@dag(
    dag_id="ti_plain",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test"],
)
def ti_plain():
    @task
    def say_hello() -> dict:
        # Tests look for this exact line in the task log.
        print("hello from ti_plain")
        return {"greeting": "hello"}

    @task
    def after_hello(value: dict) -> None:
        print(f"got {value}")

    after_hello(say_hello())


ti_plain()
