"""Scheduled on s3://client-test/orders: dataset_producer's success starts a run of it."""

from _client_test_dags import dataset_consumer
from airflow.sdk import Asset, dag, task

dataset_consumer(dag, task, Asset)
