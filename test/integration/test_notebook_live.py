"""Notebook display of a real task instance page of Airflow 2.11.2: the HTML table with its time axis,
DataFrames, and the progress of a real wait and listing."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from airflow_client.client.api import dag_run_api, task_instance_api
from airflow_client.client.pagination import paginate
from airflow_client.client.waiting import trigger_and_wait
from test.notebook_checks import check_frame, check_rendered_page

pytestmark = pytest.mark.integration

# Set to a folder to keep the HTML of the real page there (docs/notebook-example.html is made this way).
SAVE_TO = os.environ.get("AIRFLOW_CLIENT_SAVE_HTML")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_real_mapped_run_renders_and_converts(admin_client):
    stderr, sys.stderr = sys.stderr, Terminal()
    try:
        run = trigger_and_wait(dag_run_api.DAGRunApi(admin_client), "ti_mapped", timeout=180, poll_interval=1,
                               progress=True)
        shown = sys.stderr.getvalue()
    finally:
        sys.stderr = stderr
    assert run.state == "success"
    assert f"DAG run ti_mapped/{run.dag_run_id}" in shown and "success" in shown

    api = task_instance_api.TaskInstanceApi(admin_client)
    page_model = api.get_task_instances("ti_mapped", str(run.dag_run_id))
    assert len(page_model.task_instances) == 3  # the three map indexes of square
    page = check_rendered_page(page_model)
    assert page.header[:3] == ["dag_id", "dag_run_id", "task_id"]
    check_frame(page_model.to_pandas(), list(page_model.task_instances))
    listed = paginate(api.get_task_instances, "ti_mapped", str(run.dag_run_id), page_size=2)
    check_frame(listed.to_pandas(), list(page_model.task_instances))
    if SAVE_TO:
        Path(SAVE_TO, "notebook-example-airflow2.html").write_text(page_model._repr_html_() + "\n", encoding="utf-8")
