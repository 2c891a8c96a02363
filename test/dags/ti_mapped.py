"""Dynamically mapped task: three map indexes over [1, 2, 3]."""

from __future__ import annotations

import pendulum
from airflow.decorators import dag, task


@dag(
    dag_id="ti_mapped",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test"],
)
def ti_mapped():
    @task
    def square(n: int) -> int:
        print(f"square of {n}")
        return n * n

    square.expand(n=[1, 2, 3])


ti_mapped()
