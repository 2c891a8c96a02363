"""Scheduled on s3://client-test/orders: dataset_producer's success starts a run of it."""

from __future__ import annotations

import pendulum
from airflow.datasets import Dataset
from airflow.decorators import dag, task


@dag(
    dag_id="dataset_consumer",
    schedule=[Dataset("s3://client-test/orders")],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test", "datasets"],
)
def dataset_consumer():
    @task
    def consume() -> None:
        print("orders updated")

    consume()


dataset_consumer()
