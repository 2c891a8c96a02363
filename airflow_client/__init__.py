"""Client for the stable REST API (v1) of Apache Airflow 2.x; the code lives in `airflow_client.client`."""
