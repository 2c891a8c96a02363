"""Paused at creation: a run triggered through the API stays queued and its tasks never get a state."""

from _client_test_dags import ti_blocked
from airflow.sdk import dag, task

ti_blocked(dag, task)
