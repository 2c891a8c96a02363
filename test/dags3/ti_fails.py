"""A task that fails at once, without retries: its runs end failed."""

from _client_test_dags import ti_fails
from airflow.sdk import dag, task

ti_fails(dag, task)
