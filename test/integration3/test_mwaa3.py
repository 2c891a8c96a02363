"""Amazon MWAA in front of the real Airflow 3.3.2: a loopback MWAA API endpoint that checks SigV4 and
forwards InvokeRestApi to the harness's Airflow with an admin token, and a loopback web server for the
web login (a JWT, as MWAA's Airflow 3 web server answers it).

The cases are in test/mwaa_cases.py.
"""

from __future__ import annotations

import pytest

from test.managed_cases import Upstream
from test.mwaa_cases import *  # noqa: F403  (the shared cases and their fixtures)


@pytest.fixture
def upstream(airflow3) -> Upstream:
    return Upstream(airflow3.base_url, "/api/v2", lambda: "Bearer " + airflow3.token())


@pytest.fixture
def finished_run(plain_run3) -> tuple[str, str]:
    return "ti_plain", plain_run3
