"""Scheduled on two datasets that no task updates: an update of one stays queued, waiting for the other."""

from _client_test_dags import dataset_pair
from airflow.datasets import Dataset
from airflow.decorators import dag, task

dataset_pair(dag, task, Dataset)
