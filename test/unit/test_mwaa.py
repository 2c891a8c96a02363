"""MwaaApiClient with the real boto3 and botocore, in front of a loopback stand-in for Airflow 2.

The shared cases are in test/mwaa_cases.py; test/integration and test/integration3 run them again in
front of the real Airflow 2.11.2 and 3.3.2. Here also: what the module needs of boto3, and the rule of
which requests InvokeRestApi serves.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from airflow_client.client import managed
from airflow_client.client.api import dag_api, task_instance_api
from airflow_client.client.managed import MwaaApiClient
from airflow_client.client.request import Request
from test.managed_cases import Upstream
from test.mwaa_cases import *  # noqa: F403  (the shared cases and their fixtures)
from test.mwaa_cases import ENV_NAME, boto3_mwaa
from test.unit.conftest import Answer, LoopbackServer, Seen

UPSTREAM_AUTH = "Basic dXBzdHJlYW06c2VjcmV0"  # what the stand-ins forward with
RUN_ID = "manual__2024-01-01T00:00:00+00:00"


def _dag(dag_id: str) -> dict:
    return {"dag_id": dag_id, "dag_display_name": dag_id, "is_paused": False, "is_active": True,
            "fileloc": f"/dags/{dag_id}.py", "owners": ["airflow"], "tags": []}


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """An Airflow 2 that answers a few routes to the stand-ins' credentials only, 401 to anything else."""
    srv = LoopbackServer()
    runs: dict[str, dict] = {}

    def answer(seen: Seen) -> Answer:
        if seen.headers.get("Authorization") != UPSTREAM_AUTH:
            return Answer(status=401, body={"title": "Unauthorized", "status": 401})
        path = seen.path
        if path == "/api/v1/version":
            return Answer(body={"version": "2.11.2", "git_version": None})
        if path == "/api/v1/dags":
            return Answer(body={"dags": [_dag("ti_plain"), _dag("ti_mapped")], "total_entries": 2})
        if path.startswith("/api/v1/dags/ti_plain/dagRuns") and seen.method == "POST":
            body = seen.json()
            run = {"dag_id": "ti_plain", "dag_run_id": body["dag_run_id"], "conf": body.get("conf", {}),
                   "state": "queued", "run_type": "manual", "external_trigger": True}
            runs[run["dag_run_id"]] = run
            return Answer(body=run)
        if path.startswith("/api/v1/dags/ti_plain/dagRuns/") and "/logs/" in path:
            if seen.headers.get("Accept") == "text/plain":
                return Answer(body="[2024-01-01] INFO - hello from ti_plain\n")
            return Answer(body={"content": "[('w', 'hello from ti_plain')]", "continuation_token": None})
        if path.startswith("/api/v1/dags/ti_plain/dagRuns/"):
            run_id = path.rsplit("/", 1)[1]
            if run_id in runs:
                return Answer(body=runs[run_id])
        dag_id = path.split("/")[4] if path.startswith("/api/v1/dags/") else "?"
        if dag_id == "boom":
            return Answer(status=503, body={"title": "Service Unavailable", "status": 503, "type": "about:blank",
                                            "detail": "the metadata database is not reachable"})
        return Answer(status=404, body={"title": "DAG not found", "status": 404, "type": "about:blank",
                                        "detail": f"The DAG with dag_id: `{dag_id}` was not found"})

    srv.handler = answer
    yield Upstream(f"http://127.0.0.1:{srv.port}", "/api/v1", lambda: UPSTREAM_AUTH)
    srv.close()


@pytest.fixture
def finished_run() -> tuple[str, str]:
    return "ti_plain", RUN_ID


def test_the_module_imports_without_boto3() -> None:
    code = ("import sys; sys.modules['boto3'] = None; sys.modules['botocore'] = None; "
            "import airflow_client.client.managed; import airflow_client.client; print('imported')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "imported", result.stderr


def test_using_mwaa_without_the_extra_names_the_install_command(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 now raises ImportError
    with pytest.raises(ImportError) as caught:
        MwaaApiClient(ENV_NAME)
    assert "pip install 'airflow-stable-client[aws]'" in str(caught.value)


def test_setup_py_declares_the_aws_extra_and_tests_with_boto3() -> None:
    setup = (Path(__file__).resolve().parents[2] / "setup.py").read_text()
    assert '"aws": ["boto3' in setup and '"boto3' in setup.split('"test":', 1)[1].split("]", 1)[0]


def test_arguments_of_the_wrong_kind_are_refused(mwaa) -> None:
    with pytest.raises(TypeError, match="environment's name"):
        MwaaApiClient("", boto3_client=boto3_mwaa(mwaa))
    with pytest.raises(TypeError, match="'mwaa' service"):
        MwaaApiClient(ENV_NAME, boto3_client=object())
    with pytest.raises(ValueError, match="web_scheme"):
        MwaaApiClient(ENV_NAME, boto3_client=boto3_mwaa(mwaa), web_scheme="ftp")


@pytest.mark.parametrize(("method", "path", "headers", "body", "why"), [
    ("GET", "/dags/" + "d" * 59, {}, None, "its path has 65 characters"),
    ("HEAD", "/dags", {}, None, "not HEAD"),
    ("GET", "/dags/x/dagRuns/r/taskInstances/t/logs/1", {"Accept": "text/plain"}, None, "asks for text/plain"),
])
def test_what_invoke_rest_api_cannot_serve_is_decided_before_sending(api_client, method, path, headers, body,
                                                                     why) -> None:
    root = api_client.server.api_root
    with pytest.raises(managed._NotInvoked, match=why):
        api_client._invocable(Request(method, root + path, headers, body), root)


def test_a_path_of_64_characters_is_served_by_invoke_rest_api(api_client) -> None:
    root = api_client.server.api_root
    path = "/dags/" + "d" * 58
    assert api_client._invocable(Request("GET", root + path + "?limit=1", {"Accept": "application/json"}, None),
                                 root) == path


def test_a_path_outside_the_rest_api_is_not_invoked(api_client) -> None:
    root = api_client.server.api_root
    with pytest.raises(managed._NotInvoked, match="outside the REST API"):
        api_client._invocable(Request("GET", api_client.server.root + "/auth/fab/v1/users", {}, None), root)


def test_query_and_body_become_query_parameters_and_body(api_client, mwaa) -> None:
    seen: list[dict] = []
    api_client.mwaa.meta.events.register(
        "before-call.mwaa.InvokeRestApi", lambda params, **kw: seen.append(json.loads(params["body"])))
    dag_api.DAGApi(api_client).get_dags(limit=5, tags=["a", "b"], only_active=True)
    assert seen[-1] == {"Method": "GET", "Path": "/dags",
                        "QueryParameters": {"limit": "5", "tags": ["a", "b"], "only_active": "true"}}


def test_a_streamed_answer_through_invoke_rest_api_is_readable(api_client) -> None:
    resp = dag_api.DAGApi(api_client).get_dags(_preload_content=False)
    assert json.loads(resp.read())["total_entries"] == 2


def test_the_run_id_with_its_timestamp_is_percent_encoded_in_the_web_path(api_client, web) -> None:
    text = task_instance_api.TaskInstanceApi(api_client).get_log(
        "ti_plain", RUN_ID, "say_hello", 1, _headers={"Accept": "text/plain"})
    assert "hello from ti_plain" in text
    assert web.served[-1].startswith("/api/v1/dags/ti_plain/dagRuns/manual__2024-01-01T00%3A00%3A00%2B00%3A00/")


@pytest.fixture
def no_aws_settings(monkeypatch, tmp_path):
    """An environment where boto3 finds no credentials and no region (no files, no instance metadata)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION",
                 "AWS_DEFAULT_REGION", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_no_region_is_an_error_saying_where_to_set_it(no_aws_settings) -> None:
    from airflow_client.client.exceptions import ApiValueError

    with pytest.raises(ApiValueError, match="AWS_DEFAULT_REGION"):
        MwaaApiClient(ENV_NAME)


def test_no_credentials_is_an_error_before_anything_is_sent(no_aws_settings, mwaa) -> None:
    import boto3
    from botocore.config import Config

    from airflow_client.client.exceptions import ApiValueError

    bare = boto3.client("mwaa", region_name="eu-west-1", endpoint_url=mwaa.url,
                        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}))
    with MwaaApiClient(ENV_NAME, boto3_client=bare, web_scheme="http") as c:
        with pytest.raises(ApiValueError, match="no AWS credentials"):
            dag_api.DAGApi(c).get_dags()
    assert not mwaa.calls and not mwaa.refused


def test_an_airflow_server_error_relayed_by_mwaa_is_a_service_exception(api_client, mwaa) -> None:
    from airflow_client.client.exceptions import ServiceException

    with pytest.raises(ServiceException) as caught:
        dag_api.DAGApi(api_client).get_dag("boom")
    assert caught.value.status == 503 and caught.value.detail == "the metadata database is not reachable"
    assert mwaa.refused == ["RestApiServerException"]


def test_a_refused_get_environment_other_than_access_denied_is_raised(api_client, mwaa) -> None:
    from airflow_client.client.exceptions import NotFoundException

    mwaa.environments.pop(ENV_NAME)
    with pytest.raises(NotFoundException) as caught:
        api_client.server  # noqa: B018  (asking the generation is the call under test)
    assert caught.value.title == "ResourceNotFoundException" and ENV_NAME in str(caught.value)


def test_a_caller_without_create_web_login_token_is_forbidden_only_where_the_web_server_is_needed(
        api_client, mwaa, web) -> None:
    from airflow_client.client.exceptions import ForbiddenException

    mwaa.denied.add("CreateWebLoginToken")
    assert dag_api.DAGApi(api_client).get_dags().total_entries == 2  # through InvokeRestApi: unaffected
    with pytest.raises(ForbiddenException) as caught:
        task_instance_api.TaskInstanceApi(api_client).get_log("ti_plain", RUN_ID, "say_hello", 1,
                                                              _headers={"Accept": "text/plain"})
    assert caught.value.title == "AccessDeniedException"
    assert "airflow:CreateWebLoginToken" in str(caught.value) and web.served == []
