"""One module per model: `from airflow_client.client.model.task_instance import TaskInstance`."""
