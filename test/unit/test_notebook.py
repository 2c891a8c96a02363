"""Models in notebooks: HTML tables, the time axis of task instances, DataFrames, progress.

Every answer comes from a real loopback server; the HTML is read back with the standard library's
parser, as a browser would read it.
"""

from __future__ import annotations

import contextlib
import io
import os
import pty
import re
import select
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import pytest

import airflow_client.client as client
from airflow_client.client import display
from airflow_client.client.api import (
    backfill_api,
    connection_api,
    dag_api,
    dag_run_api,
    event_log_api,
    task_instance_api,
)
from airflow_client.client.pagination import Paginated, paginate
from airflow_client.client.waiting import trigger_and_wait, wait_for_dag_run, wait_for_task_instance
from test.notebook_checks import Page, bar_geometry

from .conftest import Answer, LoopbackServer, Seen, task_instance_json
from .test_airflow3_runtime import Airflow3Server, configured

REPO = Path(__file__).resolve().parents[2]
HOSTILE = '<script>alert("owned")</script>&\'"'


def listing(server: LoopbackServer, *items: dict[str, Any], total: int | None = None) -> None:
    server.reply(Answer(body={"task_instances": list(items), "total_entries": len(items) if total is None else total}))


# -- HTML tables ------------------------------------------------------------------------------------------


def test_task_instance_page_renders_as_a_table_of_its_useful_columns(server, ti_api):
    listing(server, task_instance_json(task_id="extract"), task_instance_json(task_id="load", state="failed"), total=7)
    page = Page(ti_api.get_task_instances("example", "~")._repr_html_())
    assert page.header[:6] == ["dag_id", "dag_run_id", "task_id", "map_index", "state", "try_number"]
    assert "start → end" in page.header
    assert page.column("task_id") == ["extract", "load"]
    assert page.column("state") == ["success", "failed"]
    assert page.column("start_date") == ["2024-01-01T00:00:02+00:00"] * 2
    assert "hostname" not in page.header  # not among the useful columns
    assert page.scripts == 0


def test_hostile_values_from_the_server_are_escaped(server, ti_api):
    listing(server, task_instance_json(task_id=HOSTILE, dag_id=HOSTILE, state=HOSTILE, operator=HOSTILE))
    markup = ti_api.get_task_instances("example", "~")._repr_html_()
    assert "<script" not in markup
    page = Page(markup)
    assert page.scripts == 0
    # The browser shows the text exactly as the server sent it.
    assert page.column("task_id") == [HOSTILE]
    assert page.column("dag_id") == [HOSTILE]
    assert page.column("state") == [HOSTILE]
    # The state picks the bar's colour: an unknown one gets the default, never the text itself.
    assert all(HOSTILE not in attrs["style"] for attrs in page.bars())


def test_a_long_value_is_cut_and_its_whole_text_is_in_an_escaped_tooltip(server, api_client):
    extra = HOSTILE + "x" * 200 + '" onmouseover="alert(1)'
    server.reply(Answer(body={"event_logs": [
        {"event_log_id": 1, "when": "2024-01-01T00:00:00+00:00", "event": "cli_task_run", "dag_id": "d",
         "task_id": "t", "run_id": "r", "owner": "airflow", "extra": extra, "execution_date": None,
         "map_index": -1, "try_number": 1},
    ], "total_entries": 1}))
    logs = event_log_api.EventLogApi(api_client).get_event_logs()
    markup = logs._repr_html_()
    page = Page(markup)
    assert page.header[:3] == ["when", "event", "dag_id"]
    i = page.header.index("extra")
    shown = page.rows[1][i]
    assert len(shown) == display.MAX_TEXT
    assert shown.endswith("…") and extra.startswith(shown[:-1])
    tooltips = [attrs["title"] for tag, attrs in page.elements if tag == "span" and "title" in attrs]
    assert tooltips == [extra]  # the parser unescapes: the tooltip holds the whole value, as sent
    assert "onmouseover" not in [name for _, attrs in page.elements for name in attrs]
    assert page.scripts == 0


TIMED = [
    # 100 s from the first start to the last end: 10 s, 50 s and 50 s long.
    task_instance_json(task_id="a", start_date="2024-05-01T10:00:00+00:00", end_date="2024-05-01T10:00:10+00:00"),
    task_instance_json(task_id="b", start_date="2024-05-01T10:00:20+00:00", end_date="2024-05-01T10:01:10+00:00"),
    task_instance_json(task_id="c", start_date="2024-05-01T12:00:50+02:00", end_date="2024-05-01T10:01:40Z"),
]


@pytest.mark.parametrize("as_datetime", [False, True], ids=["timestamps as text", "timestamps as datetime"])
def test_bars_share_one_time_axis_from_the_first_start_to_the_last_end(server, config, as_datetime):
    config.timestamps_as_datetime = as_datetime
    listing(server, *TIMED)
    with client.ApiClient(config) as api_client:
        page_model = task_instance_api.TaskInstanceApi(api_client).get_task_instances("example", "~")
    assert isinstance(page_model.task_instances[0].start_date, str if not as_datetime else object)
    page = Page(page_model._repr_html_())
    assert bar_geometry(page) == [(0.0, 10.0), (20.0, 50.0), (50.0, 50.0)]
    titles = [attrs["title"] for attrs in page.bars()]
    assert titles[1] == "2024-05-01T10:00:20+00:00 to 2024-05-01T10:01:10+00:00 (50 s)"
    colours = {attrs["style"].rsplit("background:", 1)[1] for attrs in page.bars()}
    assert colours == {display.STATE_COLOURS["success"]}


def test_a_running_task_reaches_the_end_of_the_axis_drawn_open(server, ti_api):
    listing(server, *TIMED[:2],
            task_instance_json(task_id="r", state="running", start_date="2024-05-01T10:00:30+00:00", end_date=None),
            task_instance_json(task_id="q", state="queued", start_date=None, end_date=None))
    page = Page(ti_api.get_task_instances("example", "~")._repr_html_())
    # The axis runs from 10:00:00 to 10:01:10 (70 s): the running task starts at 30 s and is still going.
    geometry = bar_geometry(page)
    assert geometry[2] == (pytest.approx(42.86, abs=0.01), pytest.approx(57.14, abs=0.01))
    assert "dashed" in page.bars()[2]["style"]
    assert page.bars()[2]["title"].endswith("(still running)")
    assert len(geometry) == 3  # the queued task has no start: an empty cell
    assert page.column("start → end")[3] == ""


def test_a_single_model_is_a_table_of_field_and_value_with_secrets_hidden(server, api_client):
    server.reply(Answer(body={"connection_id": HOSTILE, "conn_type": "postgres", "host": "db", "login": "me",
                              "password": "hunter2", "extra": None}))
    conn = connection_api.ConnectionApi(api_client).get_connection("c")
    page = Page(conn._repr_html_())
    fields = dict(page.rows)
    assert fields["connection_id"] == HOSTILE
    assert fields["password"] == "***"
    assert "hunter2" not in conn._repr_html_()
    assert page.scripts == 0


def test_an_enum_value_renders_escaped(server, ti_api):
    listing(server, task_instance_json(state="success"))
    state = ti_api.get_task_instances("example", "~").task_instances[0].state
    assert state._repr_html_() == "<code>success</code>"


def test_an_empty_page_says_so(server, ti_api):
    listing(server, total=0)
    markup = ti_api.get_task_instances("example", "~")._repr_html_()
    assert Page(markup).rows == []
    assert "TaskInstanceCollection: 0 task_instances of 0" in markup


def test_a_long_page_shows_max_rows_and_says_how_many_are_left_out(server, ti_api, monkeypatch):
    monkeypatch.setattr(display, "MAX_ROWS", 3)
    listing(server, *(task_instance_json(task_id=f"t{i}") for i in range(5)))
    markup = ti_api.get_task_instances("example", "~")._repr_html_()
    assert len(Page(markup).rows) == 1 + 3
    assert "2 more rows" in markup


def test_dag_runs_get_bars_and_the_logical_date_of_either_generation(server, api_client):
    runs = [{"dag_id": "d", "dag_run_id": f"r{i}", "state": state, "run_type": "manual",
             "start_date": f"2024-01-01T00:00:{start:02d}+00:00", "end_date": f"2024-01-01T00:00:{end:02d}+00:00",
             **date} for i, (state, start, end, date) in enumerate([
                 # Airflow 2.11 answers both names, Airflow 3 the newer alone.
                 ("success", 0, 30, {"execution_date": "2024-01-01T00:00:00+00:00",
                                     "logical_date": "2024-01-01T00:00:00+00:00"}),
                 ("failed", 30, 40, {"logical_date": "2024-01-02T00:00:00+00:00"})])]
    server.reply(Answer(body={"dag_runs": runs, "total_entries": 2}))
    page = Page(dag_run_api.DAGRunApi(api_client).get_dag_runs("d")._repr_html_())
    assert page.column("logical_date") == ["2024-01-01T00:00:00+00:00", "2024-01-02T00:00:00+00:00"]
    assert "execution_date" not in page.header
    assert bar_geometry(page) == [(0.0, 75.0), (75.0, 25.0)]
    colours = [attrs["style"].rsplit("background:", 1)[1] for attrs in page.bars()]
    assert colours == [display.STATE_COLOURS["success"], display.STATE_COLOURS["failed"]]


def test_dags_show_their_useful_columns_without_a_time_axis(server, api_client):
    server.reply(Answer(body={"dags": [{"dag_id": "etl", "is_paused": False, "is_stale": False, "owners": ["ops"],
                                        "tags": [{"name": "daily"}], "fileloc": "/dags/etl.py"}],
                              "total_entries": 1}))
    page = Page(dag_api.DAGApi(api_client).get_dags()._repr_html_())
    assert page.header == ["dag_id", "is_paused", "is_stale", "owners", "tags"]
    assert page.rows[1] == ["etl", "False", "False", '["ops"]', '[{"name": "daily"}]']
    assert page.bars() == []


# -- Airflow 3 answers ------------------------------------------------------------------------------------

V3_TI = {
    "id": "0193-uuid", "task_id": "extract", "dag_id": "etl", "dag_run_id": "manual__1", "map_index": -1,
    "logical_date": None, "run_after": "2026-01-01T00:00:00Z", "start_date": "2026-01-01T00:00:01Z",
    "end_date": "2026-01-01T00:00:05Z", "duration": 4.0, "state": "success", "try_number": 1, "max_tries": 0,
    "task_display_name": "extract", "hostname": "h", "unixname": "airflow", "pool": "default_pool",
    "pool_slots": 1, "queue": "default", "priority_weight": 1, "operator": "PythonOperator",
    "operator_name": "PythonOperator", "queued_when": None, "scheduled_when": None, "pid": 1, "executor": None,
    "executor_config": "{}", "note": HOSTILE, "rendered_map_index": None, "rendered_fields": {},
    "trigger": None, "triggerer_job": None, "dag_version": None,
}


@pytest.fixture
def airflow3(server: LoopbackServer) -> Airflow3Server:
    airflow3 = Airflow3Server(server)
    fallback = airflow3.answer

    def answer(seen: Seen) -> Answer:
        if seen.path.endswith("/taskInstances") and not seen.path.startswith("/api/v1"):
            return Answer(body={"task_instances": [V3_TI, {**V3_TI, "task_id": "load", "state": "running",
                                                           "start_date": "2026-01-01T00:00:03Z", "end_date": None}],
                                "total_entries": 2, "total_entries_limit": 50000, "next_cursor": None,
                                "previous_cursor": None})
        if seen.path == "/api/v2/backfills":
            return Answer(body={"backfills": [{
                "id": 7, "dag_id": HOSTILE, "from_date": "2026-01-01T00:00:00Z", "to_date": "2026-01-03T00:00:00Z",
                "dag_run_conf": {"a": 1}, "is_paused": False, "reprocess_behavior": "none", "max_active_runs": 2,
                "created_at": "2026-01-04T00:00:00Z", "completed_at": None, "updated_at": "2026-01-04T00:00:00Z",
                "dag_display_name": "d"}], "total_entries": 1})
        return fallback(seen)

    server.handler = answer
    return airflow3


@pytest.fixture
def api_client3(airflow3: Airflow3Server):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        yield api_client


def test_an_airflow3_task_instance_page_renders_through_the_2x_method(api_client3):
    page_model = task_instance_api.TaskInstanceApi(api_client3).get_task_instances("etl", "~")
    page = Page(page_model._repr_html_())
    assert page.column("task_id") == ["extract", "load"]
    assert page.column("state") == ["success", "running"]
    assert bar_geometry(page) == [(0.0, 100.0), (50.0, 50.0)]


def test_a_v2_collection_falls_back_to_its_first_scalar_fields(api_client3):
    backfills = backfill_api.BackfillApi(api_client3).list_backfills("d")
    page = Page(backfills._repr_html_())
    assert page.header == ["id", "dag_id", "from_date", "to_date", "is_paused", "reprocess_behavior",
                           "max_active_runs", "created_at"][: display.FALLBACK_COLUMNS]
    assert page.rows[1][:2] == ["7", HOSTILE]
    assert page.scripts == 0


def test_a_v2_task_instance_page_has_tz_aware_timestamps_in_pandas(api_client3):
    frame = task_instance_api.TaskInstanceApi(api_client3).get_task_instances("etl", "~").to_pandas()
    for name in ("start_date", "end_date", "execution_date"):
        assert isinstance(frame[name].dtype, pd.DatetimeTZDtype), name
        assert str(frame[name].dtype.tz) == "UTC"
    # run_after is no field of the 2.x model, yet its text is a timestamp: it becomes one too.
    assert isinstance(frame["run_after"].dtype, pd.DatetimeTZDtype)
    assert frame["end_date"].isna().tolist() == [False, True]
    assert frame["start_date"][1] == pd.Timestamp("2026-01-01T00:00:03Z")


# -- pandas -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_datetime", [False, True], ids=["timestamps as text", "timestamps as datetime"])
def test_to_pandas_gives_a_row_per_item_and_aware_timestamps(server, config, as_datetime):
    config.timestamps_as_datetime = as_datetime
    listing(server, *TIMED, task_instance_json(task_id="q", state=None, start_date=None, end_date=None))
    with client.ApiClient(config) as api_client:
        frame = task_instance_api.TaskInstanceApi(api_client).get_task_instances("example", "~").to_pandas()
    assert list(frame["task_id"]) == ["a", "b", "c", "q"]
    assert list(frame.columns[:4]) == ["task_id", "task_display_name", "dag_id", "dag_run_id"]
    for name in ("execution_date", "start_date", "end_date", "queued_when"):
        assert isinstance(frame[name].dtype, pd.DatetimeTZDtype), name
        assert str(frame[name].dtype.tz) == "UTC"
    assert frame["start_date"][2] == pd.Timestamp("2024-05-01T10:00:50Z")  # +02:00 read as such
    assert pd.isna(frame["start_date"][3])
    assert frame["duration"].dtype == "float64"
    assert frame["try_number"].dtype == "int64"
    assert frame["state"].tolist()[:3] == ["success"] * 3
    assert type(frame["state"][0]) is str  # enums as plain text
    assert frame["rendered_fields"][0] == {"templates_dict": None, "op_args": []}


def test_a_timestamp_column_that_does_not_read_is_kept_as_received(server, ti_api):
    listing(server, task_instance_json(task_id="a"), task_instance_json(task_id="b", end_date="soon"))
    frame = ti_api.get_task_instances("example", "~").to_pandas()
    assert not isinstance(frame["end_date"].dtype, pd.DatetimeTZDtype)
    assert frame["end_date"][1] == "soon"
    assert isinstance(frame["start_date"].dtype, pd.DatetimeTZDtype)


def test_an_empty_page_gives_an_empty_frame_with_the_declared_columns(server, ti_api):
    listing(server, total=0)
    frame = ti_api.get_task_instances("example", "~").to_pandas()
    assert len(frame) == 0
    assert "task_id" in frame.columns and "start_date" in frame.columns
    assert isinstance(frame["start_date"].dtype, pd.DatetimeTZDtype)


def test_a_single_model_gives_a_frame_of_one_row(server, api_client):
    server.reply(Answer(body={"dag_id": "d", "dag_run_id": "r", "state": "success",
                              "start_date": "2024-01-01T00:00:00+00:00", "end_date": None}))
    frame = dag_run_api.DAGRunApi(api_client).get_dag_run("d", "r").to_pandas()
    assert len(frame) == 1
    assert frame["dag_run_id"][0] == "r"
    assert isinstance(frame["start_date"].dtype, pd.DatetimeTZDtype)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **env}, timeout=60)


def test_to_pandas_without_pandas_says_how_to_install_it(server):
    listing(server, task_instance_json())
    done = run_python(f"""
        import sys
        sys.modules["pandas"] = None  # as if pandas were not installed
        import airflow_client.client as client
        from airflow_client.client.api import task_instance_api
        config = client.Configuration(host="{server.host}", username="a", password="b")
        with client.ApiClient(config) as api_client:
            page = task_instance_api.TaskInstanceApi(api_client).get_task_instances("example", "~")
        try:
            page.to_pandas()
        except ImportError as exc:
            print("ImportError:", exc)
        print(page._repr_html_().count("<tr>"))
    """)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("ImportError:") and "pip install pandas" in lines[0]
    assert lines[1] == "2"  # the HTML needs no pandas


# -- paginate ---------------------------------------------------------------------------------------------


def paged(server: LoopbackServer, count: int) -> None:
    """Task instances t000..t<count-1>, served by limit/offset."""
    items = [task_instance_json(task_id=f"t{i:03d}", start_date=f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}+00:00")
             for i in range(count)]

    def answer(seen: Seen) -> Answer:
        limit, offset = int(seen.query["limit"][0]), int(seen.query.get("offset", ["0"])[0])
        return Answer(body={"task_instances": items[offset:offset + limit], "total_entries": count})

    server.handler = answer


def test_paginate_is_a_plain_iterator_with_to_pandas_of_what_is_left(server, ti_api):
    paged(server, 25)
    items = paginate(ti_api.get_task_instances, "example", "~", page_size=10)
    assert isinstance(items, Paginated)
    assert iter(items) is items
    assert [next(items).task_id for _ in range(3)] == ["t000", "t001", "t002"]
    frame = items.to_pandas()
    assert frame["task_id"].tolist() == [f"t{i:03d}" for i in range(3, 25)]
    assert isinstance(frame["start_date"].dtype, pd.DatetimeTZDtype)
    assert frame["start_date"].iloc[-1] == pd.Timestamp("2024-01-01T00:00:24Z")
    assert list(items) == []
    assert len([s for s in server.seen if "taskInstances" in s.path]) == 3


def test_paginate_to_pandas_of_nothing_has_the_item_columns(server, ti_api):
    paged(server, 0)
    frame = paginate(ti_api.get_task_instances, "example", "~").to_pandas()
    assert len(frame) == 0 and "task_id" in frame.columns


def test_paginate_refuses_a_progress_that_is_not_a_bool(server, ti_api):
    with pytest.raises(client.ApiTypeError, match=r"paginate\(progress\): expected True or False, got 'yes'"):
        paginate(ti_api.get_task_instances, "~", "~", progress="yes")
    assert server.seen == []


# -- progress ---------------------------------------------------------------------------------------------


class Terminal(io.StringIO):
    """A stderr that says it is a terminal: what the progress check asks of sys.stderr."""

    def isatty(self) -> bool:
        return True


@contextlib.contextmanager
def stderr_as(stream: io.StringIO) -> Iterator[io.StringIO]:
    """sys.stderr replaced for the body of a test (pytest's capture puts its own back between phases,
    so a fixture could not keep it)."""
    saved = sys.stderr
    sys.stderr = stream
    try:
        yield stream
    finally:
        sys.stderr = saved


@pytest.fixture
def without_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # `from tqdm.auto import tqdm` raises ImportError


def test_paginate_progress_uses_tqdm_with_the_server_total(server, ti_api):
    with stderr_as(Terminal()) as terminal:
        paged(server, 25)
        assert len(list(paginate(ti_api.get_task_instances, "example", "~", page_size=10, progress=True))) == 25
        out = terminal.getvalue()
        assert "get_task_instances" in out
        assert "25/25" in out and "100%" in out  # tqdm's bar, with the total from total_entries


def test_paginate_progress_counts_up_to_max_items(server, ti_api):
    with stderr_as(Terminal()) as terminal:
        paged(server, 25)
        assert len(list(paginate(ti_api.get_task_instances, "example", "~", page_size=10, max_items=12,
                                 progress=True))) == 12
        assert "12/12" in terminal.getvalue()


def test_paginate_progress_without_tqdm_is_one_line_rewritten(server, ti_api, without_tqdm):
    with stderr_as(Terminal()) as terminal:
        paged(server, 25)
        assert len(list(paginate(ti_api.get_task_instances, "example", "~", page_size=10, progress=True))) == 25
        out = terminal.getvalue()
        updates = out.split("\r")[1:]
        assert [u.split(" items")[0] for u in updates] == ["get_task_instances: 0/25", "get_task_instances: 10/25",
                                                           "get_task_instances: 20/25",
                                                           "get_task_instances: 25/25\n".rstrip()]
        assert out.endswith("\n") and out.count("\n") == 1


def test_closing_a_listing_early_reads_no_more_pages_and_ends_its_progress_line(server, ti_api, without_tqdm):
    paged(server, 25)
    with stderr_as(Terminal()) as terminal:
        items = paginate(ti_api.get_task_instances, "example", "~", page_size=10, progress=True)
        assert next(items).task_id == "t000"
        items.close()
        assert list(items) == []
    assert re.search(r"\rget_task_instances: 10/25 items, \d+ s\n$", terminal.getvalue())
    assert len(server.seen) == 1


def test_no_progress_when_stderr_is_no_terminal(server, ti_api):
    paged(server, 25)
    with stderr_as(io.StringIO()) as stream:
        assert len(list(paginate(ti_api.get_task_instances, "example", "~", page_size=10, progress=True))) == 25
    assert stream.getvalue() == ""


def run_states(server: LoopbackServer, states: list[str], body_of: Any) -> None:
    remaining = list(states)

    def answer(seen: Seen) -> Answer:
        if seen.method == "POST":
            return Answer(body=body_of("queued"))
        return Answer(body=body_of(remaining.pop(0) if len(remaining) > 1 else remaining[0]))

    server.handler = answer


def test_waiting_shows_each_state_seen(server, api_client, without_tqdm):
    with stderr_as(Terminal()) as terminal:
        run_states(server, ["queued", "running", "success"],
                   lambda state: {"dag_id": "d", "dag_run_id": "r1", "state": state})
        run = trigger_and_wait(dag_run_api.DAGRunApi(api_client), "d", {}, poll_interval=0.01, progress=True)
        assert run.state == "success"
        updates = terminal.getvalue().split("\r")[1:]
        assert [u.split(", ")[-1].strip() for u in updates] == ["queued", "running", "success"]
        assert all(u.startswith("DAG run d/r1: ") for u in updates)


def test_waiting_for_a_task_instance_shows_progress_with_tqdm(server, ti_api):
    with stderr_as(Terminal()) as terminal:
        run_states(server, ["running", "success"], lambda state: task_instance_json(state=state))
        ti = wait_for_task_instance(ti_api, "d", "r", "t", poll_interval=0.01, progress=True)
        assert ti.state == "success"
        out = terminal.getvalue()
        assert "task instance d/r/t" in out and "success" in out and "2polls" in out.replace(" ", "")


def test_waiting_refuses_a_progress_that_is_not_a_bool_before_triggering(server, api_client):
    with pytest.raises(client.ApiValueError, match="progress: expected True or False, got 1"):
        trigger_and_wait(dag_run_api.DAGRunApi(api_client), "d", {}, progress=1)  # type: ignore[arg-type]
    assert server.seen == []


def test_waiting_without_progress_writes_nothing(server, api_client):
    with stderr_as(Terminal()) as terminal:
        run_states(server, ["running", "success"], lambda state: {"dag_id": "d", "dag_run_id": "r1", "state": state})
        wait_for_dag_run(dag_run_api.DAGRunApi(api_client), "d", "r1", poll_interval=0.01)
        assert terminal.getvalue() == ""


def read_pty(code: str) -> tuple[int, str]:
    """Run `code` in a new Python whose stderr is a real pseudo-terminal; what it wrote there."""
    main, child = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=child)
    os.close(child)
    out = b""
    while True:
        ready, _, _ = select.select([main], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed its side
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    return proc.wait(timeout=30), out.decode()


def test_paginate_progress_on_a_real_terminal(server):
    paged(server, 25)
    code = f"""
        import sys
        sys.modules["tqdm.auto"] = None  # the line drawn without tqdm
        import airflow_client.client as client
        from airflow_client.client.api import task_instance_api
        from airflow_client.client.pagination import paginate
        config = client.Configuration(host="{server.host}", username="a", password="b")
        with client.ApiClient(config) as api_client:
            api = task_instance_api.TaskInstanceApi(api_client)
            n = len(list(paginate(api.get_task_instances, "example", "~", page_size=10, progress=True)))
        assert n == 25, n
    """
    status, out = read_pty(code)
    assert status == 0, out
    assert "\rget_task_instances: 20/25 items" in out
    assert "\rget_task_instances: 25/25 items" in out
