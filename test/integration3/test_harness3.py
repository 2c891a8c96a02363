"""Checks that the local Airflow 3.3.2 servers are what the client's Airflow 3 tests will expect.

Raw HTTP only: tokens from ``POST /auth/token``, the REST API v2 under ``/api/v2``.
"""

from __future__ import annotations

import base64
import json
import time

import pytest

from tools.local_airflow import ANONYMOUS, TEST_DAGS, dag_ids_in, http_json, quote_segment
from tools.local_airflow3 import AIRFLOW3_ONLY_PREFIX, AIRFLOW_3, TEST_DAGS3

pytestmark = pytest.mark.integration

V1_REMOVED = {"error": "/api/v1 has been removed in Airflow 3, please use its upgraded version /api/v2 instead."}


def run_path(dag_id: str, run_id: str) -> str:
    return f"/dags/{quote_segment(dag_id)}/dagRuns/{quote_segment(run_id)}"


def jwt_claims(token: str) -> dict:
    """The payload of a JWT, unverified: only its claims matter here."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_both_generations_have_the_same_test_dags_besides_the_airflow_3_only_ones():
    shared = [dag_id for dag_id in dag_ids_in(TEST_DAGS3) if not dag_id.startswith(AIRFLOW3_ONLY_PREFIX)]
    assert shared == dag_ids_in(TEST_DAGS)
    assert len(shared) == 14
    assert not [dag_id for dag_id in dag_ids_in(TEST_DAGS) if dag_id.startswith(AIRFLOW3_ONLY_PREFIX)]


@pytest.mark.usefixtures("started_runs3")  # the runs go on while the quick tests run
def test_version_and_health_answer_without_credentials(airflow3):
    status, body = airflow3.request("GET", "/version", auth=ANONYMOUS)
    assert (status, body["version"]) == (200, AIRFLOW_3.version)
    status, body = airflow3.request("GET", "/monitor/health", auth=ANONYMOUS)
    assert status == 200
    for part in ("metadatabase", "scheduler", "dag_processor", "triggerer"):
        assert body[part]["status"] == "healthy", body
    assert body["scheduler"]["latest_scheduler_heartbeat"]


def test_the_execution_api_has_a_server_of_its_own(airflow3):
    # Served beside the REST API, the execution API's task calls made writes to the REST API fail
    # with "database is locked" now and then (see tools/local_airflow3.py).
    healthy = (200, {"status": "healthy"})
    assert http_json("GET", airflow3.execution_api_url + "health") == healthy
    # The REST API server answers unknown paths with its UI page, not with the execution API.
    status, page = http_json("GET", airflow3.base_url + "/execution/health")
    assert (status, page) != healthy and "<html" in page
    execution_root = airflow3.execution_api_url.removesuffix("/execution/")
    assert http_json("GET", execution_root + "/api/v2/version")[0] == 404


def test_writes_while_tasks_run_all_succeed(airflow3):
    # Writes for as long as runs of its own keep their tasks calling the execution API (the session's
    # shared runs may have ended already, when modules that sort before this one waited for them).
    started = {dag_id: airflow3.trigger_run(dag_id) for dag_id in ("ti_plain", "ti_mapped", "ti_retry")}
    answers, slow = [], []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        began = time.monotonic()
        status, body = airflow3.request("POST", "/dags/run_parked/dagRuns", {"logical_date": None})
        answers.append(status if status == 200 else (status, body))
        if time.monotonic() - began > 5:
            slow.append(round(time.monotonic() - began, 1))
        runs = [airflow3.request("GET", run_path(dag_id, run_id))[1] for dag_id, run_id in started.items()]
        if all(run["state"] in ("success", "failed") for run in runs):
            break
    assert len(answers) > 10
    assert [a for a in answers if a != 200] == [] and slow == []


def test_token_exchange_gives_a_jwt_for_the_user(airflow3):
    credentials = {"username": airflow3.admin[0], "password": airflow3.admin[1]}
    status, body = http_json("POST", f"{airflow3.base_url}/auth/token", credentials)
    assert status == 201
    claims = jwt_claims(body["access_token"])
    assert claims["sub"] == "admin"
    assert claims["exp"] - claims["iat"] == 24 * 3600  # the default lifetime
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    status, body = airflow3.request("GET", "/dags?limit=1", auth=ANONYMOUS, headers=headers)
    assert status == 200 and body["total_entries"] == len(dag_ids_in(TEST_DAGS3))


def test_bad_credentials_no_credentials_and_basic_auth_get_401(airflow3):
    wrong = {"username": airflow3.admin[0], "password": "wrong-password"}
    assert http_json("POST", f"{airflow3.base_url}/auth/token", wrong) == (401, {"detail": "Invalid credentials"})
    status, body = airflow3.request("GET", "/dags", auth=ANONYMOUS)
    assert (status, body) == (401, {"detail": "Not authenticated"})
    basic = "Basic " + base64.b64encode(b"admin:admin").decode()
    status, _ = airflow3.request("GET", "/dags", auth=ANONYMOUS, headers={"Authorization": basic})
    assert status == 401


def test_api_v1_is_removed_with_a_404_that_names_v2(airflow3):
    for path in ("/api/v1/dags", "/api/v1/health"):
        assert airflow3.request("GET", airflow3.base_url + path) == (404, V1_REMOVED)
    assert airflow3.request("GET", airflow3.base_url + "/api/v1/dags", auth=ANONYMOUS) == (404, V1_REMOVED)


def test_every_test_dag_is_listed_with_its_pause_state(airflow3):
    status, body = airflow3.request("GET", "/dags?tags=client-test&limit=100")
    assert status == 200
    listed = {dag["dag_id"]: dag for dag in body["dags"]}
    assert sorted(listed) == dag_ids_in(TEST_DAGS3)
    assert listed["ti_blocked"]["is_paused"] is True and listed["dag_profile"]["is_paused"] is True
    assert listed["ti_plain"]["is_paused"] is False
    assert listed["ti_plain"]["fileloc"] == str(TEST_DAGS3 / "ti_plain.py")


def test_a_trigger_without_the_logical_date_key_is_refused_with_422(airflow3):
    status, body = airflow3.request("POST", "/dags/ti_plain/dagRuns", {})
    assert status == 422
    assert [(e["type"], e["loc"]) for e in body["detail"]] == [("missing", ["body", "logical_date"])]


def test_viewer_can_read_but_gets_403_on_a_post(airflow3):
    status, _ = airflow3.request("GET", "/dags?limit=1", auth=airflow3.viewer)
    assert status == 200
    status, body = airflow3.request("POST", "/variables", {"key": "from_viewer", "value": "x"}, auth=airflow3.viewer)
    assert (status, body) == (403, {"detail": "Forbidden"})


def test_fab_server_issues_a_token_for_its_admin_and_lists_its_users(airflow3_fab):
    token = airflow3_fab.token(airflow3_fab.admin, fresh=True)
    assert jwt_claims(token)["sub"] == "1"  # FAB names the user by its id; the admin was created first
    status, body = airflow3_fab.request("GET", f"{airflow3_fab.base_url}/auth/fab/v1/users")
    assert status == 200
    roles = {user["username"]: [role["name"] for role in user["roles"]] for user in body["users"]}
    assert roles == {"admin": ["Admin"], "viewer": ["Viewer"]}
    status, _ = airflow3_fab.request("GET", "/dags?limit=1", auth=airflow3_fab.viewer)
    assert status == 200
    status, _ = airflow3_fab.request("POST", "/variables", {"key": "from_viewer", "value": "x"},
                                     auth=airflow3_fab.viewer)
    assert status == 403


def test_a_run_triggered_with_a_null_logical_date_runs_to_success(airflow3, finished_runs3):
    run_id = finished_runs3["ti_plain"]
    status, run = airflow3.request("GET", run_path("ti_plain", run_id))
    assert status == 200
    assert (run["state"], run["logical_date"], run["run_type"], run["triggered_by"]) == (
        "success", None, "manual", "rest_api")
    status, body = airflow3.request("GET", run_path("ti_plain", run_id) + "/taskInstances")
    assert status == 200
    assert {ti["task_id"]: ti["state"] for ti in body["task_instances"]} == {
        "say_hello": "success", "after_hello": "success"}
    # The harness pins the task hostname to loopback, as for Airflow 2.
    assert {ti["hostname"] for ti in body["task_instances"]} == {"127.0.0.1"}
    status, log = airflow3.request("GET", run_path("ti_plain", run_id) + "/taskInstances/say_hello/logs/1")
    assert status == 200
    printed = [line for line in log["content"] if line.get("logger") == "task.stdout"]
    assert [line["event"] for line in printed] == ["hello from ti_plain"]


def test_the_mapped_task_ran_once_per_map_index(airflow3, finished_runs3):
    path = run_path("ti_mapped", finished_runs3["ti_mapped"]) + "/taskInstances/square/listMapped"
    status, body = airflow3.request("GET", path)
    assert status == 200
    assert sorted((ti["map_index"], ti["state"]) for ti in body["task_instances"]) == [
        (0, "success"), (1, "success"), (2, "success")]


def test_the_retried_task_failed_its_first_try_and_succeeded_on_the_second(airflow3, finished_runs3):
    path = run_path("ti_retry", finished_runs3["ti_retry"]) + "/taskInstances/flaky"
    status, body = airflow3.request("GET", path)
    assert (status, body["state"], body["try_number"], body["max_tries"]) == (200, "success", 2, 1)
    status, body = airflow3.request("GET", path + "/tries")
    assert status == 200
    assert [(ti["try_number"], ti["state"]) for ti in body["task_instances"]] == [(1, "failed"), (2, "success")]


def test_blocked_run_stays_queued_with_stateless_task_instances(airflow3, blocked_run3):
    status, body = airflow3.request("GET", run_path("ti_blocked", blocked_run3))
    assert (status, body["state"]) == (200, "queued")
    status, body = airflow3.request("GET", run_path("ti_blocked", blocked_run3) + "/taskInstances")
    assert status == 200, body
    states = {(ti["task_id"], ti["map_index"]): ti["state"] for ti in body["task_instances"]}
    assert states == {("first", -1): None, ("second", -1): None, ("fan", 0): None, ("fan", 1): None}
