"""Where the examples find Airflow: environment variables, with the defaults of a local install."""

from __future__ import annotations

import os

import airflow_client.client


def configuration() -> airflow_client.client.Configuration:
    """AIRFLOW_HOST (e.g. http://localhost:8080/api/v1), AIRFLOW_USERNAME, AIRFLOW_PASSWORD."""
    return airflow_client.client.Configuration(
        host=os.environ.get("AIRFLOW_HOST", "http://localhost:8080/api/v1"),
        username=os.environ.get("AIRFLOW_USERNAME", "admin"),
        password=os.environ.get("AIRFLOW_PASSWORD", "admin"),
    )
