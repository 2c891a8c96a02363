"""List the pools of a Cloud Composer environment with Google credentials (service account or your own).

    pip install 'airflow-stable-client[google]'
    gcloud auth application-default login      # or GOOGLE_APPLICATION_CREDENTIALS=/path/to/key.json
    AIRFLOW_HOST=https://<id>-dot-<region>.composer.googleusercontent.com/api/v1 python examples/composer.py

For Airflow 3 environments, end AIRFLOW_HOST with /api/v2. Behind Identity-Aware Proxy instead of
Composer's own proxy, set IAP_AUDIENCE to the OAuth client id of the proxy: an ID token is sent.
"""

from __future__ import annotations

import os
import sys

import airflow_client.client
from airflow_client.client.api import pool_api
from airflow_client.client.exceptions import ForbiddenException, UnauthorizedException
from airflow_client.client.managed import GoogleAuth, GoogleAuthError


def main() -> int:
    config = airflow_client.client.Configuration(host=os.environ["AIRFLOW_HOST"])
    audience = os.environ.get("IAP_AUDIENCE")
    try:
        # Application default credentials; pass credentials=... to choose them yourself.
        config.auth_flow = GoogleAuth.id_token(audience) if audience else GoogleAuth()
        with airflow_client.client.ApiClient(config) as api_client:
            pools = pool_api.PoolApi(api_client).get_pools()
    except GoogleAuthError as exc:  # no credentials, or Google refused them: nothing reached Airflow
        print(exc, file=sys.stderr)
        return 1
    except (UnauthorizedException, ForbiddenException) as exc:  # the account lacks a role (docs/managed.md)
        print(f"{exc.status}: {exc.reason}", file=sys.stderr)
        return 1
    for pool in pools.pools:
        print(f"{pool.name}: {pool.occupied_slots}/{pool.slots} slots used")
    return 0


if __name__ == "__main__":
    sys.exit(main())
