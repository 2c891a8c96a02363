"""A task that fails on its first try and succeeds on the retry, so it has two tries."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.decorators import dag, task


@dag(
    dag_id="ti_retry",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test"],
)
def ti_retry():
    @task(retries=1, retry_delay=timedelta(seconds=1))
    def flaky(**context) -> str:
        try_number = context["ti"].try_number
        if try_number < 2:
            raise RuntimeError(f"failing on purpose, try {try_number}")
        print(f"succeeded on try {try_number}")
        return "ok"

    flaky()


ti_retry()
