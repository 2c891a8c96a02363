"""Paused at creation: one run triggered through the API holds 120 queued task instances, for paging."""

from _client_test_dags import ti_many
from airflow.sdk import dag, task

ti_many(dag, task)
