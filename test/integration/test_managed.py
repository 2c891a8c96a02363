"""Managed Airflow in front of the real Airflow 2.11.2: Composer's proxy with a loopback Google token
endpoint (access tokens, ID tokens for IAP), a hosted Airflow's proxy with a rotating deployment token.

The cases are in test/managed_cases.py; here the gate forwards to the harness's Airflow as its admin.
"""

from __future__ import annotations

import base64

import pytest

from test.managed_cases import *  # noqa: F403  (the shared cases and their fixtures)
from test.managed_cases import Upstream


@pytest.fixture
def upstream(airflow) -> Upstream:
    user, password = airflow.admin
    basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    return Upstream(airflow.base_url, "/api/v1", lambda: basic)
