"""Exists only to be paused and unpaused by the tests; it is never triggered."""

from _client_test_dags import toggle
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG

toggle(DAG, EmptyOperator, "toggle_one")
