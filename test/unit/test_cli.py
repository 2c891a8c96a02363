"""The `airflow-client` command line: its arguments, its configuration, its table, and its exit codes
against a loopback server (the real Airflow servers are in test/cli_cases.py)."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
from typing import Any

import pytest

from airflow_client import cli
from test.unit.conftest import Answer, LoopbackServer, Seen


def parse(*args: str) -> Any:
    return cli.build_parser().parse_args(list(args))


def run(*args: str, environ: dict[str, str] | None = None, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(list(args), environ=environ or {}, stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


# -- arguments --------------------------------------------------------------------------------------------


def test_every_subcommand_parses_its_arguments() -> None:
    args = parse("--host", "http://h", "dags", "list", "--tag", "a", "--tag", "b", "--paused")
    assert (args.command, args.action, args.tag, args.paused, args.output) == ("dags", "list", ["a", "b"], True,
                                                                                "table")
    assert parse("dags", "list", "--active").paused is False and parse("dags", "list").paused is None
    args = parse("runs", "trigger", "etl", "--run-id", "r1", "--conf", '{"day": 1}', "--wait", "--timeout", "2.5")
    assert (args.dag_id, args.run_id, args.conf, args.wait, args.timeout, args.poll_interval) == (
        "etl", "r1", {"day": 1}, True, 2.5, 5.0)
    args = parse("runs", "list", "etl", "--state", "failed", "--state", "queued", "--limit", "3")
    assert (args.dag_id, args.state, args.limit) == ("etl", ["failed", "queued"], 3)
    assert parse("runs", "list", "etl").limit == 100
    args = parse("tasks", "list", "etl", "run 1", "--state", "failed")
    assert (args.dag_id, args.run_id, args.state) == ("etl", "run 1", ["failed"])
    args = parse("tasks", "clear", "etl", "r", "a", "b", "--dry-run")
    assert (args.task_ids, args.dry_run) == (["a", "b"], True)
    args = parse("logs", "etl", "r", "t", "--try", "2", "--map-index", "0", "--follow", "--timeout", "9")
    assert (args.try_number, args.map_index, args.follow, args.timeout) == (2, 0, True, 9.0)
    assert parse("logs", "etl", "r", "t").try_number is None


def test_output_is_taken_before_or_after_the_subcommand() -> None:
    assert parse("-o", "json", "dags", "list").output == "json"
    assert parse("dags", "list", "--output", "json").output == "json"
    assert parse("--output", "json", "runs", "list", "x", "-o", "table").output == "table"


@pytest.mark.parametrize("args", [
    ["runs", "trigger", "etl", "--conf", "[1]"],
    ["runs", "trigger", "etl", "--conf", "{not json"],
    ["runs", "trigger", "etl", "--timeout", "0"],
    ["runs", "list", "etl", "--limit", "-2"],
    ["tasks", "clear", "etl", "r"],
    ["dags", "list", "--paused", "--active"],
    ["logs", "etl", "r", "t", "--try", "x"],
    ["-o", "yaml", "dags", "list"],
    ["dags"],
    [],
])
def test_bad_arguments_exit_2_with_a_message(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(args, environ={})
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


HELP = {
    (): ["--host", "--username", "--password", "--token", "--auth", "--mwaa-environment", "--output",
         "AIRFLOW_CLIENT_HOST", "AIRFLOW_CLIENT_MWAA_ENVIRONMENT", "exit codes"],
    ("dags",): ["list"],
    ("dags", "list"): ["--tag", "--paused", "--active", "--output"],
    ("runs",): ["trigger", "list"],
    ("runs", "trigger"): ["DAG_ID", "--run-id", "--conf", "--wait", "--timeout", "--poll-interval", "--output"],
    ("runs", "list"): ["DAG_ID", "--state", "--limit", "--output"],
    ("tasks",): ["list", "clear"],
    ("tasks", "list"): ["DAG_ID", "RUN_ID", "--state", "--output"],
    ("tasks", "clear"): ["DAG_ID", "RUN_ID", "TASK_ID", "--dry-run", "--output"],
    ("logs",): ["DAG_ID", "RUN_ID", "TASK_ID", "--try", "--map-index", "--follow", "--timeout", "--output"],
}


@pytest.mark.parametrize("words", list(HELP), ids=lambda w: " ".join(w) or "top")
def test_help_of_every_command_lists_its_options(words: tuple[str, ...]) -> None:
    proc = subprocess.run([sys.executable, "-m", "airflow_client.cli", *words, "--help"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for option in HELP[words]:
        assert option in proc.stdout, f"{' '.join(words)} --help does not mention {option}"


# -- configuration ----------------------------------------------------------------------------------------


def config_of(*args: str, environ: dict[str, str] | None = None, stdin: str = "") -> Any:
    return cli.configuration(parse(*args, "dags", "list"), environ or {}, io.StringIO(stdin))


def test_options_win_over_the_environment() -> None:
    env = {"AIRFLOW_CLIENT_HOST": "http://env:8080", "AIRFLOW_CLIENT_USERNAME": "env-user",
           "AIRFLOW_CLIENT_PASSWORD": "env-pw"}
    config = config_of(environ=env)
    assert (config.host, config.username, config.password) == ("http://env:8080", "env-user", "env-pw")
    config = config_of("--host", "http://opt/api/v2", "--password", "opt-pw", environ=env)
    assert (config.host, config.username, config.password) == ("http://opt/api/v2", "env-user", "opt-pw")
    config = config_of(environ={"AIRFLOW_CLIENT_HOST": "https://h", "AIRFLOW_CLIENT_TOKEN": "tok"})
    assert config.access_token == "tok" and config.auth_header() == "Bearer tok"


def test_password_dash_reads_the_first_line_of_standard_input() -> None:
    config = config_of("--host", "http://h", "--username", "u", "--password", "-", stdin="s3cret word\nnext\n")
    assert config.password == "s3cret word"
    with pytest.raises(cli.UsageError, match="standard input is empty"):
        config_of("--host", "http://h", "--username", "u", "--password", "-", stdin="")


@pytest.mark.parametrize(("args", "environ", "message"), [
    ((), {}, "no Airflow server given"),
    (("--host", "airflow.example.com"), {}, "expected an http:// or https:// URL"),
    (("--host", "http://h", "--token", "t", "--username", "u", "--password", "pw-9"), {}, "either a token"),
    (("--host", "http://h", "--password", "pw-9"), {}, "without a username"),
    (("--host", "http://h", "--username", "u"), {}, "no password for user 'u'"),
    (("--host", "http://h", "--auth", "google", "--token", "t"), {}, "--auth google takes"),
    (("--host", "http://h",), {"AIRFLOW_CLIENT_AUTH": "kerberos"}, "expected 'google'"),
    (("--mwaa-environment", "env", "--host", "http://h"), {}, "drop --host"),
    (("--mwaa-environment", "env"), {"AIRFLOW_CLIENT_USERNAME": "u", "AIRFLOW_CLIENT_PASSWORD": "pw-9"},
     "drop --username, --password"),
])
def test_unusable_configurations_are_refused_without_showing_secrets(
    args: tuple[str, ...], environ: dict[str, str], message: str
) -> None:
    with pytest.raises(cli.UsageError, match=message) as exc:
        config_of(*args, environ=environ)
    assert "pw-9" not in str(exc.value)


def test_an_mwaa_environment_needs_no_host_and_comes_from_the_option_or_the_environment() -> None:
    assert config_of("--mwaa-environment", "prod-env").environment == "prod-env"
    assert config_of(environ={"AIRFLOW_CLIENT_MWAA_ENVIRONMENT": "env-2"}).environment == "env-2"


def test_mwaa_environment_without_boto3_installed_exits_2() -> None:
    code = ("import sys; sys.modules['boto3'] = None; "
            "from airflow_client.cli import main; "
            "sys.exit(main(['--mwaa-environment', 'env', 'dags', 'list']))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "--mwaa-environment" in proc.stderr and "[aws]" in proc.stderr and "Traceback" not in proc.stderr


def test_auth_google_without_google_auth_installed_exits_2() -> None:
    code = ("import sys; sys.modules['google'] = None; sys.modules['google.auth'] = None; "
            "from airflow_client.cli import main; "
            "sys.exit(main(['--host', 'http://127.0.0.1:9', '--auth', 'google', 'dags', 'list']))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "--auth google" in proc.stderr and "pip install" in proc.stderr and "Traceback" not in proc.stderr


# -- the table --------------------------------------------------------------------------------------------


def test_table_aligns_columns_under_the_header() -> None:
    text = cli.format_table(["dag_id", "paused", "tags"],
                            [["a", True, ["x", "y"]], ["a_longer_id", False, []], ["b", None, ["z"]]])
    assert text == (
        "DAG_ID       PAUSED  TAGS\n"
        "a            yes     x,y\n"
        "a_longer_id  no      -\n"
        "b            -       z\n"
    )


def test_table_cells_are_one_line_and_an_empty_table_is_its_header() -> None:
    assert cli.format_table(["a", "b"], []) == "A  B\n"
    text = cli.format_table(["k", "v"], [["x", "two\nlines"], ["y", {"b": 1, "a": 2}], ["z", 0]])
    assert text.splitlines() == ["K  V", "x  two lines", 'y  {"a": 2, "b": 1}', "z  0"]


# -- exit codes against a loopback server -----------------------------------------------------------------


def test_an_api_error_exits_3_with_status_title_and_detail(server: LoopbackServer,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    server.reply(Answer(404, {"title": "DAG not found", "detail": "DAG with dag_id: 'nope' not found",
                              "status": 404}))
    code, out = run("--host", server.host, "--username", "u", "--password", "pw-secret-1", "runs", "list", "nope")
    err = capsys.readouterr().err
    assert code == 3 and out == ""
    assert "answered 404 DAG not found: DAG with dag_id: 'nope' not found" in err
    assert "GET http://127.0.0.1" in err and "pw-secret-1" not in err
    assert server.last.headers["Authorization"].startswith("Basic ")


def test_listing_pages_through_and_prints_json(server: LoopbackServer) -> None:
    def dag(i: int) -> dict[str, Any]:
        return {"dag_id": f"d{i}", "is_paused": i % 2 == 0, "tags": [{"name": "t"}], "owners": ["o"]}

    server.reply(Answer(body={"dags": [dag(i) for i in range(100)], "total_entries": 101}),
                 Answer(body={"dags": [dag(100)], "total_entries": 101}))
    code, out = run("--host", server.host, "--token", "tok", "-o", "json", "dags", "list", "--tag", "t", "--paused")
    assert code == 0
    listed = json.loads(out)
    assert [d["dag_id"] for d in listed] == [f"d{i}" for i in range(101)]
    assert [s.query.get("offset") for s in server.seen] == [["0"], ["100"]]
    assert server.seen[0].query["tags"] == ["t"] and server.seen[0].query["paused"] == ["true"]


def test_the_run_as_triggered_is_printed_in_a_table(server: LoopbackServer) -> None:
    server.reply(Answer(body={"dag_id": "etl", "dag_run_id": "r1", "state": "queued", "run_type": "manual",
                              "execution_date": "2024-01-01T00:00:00+00:00", "conf": {"a": 1}}))
    code, out = run("--host", server.host, "--token", "tok", "runs", "trigger", "etl", "--run-id", "r1",
                    "--conf", '{"a": 1}')
    assert code == 0
    assert server.last.json() == {"dag_run_id": "r1", "conf": {"a": 1}}
    header, row = out.splitlines()
    assert header.split() == ["RUN_ID", "STATE", "RUN_TYPE", "LOGICAL_DATE", "START_DATE", "END_DATE"]
    assert row.split() == ["r1", "queued", "manual", "2024-01-01T00:00:00+00:00", "-", "-"]


def test_a_host_where_no_airflow_answers_exits_2(server: LoopbackServer, capsys: pytest.CaptureFixture[str]) -> None:
    server.default = Answer(404, {"detail": "Not Found"})
    code, _ = run("--host", f"http://127.0.0.1:{server.port}", "--token", "tok", "runs", "list", "etl")
    assert code == 2
    assert [s.path for s in server.seen] == ["/api/v2/version", "/api/v1/version"]
    assert "no Airflow REST API found at" in capsys.readouterr().err


def test_an_unreachable_server_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run("--host", "http://127.0.0.1:9/api/v1", "--token", "tok-secret", "dags", "list")
    err = capsys.readouterr().err
    assert code == 3 and "127.0.0.1:9" in err and "tok-secret" not in err


def test_tasks_list_of_a_run_that_does_not_exist_exits_3(server: LoopbackServer,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # Airflow 2 answers an empty listing for a run that does not exist.
    server.reply(Answer(body={"task_instances": [], "total_entries": 0}),
                 Answer(404, {"title": "DAGRun not found", "detail": "DAGRun with DAG ID: 'etl' and DagRun ID: "
                                                                     "'gone' not found", "status": 404}))
    code, out = run("--host", server.host, "--token", "tok", "tasks", "list", "etl", "gone")
    assert code == 3 and out == ""
    assert [s.path for s in server.seen] == ["/api/v1/dags/etl/dagRuns/gone/taskInstances",
                                             "/api/v1/dags/etl/dagRuns/gone"]
    assert "answered 404 DAGRun not found" in capsys.readouterr().err


def _ended_token() -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"end_of_log": True, "log_pos": 9}).encode()).decode()
    return payload.rstrip("=") + ".signature"


def test_logs_follow_waits_for_the_task_instance_to_start(server: LoopbackServer) -> None:
    ti = {"task_id": "t", "dag_id": "etl", "dag_run_id": "r", "map_index": -1}
    states = [(None, 0), ("queued", 0), ("running", 1)]
    started = []

    def answer(seen: Seen) -> Answer:
        if seen.path.endswith("/taskInstances/t"):
            state, try_number = states.pop(0) if len(states) > 1 else states[0]
            started.append(state == "running")
            return Answer(body={**ti, "state": state, "try_number": try_number})
        # As Airflow 2 answers for a try that has not started: no file, and a log said to be ended.
        text = "started\n" if started and started[-1] else "*** Log file does not exist\n"
        return Answer(body={"content": f"[('host', {text!r})]", "continuation_token": _ended_token()})

    server.handler = answer
    code, out = run("--host", server.host, "--token", "tok", "logs", "etl", "r", "t", "--follow",
                    "--poll-interval", "0.05", "--timeout", "30")
    assert code == 0 and out == "started\n"
    assert server.last.path == "/api/v1/dags/etl/dagRuns/r/taskInstances/t/logs/1"


def test_logs_follow_of_a_task_that_never_starts_exits_4(server: LoopbackServer,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    server.default = Answer(body={"task_id": "t", "dag_id": "etl", "dag_run_id": "r", "state": None,
                                  "try_number": 0})
    code, _ = run("--host", server.host, "--token", "tok", "logs", "etl", "r", "t", "--follow",
                  "--poll-interval", "0.05", "--timeout", "0.3")
    assert code == 4
    assert "did not start within 0.3 s" in capsys.readouterr().err
    assert all("/logs/" not in s.path for s in server.seen)
