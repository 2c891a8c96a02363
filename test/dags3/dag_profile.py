"""A DAG that is only read, never run: its settings are what get_dag_details and get_task(s) must decode.

Paused at creation. Its first task names a pool that does not exist, which gives the DAG a warning.
"""

from _client_test_dags import dag_profile
from airflow.sdk import dag, task

dag_profile(dag, task)
