"""Methods of operations only Airflow 3 has, and 2.x methods given parameters only Airflow 3 takes,
against a real HTTP server on loopback: the exact request sent and what the answer decodes to."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

import pytest

import airflow_client.client as client
from airflow_client.client import models
from airflow_client.client.api import (
    backfill_api,
    config_api,
    connection_api,
    dag_api,
    dag_run_api,
    login_api,
    pool_api,
    task_instance_api,
    task_state_store_api,
)
from airflow_client.client.exceptions import ApiValueError
from test.unit.conftest import Answer, LoopbackServer


@pytest.fixture
def v2_client(server: LoopbackServer) -> Iterator[client.ApiClient]:
    """A client of the server as an Airflow 3 (`/api/v2`) with a deployment token: no login."""
    cfg = client.Configuration(host=f"http://127.0.0.1:{server.port}/api/v2", access_token="tok")
    cfg.retries = 0
    with client.ApiClient(cfg) as api_client:
        yield api_client


def test_bulk_pools_sends_each_action_as_given_and_decodes_the_outcome_per_action(server, v2_client):
    server.reply(Answer(body={"create": {"success": ["p1"], "errors": []},
                              "delete": {"success": [], "errors": [{"error": "missing", "status_code": 404}]}}))
    body = models.BulkBodyPoolBody(actions=[
        {"action": "create", "entities": [{"name": "p1", "slots": 4}], "action_on_existence": "skip"},
        {"action": "delete", "entities": ["old"], "action_on_non_existence": "fail"},
    ])
    result = pool_api.PoolApi(v2_client).bulk_pools(body)
    seen = server.last
    assert (seen.method, seen.target) == ("PATCH", "/api/v2/pools")
    assert seen.headers["Content-Type"] == "application/json" and seen.headers["Authorization"] == "Bearer tok"
    assert seen.json() == {"actions": [
        {"action": "create", "entities": [{"name": "p1", "slots": 4}], "action_on_existence": "skip"},
        {"action": "delete", "entities": ["old"], "action_on_non_existence": "fail"},
    ]}
    assert type(result) is models.BulkResponse
    assert type(result.create) is models.BulkActionResponse and result.create.success == ["p1"]
    assert result.delete.errors == [{"error": "missing", "status_code": 404}]


def test_a_bulk_action_given_as_a_dict_with_a_wrong_entity_is_refused_before_sending(server, v2_client):
    with pytest.raises(client.ApiTypeError, match=r"bulk_pools\(bulk_body_pool_body\).*slots: expected int"):
        pool_api.PoolApi(v2_client).bulk_pools(
            {"actions": [{"action": "create", "entities": [{"name": "p", "slots": "four"}]}]})
    assert server.seen == []


def test_create_backfill_posts_its_body_and_decodes_timestamps_and_the_reprocess_enum(server, v2_client):
    server.reply(Answer(body={
        "id": 7, "dag_id": "d", "from_date": "2024-01-01T00:00:00Z", "to_date": "2024-01-03T00:00:00Z",
        "dag_run_conf": {}, "is_paused": False, "reprocess_behavior": "failed", "max_active_runs": 2,
        "created_at": "2024-05-01T10:00:00Z", "completed_at": None, "updated_at": "2024-05-01T10:00:00Z",
        "dag_display_name": "d",
    }))
    body = models.BackfillPostBody(
        dag_id="d", from_date=datetime(2024, 1, 1, tzinfo=timezone.utc), to_date="2024-01-03T00:00:00Z",
        reprocess_behavior="failed", max_active_runs=2,
    )
    backfill = backfill_api.BackfillApi(v2_client).create_backfill(body)
    seen = server.last
    assert (seen.method, seen.target) == ("POST", "/api/v2/backfills")
    assert seen.json() == {"dag_id": "d", "from_date": "2024-01-01T00:00:00+00:00",
                           "to_date": "2024-01-03T00:00:00+00:00", "reprocess_behavior": "failed",
                           "max_active_runs": 2}
    assert type(backfill) is models.BackfillResponse
    assert backfill.from_date == datetime(2024, 1, 1, tzinfo=timezone.utc)
    assert backfill.completed_at is None
    assert type(backfill.reprocess_behavior) is models.ReprocessBehavior


def test_a_state_store_put_sends_the_value_and_returns_none_on_204(server, v2_client):
    server.reply(Answer(status=204, body=b""))
    api = task_state_store_api.TaskStateStoreApi(v2_client)
    result = api.set_task_state_store("d", "manual__2024-01-01T00:00:00+00:00", "t", "cursor/1",
                                      {"value": {"offset": 42}, "expires_at": "default"}, map_index=3)
    seen = server.last
    assert seen.method == "PUT"
    assert seen.target == ("/api/v2/dags/d/dagRuns/manual__2024-01-01T00%3A00%3A00%2B00%3A00/taskInstances/t"
                           "/state-store/cursor%2F1?map_index=3")
    assert seen.json() == {"value": {"offset": 42}, "expires_at": "default"}
    assert result is None


def test_an_answer_with_nullable_and_union_fields_decodes_each_by_its_type(server, v2_client):
    server.reply(Answer(body={"sections": [{"name": "core", "options": [
        {"key": "parallelism", "value": ["32", "airflow.cfg"]}, {"key": "dags_folder", "value": "/dags"}]}]}))
    config = config_api.ConfigApi(v2_client).get_config_value("core", "parallelism")
    assert server.last.target == "/api/v2/config/section/core/option/parallelism"
    assert server.last.headers["Accept"] == "application/json"
    pair, text = config.sections[0].options
    assert pair.value == ("32", "airflow.cfg") and text.value == "/dags"
    server.reply(Answer(body="[core]\nparallelism = 32\n"))
    assert config_api.ConfigApi(v2_client).get_config_value("core", "parallelism", accept="text/plain") == (
        "[core]\nparallelism = 32\n")
    assert [k for k in server.last.headers if k.lower() == "accept"] == ["Accept"]
    assert server.last.headers["Accept"] == "text/plain"


def test_an_answer_that_is_one_of_two_models_decodes_to_the_one_its_fields_match(server, v2_client):
    api = dag_run_api.DAGRunApi(v2_client)
    server.reply(Answer(body={"task_instances": [], "total_entries": 0}),
                 Answer(body={"dag_runs": [], "total_entries": 0}))
    dry = api.clear_dag_runs("d", {"dry_run": True, "dag_runs": [{"dag_run_id": "r1"}]})
    assert type(dry) is models.ClearTaskInstanceCollectionResponse
    assert (server.last.target, server.last.json()) == (
        "/api/v2/dags/d/clearDagRuns", {"dry_run": True, "dag_runs": [{"dag_run_id": "r1"}]})
    done = api.clear_dag_runs("d", {"dry_run": False, "dag_runs": [{"dag_run_id": "r1"}]})
    assert type(done) is models.DAGRunCollectionResponse


def test_waiting_for_a_run_returns_each_ndjson_line_decoded(server, v2_client):
    server.reply(Answer(body=b'{"state": "running"}\n{"state": "success", "results": {"t": 42}}\n',
                        headers={"Content-Type": "application/x-ndjson"}))
    lines = dag_run_api.DAGRunApi(v2_client).wait_dag_run_until_finished("d", "r", 0.5, result=["t", "u"])
    assert server.last.target == "/api/v2/dags/d/dagRuns/r/wait?interval=0.5&result=t&result=u"
    # Asked for as the stream alone: Airflow 3.3.2 answers `application/json` with the last line only.
    assert server.last.headers["Accept"] == "application/x-ndjson"
    assert lines == [{"state": "running"}, {"state": "success", "results": {"t": 42}}]


def test_waiting_for_a_run_answered_with_one_json_object_returns_it_as_the_only_line(server, v2_client):
    server.reply(Answer(body={"state": "success"}))
    assert dag_run_api.DAGRunApi(v2_client).wait_dag_run_until_finished("d", "r", 1) == [{"state": "success"}]


def test_login_returns_where_it_redirects_without_following(server, v2_client):
    server.reply(Answer(status=307, body=b"", headers={"Location": "/auth/login?next=%2Fhome"}))
    target = login_api.LoginApi(v2_client).login(next="/home")
    assert target == "/auth/login?next=%2Fhome"
    assert [s.target for s in server.seen] == ["/api/v2/auth/login?next=%2Fhome"]
    server.reply(Answer(status=307, body=b"", headers={"Location": "http://elsewhere.invalid/logout"}))
    assert login_api.LoginApi(v2_client).logout() == "http://elsewhere.invalid/logout"
    assert len(server.seen) == 2


def revoking_server(server: LoopbackServer) -> client.Configuration:
    """Answer like Airflow 3.3.2: tokens from /auth/token; logout revokes the token it carries, which then
    gets 403. The configuration logs in with a username and password."""
    tokens: list[str] = []
    revoked: set[str] = set()

    def airflow3(seen):
        bearer = seen.headers.get("Authorization", "")[len("Bearer "):]
        if seen.path == "/auth/token":
            tokens.append(f"token-{len(tokens) + 1}")
            return Answer(status=201, body={"access_token": tokens[-1]})
        if bearer in revoked or bearer not in tokens:
            return Answer(status=403, body={"detail": "Invalid JWT token"})
        if seen.path == "/api/v2/auth/logout":
            revoked.add(bearer)
            return Answer(status=307, body=b"", headers={"Location": "/auth/login"})
        return Answer(body={"pools": [], "total_entries": 0})

    server.handler = airflow3
    return client.Configuration(host=f"http://127.0.0.1:{server.port}/api/v2", username="admin", password="admin")


@pytest.mark.parametrize("preload", [True, False])
def test_after_logout_the_client_logs_in_again_instead_of_sending_the_revoked_token(server, preload):
    with client.ApiClient(revoking_server(server)) as api_client:
        pools = pool_api.PoolApi(api_client)
        pools.get_pools()
        answer = login_api.LoginApi(api_client).logout(_preload_content=preload)
        if preload:
            assert answer == "/auth/login"
        else:
            assert (answer.status, answer.headers["Location"]) == (307, "/auth/login")
        assert type(pools.get_pools()) is models.PoolCollection
    sent = [(s.path, s.headers.get("Authorization")) for s in server.seen]
    assert sent == [
        ("/auth/token", None),
        ("/api/v2/pools", "Bearer token-1"),
        ("/api/v2/auth/logout", "Bearer token-1"),
        ("/auth/token", None),
        ("/api/v2/pools", "Bearer token-2"),
    ]


def test_a_header_parameter_is_sent_as_its_header(server, v2_client):
    server.reply(Answer(body={"token": "abc", "connection_id": "c", "state": "pending", "result_message": None,
                              "created_at": "2024-01-01T00:00:00Z"}))
    result = connection_api.ConnectionApi(v2_client).get_connection_test("abc")
    assert server.last.target == "/api/v2/connections/enqueue-test"
    assert server.last.headers["Airflow-Connection-Test-Token"] == "abc"
    assert type(result) is models.AsyncConnectionTestResponse


def test_a_method_only_airflow_3_has_is_refused_on_airflow_2_naming_it(server, config):
    with client.ApiClient(config) as api_client, pytest.raises(ApiValueError) as caught:
        backfill_api.BackfillApi(api_client).list_backfills("d")
    assert "list_backfills() needs Airflow 3" in str(caught.value)
    assert server.seen == []


def test_a_parameter_only_airflow_3_takes_is_refused_on_airflow_2_and_sent_on_airflow_3(server, config, v2_client):
    with client.ApiClient(config) as api_client, pytest.raises(ApiValueError) as caught:
        task_instance_api.TaskInstanceApi(api_client).get_task_instances("d", "r", cursor="abc")
    assert "get_task_instances(): cursor only Airflow 3 takes" in str(caught.value)
    assert server.seen == []
    server.reply(Answer(body={"task_instances": [], "total_entries": 0}))
    task_instance_api.TaskInstanceApi(v2_client).get_task_instances("d", "r", cursor="abc", limit=5)
    assert server.last.path == "/api/v2/dags/d/dagRuns/r/taskInstances"
    assert server.last.query["cursor"] == ["abc"] and server.last.query["limit"] == ["5"]


def test_a_parameter_only_airflow_3_takes_is_type_checked_from_its_description(server, v2_client):
    with pytest.raises(ApiValueError, match="tags_match_mode"):
        dag_api.DAGApi(v2_client).get_dags(tags_match_mode="some")
    assert server.seen == []
