"""Dynamically mapped task: three map indexes over [1, 2, 3]."""

from _client_test_dags import ti_mapped
from airflow.decorators import dag, task

ti_mapped(dag, task)
