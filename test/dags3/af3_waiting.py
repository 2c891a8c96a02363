"""Airflow 3 only. Scheduled on two assets that nothing else uses and no task updates: an event for one of
them stays queued for this DAG, waiting for the other."""

import pendulum
from airflow.sdk import Asset, dag, task


@dag(
    dag_id="af3_waiting",
    schedule=[Asset("s3://client-test3/af3-left"), Asset("s3://client-test3/af3-right")],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    tags=["client-test", "airflow3"],
)
def af3_waiting():
    @task
    def both():
        print("both sides updated")

    both()


af3_waiting()
