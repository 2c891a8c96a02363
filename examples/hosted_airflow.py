"""Watch the pools of a hosted Airflow (Astronomer, or any that hands out API tokens) with its token.

    export AIRFLOW_HOST=https://<org>.astronomer.run/<deployment>/api/v1
    AIRFLOW_TOKEN=<token> python examples/hosted_airflow.py
    AIRFLOW_TOKEN_FILE=/run/secrets/airflow-token python examples/hosted_airflow.py --every 60 --times 1440

A deployment or workspace token is a plain Bearer token on Airflow 2 and 3 alike (end AIRFLOW_HOST with
/api/v2 for Airflow 3). With AIRFLOW_TOKEN_FILE the file is read again whenever the server refuses
the token, so a script that runs for days follows the token's rotation.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import airflow_client.client
from airflow_client.client.api import pool_api
from airflow_client.client.auth import BearerRefresh
from airflow_client.client.exceptions import ForbiddenException, UnauthorizedException


def configuration() -> airflow_client.client.Configuration:
    config = airflow_client.client.Configuration(host=os.environ["AIRFLOW_HOST"])
    token_file = os.environ.get("AIRFLOW_TOKEN_FILE")
    if token_file:
        def read_token() -> str:
            return Path(token_file).read_text().strip()  # a secret file ends with a newline

        config.access_token = read_token()
        config.auth_flow = BearerRefresh(read_token)
    else:
        config.access_token = os.environ["AIRFLOW_TOKEN"]
    return config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=0, help="seconds between rounds")
    parser.add_argument("--times", type=int, default=1, help="number of rounds")
    args = parser.parse_args()
    with airflow_client.client.ApiClient(configuration()) as api_client:
        api = pool_api.PoolApi(api_client)
        for round_ in range(args.times):
            if round_:
                time.sleep(args.every)
            try:
                pools = api.get_pools()
            except (UnauthorizedException, ForbiddenException) as exc:  # a token revoked, or without the role
                print(f"{exc.status}: {exc.reason}", file=sys.stderr)
                return 1
            for pool in pools.pools:
                print(f"{pool.name}: {pool.occupied_slots}/{pool.slots} slots used", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
