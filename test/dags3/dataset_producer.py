"""Updates the asset s3://client-test/orders and pushes XComs: a return value, a custom key, mapped values."""

from _client_test_dags import dataset_producer
from airflow.sdk import Asset, dag, task

dataset_producer(dag, task, Asset)
