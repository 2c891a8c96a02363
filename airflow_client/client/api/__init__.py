"""One module per API class: `from airflow_client.client.api import task_instance_api`."""
