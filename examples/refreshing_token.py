"""Use a bearer token that a script renews when the server refuses it (for a proxy that takes tokens).

    AIRFLOW_TOKEN_FILE=/run/secrets/airflow-token python examples/refreshing_token.py
"""

from __future__ import annotations

import os
from pathlib import Path

import airflow_client.client
from airflow_client.client.api import monitoring_api
from airflow_client.client.auth import BearerRefresh


def read_token() -> str:
    # Whatever renews the token (a sidecar, a cron job) writes it here; read it fresh on every 401.
    return Path(os.environ.get("AIRFLOW_TOKEN_FILE", "token.txt")).read_text().strip()


def main() -> None:
    config = airflow_client.client.Configuration(
        host=os.environ.get("AIRFLOW_HOST", "http://localhost:8080/api/v1"), access_token=read_token()
    )
    config.auth_flow = BearerRefresh(read_token)
    with airflow_client.client.ApiClient(config) as api_client:
        print(monitoring_api.MonitoringApi(api_client).get_version().version)


if __name__ == "__main__":
    main()
