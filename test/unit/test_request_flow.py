"""How a call becomes a request: the declaration, the client, auth, the transport; and the escape hatch
`ApiClient.call_api` for paths this client has no method for."""

from __future__ import annotations

import ast
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_run_api, task_instance_api, variable_api
from airflow_client.client.auth import BearerRefresh
from airflow_client.client.model.task_instance import TaskInstance
from airflow_client.client.model.task_state import TaskState
from airflow_client.client.model.variable import Variable

from .conftest import Answer, Seen, task_instance_json

PACKAGE = Path(client.__file__).parent

# The core modules from the bottom layer up: each may import only modules listed before it.
LAYERS = [
    "exceptions", "rest", "servers", "auth", "kerberos", "configuration", "lazy", "json_values", "kinds",
    "translations", "model_utils", "endpoint", "api_client", "pagination", "logs", "waiting",
]


def _package_imports(module: str) -> set[str]:
    """The core modules a module imports, at run time or for type checking alike."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("airflow_client.client."):
            found.add(node.module.split(".")[2])
    return found & set(LAYERS)


@pytest.mark.parametrize("module", LAYERS)
def test_core_modules_import_only_the_layers_below_them(module):
    below = set(LAYERS[: LAYERS.index(module)])
    above = _package_imports(module) - below
    assert not above, f"{module} imports {sorted(above)}, which sit above it"


def test_a_declaration_builds_a_request_relative_to_the_api_root_without_a_client():
    op = task_instance_api.TaskInstanceApi.get_task_instances.operation  # type: ignore[attr-defined]
    values, options = op.bind(("my dag", "manual__2024+01"), {"state": ["failed", "up_for_retry"], "limit": 5})
    prepared = op.prepare(values, options)
    request = prepared.request
    assert (prepared.api, prepared.adapt, prepared.text) == ("v1", None, None)
    assert request.method == "GET"
    assert request.url == (
        "/dags/my%20dag/dagRuns/manual__2024%2B01/taskInstances?state=failed&state=up_for_retry&limit=5"
    )
    assert request.headers == {"Accept": "application/json"}
    assert request.body is None


def test_operations_say_how_they_page_and_where_their_items_are():
    ti = task_instance_api.TaskInstanceApi
    assert ti.get_task_instances.operation.paging == "query"  # type: ignore[attr-defined]
    assert ti.get_task_instances.operation.items_field == "task_instances"  # type: ignore[attr-defined]
    assert ti.get_task_instances_batch.operation.paging == "body"  # type: ignore[attr-defined]
    assert ti.get_task_instance.operation.paging is None  # type: ignore[attr-defined]


# -- Configuration settings the official client has: honoured or refused, never ignored --------------------


def test_an_api_key_is_refused_since_airflow_has_no_api_key_scheme():
    with pytest.raises(client.ApiValueError, match="no API-key scheme"):
        client.Configuration(host="http://h/api/v1", api_key={"Authorization": "k"})
    config = client.Configuration(host="http://h/api/v1")
    with pytest.raises(client.ApiValueError, match="api_key_prefix"):
        config.api_key_prefix = {"Authorization": "Bearer"}


def test_server_index_zero_is_the_configured_host_and_others_are_refused():
    config = client.Configuration(host="http://h:1/api/v1", server_index=0)
    assert config.get_host_from_settings(config.server_index) == "http://h:1/api/v1"
    with pytest.raises(client.ApiValueError, match="only server"):
        client.Configuration(host="http://h/api/v1", server_index=1)
    with pytest.raises(client.ApiValueError, match="no variables"):
        client.Configuration(host="http://h/api/v1", server_variables={"port": "8080"})
    with pytest.raises(client.ApiValueError, match="per-operation"):
        client.Configuration(host="http://h/api/v1", server_operation_index={"get_dags": 1})


def test_disabled_validations_take_the_official_keywords_and_refuse_what_cannot_be_switched_off():
    config = client.Configuration(disabled_client_side_validations="maxLength,minimum")
    assert config.disabled_client_side_validations == "maxLength,minimum"
    with pytest.raises(client.ApiValueError, match="unknown rule"):
        client.Configuration(disabled_client_side_validations="maxLenght")
    with pytest.raises(client.ApiValueError, match="pattern rule cannot be switched off"):
        config.disabled_client_side_validations = "pattern"


def test_client_side_validation_off_sends_arguments_unchecked(server, config):
    config.client_side_validation = False
    server.reply(Answer(body={"task_instances": [], "total_entries": 0}))
    with client.ApiClient(config) as api_client:
        task_instance_api.TaskInstanceApi(api_client).get_task_instances("d", "r", limit="5")  # type: ignore[arg-type]
    assert server.last.query["limit"] == ["5"]
    config.client_side_validation = True
    with client.ApiClient(config) as api_client, pytest.raises(client.ApiTypeError, match="limit"):
        task_instance_api.TaskInstanceApi(api_client).get_task_instances("d", "r", limit="5")  # type: ignore[arg-type]


def test_safe_chars_for_path_param_are_left_unencoded(server, config):
    config.safe_chars_for_path_param = ":+"
    server.reply(Answer(body={"key": "k", "value": "v"}))
    with client.ApiClient(config) as api_client:
        dag_run_api.DAGRunApi(api_client).get_dag_run("d", "manual__2024-01-01T00:00:00+00:00", _preload_content=False)
    assert server.last.path == "/api/v1/dags/d/dagRuns/manual__2024-01-01T00:00:00+00:00"


# -- BearerRefresh with streamed answers -----------------------------------------------------------------------


def test_bearer_renewal_of_a_streamed_call_returns_the_renewed_answer_and_leaves_the_pool_usable(server):
    def answer(seen: Seen) -> Answer:
        if seen.headers.get("Authorization") == "Bearer fresh":
            return Answer(body={"key": seen.path.rsplit("/", 1)[-1], "value": "v"})
        # A refusal with a body the first try leaves unread on the connection.
        return Answer(status=401, body={"title": "Unauthorized", "detail": "x" * 4000, "status": 401})

    server.handler = answer
    config = client.Configuration(host=server.host, access_token="expired")
    config.retries = 0
    config.connection_pool_maxsize = 1  # one connection: the renewed request must get a clean one
    config.auth_flow = BearerRefresh(lambda: "fresh")
    with client.ApiClient(config) as api_client:
        api = variable_api.VariableApi(api_client)
        resp = api.get_variable("first", _preload_content=False)
        assert resp.status == 200 and json.loads(resp.data) == {"key": "first", "value": "v"}
        resp.release_conn()
        assert api.get_variable("second").key == "second"
    assert [s.path.rsplit("/", 1)[-1] for s in server.seen] == ["first", "first", "second"]


# -- call_api and sanitize_for_serialization -------------------------------------------------------------------


def test_call_api_fills_the_path_sends_the_query_and_decodes_the_declared_model(server, api_client):
    server.reply(Answer(body=task_instance_json(task_id="t 1")))
    data, status, headers = api_client.call_api(
        "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}", "GET",
        path_params={"dag_id": "d", "dag_run_id": "manual__2024-01-01T00:00:00+00:00", "task_id": "t 1"},
        query_params=[
            ("state", ["failed", "success"]), ("limit", 5), ("since", datetime(2024, 1, 1, tzinfo=timezone.utc)),
        ],
        response_type=(TaskInstance,), auth_settings=["Basic"],
    )
    assert isinstance(data, TaskInstance) and data.task_id == "t 1"
    assert status == 200 and headers["Content-Type"] == "application/json"
    seen = server.last
    assert seen.path == "/api/v1/dags/d/dagRuns/manual__2024-01-01T00%3A00%3A00%2B00%3A00/taskInstances/t%201"
    assert seen.query == {"state": ["failed", "success"], "limit": ["5"], "since": ["2024-01-01T00:00:00+00:00"]}
    assert seen.headers["Authorization"].startswith("Basic ")


def test_call_api_joins_lists_as_collection_formats_say_and_sends_models_as_json(server, api_client):
    server.reply(Answer(body={"key": "k", "value": "v"}))
    data = api_client.call_api(
        "/variables", "POST", query_params=[("tags", ["a", "b"])], collection_formats={"tags": "csv"},
        body=Variable(key="k", value="v"), response_type=(Variable,), _return_http_data_only=True,
        header_params={"X-Trace": "1"},
    )
    assert data.value == "v"
    assert server.last.query == {"tags": ["a,b"]}
    assert server.last.json() == {"key": "k", "value": "v"}
    assert server.last.headers["X-Trace"] == "1"


def test_call_api_without_auth_settings_sends_the_configured_credentials_and_an_empty_list_none(server, api_client):
    server.reply(Answer(body="ok"), Answer(body="ok"))
    assert api_client.call_api("/health", "GET", response_type=(str,), _return_http_data_only=True) == "ok"
    assert "Authorization" in server.last.headers
    api_client.call_api("/health", "GET", response_type=None, auth_settings=[])
    assert "Authorization" not in server.last.headers


def test_call_api_refuses_form_data_and_unknown_auth_schemes(api_client):
    with pytest.raises(client.ApiValueError, match="JSON bodies only"):
        api_client.call_api("/x", "POST", post_params=[("a", "b")])
    with pytest.raises(client.ApiValueError, match="unknown scheme"):
        api_client.call_api("/x", "GET", auth_settings=["api_key"])


def test_sanitize_for_serialization_gives_json_ready_data():
    ti = TaskInstance(task_id="t", state=TaskState("failed"))
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    out = client.ApiClient.sanitize_for_serialization({"ti": ti, "when": when, "states": (TaskState("success"),)})
    assert out == {"ti": {"task_id": "t", "state": "failed"}, "when": "2024-01-02T03:04:05+00:00",
                   "states": ["success"]}
    assert json.loads(json.dumps(out)) == out
    with pytest.raises(client.ApiTypeError, match="set"):
        client.ApiClient.sanitize_for_serialization({1, 2})

