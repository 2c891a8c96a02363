"""The models of Airflow 3's description: unions, fixed values, pairs, both spellings of a name."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from airflow_client.client import models
from airflow_client.client.exceptions import ApiTypeError, ApiValueError


def test_a_schema_name_with_underscores_imports_under_both_spellings():
    assert models.BulkBody_PoolBody_ is models.BulkBodyPoolBody
    from airflow_client.client.model.bulk_body_pool_body import BulkBody_PoolBody_, BulkBodyPoolBody

    assert BulkBody_PoolBody_ is BulkBodyPoolBody


def test_bulk_actions_given_as_dicts_become_the_action_their_action_field_names():
    body = models.BulkBodyPoolBody(actions=[
        {"action": "create", "entities": [{"name": "p", "slots": 3}], "action_on_existence": "overwrite"},
        {"action": "delete", "entities": ["old", {"name": "older", "slots": 1}]},
    ])
    create, delete = body.actions
    assert type(create) is models.BulkCreateActionPoolBody
    assert type(create.entities[0]) is models.PoolBody
    assert type(delete) is models.BulkDeleteActionPoolBody
    assert delete.entities[0] == "old" and type(delete.entities[1]) is models.PoolBody
    assert body._to_json() == {"actions": [
        {"action": "create", "entities": [{"name": "p", "slots": 3}], "action_on_existence": "overwrite"},
        {"action": "delete", "entities": ["old", {"name": "older", "slots": 1}]},
    ]}


def test_a_bulk_action_naming_no_known_action_is_refused_with_the_allowed_ones():
    with pytest.raises(ApiValueError, match=r"actions\[0\]: the 'action' field must be one of 'create', 'update', "
                                            r"'delete'.*got 'rename'"):
        models.BulkBodyPoolBody(actions=[{"action": "rename", "entities": []}])


def test_a_fixed_value_field_refuses_any_other_value():
    with pytest.raises(ApiValueError, match="'update' is not allowed; expected one of 'create'"):
        models.BulkCreateActionPoolBody(action="update", entities=[])


def test_log_content_decodes_as_structured_messages_or_as_text_lines_by_what_the_server_sent():
    structured = models.TaskInstancesLogResponse._from_server(
        {"content": [{"event": "started", "timestamp": "2024-01-01T00:00:00Z", "level": "info"}],
         "continuation_token": None}
    )
    [line] = structured.content
    assert type(line) is models.StructuredLogMessage
    assert line.timestamp == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert line.level == "info"  # a field the schema does not declare is kept
    text = models.TaskInstancesLogResponse._from_server({"content": ["one", "two"], "continuation_token": None})
    assert text.content == ["one", "two"]


def test_a_timestamp_or_the_word_default_is_accepted_and_anything_else_refused():
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert models.TaskStateStoreBody(value=1, expires_at=when)._to_json() == {
        "value": 1, "expires_at": "2024-01-02T03:04:05+00:00"}
    assert models.TaskStateStoreBody(value=[1], expires_at="default")._to_json() == {
        "value": [1], "expires_at": "default"}
    with pytest.raises(ApiTypeError, match=r"expires_at: expected datetime .* or one of 'default', got str 'soon'"):
        models.TaskStateStoreBody(value=1, expires_at="soon")


def test_a_pair_is_checked_for_its_length_and_item_types_and_sent_as_an_array():
    body = models.ClearTaskInstancesBody(task_ids=["a", ("b", 2)])
    assert body._to_json() == {"task_ids": ["a", ["b", 2]]}
    with pytest.raises(ApiTypeError, match=r"task_ids\[0\]"):
        models.ClearTaskInstancesBody(task_ids=[("b", 2, 3)])
    with pytest.raises(ApiTypeError, match=r"task_ids\[0\]"):
        models.ClearTaskInstancesBody(task_ids=[("b", "2")])


def test_config_option_value_is_text_from_airflow_2_and_a_pair_from_airflow_3():
    assert models.ConfigOption._from_server({"key": "k", "value": "v"}).value == "v"
    assert models.ConfigOption._from_server({"key": "k", "value": ["v", "source"]}).value == ("v", "source")
    # Airflow 2's positional forms are unchanged: no field is required.
    assert models.ConfigOption().to_dict() == {}


def test_an_error_detail_may_be_text_or_an_object_and_is_kept_as_sent():
    text = models.HTTPExceptionResponse._from_server({"detail": "gone"})
    obj = models.HTTPExceptionResponse._from_server({"detail": {"reason": "x"}})
    assert text.detail == "gone" and obj.detail == {"reason": "x"}


def test_nullable_fields_of_a_task_instance_answer_decode_to_none_or_their_type():
    ti = models.TaskInstanceResponse._from_server({
        "id": "0190", "task_id": "t", "dag_id": "d", "dag_run_id": "r", "map_index": -1,
        "start_date": None, "end_date": "2024-01-01T00:00:01Z", "state": "success", "note": None,
        "dag_version": {"id": "v", "version_number": 1, "dag_id": "d", "created_at": "2024-01-01T00:00:00Z"},
    })
    assert ti.start_date is None
    assert ti.end_date == datetime(2024, 1, 1, 0, 0, 1, tzinfo=timezone.utc)
    assert type(ti.state) is models.TaskInstanceState and ti.state == "success"
    assert type(ti.dag_version) is models.DagVersionResponse


def test_a_dict_meant_for_the_model_of_a_union_is_refused_with_what_is_wrong_inside_it():
    with pytest.raises(ApiTypeError, match=r"entities\[0\]\.slots: expected int, got str 'many'"):
        models.BulkDeleteActionPoolBody(action="delete", entities=[{"name": "p", "slots": "many"}])
    with pytest.raises(ApiTypeError, match=r"entities\[0\]: expected str or PoolBody, got int 3"):
        models.BulkDeleteActionPoolBody(action="delete", entities=[3])
