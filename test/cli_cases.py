"""The `airflow-client` command line against a real Airflow, run as a separate process.

A module imports everything from here (tests and fixtures) and defines `cli_server`: a `CliServer` over
the real Airflow 2.11.2 of test/integration or the real Airflow 3.3.2 of test/integration3, with the
finished runs of ti_plain, ti_mapped and ti_retry. What the command prints is checked against what the
harness reads with its own raw HTTP calls.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tools.local_airflow import AirflowServer, quote_segment

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class CliServer:
    airflow: AirflowServer  # the harness: raw HTTP set-up and checks
    runs: dict[str, str]  # dag_id -> run id of a finished, successful run: ti_plain, ti_mapped, ti_retry

    @property
    def login(self) -> list[str]:
        user, password = self.airflow.admin
        return ["--host", self.airflow.base_url, "--username", user, "--password", password]


def cli(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m airflow_client.cli ARGS` in a fresh process, with no AIRFLOW_CLIENT_* but those in `env`."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW_CLIENT_")}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "airflow_client.cli", *args], capture_output=True, text=True,
                          env=environ, input=stdin if stdin is not None else "", timeout=timeout, cwd=REPO_ROOT)


def ok(proc: subprocess.CompletedProcess[str], code: int = 0) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == code, (
        f"exit {proc.returncode}, expected {code}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


def table(text: str) -> list[dict[str, str]]:
    """Rows of a printed table, each cell cut at its header's column: proves the columns are aligned."""
    lines = text.splitlines()
    header = lines[0]
    names = header.split()
    starts = [header.index(" " + n) + 1 if i else 0 for i, n in enumerate(names)]
    rows = []
    for line in lines[1:]:
        cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None], strict=True)]
        for a in starts[1:]:
            assert line[a - 2:a] == "  " or len(line) < a, f"a cell runs into the next column: {line!r}"
        rows.append(dict(zip(names, cells, strict=True)))
    return rows


def raw(server: CliServer, path: str) -> Any:
    status, body = server.airflow.request("GET", path)
    assert status == 200, f"GET {path}: {status} {body}"
    return body


@pytest.fixture(scope="module")
def triggered(cli_server: CliServer) -> tuple[subprocess.CompletedProcess[str], str]:
    """`runs trigger ti_plain --run-id ID --conf ... --wait -o json`, run once: (the process, ID)."""
    run_id = f"cli_{uuid.uuid4().hex[:10]}"
    proc = cli(*cli_server.login, "runs", "trigger", "ti_plain", "--run-id", run_id, "--conf", '{"day": "2024-01-01"}',
               "--wait", "--timeout", "240", "--poll-interval", "1", "-o", "json", timeout=300)
    return proc, run_id


# -- dags -------------------------------------------------------------------------------------------------


def test_dags_list_prints_every_tagged_dag_in_aligned_columns(cli_server: CliServer) -> None:
    rows = table(ok(cli(*cli_server.login, "dags", "list", "--tag", "toggle")).stdout)
    assert list(rows[0]) == ["DAG_ID", "PAUSED", "TAGS", "OWNERS"]
    expected = {d["dag_id"] for d in raw(cli_server, "/dags?tags=toggle&limit=100")["dags"]}
    assert {r["DAG_ID"] for r in rows} == expected == {"toggle_one", "toggle_two"}
    assert all(set(r["TAGS"].split(",")) == {"client-test", "toggle"} for r in rows)


def test_dags_list_paused_and_active_filter_json(cli_server: CliServer) -> None:
    cli_server.airflow.set_paused("ti_blocked", True)
    paused = json.loads(ok(cli(*cli_server.login, "dags", "list", "--paused", "-o", "json")).stdout)
    active = json.loads(ok(cli(*cli_server.login, "-o", "json", "dags", "list", "--active")).stdout)
    assert {d["is_paused"] for d in paused} == {True} and {d["is_paused"] for d in active} == {False}
    assert "ti_blocked" in {d["dag_id"] for d in paused}
    assert "ti_plain" in {d["dag_id"] for d in active}
    listed = {d["dag_id"] for d in raw(cli_server, "/dags?limit=100")["dags"]}
    assert {d["dag_id"] for d in paused} | {d["dag_id"] for d in active} == listed


# -- runs -------------------------------------------------------------------------------------------------


def test_trigger_and_wait_exits_0_when_the_run_succeeds(cli_server: CliServer, triggered: Any) -> None:
    proc, run_id = triggered
    run = json.loads(ok(proc).stdout)
    assert run["dag_run_id"] == run_id and run["state"] == "success" and run["conf"] == {"day": "2024-01-01"}
    stored = raw(cli_server, f"/dags/ti_plain/dagRuns/{quote_segment(run_id)}")
    assert stored["state"] == "success" and stored["conf"] == {"day": "2024-01-01"}


def test_trigger_and_wait_exits_1_when_the_run_fails(cli_server: CliServer) -> None:
    proc = ok(cli(*cli_server.login, "runs", "trigger", "ti_fails", "--wait", "--timeout", "240",
                  "--poll-interval", "1", timeout=300), 1)
    (row,) = table(proc.stdout)
    assert row["STATE"] == "failed"
    assert f"run {row['RUN_ID']} of ti_fails ended failed" in proc.stderr
    assert raw(cli_server, f"/dags/ti_fails/dagRuns/{quote_segment(row['RUN_ID'])}")["state"] == "failed"


def test_trigger_without_wait_exits_0_and_with_a_short_timeout_exits_4(cli_server: CliServer) -> None:
    cli_server.airflow.set_paused("ti_blocked", True)  # its runs stay queued
    (queued,) = table(ok(cli(*cli_server.login, "runs", "trigger", "ti_blocked")).stdout)
    assert queued["STATE"] == "queued"
    started = time.monotonic()
    proc = ok(cli(*cli_server.login, "runs", "trigger", "ti_blocked", "--wait", "--timeout", "3",
                  "--poll-interval", "1", "-o", "json"), 4)
    assert time.monotonic() - started < 30
    assert "timed out" in proc.stderr and "still 'queued' after 3.0 s" in proc.stderr
    last = json.loads(proc.stdout)  # the run as last seen
    assert last["state"] == "queued" and last["dag_id"] == "ti_blocked"
    # Following the log of a task that never starts ends the same way.
    proc = ok(cli(*cli_server.login, "logs", "ti_blocked", queued["RUN_ID"], "first", "--follow", "--timeout", "3",
                  "--poll-interval", "1"), 4)
    assert "did not start within 3.0 s" in proc.stderr
    for run_id in (queued["RUN_ID"], last["dag_run_id"]):
        assert raw(cli_server, f"/dags/ti_blocked/dagRuns/{quote_segment(run_id)}")["state"] == "queued"
        cli_server.airflow.request("DELETE", f"/dags/ti_blocked/dagRuns/{quote_segment(run_id)}")


def test_runs_list_filters_by_state_and_limit(cli_server: CliServer, triggered: Any) -> None:
    ok(triggered[0])
    stored = {r["dag_run_id"]: r["state"] for r in raw(cli_server, "/dags/ti_plain/dagRuns?limit=100")["dag_runs"]}
    listed = json.loads(ok(cli(*cli_server.login, "runs", "list", "ti_plain", "-o", "json")).stdout)
    assert {r["dag_run_id"]: r["state"] for r in listed} == stored
    one = json.loads(ok(cli(*cli_server.login, "runs", "list", "ti_plain", "--state", "success", "--limit", "1",
                            "-o", "json")).stdout)
    assert len(one) == 1 and one[0]["state"] == "success"
    rows = table(ok(cli(*cli_server.login, "runs", "list", "ti_plain", "--state", "failed")).stdout)
    assert rows == []
    rows = table(ok(cli(*cli_server.login, "runs", "list", "ti_plain")).stdout)
    assert {r["RUN_ID"] for r in rows} == set(stored) and {triggered[1], cli_server.runs["ti_plain"]} <= set(stored)


# -- tasks ------------------------------------------------------------------------------------------------


def test_tasks_list_shows_each_map_index_in_both_outputs(cli_server: CliServer) -> None:
    run_id = cli_server.runs["ti_mapped"]
    listed = json.loads(ok(cli(*cli_server.login, "tasks", "list", "ti_mapped", run_id, "-o", "json")).stdout)
    assert sorted((t["task_id"], t["map_index"], t["state"]) for t in listed) == [
        ("square", i, "success") for i in range(3)]
    rows = table(ok(cli(*cli_server.login, "tasks", "list", "ti_mapped", run_id)).stdout)
    assert sorted((r["TASK_ID"], r["MAP_INDEX"], r["STATE"], r["TRY"]) for r in rows) == [
        ("square", str(i), "success", "1") for i in range(3)]
    none = json.loads(ok(cli(*cli_server.login, "tasks", "list", "ti_mapped", run_id, "--state", "failed",
                             "-o", "json")).stdout)
    assert none == []


def test_tasks_clear_dry_run_changes_nothing_then_clear_requeues(cli_server: CliServer, triggered: Any) -> None:
    run_id = triggered[1]
    ok(triggered[0])
    ti_path = f"/dags/ti_plain/dagRuns/{quote_segment(run_id)}/taskInstances/say_hello"
    dry = json.loads(ok(cli(*cli_server.login, "tasks", "clear", "ti_plain", run_id, "say_hello", "--dry-run",
                            "-o", "json")).stdout)
    assert [t["task_id"] for t in dry] == ["say_hello"]
    assert raw(cli_server, ti_path)["state"] == "success"
    assert raw(cli_server, f"/dags/ti_plain/dagRuns/{quote_segment(run_id)}")["state"] == "success"
    rows = table(ok(cli(*cli_server.login, "tasks", "clear", "ti_plain", run_id, "say_hello")).stdout)
    assert [(r["TASK_ID"], r["RUN_ID"]) for r in rows] == [("say_hello", run_id)]
    assert raw(cli_server, f"/dags/ti_plain/dagRuns/{quote_segment(run_id)}")["state"] in ("queued", "running")
    assert raw(cli_server, ti_path)["state"] != "success"


# -- logs -------------------------------------------------------------------------------------------------


def test_logs_read_the_latest_try_or_the_one_asked(cli_server: CliServer) -> None:
    run_id = cli_server.runs["ti_retry"]
    latest = ok(cli(*cli_server.login, "logs", "ti_retry", run_id, "flaky")).stdout
    assert "succeeded on try 2" in latest and "failing on purpose" not in latest
    first = ok(cli(*cli_server.login, "logs", "ti_retry", run_id, "flaky", "--try", "1")).stdout
    # Airflow 2's text has the exception's message; Airflow 3's text form of its records, the failure event.
    assert "failing on purpose, try 1" in first or "Task failed with exception" in first
    assert "succeeded on try" not in first
    doc = json.loads(ok(cli(*cli_server.login, "logs", "ti_retry", run_id, "flaky", "-o", "json")).stdout)
    assert doc["try_number"] == 2 and doc["task_id"] == "flaky" and "succeeded on try 2" in doc["content"]


def test_logs_of_one_map_index(cli_server: CliServer) -> None:
    text = ok(cli(*cli_server.login, "logs", "ti_mapped", cli_server.runs["ti_mapped"], "square",
                  "--map-index", "1")).stdout
    assert "square of 2" in text and "square of 1" not in text and "square of 3" not in text


def test_logs_follow_a_running_task_until_it_ends(cli_server: CliServer) -> None:
    run_id = cli_server.airflow.trigger_run("ti_slow_log")
    proc = ok(cli(*cli_server.login, "logs", "ti_slow_log", run_id, "tick", "--follow", "--timeout", "150",
                  "--poll-interval", "1", timeout=200))
    assert "tick 0" in proc.stdout and "ticking done" in proc.stdout
    assert proc.stdout.index("tick 0") < proc.stdout.index("ticking done")
    assert proc.stdout.count("ticking done") == 1
    finished = ok(cli(*cli_server.login, "logs", "ti_plain", cli_server.runs["ti_plain"], "say_hello", "--follow",
                      "--timeout", "30", "-o", "json"))
    assert "hello from ti_plain" in json.loads(finished.stdout)["content"]


# -- credentials, configuration, errors -------------------------------------------------------------------


def test_wrong_password_exits_3_and_never_shows_it(cli_server: CliServer) -> None:
    secret = f"wrong-{uuid.uuid4().hex}"
    proc = ok(cli("--host", cli_server.airflow.base_url, "--username", "admin", "--password", secret,
                  "dags", "list"), 3)
    assert "answered 40" in proc.stderr  # 403 from Airflow 2.11, 401 from Airflow 3
    assert secret not in proc.stderr and secret not in proc.stdout
    proc = ok(cli("--host", cli_server.airflow.base_url, "--username", "admin", "--password", "-",
                  "dags", "list", stdin=secret + "\n"), 3)
    assert secret not in proc.stderr and secret not in proc.stdout


def test_password_from_standard_input(cli_server: CliServer) -> None:
    user, password = cli_server.airflow.admin
    proc = ok(cli("--host", cli_server.airflow.base_url, "--username", user, "--password", "-", "-o", "json",
                  "dags", "list", "--tag", "toggle", stdin=password + "\n"))
    assert {d["dag_id"] for d in json.loads(proc.stdout)} == {"toggle_one", "toggle_two"}


def test_environment_variables_with_the_api_path_as_host(cli_server: CliServer) -> None:
    user, password = cli_server.airflow.admin
    env = {"AIRFLOW_CLIENT_HOST": cli_server.airflow.host, "AIRFLOW_CLIENT_USERNAME": user,
           "AIRFLOW_CLIENT_PASSWORD": password}
    run_id = cli_server.runs["ti_plain"]
    listed = json.loads(ok(cli("tasks", "list", "ti_plain", run_id, "-o", "json", env=env)).stdout)
    assert {(t["task_id"], t["state"]) for t in listed} == {("say_hello", "success"), ("after_hello", "success")}
    # An option on the command line wins over its variable.
    env["AIRFLOW_CLIENT_PASSWORD"] = "not-the-password"
    ok(cli("tasks", "list", "ti_plain", run_id, env=env), 3)
    ok(cli("--password", password, "tasks", "list", "ti_plain", run_id, env=env))


def test_bad_usage_exits_2(cli_server: CliServer) -> None:
    login = cli_server.login
    before = raw(cli_server, "/dags/ti_plain/dagRuns?limit=100")["total_entries"]
    for args in (
        [*login, "runs", "explode", "ti_plain"],
        [*login, "runs", "trigger", "ti_plain", "--conf", "[1, 2]"],
        [*login, "runs", "trigger", "ti_plain", "--timeout", "5"],
        [*login, "runs", "list", "ti_plain", "--limit", "-1"],
        [*login, "tasks", "clear", "ti_plain", "some_run"],
        [*login, "dags", "list", "--paused", "--active"],
        ["dags", "list"],
        [*login, "--token", "abc", "dags", "list"],
    ):
        proc = ok(cli(*args), 2)
        assert proc.stderr.strip() and proc.stdout == "", args
    # The refused commands triggered nothing.
    assert raw(cli_server, "/dags/ti_plain/dagRuns?limit=100")["total_entries"] == before


def test_api_errors_exit_3_with_status_and_detail(cli_server: CliServer) -> None:
    proc = ok(cli(*cli_server.login, "tasks", "list", "no_such_dag", "no_such_run"), 3)
    assert "answered 404" in proc.stderr and "no_such_dag" in proc.stderr
    proc = ok(cli(*cli_server.login, "tasks", "list", "ti_plain", "no_such_run", "--state", "failed"), 3)
    assert "answered 404" in proc.stderr and "no_such_run" in proc.stderr
    closed = cli("--host", "http://127.0.0.1:9", "--username", "admin", "--password", "pw-not-shown", "dags", "list")
    ok(closed, 3)
    assert "127.0.0.1:9" in closed.stderr and "pw-not-shown" not in closed.stderr


def test_installed_console_script(cli_server: CliServer) -> None:
    script = Path(sys.executable).parent / "airflow-client"
    assert script.exists(), f"{script} is missing: install the package (pip install -e .)"
    proc = subprocess.run([str(script), *cli_server.login, "-o", "json", "dags", "list", "--tag", "toggle"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert {d["dag_id"] for d in json.loads(proc.stdout)} == {"toggle_one", "toggle_two"}


def test_google_auth_through_a_composer_proxy(cli_server: CliServer, tmp_path: Path) -> None:
    # Composer's proxy in front of the real server, taking only tokens of a loopback Google token endpoint;
    # the command finds the service-account key through GOOGLE_APPLICATION_CREDENTIALS, as google-auth does.
    from test.managed_servers import Gate, ServiceAccountKey, TokenEndpoint

    airflow = cli_server.airflow
    google = TokenEndpoint()
    gate = Gate(airflow.base_url, lambda: airflow._authorization(airflow.admin), google.access_token_ok)
    try:
        key = ServiceAccountKey.create(tmp_path, google.token_uri)
        google.register(key)
        proc = ok(cli("--host", gate.url, "--auth", "google", "-o", "json", "dags", "list", "--tag", "toggle",
                      env={"GOOGLE_APPLICATION_CREDENTIALS": str(key.path)}))
        assert {d["dag_id"] for d in json.loads(proc.stdout)} == {"toggle_one", "toggle_two"}
        assert google.grants["access"] == 1 and gate.refused == 0
        # Without Google credentials the proxy refuses the call: given the API's path, that is a 401 (exit 3);
        # given the root, no Airflow API can be found there (exit 2).
        refused = ok(cli("--host", gate.url + airflow.api_path, "--token", "not-a-google-token", "dags", "list"), 3)
        assert "answered 401" in refused.stderr and "not-a-google-token" not in refused.stderr
        unknown = ok(cli("--host", gate.url, "dags", "list"), 2)
        assert "no Airflow REST API found" in unknown.stderr
        missing = ok(cli("--host", gate.url, "--auth", "google", "dags", "list",
                         env={"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "absent.json")}), 2)
        assert "--auth google" in missing.stderr and "absent.json" in missing.stderr
    finally:
        gate.close()
        google.close()


def test_mwaa_environment_through_invoke_rest_api(cli_server: CliServer, tmp_path: Path) -> None:
    # A loopback MWAA API endpoint that checks SigV4 and forwards to the real server; the command finds it,
    # the credentials and the region through boto3's own environment variables, as on a CI runner.
    from test.mwaa_servers import Environment, MwaaService, WebServer

    airflow = cli_server.airflow
    access_key, secret = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    service = MwaaService("eu-west-1", {access_key: secret})
    version = "3.3.2" if airflow.api_path == "/api/v2" else "2.11.2"
    env = Environment("ci-env", airflow.base_url, airflow.api_path, lambda: airflow._authorization(airflow.admin),
                      version)
    service.add(env)
    web = WebServer(service, env)
    aws = {"AWS_ENDPOINT_URL_MWAA": service.url, "AWS_DISABLE_HOST_PREFIX_INJECTION": "true",
           "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret,
           "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    try:
        proc = ok(cli("--mwaa-environment", "ci-env", "-o", "json", "dags", "list", "--tag", "toggle", env=aws))
        assert {d["dag_id"] for d in json.loads(proc.stdout)} == {"toggle_one", "toggle_two"}
        assert service.calls["InvokeRestApi"] >= 1 and service.invoked[-1][0] == "GET"
        runs = ok(cli("--mwaa-environment", "ci-env", "-o", "json", "runs", "list", "ti_plain",
                      env={**aws, "AIRFLOW_CLIENT_MWAA_ENVIRONMENT": "ci-env"}))
        assert cli_server.runs["ti_plain"] in {r["dag_run_id"] for r in json.loads(runs.stdout)}
        # A wrong secret: AWS refuses the signature (exit 3), and the secret is not shown.
        wrong = ok(cli("--mwaa-environment", "ci-env", "dags", "list",
                       env={**aws, "AWS_SECRET_ACCESS_KEY": "not-the-secret-1234"}), 3)
        assert "InvalidSignatureException" in wrong.stderr and "not-the-secret-1234" not in wrong.stderr
        both = ok(cli("--mwaa-environment", "ci-env", "--host", airflow.base_url, "dags", "list", env=aws), 2)
        assert "drop --host" in both.stderr
    finally:
        web.close()
        service.close()
