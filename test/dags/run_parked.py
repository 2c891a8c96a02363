"""Paused at creation: runs triggered by the tests stay queued, so their states only change by API calls."""

from _client_test_dags import run_parked
from airflow.decorators import dag, task

run_parked(dag, task)
