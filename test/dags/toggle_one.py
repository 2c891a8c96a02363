"""Exists only to be paused and unpaused by the tests; it is never triggered."""

from __future__ import annotations

import pendulum
from airflow import DAG
from airflow.operators.empty import EmptyOperator

with DAG(
    dag_id="toggle_one",
    schedule=None,
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test", "toggle"],
) as dag:
    EmptyOperator(task_id="noop")
