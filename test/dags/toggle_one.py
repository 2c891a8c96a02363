"""Exists only to be paused and unpaused by the tests; it is never triggered."""

from _client_test_dags import toggle
from airflow import DAG
from airflow.operators.empty import EmptyOperator

toggle(DAG, EmptyOperator, "toggle_one")
