"""What the caller sends is checked before any I/O; errors name the argument, the type and the value."""

from __future__ import annotations

import pytest

import airflow_client.client as client
from airflow_client.client.model.extra_link import ExtraLink
from airflow_client.client.model.list_task_instance_form import ListTaskInstanceForm
from airflow_client.client.model.set_task_instance_note import SetTaskInstanceNote
from airflow_client.client.model.update_task_instance import UpdateTaskInstance

BAD_CALLS = [
    # (call, exception, words the message must contain)
    (lambda api: api.get_task_instance("d", "r"), TypeError, ["get_task_instance()", "missing", "task_id"]),
    (lambda api: api.get_task_instance("d", "r", "t", "x"), TypeError, ["takes 3 positional", "4 were given"]),
    (lambda api: api.get_task_instance("d", "r", "t", task_idd="x"), client.ApiTypeError,
     ["unexpected keyword argument 'task_idd'"]),
    (lambda api: api.get_task_instance("d", "r", task_id="t", dag_id="x"), client.ApiTypeError,
     ["multiple values", "dag_id"]),
    (lambda api: api.get_task_instance(5, "r", "t"), client.ApiTypeError,
     ["get_task_instance(dag_id)", "expected str", "got int 5"]),
    (lambda api: api.get_task_instance(None, "r", "t"), client.ApiTypeError,
     ["get_task_instance(dag_id)", "expected str", "got None"]),
    (lambda api: api.get_mapped_task_instance("d", "r", "t", "1"), client.ApiTypeError,
     ["(map_index)", "expected int", "got str '1'"]),
    (lambda api: api.get_mapped_task_instance("d", "r", "t", True), client.ApiTypeError,
     ["(map_index)", "expected int", "got bool True"]),
    (lambda api: api.get_task_instances("d", "r", limit="100"), client.ApiTypeError,
     ["get_task_instances(limit)", "expected int", "got str '100'"]),
    (lambda api: api.get_task_instances("d", "r", state="failed"), client.ApiTypeError,
     ["get_task_instances(state)", "expected list of str", "got str 'failed'"]),
    (lambda api: api.get_task_instances("d", "r", state=["failed", 3]), client.ApiTypeError,
     ["get_task_instances(state)[1]", "expected str", "got int 3"]),
    (lambda api: api.get_task_instances("d", "r", duration_gte=float("nan")), client.ApiValueError,
     ["get_task_instances(duration_gte)", "finite", "nan"]),
    (lambda api: api.get_task_instances("d", "r", duration_lte="1.5"), client.ApiTypeError,
     ["(duration_lte)", "expected float"]),
    (lambda api: api.get_task_instances("d", "r", start_date_gte="last tuesday"), client.ApiValueError,
     ["get_task_instances(start_date_gte)", "ISO 8601", "'last tuesday'"]),
    (lambda api: api.get_task_instances("d", "r", end_date_lte=20240101), client.ApiTypeError,
     ["(end_date_lte)", "expected datetime", "got int 20240101"]),
    (lambda api: api.get_log("d", "r", "t", 1, full_content="yes"), client.ApiTypeError,
     ["get_log(full_content)", "expected bool", "got str 'yes'"]),
    (lambda api: api.patch_task_instance("d", "r", "t", "success"), client.ApiTypeError,
     ["patch_task_instance(update_task_instance)", "expected UpdateTaskInstance", "got str"]),
    (lambda api: api.patch_task_instance("d", "r", "t", {"new_state": "running"}), client.ApiValueError,
     ["patch_task_instance(update_task_instance).new_state", "'running' is not a valid UpdateTaskState",
      "'success', 'failed', 'skipped'"]),
    (lambda api: api.patch_task_instance("d", "r", "t", {"dry_run": "no"}), client.ApiTypeError,
     ["patch_task_instance(update_task_instance).dry_run", "expected bool", "got str 'no'"]),
    (lambda api: api.patch_task_instance("d", "r", "t", {"state": "failed"}), client.ApiTypeError,
     ["unknown field 'state'", "dry_run, new_state"]),
    (lambda api: api.set_task_instance_note("d", "r", "t", {}), client.ApiTypeError,
     ["missing required field(s): note"]),
    (lambda api: api.get_task_instances_batch({"state": ["failed", "exploded"]}), client.ApiValueError,
     ["get_task_instances_batch(list_task_instance_form).state[1]", "'exploded' is not a valid TaskState"]),
    (lambda api: api.get_task_instances_batch({"dag_ids": "one_dag"}), client.ApiTypeError,
     ["get_task_instances_batch(list_task_instance_form).dag_ids", "expected list of str"]),
    (lambda api: api.get_task_instance("d", "r", "t", async_req="yes"), client.ApiTypeError,
     ["option async_req expects bool"]),
    (lambda api: api.get_task_instance("d", "r", "t", _request_timeout=(1, 2, 3)), client.ApiValueError,
     ["_request_timeout", "(connect, read)"]),
]


@pytest.mark.parametrize("call, exc, words", BAD_CALLS)
def test_bad_arguments_are_refused_before_any_request(server, ti_api, call, exc, words):
    with pytest.raises(exc) as caught:
        call(ti_api)
    for word in words:
        assert word in str(caught.value)
    assert server.seen == []


def test_argument_errors_are_both_api_errors_and_builtin_errors(ti_api):
    with pytest.raises(TypeError):
        ti_api.get_task_instance(1, "r", "t")
    with pytest.raises(ValueError):
        ti_api.get_task_instances("d", "r", duration_gte=float("inf"))
    with pytest.raises(client.OpenApiException):
        ti_api.get_task_instances("d", "r", bogus=1)


def test_model_constructor_checks_types_and_names():
    with pytest.raises(client.ApiTypeError, match=r"SetTaskInstanceNote.note: expected str, got int 5"):
        SetTaskInstanceNote(5)
    with pytest.raises(client.ApiTypeError, match="takes 1 positional"):
        SetTaskInstanceNote("a", "b")
    with pytest.raises(client.ApiTypeError, match="both by position and by keyword"):
        SetTaskInstanceNote("a", note="b")
    with pytest.raises(client.ApiValueError, match=r"ListTaskInstanceForm.page_limit|finite"):
        ListTaskInstanceForm(duration_gte=float("inf"))


def test_setting_a_field_is_checked_too():
    body = UpdateTaskInstance()
    body.new_state = "failed"
    assert body.new_state == "failed"
    with pytest.raises(client.ApiValueError, match="'queued' is not a valid UpdateTaskState"):
        body.new_state = "queued"
    with pytest.raises(client.ApiAttributeError, match="has no field 'newstate'"):
        body.newstate = "failed"


def test_read_only_fields_are_refused_in_a_request_body():
    link = ExtraLink(name="docs", href="https://example.org")
    with pytest.raises(client.ApiValueError, match=r"ExtraLink\.name is read-only"):
        link._to_json()


def test_check_type_false_skips_field_checks_like_the_official_client():
    note = SetTaskInstanceNote(note=42, _check_type=False)
    assert note.note == 42
