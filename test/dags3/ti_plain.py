"""Two-task DAG: a task that logs a known line and returns a value, plus a downstream task."""

from _client_test_dags import ti_plain
from airflow.sdk import dag, task

ti_plain(dag, task)
