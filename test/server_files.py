"""What the integration tests of both Airflow generations share: files only this session's server sees,
names no other test uses, and clean-up of what a test created. Raw HTTP through the harness server
(``tools.local_airflow.AirflowServer``), never through the client under test."""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tools.local_airflow import AirflowServer

# Starts every file the tests write into a shared DAGs folder.
THIS_SERVER_ONLY = """\
\"\"\"Written by the client's integration tests; removed when they are done with it.

Other Airflow servers reading the same DAGs folder (parallel test sessions) find no DAG and no error
here: only the server whose AIRFLOW_HOME is below sees its content.
\"\"\"

import os

if os.environ.get("AIRFLOW_HOME") == {home!r}:
"""

BROKEN_BODY = """\
    raise RuntimeError("broken on purpose by the client tests")
"""


def write_atomically(path: Path, text: str) -> None:
    """The DAG processor lists *.py files only, so it never reads a half-written one."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def import_error_files(server: AirflowServer) -> set[str]:
    """The names of the files the server lists import errors for."""
    status, body = server.request("GET", "/importErrors?limit=100")
    return {Path(e["filename"]).name for e in body.get("import_errors", [])} if status == 200 else set()


def poll(server: AirflowServer, done: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Wait until ``done()``; fail naming ``what`` with the DAG processor's log tail."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not seen in time; DAG processor log tail:\n{server.log_tail('dag_processor')}",
                        pytrace=False)
        time.sleep(0.5)


@contextmanager
def broken_dag_file(server: AirflowServer, folder: Path) -> Iterator[Path]:
    """A DAG file in ``folder`` that fails to import on ``server`` only, listed by /importErrors while
    in use; removed afterwards and its import error waited away (the harness's ``wait_for_dags`` treats
    any import error as fatal)."""
    path = folder / f"_session_{secrets.token_hex(4)}_broken.py"
    try:
        write_atomically(path, THIS_SERVER_ONLY.format(home=str(server.home)) + BROKEN_BODY)
        poll(server, lambda: path.name in import_error_files(server), f"the import error of {path.name}")
        yield path
    finally:
        path.unlink(missing_ok=True)
        deadline = time.monotonic() + 60
        while path.name in import_error_files(server) and time.monotonic() < deadline:
            time.sleep(0.5)


def unique(prefix: str) -> str:
    """A name no other test uses: tests that create objects stay independent of each other."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def deleted_afterwards(server: AirflowServer) -> Iterator[list[str]]:
    """For a fixture: API paths to DELETE (as admin, with raw calls) once the test is over, whatever happened."""
    paths: list[str] = []
    yield paths
    for path in paths:
        server.request("DELETE", path)
