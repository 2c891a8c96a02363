"""List the DAGs of an Airflow whose API authenticates with Kerberos; the ticket comes from `kinit`.

    pip install 'airflow-stable-client[kerberos]'
    kinit alice@EXAMPLE.COM
    AIRFLOW_HOST=http://airflow.example.com:8080/api/v1 python examples/kerberos.py
"""

from __future__ import annotations

import os
import sys

import airflow_client.client
from airflow_client.client.api import dag_api
from airflow_client.client.kerberos import KerberosAuth, KerberosError


def main() -> int:
    # The service principal is airflow/<host of AIRFLOW_HOST>: use the name the server's keytab has,
    # not an IP address (or pass KerberosAuth(hostname=...)).
    config = airflow_client.client.Configuration(host=os.environ.get("AIRFLOW_HOST", "http://localhost:8080/api/v1"))
    flow = KerberosAuth()
    config.auth_flow = flow
    with airflow_client.client.ApiClient(config) as api_client:
        try:
            dags = dag_api.DAGApi(api_client).get_dags(limit=100)
        except KerberosError as exc:  # no ticket, expired ticket, unknown service: nothing was sent
            print(exc, file=sys.stderr)
            return 1
    for dag in dags.dags:
        print(dag.dag_id)
    print(f"{dags.total_entries} DAGs; the server {'proved' if flow.server_verified else 'did not prove'} its identity")
    return 0


if __name__ == "__main__":
    sys.exit(main())
