"""Amazon MWAA in front of the real Airflow 2.11.2: a loopback MWAA API endpoint that checks SigV4 and
forwards InvokeRestApi to the harness's Airflow as its admin, and a loopback web server for the web login.

The cases are in test/mwaa_cases.py.
"""

from __future__ import annotations

import base64

import pytest

from test.managed_cases import Upstream
from test.mwaa_cases import *  # noqa: F403  (the shared cases and their fixtures)


@pytest.fixture
def upstream(airflow) -> Upstream:
    user, password = airflow.admin
    basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    return Upstream(airflow.base_url, "/api/v1", lambda: basic)


@pytest.fixture
def finished_run(finished_runs) -> tuple[str, str]:
    return "ti_plain", finished_runs["ti_plain"]
