"""Airflow 3 only. A task group ``grp`` (tasks ``grp.stash`` and ``grp.echo``) and a task ``done`` after it;
``grp.stash`` writes the keys ``cursor`` and ``label`` into its task state store."""

import pendulum
from airflow.sdk import dag, task, task_group


@dag(dag_id="af3_group", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False,
     tags=["client-test", "airflow3"])
def af3_group():
    @task_group(group_id="grp")
    def grp():
        @task
        def stash(**context):
            store = context["task_state_store"]
            store.set("cursor", {"page": 3})
            store.set("label", "stashed")
            print(f"stored cursor {store.get('cursor')}")

        @task
        def echo():
            print("echo")

        stash() >> echo()

    @task
    def done():
        print("done")

    grp() >> done()


af3_group()
