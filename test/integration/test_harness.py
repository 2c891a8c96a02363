"""Checks that the local Airflow server is what the client's integration tests expect."""

from __future__ import annotations

import urllib.parse

ALL_DAGS = ("ti_plain", "ti_mapped", "ti_retry", "ti_blocked")


def test_health_reports_scheduler_and_metadatabase_healthy(airflow):
    status, body = airflow.request("GET", "/health", auth=None)
    assert status == 200
    assert body["metadatabase"]["status"] == "healthy"
    assert body["scheduler"]["status"] == "healthy"
    assert body["scheduler"]["latest_scheduler_heartbeat"]


def test_all_test_dags_are_listed_and_tagged(airflow):
    status, body = airflow.request("GET", "/dags?tags=client-test&limit=100")
    assert status == 200
    listed = {dag["dag_id"]: dag for dag in body["dags"]}
    assert set(ALL_DAGS) <= set(listed)
    assert listed["ti_blocked"]["is_paused"] is True
    assert listed["ti_plain"]["is_paused"] is False


def test_each_finished_run_succeeded(airflow, finished_runs):
    assert set(finished_runs) == {"ti_plain", "ti_mapped", "ti_retry"}
    for dag_id, run_id in finished_runs.items():
        path = f"/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}"
        status, body = airflow.request("GET", path)
        assert status == 200, body
        assert body["dag_run_id"] == run_id
        assert body["state"] == "success"


def test_retry_dag_took_two_tries_and_mapped_dag_has_three_instances(airflow, finished_runs):
    retry_run = urllib.parse.quote(finished_runs["ti_retry"], safe="")
    status, body = airflow.request("GET", f"/dags/ti_retry/dagRuns/{retry_run}/taskInstances/flaky")
    assert status == 200, body
    assert (body["state"], body["try_number"]) == ("success", 2)
    # The harness pins the task hostname to loopback so that log fetches stay on 127.0.0.1.
    assert body["hostname"] == "127.0.0.1"

    mapped_run = urllib.parse.quote(finished_runs["ti_mapped"], safe="")
    path = f"/dags/ti_mapped/dagRuns/{mapped_run}/taskInstances/square/listMapped"
    status, body = airflow.request("GET", path)
    assert status == 200, body
    assert sorted(ti["map_index"] for ti in body["task_instances"]) == [0, 1, 2]
    assert {ti["state"] for ti in body["task_instances"]} == {"success"}


def test_blocked_run_stays_queued_with_stateless_task_instances(airflow, blocked_run):
    run = urllib.parse.quote(blocked_run, safe="")
    status, body = airflow.request("GET", f"/dags/ti_blocked/dagRuns/{run}")
    assert (status, body["state"]) == (200, "queued")
    status, body = airflow.request("GET", f"/dags/ti_blocked/dagRuns/{run}/taskInstances")
    assert status == 200, body
    states = {(ti["task_id"], ti["map_index"]): ti["state"] for ti in body["task_instances"]}
    assert states == {("first", -1): None, ("second", -1): None, ("fan", 0): None, ("fan", 1): None}


def test_viewer_can_read_but_is_forbidden_to_write(airflow):
    # The Viewer role reads DAGs but has no access to variables at all.
    status, _ = airflow.request("GET", "/dags", auth=airflow.viewer)
    assert status == 200
    body = {"key": "from_viewer", "value": "x"}
    status, _ = airflow.request("POST", "/variables", body, auth=airflow.viewer)
    assert status == 403


def test_bad_credentials_are_answered_with_403(airflow):
    # Airflow 2.11's basic_auth backend says 403 here, not the 401 its spec documents.
    status, _ = airflow.request("GET", "/dags", auth=(airflow.admin[0], "wrong-password"))
    assert status == 403


def test_trigger_and_wait_gives_a_fresh_successful_run(airflow, trigger_and_wait, finished_runs):
    run_id = trigger_and_wait("ti_plain", conf={"source": "harness"})
    assert run_id != finished_runs["ti_plain"]
    status, body = airflow.request("GET", f"/dags/ti_plain/dagRuns/{urllib.parse.quote(run_id, safe='')}")
    assert (status, body["state"], body["conf"]) == (200, "success", {"source": "harness"})
