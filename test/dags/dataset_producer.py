"""Updates the dataset s3://client-test/orders and pushes XComs: a return value, a custom key, mapped values."""

from _client_test_dags import dataset_producer
from airflow.datasets import Dataset
from airflow.decorators import dag, task

dataset_producer(dag, task, Dataset)
