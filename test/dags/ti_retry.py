"""A task that fails on its first try and succeeds on the retry, so it has two tries."""

from _client_test_dags import ti_retry
from airflow.decorators import dag, task

ti_retry(dag, task)
