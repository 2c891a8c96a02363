"""Paused at creation: runs triggered by the tests stay queued, so their states only change by API calls."""

from _client_test_dags import run_parked
from airflow.sdk import dag, task

run_parked(dag, task)
