"""The `airflow-client` command line against the real Airflow 3.3.2 (cases in test/cli_cases.py)."""

from __future__ import annotations

import pytest

from test.cli_cases import *  # noqa: F403  (the shared cases and their fixtures)
from test.cli_cases import CliServer


@pytest.fixture(scope="module")
def cli_server(airflow3, finished_runs3) -> CliServer:
    return CliServer(airflow3, finished_runs3)
