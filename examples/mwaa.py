"""List the DAGs of an Amazon MWAA environment and print one task log, with AWS credentials.

    pip install 'airflow-stable-client[aws]'
    aws configure          # or AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, an instance role
    MWAA_ENVIRONMENT=MyAirflowEnvironment AWS_DEFAULT_REGION=eu-west-1 python examples/mwaa.py
    MWAA_ENVIRONMENT=... DAG_ID=my_dag RUN_ID=<run id> TASK_ID=my_task python examples/mwaa.py

Airflow 2 and Airflow 3 environments alike. The DAGs come through MWAA's InvokeRestApi; the log, asked
as text, through the web server with a web login token (docs/managed.md says which calls go where).
MWAA_ENDPOINT_URL names another MWAA API endpoint (an interface VPC endpoint); MWAA_WEB_SCHEME the web
server's scheme (https).
"""

from __future__ import annotations

import os
import sys

# boto3 and botocore ship without type hints.
import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import BotoCoreError  # type: ignore[import-untyped]

from airflow_client.client.api import dag_api, task_instance_api
from airflow_client.client.exceptions import ApiException, ApiValueError
from airflow_client.client.managed import MwaaApiClient


def mwaa_client() -> object:
    endpoint = os.environ.get("MWAA_ENDPOINT_URL")
    if not endpoint:
        return boto3.client("mwaa")
    # A custom endpoint is taken as given: no "env." or "api." host prefix in front of it.
    return boto3.client("mwaa", endpoint_url=endpoint, config=Config(inject_host_prefix=False))


def main() -> int:
    name = os.environ["MWAA_ENVIRONMENT"]
    try:
        mwaa = mwaa_client()
    except BotoCoreError as exc:  # no region
        print(f"{exc} (set AWS_DEFAULT_REGION, or a region in ~/.aws/config)", file=sys.stderr)
        return 1
    try:
        with MwaaApiClient(name, boto3_client=mwaa,
                           web_scheme=os.environ.get("MWAA_WEB_SCHEME", "https")) as api_client:
            print(f"{name}: Airflow {api_client.server.version}")
            for dag in dag_api.DAGApi(api_client).get_dags(limit=20).dags:
                print(f"{dag.dag_id}{' (paused)' if dag.is_paused else ''}")
            if os.environ.get("TASK_ID"):
                print(task_instance_api.TaskInstanceApi(api_client).get_log(
                    os.environ["DAG_ID"], os.environ["RUN_ID"], os.environ["TASK_ID"], 1, full_content=True,
                    _headers={"Accept": "text/plain"}))
    except ApiValueError as exc:  # no AWS credentials or region: nothing was sent
        print(exc, file=sys.stderr)
        return 1
    except ApiException as exc:  # a missing IAM permission or Airflow role (docs/managed.md)
        print(f"{exc.status}: {exc.reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
