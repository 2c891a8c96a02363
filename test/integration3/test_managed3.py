"""Managed Airflow in front of the real Airflow 3.3.2: Composer's proxy with a loopback Google token
endpoint (access tokens, ID tokens for IAP), a hosted Airflow's proxy with a rotating deployment token.

The cases are in test/managed_cases.py; here the gate forwards with a token of the harness's admin.
"""

from __future__ import annotations

import pytest

from test.managed_cases import *  # noqa: F403  (the shared cases and their fixtures)
from test.managed_cases import Upstream


@pytest.fixture
def upstream(airflow3) -> Upstream:
    return Upstream(airflow3.base_url, "/api/v2", lambda: "Bearer " + airflow3.token())
