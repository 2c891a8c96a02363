"""The Amazon MWAA cases, run against every Airflow a test module provides as the `upstream` fixture.

A module imports everything from here (tests and fixtures) and defines `upstream` (an `Upstream` of
test/managed_cases.py) and `finished_run` (dag_id, run_id of a finished ti_plain run). In front of it
stand the loopback MWAA API endpoint and web server of test/mwaa_servers.py; boto3, botocore and urllib3
are the real libraries, and every call to the endpoint is signed with SigV4 and checked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from airflow_client.client import exceptions
from airflow_client.client.api import dag_api, dag_run_api, task_instance_api
from airflow_client.client.auth import RENEW_MARGIN
from airflow_client.client.managed import MwaaApiClient
from airflow_client.client.model.dag_run import DAGRun
from test.managed_cases import REPO_ROOT, Upstream
from test.mwaa_servers import Environment, MwaaService, WebServer

ENV_NAME = "client-test-env"
REGION = "eu-west-1"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def mwaa(upstream: Upstream) -> Iterator[MwaaService]:
    service = MwaaService(REGION, {ACCESS_KEY: SECRET_KEY})
    env = Environment(ENV_NAME, upstream.base_url, upstream.api_path, upstream.authorization,
                      "2.11.2" if upstream.generation == 2 else "3.3.2")
    service.add(env)
    web = WebServer(service, env)
    yield service
    web.close()
    service.close()


@pytest.fixture
def web(mwaa: MwaaService) -> WebServer:
    web = mwaa.environments[ENV_NAME].web
    assert web is not None
    return web


def boto3_mwaa(service: MwaaService, secret: str = SECRET_KEY) -> Any:
    """boto3's own mwaa client, pointed at the stand-in (no host prefix: it is an IP address)."""
    return boto3.client("mwaa", region_name=REGION, endpoint_url=service.url, aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=secret,
                        config=Config(inject_host_prefix=False, retries={"max_attempts": 1}))


@pytest.fixture
def api_client(mwaa: MwaaService) -> Iterator[MwaaApiClient]:
    with MwaaApiClient(ENV_NAME, boto3_client=boto3_mwaa(mwaa), web_scheme="http") as client:
        yield client


def test_dags_are_listed_through_invoke_rest_api(api_client, mwaa, web, upstream):
    page = dag_api.DAGApi(api_client).get_dags(limit=100)
    assert "ti_plain" in {dag.dag_id for dag in page.dags}
    assert api_client.server.generation == upstream.generation
    assert ("GET", "/dags") in mwaa.invoked and mwaa.calls["GetEnvironment"] == 1
    assert web.logins == 0 and api_client.web_calls == 0 and not mwaa.refused


def test_a_run_is_triggered_and_read_back_through_invoke_rest_api(api_client, mwaa, web):
    runs = dag_run_api.DAGRunApi(api_client)
    run_id = "mwaa_" + uuid.uuid4().hex[:8]
    made = runs.post_dag_run("ti_plain", DAGRun(dag_run_id=run_id, conf={"from": "mwaa"}))
    assert made.dag_run_id == run_id
    read = runs.get_dag_run("ti_plain", run_id)
    assert read.dag_run_id == run_id and read.conf == {"from": "mwaa"} and read.dag_id == "ti_plain"
    assert ("POST", "/dags/ti_plain/dagRuns") in mwaa.invoked
    assert ("GET", f"/dags/ti_plain/dagRuns/{run_id}") in mwaa.invoked
    assert web.logins == 0


def test_a_missing_dag_is_not_found_with_airflows_detail(api_client, mwaa):
    with pytest.raises(exceptions.NotFoundException) as caught:
        dag_api.DAGApi(api_client).get_dag("no_such_dag_mwaa")
    assert caught.value.status == 404
    assert caught.value.detail is not None and "no_such_dag_mwaa" in caught.value.detail
    assert caught.value.url == f"mwaa://{ENV_NAME}{'/api/v1' if api_client.server.generation == 2 else '/api/v2'}" \
                               "/dags/no_such_dag_mwaa"
    assert mwaa.refused == ["RestApiClientException"]


def test_a_caller_without_invoke_rest_api_permission_is_forbidden(api_client, mwaa):
    mwaa.denied.add("InvokeRestApi")
    with pytest.raises(exceptions.ForbiddenException) as caught:
        dag_api.DAGApi(api_client).get_dags()
    error = caught.value
    assert error.status == 403 and error.title == "AccessDeniedException"
    assert "airflow:InvokeRestApi" in str(error) and ENV_NAME in str(error)
    assert mwaa.invoked == []


def test_a_wrong_secret_is_refused_by_the_signature_check(mwaa):
    with MwaaApiClient(ENV_NAME, boto3_client=boto3_mwaa(mwaa, secret="not-the-secret"), web_scheme="http") as c:
        with pytest.raises(exceptions.ForbiddenException) as caught:
            dag_api.DAGApi(c).get_dags()
    assert caught.value.title == "InvalidSignatureException"
    assert "signature we calculated does not match" in str(caught.value)
    assert "not-the-secret" not in str(caught.value) and SECRET_KEY not in str(caught.value)
    assert mwaa.refused == ["InvalidSignatureException"] and mwaa.calls["GetEnvironment"] == 0


def test_the_generation_is_asked_through_invoke_rest_api_without_get_environment(api_client, mwaa, upstream):
    mwaa.denied.add("GetEnvironment")
    assert api_client.server.generation == upstream.generation
    assert mwaa.invoked == [("GET", "/version")] and mwaa.calls["GetEnvironment"] == 0


def _log_text(api_client: MwaaApiClient, finished_run: tuple[str, str]) -> Any:
    dag_id, run_id = finished_run
    return task_instance_api.TaskInstanceApi(api_client).get_log(
        dag_id, run_id, "say_hello", 1, full_content=True, _headers={"Accept": "text/plain"})


def test_a_log_as_text_comes_through_the_web_login(api_client, mwaa, web, finished_run):
    text = _log_text(api_client, finished_run)
    assert isinstance(text, str) and "hello from ti_plain" in text
    assert mwaa.calls["CreateWebLoginToken"] == 1 and web.logins == 1 and api_client.web_calls == 1
    assert not any("/logs/" in path for _, path in mwaa.invoked)  # never sent to InvokeRestApi
    assert any("/logs/1" in target for target in web.served)


def test_a_lapsed_web_session_is_renewed_once(api_client, mwaa, web, finished_run):
    assert "hello from ti_plain" in _log_text(api_client, finished_run)
    web.expire_all()
    assert "hello from ti_plain" in _log_text(api_client, finished_run)
    assert web.logins == 2 and web.refused == 1 and mwaa.calls["CreateWebLoginToken"] == 2


def test_a_get_whose_answer_mwaa_will_not_relay_goes_through_the_web_login(api_client, mwaa, web):
    mwaa.max_answer = 10  # every answer is beyond what the endpoint relays
    page = dag_api.DAGApi(api_client).get_dags(limit=100)
    assert "ti_plain" in {dag.dag_id for dag in page.dags}
    assert mwaa.refused == ["ValidationException"] and web.logins == 1


def test_a_post_whose_answer_mwaa_will_not_relay_is_not_sent_twice(api_client, mwaa, web):
    mwaa.max_answer = 10
    run_id = "mwaa_" + uuid.uuid4().hex[:8]
    with pytest.raises(exceptions.BadRequestException) as caught:
        dag_run_api.DAGRunApi(api_client).post_dag_run("ti_plain", DAGRun(dag_run_id=run_id))
    assert caught.value.title == "ValidationException"
    assert web.logins == 0 and web.served == []


def test_an_airflow3_web_token_near_its_expiry_is_renewed_before_sending(api_client, mwaa, web, finished_run):
    web.lifetime = int(RENEW_MARGIN) + 2  # Airflow 3's JWT enters the renewal margin 2 s after the login
    assert "hello from ti_plain" in _log_text(api_client, finished_run)
    time.sleep(2.5)
    assert "hello from ti_plain" in _log_text(api_client, finished_run)
    if api_client.server.generation == 3:
        assert web.logins == 2 and web.refused == 0  # renewed from the token's exp, before a refusal
    else:
        assert web.logins == 1 and web.refused == 0  # a session cookie tells no expiry: kept while it works


def test_the_mwaa_example_runs(mwaa, web, finished_run, upstream):
    dag_id, run_id = finished_run
    env = {**os.environ, "MWAA_ENVIRONMENT": ENV_NAME, "AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": ACCESS_KEY,
           "AWS_SECRET_ACCESS_KEY": SECRET_KEY, "MWAA_ENDPOINT_URL": mwaa.url, "MWAA_WEB_SCHEME": "http",
           "DAG_ID": dag_id, "RUN_ID": run_id, "TASK_ID": "say_hello"}
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    result = subprocess.run([sys.executable, str(REPO_ROOT / "examples" / "mwaa.py")], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert f"Airflow {'2.11.2' if upstream.generation == 2 else '3.3.2'}" in result.stdout
    assert "ti_plain" in result.stdout and "hello from ti_plain" in result.stdout
    assert mwaa.calls["InvokeRestApi"] >= 1 and web.logins == 1
