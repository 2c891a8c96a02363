"""Scheduled on two datasets that no task updates: an update of one stays queued, waiting for the other."""

from __future__ import annotations

import pendulum
from airflow.datasets import Dataset
from airflow.decorators import dag, task


@dag(
    dag_id="dataset_pair",
    schedule=[Dataset("s3://client-test/left"), Dataset("s3://client-test/right")],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test", "datasets"],
)
def dataset_pair():
    @task
    def join() -> None:
        print("both sides updated")

    join()


dataset_pair()
