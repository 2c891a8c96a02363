"""What goes on the wire: paths, query strings, bodies and headers, as a real server receives them."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import airflow_client.client as client
from airflow_client.client.api import task_instance_api
from airflow_client.client.model.list_task_instance_form import ListTaskInstanceForm
from airflow_client.client.model.set_task_instance_note import SetTaskInstanceNote
from airflow_client.client.model.task_state import TaskState
from airflow_client.client.model.update_task_instance import UpdateTaskInstance
from airflow_client.client.model.update_task_state import UpdateTaskState

from .conftest import Answer, task_instance_json

RUN_ID = "manual__2024-01-01T00:00:00+00:00"


def test_run_id_with_plus_and_colon_is_percent_encoded_in_the_path(server, ti_api):
    server.reply(Answer(body=task_instance_json()))
    ti_api.get_task_instance("my_dag", RUN_ID, "group.task")
    assert server.last.target == (
        "/api/v1/dags/my_dag/dagRuns/manual__2024-01-01T00%3A00%3A00%2B00%3A00/taskInstances/group.task"
    )


def test_slash_space_question_mark_and_non_ascii_in_path_stay_inside_their_segment(server, ti_api):
    server.reply(Answer(body=task_instance_json()))
    ti_api.get_task_instance("a/b c", "r?#%", "tâche")
    assert server.last.target == "/api/v1/dags/a%2Fb%20c/dagRuns/r%3F%23%25/taskInstances/t%C3%A2che"


def test_tilde_means_all_dags_and_runs_and_is_sent_as_is(server, ti_api):
    server.reply(Answer(body={"task_instances": [], "total_entries": 0}))
    ti_api.get_task_instances("~", "~")
    assert server.last.path == "/api/v1/dags/~/dagRuns/~/taskInstances"


def test_multi_valued_filters_repeat_the_parameter(server, ti_api):
    server.reply(Answer(body={"task_instances": [], "total_entries": 0}))
    ti_api.get_task_instances(
        "~", "~", state=["failed", TaskState("up_for_retry")], pool=["default_pool", "p 2"], queue=["q"]
    )
    assert server.last.query == {
        "state": ["failed", "up_for_retry"],
        "pool": ["default_pool", "p 2"],
        "queue": ["q"],
    }
    assert "state=failed&state=up_for_retry" in server.last.target


def test_date_filters_accept_aware_naive_and_iso_string_values(server, ti_api):
    server.reply(Answer(body={"task_instances": [], "total_entries": 0}))
    ti_api.get_task_instances(
        "d",
        "r",
        execution_date_gte=datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        execution_date_lte=datetime(2024, 1, 3),  # naive: taken as UTC
        start_date_gte="2024-01-01T00:00:00Z",
        duration_gte=0.5,
        limit=10,
        offset=20,
    )
    assert server.last.query == {
        "execution_date_gte": ["2024-01-02T03:04:05+02:00"],
        "execution_date_lte": ["2024-01-03T00:00:00+00:00"],
        "start_date_gte": ["2024-01-01T00:00:00+00:00"],
        "duration_gte": ["0.5"],
        "limit": ["10"],
        "offset": ["20"],
    }


def test_mapped_listing_sends_its_sort_order(server, ti_api):
    server.reply(Answer(body={"task_instances": [], "total_entries": 0}))
    ti_api.get_mapped_task_instances("d", "r", "t", order_by="-map_index", limit=3)
    assert server.last.path == "/api/v1/dags/d/dagRuns/r/taskInstances/t/listMapped"
    assert server.last.query == {"order_by": ["-map_index"], "limit": ["3"]}


def test_optional_parameters_given_as_none_are_not_sent(server, ti_api):
    server.reply(Answer(body={"task_instances": [], "total_entries": 0}))
    ti_api.get_task_instances("d", "r", limit=None, state=None)
    assert server.last.target == "/api/v1/dags/d/dagRuns/r/taskInstances"


def test_booleans_are_sent_as_lowercase_words(server, ti_api):
    server.reply(Answer(body={"content": "x", "continuation_token": "t"}))
    ti_api.get_log("d", "r", "t", 2, full_content=True, map_index=3, token="abc")
    assert server.last.path == "/api/v1/dags/d/dagRuns/r/taskInstances/t/logs/2"
    assert server.last.query == {"full_content": ["true"], "map_index": ["3"], "token": ["abc"]}


def test_patch_sends_the_model_as_json_with_enum_values_as_strings(server, ti_api):
    server.reply(Answer(body={"task_id": "t", "dag_id": "d", "dag_run_id": RUN_ID}))
    ti_api.patch_task_instance("d", RUN_ID, "t", UpdateTaskInstance(dry_run=False, new_state="success"))
    seen = server.last
    assert seen.method == "PATCH"
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.json() == {"dry_run": False, "new_state": "success"}


def test_body_may_be_a_plain_dict_and_is_checked_like_a_model(server, ti_api):
    server.reply(Answer(body=task_instance_json(note="hi")))
    ti_api.set_task_instance_note("d", "r", "t", {"note": "hi"})
    assert server.last.json() == {"note": "hi"}


def test_mapped_patch_without_body_sends_no_body(server, ti_api):
    server.reply(Answer(body={"task_id": "t"}))
    ti_api.patch_mapped_task_instance("d", "r", "t", 2)
    assert server.last.path == "/api/v1/dags/d/dagRuns/r/taskInstances/t/2"
    assert server.last.body == b""
    assert "Content-Type" not in server.last.headers


def test_batch_listing_posts_filters_with_timestamps_and_states(server, ti_api):
    server.reply(Answer(body={"task_instances": [task_instance_json()], "total_entries": 1}))
    form = ListTaskInstanceForm(
        dag_ids=["a", "b"],
        state=["failed", TaskState("success")],
        start_date_gte=datetime(2024, 5, 1, tzinfo=timezone.utc),
        page_limit=5,
    )
    result = ti_api.get_task_instances_batch(form)
    assert server.last.method == "POST"
    assert server.last.path == "/api/v1/dags/~/dagRuns/~/taskInstances/list"
    assert server.last.json() == {
        "dag_ids": ["a", "b"],
        "state": ["failed", "success"],
        "start_date_gte": "2024-05-01T00:00:00+00:00",
        "page_limit": 5,
    }
    assert result.total_entries == 1


def test_note_with_non_ascii_text_round_trips_as_utf8_json(server, ti_api):
    server.reply(Answer(body=task_instance_json(note="réglé ✓")))
    result = ti_api.set_mapped_task_instance_note("d", "r", "t", 0, SetTaskInstanceNote("réglé ✓"))
    assert server.last.json() == {"note": "réglé ✓"}
    assert result.note == "réglé ✓"


def test_basic_auth_header_carries_username_and_password(server, ti_api):
    server.reply(Answer(body=task_instance_json()))
    ti_api.get_task_instance("d", "r", "t")
    expected = "Basic " + base64.b64encode(b"alice:s3cret-pw").decode()
    assert server.last.headers["Authorization"] == expected


def test_access_token_is_sent_as_bearer_and_wins_over_basic(server, config):
    config.access_token = "tok-123"
    server.reply(Answer(body=task_instance_json()))
    with client.ApiClient(config) as api_client:
        task_instance_api.TaskInstanceApi(api_client).get_task_instance("d", "r", "t")
    assert server.last.headers["Authorization"] == "Bearer tok-123"


def test_no_credentials_means_no_authorization_header(server):
    config = client.Configuration(host=server.host)
    server.reply(Answer(body=task_instance_json()))
    with client.ApiClient(config, header_name="X-Trace", header_value="abc", cookie="session=1") as api_client:
        task_instance_api.TaskInstanceApi(api_client).get_task_instance("d", "r", "t")
    headers = server.last.headers
    assert "Authorization" not in headers
    assert headers["X-Trace"] == "abc"
    assert headers["Cookie"] == "session=1"
    assert headers["User-Agent"].startswith("airflow-client-python/")
    assert headers["Accept"] == "application/json"


def test_log_accepts_json_by_default_and_text_when_asked(server, ti_api):
    server.reply(
        Answer(body={"content": "[('host', 'line\\n')]", "continuation_token": "tok"}),
        Answer(body="line one\nline two\n", headers={"Content-Type": "text/plain; charset=utf-8"}),
    )
    as_json = ti_api.get_log("d", "r", "t", 1)
    assert server.seen[0].headers["Accept"] == "application/json"
    assert as_json.continuation_token == "tok"
    as_text = ti_api.get_log("d", "r", "t", 1, _headers={"Accept": "text/plain"})
    assert server.seen[1].headers["Accept"] == "text/plain"
    assert as_text == "line one\nline two\n"


def test_every_task_instance_operation_hits_its_documented_route(server, ti_api):
    server.default = Answer(body={})
    calls = [
        (lambda: ti_api.get_extra_links("d", "r", "t"), "GET", "/taskInstances/t/links"),
        (lambda: ti_api.get_log("d", "r", "t", 1), "GET", "/taskInstances/t/logs/1"),
        (lambda: ti_api.get_mapped_task_instance("d", "r", "t", 1), "GET", "/taskInstances/t/1"),
        (lambda: ti_api.get_mapped_task_instances("d", "r", "t"), "GET", "/taskInstances/t/listMapped"),
        (lambda: ti_api.get_task_instance("d", "r", "t"), "GET", "/taskInstances/t"),
        (lambda: ti_api.get_task_instances("d", "r"), "GET", "/taskInstances"),
        (lambda: ti_api.patch_mapped_task_instance("d", "r", "t", 1), "PATCH", "/taskInstances/t/1"),
        (lambda: ti_api.patch_task_instance("d", "r", "t", UpdateTaskInstance()), "PATCH", "/taskInstances/t"),
        (lambda: ti_api.set_mapped_task_instance_note("d", "r", "t", 1, {"note": "n"}), "PATCH",
         "/taskInstances/t/1/setNote"),
        (lambda: ti_api.set_task_instance_note("d", "r", "t", {"note": "n"}), "PATCH", "/taskInstances/t/setNote"),
        (lambda: ti_api.get_task_instance_dependencies("d", "r", "t"), "GET", "/taskInstances/t/dependencies"),
        (lambda: ti_api.get_mapped_task_instance_dependencies("d", "r", "t", 1), "GET",
         "/taskInstances/t/1/dependencies"),
        (lambda: ti_api.get_task_instance_tries("d", "r", "t"), "GET", "/taskInstances/t/tries"),
        (lambda: ti_api.get_task_instance_try_details("d", "r", "t", 2), "GET", "/taskInstances/t/tries/2"),
        (lambda: ti_api.get_mapped_task_instance_tries("d", "r", "t", 1), "GET", "/taskInstances/t/1/tries"),
        (lambda: ti_api.get_mapped_task_instance_try_details("d", "r", "t", 1, 2), "GET",
         "/taskInstances/t/1/tries/2"),
    ]
    for call, method, tail in calls:
        call()
        assert (server.last.method, server.last.path) == (method, "/api/v1/dags/d/dagRuns/r" + tail)
    ti_api.get_task_instances_batch(ListTaskInstanceForm())
    assert (server.last.method, server.last.path) == ("POST", "/api/v1/dags/~/dagRuns/~/taskInstances/list")
    assert len(server.seen) == 17


def test_enum_models_and_plain_strings_are_interchangeable_in_bodies(server, ti_api):
    server.default = Answer(body={})
    ti_api.patch_task_instance("d", "r", "t", UpdateTaskInstance(new_state=UpdateTaskState("failed")))
    ti_api.patch_task_instance("d", "r", "t", {"new_state": "failed"})
    assert server.seen[0].body == server.seen[1].body


def test_dot_segments_in_path_parameters_are_encoded_so_they_are_not_normalised_away(server):
    from airflow_client.client.api import variable_api

    config = client.Configuration(host=server.host)
    config.retries = 0
    server.default = Answer(body={"key": "..", "value": "v"})
    with client.ApiClient(config) as api_client:
        api = variable_api.VariableApi(api_client)
        api.get_variable("..")
        api.get_variable(".")
        api.get_variable("a..b")
    assert [s.target for s in server.seen] == [
        "/api/v1/variables/%2E%2E", "/api/v1/variables/%2E", "/api/v1/variables/a..b",
    ]
