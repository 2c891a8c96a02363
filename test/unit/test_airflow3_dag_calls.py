"""DAGApi and DAGRunApi calls on Airflow 3, against a loopback server answering as Airflow 3.3.2 does:
look-ups made before a call, bodies reshaped, answers given their 2.x names."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any, Callable

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_api, dag_run_api
from airflow_client.client.exceptions import ForbiddenException, NotFoundException
from airflow_client.client.model.dag_collection import DAGCollection
from airflow_client.client.model.dag_detail import DAGDetail
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.model.inline_response200 import InlineResponse200
from airflow_client.client.model.task_instance_reference_collection import TaskInstanceReferenceCollection
from airflow_client.client.model.time_delta import TimeDelta
from airflow_client.client.translations import duration_as_time_delta

from .conftest import Answer, LoopbackServer, Seen
from .test_airflow3_runtime import Airflow3Server, configured


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def file_token(bundle: str, path: str) -> str:
    """A token shaped like Airflow 3's: base64 of its JSON payload, a dot, a signature."""
    payload = json.dumps({"bundle_name": bundle, "relative_fileloc": path}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + ".c2lnbmF0dXJl"


def dag_json(dag_id: str, **overrides: Any) -> dict[str, Any]:
    """A DAG as Airflow 3.3.2 lists it (the fields the tests read)."""
    dag = {"dag_id": dag_id, "dag_display_name": dag_id, "is_paused": False, "is_stale": False,
           "bundle_name": "dags-folder", "relative_fileloc": f"{dag_id}.py", "fileloc": f"/dags/{dag_id}.py",
           "file_token": file_token("dags-folder", f"{dag_id}.py"), "owners": ["airflow"], "tags": [],
           "next_dagrun_logical_date": "2030-01-02T00:00:00Z", "next_dagrun_run_after": "2030-01-03T00:00:00Z",
           "timetable_summary": "@daily"}
    dag.update(overrides)
    return dag


def run_json(run_id: str, **overrides: Any) -> dict[str, Any]:
    run = {"dag_run_id": run_id, "dag_id": "d", "logical_date": "2030-01-01T00:00:00Z", "run_type": "manual",
           "state": "success", "run_after": "2030-01-01T00:00:00Z", "conf": {}, "note": None}
    run.update(overrides)
    return run


class Airflow3Dags:
    """Airflow3Server, plus the routes a test adds: (method, path) -> answer, or a function of the request."""

    def __init__(self, server: LoopbackServer) -> None:
        self.base = Airflow3Server(server)
        self.server = server
        self.routes: dict[tuple[str, str], Answer | Callable[[Seen], Answer]] = {}
        server.handler = self.answer

    def answer(self, seen: Seen) -> Answer:
        found = self.routes.get((seen.method, seen.path))
        if found is None or seen.path in ("/auth/token", "/api/v2/version"):
            return self.base.answer(seen)
        denied = self.base.answer(seen)
        if denied.status == 401:
            return denied
        return found(seen) if callable(found) else found

    def calls(self) -> list[Seen]:
        """The API calls made, without the version question and the login."""
        return [s for s in self.server.seen if s.path not in ("/auth/token", "/api/v2/version")]


@pytest.fixture
def af3(server: LoopbackServer) -> Airflow3Dags:
    return Airflow3Dags(server)


@pytest.fixture
def api_client3(af3: Airflow3Dags) -> Iterator[client.ApiClient]:
    with client.ApiClient(configured(af3.base.root, username="admin", password="s3cret")) as api_client:
        yield api_client


# -- look-ups before a call ---------------------------------------------------------------------------------------


def test_a_dag_source_by_file_token_looks_up_the_dag_then_reads_its_source(af3, api_client3):
    wanted = dag_json("two")
    af3.routes[("GET", "/api/v2/dags")] = Answer(body={"dags": [dag_json("one"), wanted], "total_entries": 2})
    af3.routes[("GET", "/api/v2/dagSources/two")] = Answer(body={"content": "print(2)", "dag_id": "two"})
    source = dag_api.DAGApi(api_client3).get_dag_source(wanted["file_token"])
    assert isinstance(source, InlineResponse200) and source.content == "print(2)"
    lookup, call = af3.calls()
    assert lookup.path == "/api/v2/dags"
    assert lookup.query == {"limit": ["100"], "exclude_stale": ["false"], "bundle_name": ["dags-folder"],
                            "offset": ["0"]}
    assert call.path == "/api/v2/dagSources/two"
    token = "Bearer " + af3.base.issued[0]
    assert lookup.headers["Authorization"] == call.headers["Authorization"] == token  # one login for both


def test_a_file_token_look_up_reads_further_pages_until_the_dag_is_found(af3, api_client3):
    dags = [dag_json(f"d{n:03}") for n in range(150)]

    def page(seen: Seen) -> Answer:
        offset, limit = int(seen.query["offset"][0]), int(seen.query["limit"][0])
        return Answer(body={"dags": dags[offset:offset + limit], "total_entries": len(dags)})

    af3.routes[("GET", "/api/v2/dags")] = page
    af3.routes[("GET", "/api/v2/dagSources/d120")] = Answer(body={"content": "x", "dag_id": "d120"})
    dag_api.DAGApi(api_client3).get_dag_source(dags[120]["file_token"])
    assert [s.query["offset"] for s in af3.calls()[:2]] == [["0"], ["100"]]
    assert af3.calls()[-1].path == "/api/v2/dagSources/d120"


def test_a_file_token_no_dag_has_is_a_404_naming_the_token_and_nothing_more_is_sent(af3, api_client3):
    af3.routes[("GET", "/api/v2/dags")] = Answer(body={"dags": [dag_json("one")], "total_entries": 1})
    with pytest.raises(NotFoundException) as caught:
        dag_api.DAGApi(api_client3).get_dag_source("not-a-token")
    assert caught.value.status == 404 and "'not-a-token'" in caught.value.detail
    assert [s.path for s in af3.calls()] == ["/api/v2/dags"]
    assert "bundle_name" not in af3.calls()[0].query  # a token without a readable payload: every bundle


def test_an_error_answer_to_a_look_up_is_raised_as_the_calls_error(af3, api_client3):
    af3.routes[("GET", "/api/v2/dags")] = Answer(status=403, body={"detail": "Forbidden"})
    with pytest.raises(ForbiddenException) as caught:
        dag_api.DAGApi(api_client3).get_dag_source(file_token("dags-folder", "x.py"))
    assert caught.value.url.startswith(af3.base.root + "/api/v2/dags?") and caught.value.detail == "Forbidden"
    assert [s.path for s in af3.calls()] == ["/api/v2/dags"]


def test_on_airflow_2_the_file_token_goes_in_the_path_without_a_look_up(server, config):
    server.default = Answer(body={"content": "print(1)"})
    with client.ApiClient(config) as api_client:
        assert dag_api.DAGApi(api_client).get_dag_source("tok.sig").content == "print(1)"
    assert [s.path for s in server.seen] == ["/api/v1/dagSources/tok.sig"]


def test_an_operation_that_looks_up_cannot_be_prepared_for_airflow_3_without_a_way_to_ask():
    op = dag_api.DAGApi.get_dag_source.operation
    with pytest.raises(client.ApiValueError, match="asks the server first"):
        op.prepare({"file_token": "t"}, {}, generation=3)


# -- bodies reshaped ----------------------------------------------------------------------------------------------


PATCHED = {"task_instances": [{"task_id": "t", "dag_id": "d", "dag_run_id": "r", "map_index": -1,
                               "logical_date": "2030-01-01T00:00:00Z", "state": "success"}], "total_entries": 1}


def test_setting_task_states_patches_the_task_instance_named_in_the_body(af3, api_client3):
    route = "/api/v2/dags/d/dagRuns/r/taskInstances/t"
    af3.routes[("PATCH", route + "/dry_run")] = af3.routes[("PATCH", route)] = Answer(body=PATCHED)
    api = dag_api.DAGApi(api_client3)
    body = {"task_id": "t", "dag_run_id": "r", "new_state": "success", "include_upstream": False,
            "include_downstream": True, "include_future": False, "include_past": False}
    dry = api.post_set_task_instances_state("d", body)  # dry_run left out: true in 2.x
    real = api.post_set_task_instances_state("d", {**body, "dry_run": False})
    first, second = af3.calls()
    assert (first.method, first.path, second.path) == ("PATCH", route + "/dry_run", route)
    assert first.json() == second.json() == {"new_state": "success", "include_upstream": False,
                                             "include_downstream": True, "include_future": False,
                                             "include_past": False}
    for answer in (dry, real):
        assert isinstance(answer, TaskInstanceReferenceCollection)
        ref = answer.task_instances[0]
        assert (ref.task_id, ref.dag_run_id, ref.execution_date) == ("t", "r", "2030-01-01T00:00:00Z")


def test_a_run_named_by_execution_date_is_looked_up_by_its_logical_date(af3, api_client3):
    af3.routes[("GET", "/api/v2/dags/my%20dag/dagRuns")] = Answer(body={"dag_runs": [run_json("the run")],
                                                                      "total_entries": 1})
    af3.routes[("PATCH", "/api/v2/dags/my%20dag/dagRuns/the%20run/taskInstances/t")] = Answer(body=PATCHED)
    dag_api.DAGApi(api_client3).post_set_task_instances_state(
        "my dag", {"task_id": "t", "execution_date": "2030-01-01T00:00:00+00:00", "new_state": "failed",
                   "dry_run": False})
    lookup, patch = af3.calls()
    assert lookup.target.startswith("/api/v2/dags/my%20dag/dagRuns?")
    assert lookup.query == {"logical_date_gte": ["2030-01-01T00:00:00+00:00"],
                            "logical_date_lte": ["2030-01-01T00:00:00+00:00"], "limit": ["2"]}
    assert patch.target == "/api/v2/dags/my%20dag/dagRuns/the%20run/taskInstances/t"
    assert patch.json() == {"new_state": "failed"}


def test_a_run_no_logical_date_matches_is_a_404_and_nothing_is_patched(af3, api_client3):
    af3.routes[("GET", "/api/v2/dags/d/dagRuns")] = Answer(body={"dag_runs": [], "total_entries": 0})
    with pytest.raises(NotFoundException, match=r"\(404\)"):
        dag_api.DAGApi(api_client3).post_set_task_instances_state(
            "d", {"task_id": "t", "execution_date": "2030-01-01T00:00:00+00:00", "new_state": "failed"})
    assert [s.method for s in af3.calls()] == ["GET"]


def test_setting_task_states_without_a_run_or_task_is_refused_before_sending(af3, api_client3):
    api = dag_api.DAGApi(api_client3)
    with pytest.raises(client.ApiValueError, match="dag_run_id or execution_date is needed"):
        api.post_set_task_instances_state("d", {"task_id": "t", "new_state": "failed"})
    with pytest.raises(client.ApiValueError, match="task_id is needed"):
        api.post_set_task_instances_state("d", {"dag_run_id": "r", "new_state": "failed"})
    assert af3.calls() == []


@pytest.mark.parametrize(("given", "sent"), [
    ({"dag_run_id": "a"}, {"dag_run_id": "a", "logical_date": None}),
    ({"execution_date": "2030-01-01T00:00:00+00:00"}, {"logical_date": "2030-01-01T00:00:00+00:00"}),
    ({"logical_date": "2030-01-02T00:00:00+00:00"}, {"logical_date": "2030-01-02T00:00:00+00:00"}),
    ({"logical_date": "2030-01-02T00:00:00+00:00", "execution_date": "2030-01-01T00:00:00+00:00"},
     {"logical_date": "2030-01-02T00:00:00+00:00"}),
])
def test_a_trigger_always_sends_a_logical_date_null_when_none_is_given(af3, api_client3, given, sent):
    af3.routes[("POST", "/api/v2/dags/d/dagRuns")] = Answer(body=run_json("a", logical_date=None))
    run = dag_run_api.DAGRunApi(api_client3).post_dag_run("d", given)
    assert af3.calls()[-1].json() == sent
    assert isinstance(run, DAGRun) and run.execution_date is None and run.external_trigger is True


# -- answers under 2.x names -------------------------------------------------------------------------------------


def test_dags_are_read_with_their_2x_names(af3, api_client3):
    af3.routes[("GET", "/api/v2/dags")] = Answer(body={"dags": [dag_json("one"), dag_json("gone", is_stale=True)],
                                                       "total_entries": 2})
    page = dag_api.DAGApi(api_client3).get_dags(only_active=False, order_by="-dag_id", fields=["dag_id"])
    assert af3.calls()[-1].query == {"exclude_stale": ["false"], "order_by": ["-dag_id"], "limit": ["100"]}
    assert isinstance(page, DAGCollection)
    one, gone = page.dags
    assert (one.is_active, gone.is_active) == (True, False)
    assert (one.next_dagrun, one.next_dagrun_create_after) == (utc(2030, 1, 2), utc(2030, 1, 3))
    assert one["next_dagrun_logical_date"] == "2030-01-02T00:00:00Z"  # Airflow 3's name stays readable, as sent
    assert "root_dag_id" not in one and one.get("schedule_interval") is None  # no Airflow 3 value: left absent


def test_dag_details_give_a_timedelta_timeout_and_the_dataset_expression(af3, api_client3):
    expression = {"any": [{"asset": {"uri": "s3://x", "name": "x"}}]}
    af3.routes[("GET", "/api/v2/dags/one/details")] = Answer(body=dag_json(
        "one", dag_run_timeout="PT1H30M15S", asset_expression=expression, timezone="UTC", catchup=False, params={}))
    detail = dag_api.DAGApi(api_client3).get_dag_details("one")
    assert isinstance(detail, DAGDetail) and detail.is_active is True
    assert isinstance(detail.dag_run_timeout, TimeDelta)
    assert (detail.dag_run_timeout.days, detail.dag_run_timeout.seconds) == (0, 5415)
    assert detail.dataset_expression == expression


def test_task_extra_links_take_2x_shape(af3, api_client3):
    task = {"task_id": "t", "class_ref": {"module_path": "m", "class_name": "C"}, "extra_links": ["Docs"],
            "retry_exponential_backoff": 2.0}
    af3.routes[("GET", "/api/v2/dags/d/tasks")] = Answer(body={"tasks": [task], "total_entries": 1})
    af3.routes[("GET", "/api/v2/dags/d/tasks/t")] = Answer(body=dict(task, extra_links=["Docs"]))
    api = dag_api.DAGApi(api_client3)
    for read in (api.get_tasks("d").tasks[0], api.get_task("d", "t")):
        assert read.extra_links == [{"class_ref": {"class_name": "Docs", "module_path": None}}]
        assert read.class_ref.class_name == "C" and read.get("executor") is None


def test_dag_runs_are_read_with_execution_date_and_external_trigger(af3, api_client3):
    runs = [run_json("m"), run_json("s", run_type="scheduled"), run_json("n", logical_date=None)]
    af3.routes[("GET", "/api/v2/dags/d/dagRuns")] = Answer(body={"dag_runs": runs, "total_entries": 3})
    page = dag_run_api.DAGRunApi(api_client3).get_dag_runs("d", order_by="-execution_date",
                                                           execution_date_gte="2030-01-01T00:00:00Z")
    assert af3.calls()[-1].query == {"order_by": ["-logical_date"], "logical_date_gte": ["2030-01-01T00:00:00+00:00"],
                                     "limit": ["100"]}
    assert [(r.execution_date, r.external_trigger) for r in page.dag_runs] == [
        (utc(2030, 1, 1), True), (utc(2030, 1, 1), False), (None, True)]


def test_clearing_a_run_answers_a_dict_with_2x_names_for_a_dry_run_and_a_real_one(af3, api_client3):
    answers = iter([Answer(body={"task_instances": [{"task_id": "t", "logical_date": "2030-01-01T00:00:00Z"}],
                                 "total_entries": 1}), Answer(body=run_json("r", state="queued"))])
    af3.routes[("POST", "/api/v2/dags/d/dagRuns/r/clear")] = lambda seen: next(answers)
    api = dag_run_api.DAGRunApi(api_client3)
    dry = api.clear_dag_run("d", "r", {"dry_run": True})
    real = api.clear_dag_run("d", "r", {"dry_run": False})
    assert dry["task_instances"][0]["execution_date"] == "2030-01-01T00:00:00Z"
    assert real["execution_date"] == "2030-01-01T00:00:00Z" and real["external_trigger"] is True


def test_run_state_and_note_are_patches_with_their_update_mask(af3, api_client3):
    af3.routes[("PATCH", "/api/v2/dags/d/dagRuns/r")] = Answer(body=run_json("r", state="failed", note="n"))
    api = dag_run_api.DAGRunApi(api_client3)
    assert api.update_dag_run_state("d", "r", {"state": "failed"}).execution_date == utc(2030, 1, 1)
    assert api.set_dag_run_note("d", "r", {"note": "n"}).note == "n"
    state, note = af3.calls()
    assert (state.query, state.json()) == ({"update_mask": ["state"]}, {"state": "failed"})
    assert (note.query, note.json()) == ({"update_mask": ["note"]}, {"note": "n"})


@pytest.mark.parametrize(("text", "days", "seconds", "microseconds"), [
    ("PT1H30M15S", 0, 5415, 0),
    ("P2DT5S", 2, 5, 0),
    ("P1W", 7, 0, 0),
    ("PT0.25S", 0, 0, 250000),
    ("-PT1S", -1, 86399, 0),
    ("PT0S", 0, 0, 0),
])
def test_iso_durations_become_2x_timedeltas(text, days, seconds, microseconds):
    assert duration_as_time_delta(text) == {"__type": "TimeDelta", "days": days, "seconds": seconds,
                                            "microseconds": microseconds}


@pytest.mark.parametrize("text", ["", "P", "PT", "1 hour", "P1Y", "PT1H30"])
def test_what_is_not_an_iso_duration_is_left_as_it_came(text):
    assert duration_as_time_delta(text) is None
