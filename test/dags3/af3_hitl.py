"""Airflow 3 only. A human-in-the-loop task: ``approve`` waits for a person to pick "ship" or "hold"
(through the API), then ``after`` prints the choice."""

import pendulum
from airflow.providers.standard.operators.hitl import HITLOperator
from airflow.sdk import dag, task


@dag(dag_id="af3_hitl", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False,
     tags=["client-test", "airflow3"])
def af3_hitl():
    approve = HITLOperator(
        task_id="approve",
        subject="Ship the release?",
        body="The nightly build passed.",
        options=["ship", "hold"],
        defaults=["hold"],
    )

    @task
    def after(choice):
        print(f"chosen: {choice['chosen_options']}")

    after(approve.output)


af3_hitl()
