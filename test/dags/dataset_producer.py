"""Updates the dataset s3://client-test/orders and pushes XComs: a return value, a custom key, mapped values."""

from __future__ import annotations

import pendulum
from airflow.datasets import Dataset
from airflow.decorators import dag, task

ORDERS = Dataset("s3://client-test/orders")


@dag(
    dag_id="dataset_producer",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test", "datasets"],
)
def dataset_producer():
    @task(outlets=[ORDERS])
    def produce(**context) -> dict:
        context["ti"].xcom_push(key="summary", value="3 rows")
        return {"rows": 3, "ok": True}

    @task
    def label(n: int) -> str:
        return f"label-{n}"

    produce() >> label.expand(n=[1, 2])


dataset_producer()
