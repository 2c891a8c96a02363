"""A task that writes its log over several seconds, for following a running task's log."""

from __future__ import annotations

import time

import pendulum
from airflow.decorators import dag, task


@dag(
    dag_id="ti_slow_log",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test"],
)
def ti_slow_log():
    @task
    def tick() -> None:
        for i in range(8):
            print(f"tick {i}", flush=True)
            time.sleep(1)
        print("ticking done", flush=True)

    tick()


ti_slow_log()
