"""Airflow 3 only. A materializable asset (``@asset``): the DAG ``af3_made`` updates the asset of the same
name (URI ``s3://client-test3/made``) and writes ``watermark`` into the asset's state store."""

from airflow.sdk import asset


@asset(schedule=None, uri="s3://client-test3/made", tags=["client-test", "airflow3"])
def af3_made(context):
    context["asset_state_store"].set("watermark", {"rows": 7})
    print("af3_made materialized")
    return {"rows": 7}
