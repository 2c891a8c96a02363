"""The `airflow-client` command line against the real Airflow 2.11.2 (cases in test/cli_cases.py)."""

from __future__ import annotations

import pytest

from test.cli_cases import *  # noqa: F403  (the shared cases and their fixtures)
from test.cli_cases import CliServer


@pytest.fixture(scope="module")
def cli_server(airflow, finished_runs) -> CliServer:
    airflow.wait_for_dags(["ti_fails", "ti_slow_log"])  # parsed with the others, but not waited for at start
    return CliServer(airflow, finished_runs)
