"""`airflow-client`: DAGs, runs, task instances and logs of an Airflow 2 or 3 server, from a shell or a CI job.

    airflow-client --host https://airflow.example.com --username ci --password - runs trigger etl --wait

Connection options come before the subcommand, each with an environment variable (AIRFLOW_CLIENT_HOST,
_USERNAME, _PASSWORD, _TOKEN, _AUTH, _MWAA_ENVIRONMENT). `--output json` prints one JSON document for `jq`.

Exit codes: 0 done (with `--wait`: the run succeeded), 1 the run ended in another state, 2 bad usage or
configuration, 3 an API or connection error, 4 `--timeout` passed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any, Callable, Sequence, TextIO

if TYPE_CHECKING:
    from airflow_client.client import ApiClient, ApiException

EXIT_OK = 0
EXIT_RUN_FAILED = 1
EXIT_USAGE = 2
EXIT_API = 3
EXIT_TIMEOUT = 4

PROG = "airflow-client"
ENV_PREFIX = "AIRFLOW_CLIENT_"

_EPILOG = """\
environment: AIRFLOW_CLIENT_HOST, AIRFLOW_CLIENT_USERNAME, AIRFLOW_CLIENT_PASSWORD, AIRFLOW_CLIENT_TOKEN,
AIRFLOW_CLIENT_AUTH and AIRFLOW_CLIENT_MWAA_ENVIRONMENT stand for the options of the same name; an option
given on the command line wins. An MWAA environment is reached with boto3's own AWS settings
(AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_DEFAULT_REGION, ...).

exit codes: 0 done (with --wait: the run succeeded); 1 the run ended in another state; 2 bad usage or
configuration; 3 an API or connection error; 4 --timeout passed.
"""


class UsageError(Exception):
    """A command line or configuration that cannot work: exit 2 with this message."""


# -- the command line -----------------------------------------------------------------------------------


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text!r}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of 0 or more, got {text!r}")
    return value


def _conf(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a JSON object, got {text!r} ({exc})") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"expected a JSON object such as '{{\"day\": \"2024-01-01\"}}', got {text!r}")
    return value


def _output_option(parser: argparse.ArgumentParser, default: Any) -> None:
    # Accepted before and after the subcommand; the subcommand's parser leaves it alone unless given.
    parser.add_argument("-o", "--output", choices=("table", "json"), default=default,
                        help="table: aligned columns (the default); json: one JSON document on stdout")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: connection options, then one subcommand."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Work with the DAGs, DAG runs, task instances and logs of an Airflow 2 or Airflow 3 server "
                    "through its REST API.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    conn = parser.add_argument_group("connection (before the subcommand)")
    conn.add_argument("--host", metavar="URL",
                      help="the server root (https://host:port), or its API: .../api/v1 (Airflow 2), .../api/v2 "
                           "(Airflow 3); env AIRFLOW_CLIENT_HOST")
    conn.add_argument("--username", metavar="NAME", help="env AIRFLOW_CLIENT_USERNAME")
    conn.add_argument("--password", metavar="PASSWORD",
                      help="'-' reads it from the first line of standard input; asked without echo on a terminal "
                           "when only a username is given; env AIRFLOW_CLIENT_PASSWORD")
    conn.add_argument("--token", metavar="TOKEN", help="a bearer token (hosted Airflow); env AIRFLOW_CLIENT_TOKEN")
    conn.add_argument("--auth", choices=("google",),
                      help="google: Google credentials of the environment (Cloud Composer), needs the [google] "
                           "extra; env AIRFLOW_CLIENT_AUTH")
    conn.add_argument("--mwaa-environment", metavar="NAME",
                      help="an Amazon MWAA environment, reached through the AWS API with boto3's credentials and "
                           "region (instead of --host); needs the [aws] extra; env AIRFLOW_CLIENT_MWAA_ENVIRONMENT")
    _output_option(parser, "table")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def sub(group: argparse._SubParsersAction[argparse.ArgumentParser], name: str,
            help_text: str) -> argparse.ArgumentParser:
        command: argparse.ArgumentParser = group.add_parser(name, help=help_text, description=help_text)
        _output_option(command, argparse.SUPPRESS)
        return command

    dags = commands.add_parser("dags", help="DAGs", description="DAGs").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    dags_list = sub(dags, "list", "List the DAGs, with their paused flag, tags and owners.")
    dags_list.add_argument("--tag", action="append", metavar="T", help="only DAGs with this tag (repeatable: any of)")
    paused = dags_list.add_mutually_exclusive_group()
    paused.add_argument("--paused", dest="paused", action="store_const", const=True, help="only paused DAGs")
    paused.add_argument("--active", dest="paused", action="store_const", const=False, help="only unpaused DAGs")
    dags_list.set_defaults(run=_dags_list)

    runs = commands.add_parser("runs", help="DAG runs", description="DAG runs").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    trigger = sub(runs, "trigger", "Trigger a run of a DAG; with --wait, wait until it ends.")
    trigger.add_argument("dag_id", metavar="DAG_ID")
    trigger.add_argument("--run-id", metavar="ID", help="the new run's id (default: chosen by the server)")
    trigger.add_argument("--conf", type=_conf, metavar="JSON", help="the run's conf, a JSON object")
    trigger.add_argument("--wait", action="store_true",
                         help="wait for the run to end: exit 0 if it succeeded, 1 otherwise")
    trigger.add_argument("--timeout", type=_positive_float, metavar="SECONDS",
                         help="with --wait: give up after this long, exit 4 (default 3600)")
    trigger.add_argument("--poll-interval", type=_positive_float, default=5.0, metavar="SECONDS",
                         help="with --wait: seconds between two looks at the run (default 5)")
    trigger.set_defaults(run=_runs_trigger)
    runs_list = sub(runs, "list", "List the runs of a DAG, newest first.")
    runs_list.add_argument("dag_id", metavar="DAG_ID")
    runs_list.add_argument("--state", action="append", metavar="S",
                           help="only runs in this state: queued, running, success, failed (repeatable)")
    runs_list.add_argument("--limit", type=_count, default=100, metavar="N", help="at most N runs (default 100)")
    runs_list.set_defaults(run=_runs_list)

    tasks = commands.add_parser("tasks", help="task instances", description="task instances").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    tasks_list = sub(tasks, "list", "List the task instances of a DAG run.")
    tasks_list.add_argument("dag_id", metavar="DAG_ID")
    tasks_list.add_argument("run_id", metavar="RUN_ID")
    tasks_list.add_argument("--state", action="append", metavar="S",
                            help="only task instances in this state, e.g. failed (repeatable)")
    tasks_list.set_defaults(run=_tasks_list)
    clear = sub(tasks, "clear", "Clear task instances of a DAG run, whatever their state, so that they run again "
                                "(the run goes back to queued).")
    clear.add_argument("dag_id", metavar="DAG_ID")
    clear.add_argument("run_id", metavar="RUN_ID")
    clear.add_argument("task_ids", nargs="+", metavar="TASK_ID")
    clear.add_argument("--dry-run", action="store_true", help="only list what would be cleared")
    clear.set_defaults(run=_tasks_clear)

    logs = sub(commands, "logs", "Print the log of one try of a task instance.")
    logs.add_argument("dag_id", metavar="DAG_ID")
    logs.add_argument("run_id", metavar="RUN_ID")
    logs.add_argument("task_id", metavar="TASK_ID")
    logs.add_argument("--try", dest="try_number", type=_count, metavar="N",
                      help="the try (default: the task instance's latest)")
    logs.add_argument("--map-index", type=int, metavar="I", help="the map index, for a mapped task")
    logs.add_argument("--follow", action="store_true", help="print the log as it grows, until the try ends")
    logs.add_argument("--timeout", type=_positive_float, metavar="SECONDS",
                      help="with --follow: give up after this long, exit 4 (default 3600)")
    logs.add_argument("--poll-interval", type=_positive_float, default=2.0, metavar="SECONDS",
                      help="with --follow: seconds between two reads (default 2)")
    logs.set_defaults(run=_logs)
    return parser


# -- connecting -----------------------------------------------------------------------------------------


def _setting(args: argparse.Namespace, name: str, environ: dict[str, str]) -> str | None:
    given = getattr(args, name)
    if given is not None:
        return str(given)
    return environ.get(ENV_PREFIX + name.upper()) or None


def _read_password(stdin: TextIO) -> str:
    line = stdin.readline()
    if not line:
        raise UsageError("--password -: standard input is empty; expected the password on its first line")
    return line.rstrip("\r\n")


class Mwaa:
    """Where the calls go when the server is an Amazon MWAA environment: its name (AWS settings are boto3's)."""

    def __init__(self, environment: str) -> None:
        self.environment = environment


def configuration(args: argparse.Namespace, environ: dict[str, str], stdin: TextIO) -> Any:
    """The client's `Configuration` from the options and the environment, or `Mwaa` for an MWAA
    environment; `UsageError` when it cannot work."""
    mwaa = _setting(args, "mwaa_environment", environ)
    if mwaa:
        given = [f"--{n}" for n in ("host", "username", "password", "token", "auth") if _setting(args, n, environ)]
        if given:
            raise UsageError(f"--mwaa-environment reaches the environment through the AWS API with AWS credentials: "
                             f"drop {', '.join(given)} (or their AIRFLOW_CLIENT_* variables)")
        return Mwaa(mwaa)
    host = _setting(args, "host", environ)
    if not host:
        raise UsageError("no Airflow server given: pass --host URL or set AIRFLOW_CLIENT_HOST "
                         "(the server root, or its .../api/v1 or .../api/v2)")
    if not host.startswith(("http://", "https://")):
        raise UsageError(f"--host: expected an http:// or https:// URL, got {host!r}")
    username = _setting(args, "username", environ)
    password = _setting(args, "password", environ)
    token = _setting(args, "token", environ)
    auth = _setting(args, "auth", environ)
    if auth is not None and auth != "google":
        raise UsageError(f"AIRFLOW_CLIENT_AUTH: expected 'google', got {auth!r}")
    if password == "-":
        password = _read_password(stdin)
    if token and (username or password):
        raise UsageError("give either a token (--token, AIRFLOW_CLIENT_TOKEN) or a username and password, not both")
    if auth and (token or username or password):
        raise UsageError("--auth google takes its credentials from the Google environment: "
                         "drop --token, --username and --password")
    if password is not None and not username:
        raise UsageError("a password was given without a username: pass --username or set AIRFLOW_CLIENT_USERNAME")
    if username and password is None:
        if not stdin.isatty():
            raise UsageError(f"no password for user {username!r}: pass --password - and write it to standard input, "
                             "or set AIRFLOW_CLIENT_PASSWORD")
        import getpass

        password = getpass.getpass(f"Password for {username}: ")

    from airflow_client.client import Configuration

    config = Configuration(host=host, username=username, password=password, access_token=token)
    if auth == "google":
        from airflow_client.client.managed import GoogleAuth, GoogleAuthError

        try:
            config.auth_flow = GoogleAuth()
        except (ImportError, GoogleAuthError) as exc:  # no google-auth, or no credentials in the environment
            raise UsageError(f"--auth google: {exc}") from None
    return config


# -- output ---------------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):  # datetime, date
        return value.isoformat()
    return str(value)


def plain(value: Any) -> Any:
    """A model, a list of them or a value, as plain JSON data (timestamps as ISO 8601 text)."""
    from airflow_client.client.json_values import plain as plain_values

    return json.loads(json.dumps(plain_values(value), default=_json_default))


def cell(value: Any) -> str:
    """One table cell: '-' for nothing, lists joined by commas, booleans as yes/no."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return str(value).replace("\n", " ")


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Aligned columns under an upper-case header, two spaces apart; the last column is not padded."""
    table = [[c.upper() for c in columns], *([cell(v) for v in row] for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    out = []
    for line in table:
        padded = [text.ljust(width) for text, width in zip(line[:-1], widths, strict=False)]
        out.append("  ".join([*padded, line[-1]]).rstrip())
    return "\n".join(out) + "\n"


class Printer:
    """Writes a command's answer: a table, or one JSON document."""

    def __init__(self, output: str, stdout: TextIO) -> None:
        self.json = output == "json"
        self.stdout = stdout

    def document(self, data: Any) -> None:
        self.stdout.write(json.dumps(plain(data), indent=2, sort_keys=True) + "\n")

    def records(self, items: Sequence[Any], columns: Sequence[tuple[str, Callable[[dict[str, Any]], Any]]]) -> None:
        data = [plain(item) for item in items]
        if self.json:
            self.document(data)
            return
        self.stdout.write(format_table([name for name, _ in columns], [[get(d) for _, get in columns] for d in data]))


def _field(*names: str) -> Callable[[dict[str, Any]], Any]:
    """The first of `names` the record has (Airflow 2 and 3 name some fields differently)."""
    def get(record: dict[str, Any]) -> Any:
        for name in names:
            if record.get(name) is not None:
                return record[name]
        return None
    return get


def _tags(record: dict[str, Any]) -> list[Any]:
    return [t.get("name") if isinstance(t, dict) else t for t in record.get("tags") or []]


DAG_COLUMNS = [("dag_id", _field("dag_id")), ("paused", _field("is_paused")), ("tags", _tags),
               ("owners", _field("owners"))]
RUN_COLUMNS = [("run_id", _field("dag_run_id")), ("state", _field("state")), ("run_type", _field("run_type")),
               ("logical_date", _field("logical_date", "execution_date")), ("start_date", _field("start_date")),
               ("end_date", _field("end_date"))]
TASK_COLUMNS = [("task_id", _field("task_id")), ("map_index", _field("map_index")), ("state", _field("state")),
                ("try", _field("try_number")), ("start_date", _field("start_date")), ("end_date", _field("end_date")),
                ("duration", _field("duration"))]
# Task instance states before a try starts: no log to follow yet.
NOT_STARTED = frozenset({"None", "none", "scheduled", "queued", "up_for_retry", "up_for_reschedule", "restarting"})
CLEARED_COLUMNS = [("task_id", _field("task_id")), ("run_id", _field("dag_run_id", "run_id")),
                   ("map_index", _field("map_index"))]


# -- the commands ---------------------------------------------------------------------------------------


def _dags_list(api_client: ApiClient, args: argparse.Namespace, out: Printer) -> int:
    from airflow_client.client.api.dag_api import DAGApi
    from airflow_client.client.pagination import paginate

    filters: dict[str, Any] = {}
    if args.tag:
        filters["tags"] = args.tag
    if args.paused is not None:
        filters["paused"] = args.paused
    out.records(list(paginate(DAGApi(api_client).get_dags, **filters)), DAG_COLUMNS)
    return EXIT_OK


def _runs_trigger(api_client: ApiClient, args: argparse.Namespace, out: Printer) -> int:
    from airflow_client.client.api.dag_run_api import DAGRunApi
    from airflow_client.client.exceptions import WaitTimeout
    from airflow_client.client.waiting import wait_for_dag_run

    if not args.wait and args.timeout is not None:
        raise UsageError("runs trigger: --timeout only applies with --wait")
    api = DAGRunApi(api_client)
    body: dict[str, Any] = {}
    if args.run_id is not None:
        body["dag_run_id"] = args.run_id
    if args.conf is not None:
        body["conf"] = args.conf
    run = api.post_dag_run(args.dag_id, body)
    code = EXIT_OK
    if args.wait:
        sys.stderr.write(f"{PROG}: triggered {args.dag_id} run {run.get('dag_run_id')}, waiting for it to end\n")
        try:
            run = wait_for_dag_run(api, args.dag_id, str(run.get("dag_run_id")),
                                   timeout=args.timeout or 3600.0, poll_interval=args.poll_interval)
            if str(run.get("state")) != "success":
                sys.stderr.write(f"{PROG}: run {run.get('dag_run_id')} of {args.dag_id} ended {run.get('state')}\n")
                code = EXIT_RUN_FAILED
        except WaitTimeout as exc:
            # The run as last seen still goes to stdout: a CI log shows where it stood.
            sys.stderr.write(f"{PROG}: timed out: {exc}\n")
            run, code = exc.last if exc.last is not None else run, EXIT_TIMEOUT
    if out.json:
        out.document(run)
    else:
        out.records([run], RUN_COLUMNS)
    return code


def _runs_list(api_client: ApiClient, args: argparse.Namespace, out: Printer) -> int:
    from airflow_client.client.api.dag_run_api import DAGRunApi
    from airflow_client.client.pagination import paginate

    filters: dict[str, Any] = {"order_by": "-execution_date"}  # the logical date's order on Airflow 3
    if args.state:
        filters["state"] = args.state
    runs = DAGRunApi(api_client).get_dag_runs
    out.records(list(paginate(runs, args.dag_id, max_items=args.limit, **filters)), RUN_COLUMNS)
    return EXIT_OK


def _tasks_list(api_client: ApiClient, args: argparse.Namespace, out: Printer) -> int:
    from airflow_client.client.api.task_instance_api import TaskInstanceApi
    from airflow_client.client.pagination import paginate

    filters: dict[str, Any] = {"state": args.state} if args.state else {}
    listing = list(paginate(TaskInstanceApi(api_client).get_task_instances, args.dag_id, args.run_id, **filters))
    if not listing:
        from airflow_client.client.api.dag_run_api import DAGRunApi

        # Airflow 2 lists no task instances for a run that does not exist: asking for the run says so (404).
        DAGRunApi(api_client).get_dag_run(args.dag_id, args.run_id)
    out.records(listing, TASK_COLUMNS)
    return EXIT_OK


def _tasks_clear(api_client: ApiClient, args: argparse.Namespace, out: Printer) -> int:
    from airflow_client.client.api.dag_api import DAGApi

    # Named tasks are cleared whatever their state (the API clears only failed ones unless told), and
    # their run is set back to queued so that the scheduler runs them again.
    body = {"dag_run_id": args.run_id, "task_ids": args.task_ids, "dry_run": args.dry_run, "only_failed": False,
            "reset_dag_runs": True}
    answer = DAGApi(api_client).post_clear_task_instances(args.dag_id, body)
    cleared = answer.get("task_instances") or []
    if not cleared:
        sys.stderr.write(f"{PROG}: no task instance of {args.dag_id} run {args.run_id} matched "
                         f"{', '.join(args.task_ids)}\n")
    out.records(cleared, CLEARED_COLUMNS)
    return EXIT_OK


def _logs(api_client: ApiClient, args: argparse.Namespace, out: Printer) -> int:
    from airflow_client.client.api.task_instance_api import TaskInstanceApi
    from airflow_client.client.exceptions import WaitTimeout
    from airflow_client.client.logs import follow_log, read_log

    if not args.follow and args.timeout is not None:
        raise UsageError("logs: --timeout only applies with --follow")
    api = TaskInstanceApi(api_client)

    def read_ti() -> Any:
        if args.map_index is None:
            return api.get_task_instance(args.dag_id, args.run_id, args.task_id)
        return api.get_mapped_task_instance(args.dag_id, args.run_id, args.task_id, args.map_index)

    timeout = args.timeout or 3600.0
    deadline = time.monotonic() + timeout
    try_number = args.try_number
    if try_number is None or args.follow:
        ti = read_ti()
        # A try that has not started has no log yet, and the server would call its log ended: following
        # waits for the task instance to start first.
        while args.follow and (str(ti.get("state")) in NOT_STARTED
                               or (try_number is not None and int(ti.get("try_number") or 0) < try_number)):
            if time.monotonic() + args.poll_interval > deadline:
                raise WaitTimeout(f"task instance {args.dag_id}/{args.run_id}/{args.task_id} did not start within "
                                  f"{timeout} s (it is {ti.get('state')})", last=ti)
            time.sleep(args.poll_interval)
            ti = read_ti()
        if try_number is None:
            # A task instance that has not run has try 0 on Airflow 2: its first try is the one to read.
            try_number = max(int(ti.get("try_number") or 0), 1)
    where = (args.dag_id, args.run_id, args.task_id, try_number)
    if args.follow:
        pieces = []
        for text in follow_log(api, *where, map_index=args.map_index, timeout=max(deadline - time.monotonic(), 0.0),
                               poll_interval=args.poll_interval):
            if out.json:
                pieces.append(text)
            else:
                out.stdout.write(text)
                out.stdout.flush()
        content = "".join(pieces)
    else:
        content = read_log(api, *where, map_index=args.map_index)
        if not out.json:
            out.stdout.write(content if content.endswith("\n") or not content else content + "\n")
    if out.json:
        out.document({"dag_id": args.dag_id, "dag_run_id": args.run_id, "task_id": args.task_id,
                      "map_index": args.map_index, "try_number": try_number, "content": content})
    return EXIT_OK


# -- running --------------------------------------------------------------------------------------------


def api_error_text(exc: ApiException) -> str:
    """What went wrong, for stderr: the status, Airflow's title and detail, the request; never a credential."""
    if exc.status is None:
        text = str(exc.reason)  # no answer: the reason says what could not be reached, and why
    else:
        text = f"the server answered {exc.status}" + (f" {exc.title}" if exc.title else "")
        why = exc.detail or (None if exc.title else exc.reason)
        if why and why != exc.title:
            text += f": {why}"
    if exc.method and exc.url:
        text += f" ({exc.method} {exc.url})"
    return text


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: dict[str, str] | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Run the command line; returns the exit code."""
    from airflow_client.client.exceptions import ApiException, OpenApiException, WaitTimeout

    err = sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = configuration(args, dict(os.environ) if environ is None else environ, stdin or sys.stdin)
    except UsageError as exc:
        err.write(f"{PROG}: error: {exc}\n")
        return EXIT_USAGE
    out = Printer(args.output, stdout or sys.stdout)
    try:
        with _client(config) as api_client:
            return int(args.run(api_client, args, out))
    except UsageError as exc:
        err.write(f"{PROG}: error: {exc}\n")
        return EXIT_USAGE
    except WaitTimeout as exc:
        err.write(f"{PROG}: timed out: {exc}\n")
        return EXIT_TIMEOUT
    except ApiException as exc:
        err.write(f"{PROG}: {api_error_text(exc)}\n")
        return EXIT_API
    except OpenApiException as exc:
        if type(exc).__name__ == "GoogleAuthError":  # no token could be had: the call never reached Airflow
            err.write(f"{PROG}: {exc}\n")
            return EXIT_API
        # Refused before anything was sent (a value the API does not take), or a host that is no Airflow.
        err.write(f"{PROG}: error: {exc}\n")
        return EXIT_USAGE


def _client(config: Any) -> ApiClient:
    """The client for `config`: an `MwaaApiClient` for an MWAA environment, else an `ApiClient`."""
    if not isinstance(config, Mwaa):
        from airflow_client.client import ApiClient

        return ApiClient(config)
    from airflow_client.client.managed import MwaaApiClient

    try:
        return MwaaApiClient(config.environment)
    except ImportError as exc:  # no boto3
        raise UsageError(f"--mwaa-environment: {exc}") from None


def run() -> None:
    """The console script's entry point."""
    try:
        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        # The reader (head, a closed pager) went away: stop quietly, as other command line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)


if __name__ == "__main__":
    run()
