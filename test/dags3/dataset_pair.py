"""Scheduled on two assets that no task updates: an update of one stays queued, waiting for the other."""

from _client_test_dags import dataset_pair
from airflow.sdk import Asset, dag, task

dataset_pair(dag, task, Asset)
