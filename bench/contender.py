"""One contender, run inside that contender's own interpreter as a worker driven by bench/run.py.

    python bench/contender.py floor|client|client3 --port N

It reads one JSON command a line on stdin and answers each with one JSON line on stdout, so that
run.py can interleave the rounds of all contenders: a burst of load on the machine then hits
every contender alike instead of skewing whichever happened to run at that moment.

`floor` is urllib3 + json.loads; `client` is whichever `airflow_client` this interpreter imports
(ours in the repo's venv, the official 2.x one in its cached venv): both expose the same API;
`client3` is the official 3.x client (`apache-airflow-client` 3.3.2), whose API is another one.
The `setup` command may name the calls to keep (`"calls": [...]`): the others are not made.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import sys
import time
import traceback
import tracemalloc
from typing import Any, Callable
from urllib.parse import quote

# Order of the rows in the report; run.py keeps the labels. V2_CALLS go to the server's Airflow 3 API.
CALLS = ("ti_100", "ti_10000", "runs_100", "patch")
V2_CALLS = ("ti_100_v2",)
ALL_CALLS = CALLS + V2_CALLS
BIG = "ti_10000"
DAG_ID = "bench_dag"
RUN_ID = "manual__2024-01-01T00:00:00+00:00"
TASK_ID = "task_1"
EXPECTED_ITEMS = {"ti_100": 100, "ti_10000": 10_000, "runs_100": 100, "patch": None, "ti_100_v2": 100}
# The bearer token the server's Airflow 3 API wants (bench/payloads.py V2_TOKEN; this file runs in other venvs).
V2_TOKEN = "bench-token"

Call = Callable[..., Any]


def floor_calls(port: int) -> dict[str, Call]:
    """The least any client can do: send the request, read the bytes, parse the JSON."""
    import urllib3

    http = urllib3.PoolManager()
    base = f"http://127.0.0.1:{port}/api/v1"
    auth = "Basic " + base64.b64encode(b"admin:admin").decode()
    headers = {"Authorization": auth, "Accept": "application/json"}
    json_headers = {**headers, "Content-Type": "application/json"}
    patch_url = f"{base}/dags/{DAG_ID}/dagRuns/{quote(RUN_ID, safe='')}/taskInstances/{TASK_ID}"

    def get(url: str) -> Any:
        resp = http.request("GET", url, headers=headers)
        if resp.status != 200:
            raise RuntimeError(f"GET {url}: {resp.status}")
        return json.loads(resp.data)

    def patch() -> Any:
        body = json.dumps({"dry_run": True, "new_state": "success"}).encode()
        resp = http.request("PATCH", patch_url, body=body, headers=json_headers)
        if resp.status != 200:
            raise RuntimeError(f"PATCH {patch_url}: {resp.status}")
        return json.loads(resp.data)

    v2_headers = {"Authorization": f"Bearer {V2_TOKEN}", "Accept": "application/json"}

    def get_v2(url: str) -> Any:
        resp = http.request("GET", url, headers=v2_headers)
        if resp.status != 200:
            raise RuntimeError(f"GET {url}: {resp.status}")
        return json.loads(resp.data)

    return {
        "ti_100_v2": lambda: get_v2(f"http://127.0.0.1:{port}/api/v2/dags/~/dagRuns/~/taskInstances?limit=100"),
        "ti_100": lambda: get(f"{base}/dags/~/dagRuns/~/taskInstances?limit=100"),
        "ti_10000": lambda: get(f"{base}/dags/~/dagRuns/~/taskInstances?limit=10000"),
        "runs_100": lambda: get(f"{base}/dags/{DAG_ID}/dagRuns?limit=100"),
        "patch": patch,
    }


def client_calls(port: int) -> dict[str, Call]:
    """The documented calls of `airflow_client`, written the same way for ours and the official one."""
    import airflow_client.client
    from airflow_client.client.api import dag_run_api, task_instance_api
    from airflow_client.client.model.update_task_instance import UpdateTaskInstance
    from airflow_client.client.model.update_task_state import UpdateTaskState

    configuration = airflow_client.client.Configuration(
        host=f"http://127.0.0.1:{port}/api/v1", username="admin", password="admin"
    )
    api_client = airflow_client.client.ApiClient(configuration)
    tis = task_instance_api.TaskInstanceApi(api_client)
    runs = dag_run_api.DAGRunApi(api_client)

    def patch(**options: Any) -> Any:
        # The body model is built per call, as a caller would, like the floor's json.dumps.
        body = UpdateTaskInstance(dry_run=True, new_state=UpdateTaskState("success"))
        return tis.patch_task_instance(DAG_ID, RUN_ID, TASK_ID, body, **options)

    calls: dict[str, Call] = {
        "ti_100": lambda **options: tis.get_task_instances("~", "~", limit=100, **options),
        "ti_10000": lambda **options: tis.get_task_instances("~", "~", limit=10_000, **options),
        "runs_100": lambda **options: runs.get_dag_runs(DAG_ID, limit=100, **options),
        "patch": patch,
    }
    if hasattr(airflow_client.client.ApiClient, "server"):
        # A client that serves both generations (ours): the same 2.x call, given the server root, which
        # it finds runs Airflow 3 (asked once, at /api/v2/version, during setup).
        root = airflow_client.client.Configuration(host=f"http://127.0.0.1:{port}", access_token=V2_TOKEN)
        tis3 = task_instance_api.TaskInstanceApi(airflow_client.client.ApiClient(root))
        calls["ti_100_v2"] = lambda **options: tis3.get_task_instances("~", "~", limit=100, **options)
    return calls


def client3_calls(port: int) -> dict[str, Call]:
    """The official 3.x client's documented call for the same listing."""
    import airflow_client.client
    from airflow_client.client.api import task_instance_api

    configuration = airflow_client.client.Configuration(host=f"http://127.0.0.1:{port}", access_token=V2_TOKEN)
    tis = task_instance_api.TaskInstanceApi(airflow_client.client.ApiClient(configuration))
    return {"ti_100_v2": lambda **options: tis.get_task_instances("~", "~", limit=100, **options)}


def _field(obj: Any, name: str) -> Any:
    try:
        return getattr(obj, name)
    except AttributeError:
        return obj[name]


def describe(name: str, result: Any) -> dict[str, Any]:
    """What the call gave back: the item count (to prove the page was read) and how deep decoding went."""
    if name == "patch":
        return {"items": None, "result_type": type(result).__name__}
    items = _field(result, "dag_runs" if name == "runs_100" else "task_instances")
    if name == "ti_100_v2" and isinstance(result, dict):
        return {"items": len(items), "result_type": "dict", "item_type": "dict", "start_date_type": "str"}
    first = items[0]
    return {
        "items": len(items),
        "result_type": type(result).__name__,
        "item_type": type(first).__name__,
        "start_date_type": type(_field(first, "start_date")).__name__,
    }


def pick_variant(calls: dict[str, Call], kind: str) -> tuple[dict[str, Call], dict[str, Any]]:
    """Each call as documented; where that raises on the canned data, the same call without return checks."""
    chosen: dict[str, Call] = {}
    report: dict[str, Any] = {}
    for name in ALL_CALLS:
        if name not in calls:
            continue
        call = calls[name]
        entry: dict[str, Any] = {"variant": "default"}
        try:
            result = call()
        except Exception as exc:  # the official client may refuse realistic nulls
            if kind == "floor":
                raise
            entry = {"variant": "_check_return_type=False", "error": f"{type(exc).__name__}: {exc}"[:400]}

            def call(_inner: Call = calls[name]) -> Any:
                return _inner(_check_return_type=False)

            result = call()
        expected = EXPECTED_ITEMS[name]
        entry.update(describe(name, result))
        if expected is not None and entry["items"] != expected:
            raise RuntimeError(f"{name}: expected {expected} items, got {entry['items']}")
        chosen[name] = call
        report[name] = entry
    return chosen, report


def cpu_per_call(call: Call, n: int) -> float:
    """Client-process CPU seconds per call over n calls (user + system, this process only)."""
    gc.collect()
    start = time.process_time()
    for _ in range(n):
        call()
    return (time.process_time() - start) / n


def estimate(call: Call) -> float:
    """A rough CPU cost of one call, to size the rounds: at least 0.1 s of calls, or 200 calls."""
    spent, done = 0.0, 0
    while spent < 0.1 and done < 200:
        spent += cpu_per_call(call, 1)
        done += 1
    return spent / done


def measure_memory(call: Call) -> dict[str, int]:
    """Peak traced memory of one call: the response bytes, the parsed JSON and whatever is built from it."""
    gc.collect()
    tracemalloc.start()
    result = call()
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return {"peak": peak, "retained": retained}


def identity(kind: str) -> dict[str, Any]:
    import urllib3

    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "urllib3": urllib3.__version__,
    }
    if kind in ("client", "client3"):
        from importlib import metadata

        import airflow_client.client

        info["package_file"] = airflow_client.client.__file__
        # The distribution's own record: the official package's __version__ string carries stray quotes.
        for distribution in ("airflow-stable-client", "apache-airflow-client"):
            try:
                info["package_version"] = f"{distribution} {metadata.version(distribution)}"
                break
            except metadata.PackageNotFoundError:
                continue
    return info


def profile(call: Call, calls: int = 300, top: int = 25) -> str:
    import cProfile
    import io
    import pstats

    for _ in range(3):
        call()
    # Timed by process CPU, like the figures: waiting on the server's socket would otherwise top the list.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(calls):
        call()
    profiler.disable()
    out = io.StringIO()
    out.write(f"cProfile (process CPU time) of {calls} calls, sorted by tottime\n")
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def answer(kind: str, port: int, state: dict[str, Any], command: dict[str, Any]) -> Any:
    op = command["op"]
    if op == "setup":
        made = {"floor": floor_calls, "client": client_calls, "client3": client3_calls}[kind](port)
        wanted = command.get("calls")
        if wanted is not None:
            missing = [c for c in wanted if c not in made]
            if missing:
                raise RuntimeError(f"this contender cannot make {', '.join(missing)}")
            made = {name: call for name, call in made.items() if name in wanted}
        state["calls"], variants = pick_variant(made, kind)
        return {"identity": identity(kind), "variants": variants, "calls": list(state["calls"])}
    calls: dict[str, Call] = state["calls"]
    if op == "warm":
        for _ in range(command["n"]):
            calls[command["call"]]()
        return None
    if op == "estimate":
        return estimate(calls[command["call"]])
    if op == "round":
        return cpu_per_call(calls[command["call"]], command["n"])
    if op == "memory":
        return measure_memory(calls[BIG])
    if op == "profile":
        return profile(calls[command.get("call", "ti_100")])
    raise ValueError(f"unknown command {op!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=("floor", "client", "client3"))
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)

    state: dict[str, Any] = {}
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            break
        try:
            reply = {"result": answer(args.kind, args.port, state, command)}
        except Exception:
            reply = {"error": traceback.format_exc()}
        print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
