"""A task that writes its log over several seconds, for following a running task's log."""

from _client_test_dags import ti_slow_log
from airflow.decorators import dag, task

ti_slow_log(dag, task)
