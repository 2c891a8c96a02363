"""Client for the stable REST API (v1) of Apache Airflow 2.x.

    import airflow_client.client
    from airflow_client.client.api import task_instance_api

    config = airflow_client.client.Configuration(host="http://localhost:8080/api/v1",
                                                 username="admin", password="admin")
    with airflow_client.client.ApiClient(config) as api_client:
        tis = task_instance_api.TaskInstanceApi(api_client).get_task_instances("~", "~", state=["failed"])

API classes live in `airflow_client.client.api.<name>_api` (all of them in `.apis`), models in
`airflow_client.client.model.<name>` (all of them in `.models`); both are imported on first use.
"""

from airflow_client.client.api_client import ApiClient
from airflow_client.client.configuration import Configuration, __version__
from airflow_client.client.exceptions import (
    ApiAttributeError,
    ApiConnectionError,
    ApiException,
    ApiKeyError,
    ApiTypeError,
    ApiValueError,
    OpenApiException,
    PoolTimeoutError,
    ResponseTooLarge,
    WaitTimeout,
)

__all__ = [
    "ApiAttributeError",
    "ApiClient",
    "ApiConnectionError",
    "ApiException",
    "ApiKeyError",
    "ApiTypeError",
    "ApiValueError",
    "Configuration",
    "OpenApiException",
    "PoolTimeoutError",
    "ResponseTooLarge",
    "WaitTimeout",
    "__version__",
]
