"""Airflow 3 only. The task ``emit`` updates the asset ``s3://client-test3/aliased`` through the asset alias
``client-test-alias``: the alias resolves to that asset once the task has run."""

import pendulum
from airflow.sdk import Asset, AssetAlias, dag, task

ALIAS = "client-test-alias"
TARGET = "s3://client-test3/aliased"


@dag(dag_id="af3_alias", schedule=None, start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), catchup=False,
     tags=["client-test", "airflow3"])
def af3_alias():
    # The inlet registers the target asset when the file is parsed, before any alias event names it.
    @task(inlets=[Asset(TARGET)], outlets=[AssetAlias(ALIAS)])
    def emit(*, outlet_events):
        outlet_events[AssetAlias(ALIAS)].add(Asset(TARGET), extra={"via": "alias"})
        print("emitted through the alias")

    emit()


af3_alias()
