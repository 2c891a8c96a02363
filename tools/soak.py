"""Soak test: mixed reads and writes through one shared ApiClient against a real Airflow 2.11.2.

    python3 tools/soak.py [--minutes 5] [--threads 4] [--sample-every 5] [--margin 4]

Starts a throwaway Airflow (tools/local_airflow.LocalAirflow over test/dags), runs one `ti_plain` DAG
run to have task instances and logs to read, then for the given time has worker threads cycle
through variables (create, read, change, list, delete), pools (the same), task instance listings,
task logs (JSON and text) and task instance notes (write, read back), and now and then a new DAG run.
Every answer is checked, not only its status.

Every few seconds it counts the sockets this process holds (entries of /proc/self/fd that are
sockets). It fails (exit status 1) if any call failed or if the socket count ever exceeded
`Configuration.connection_pool_maxsize` plus the margin. Not run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

try:
    import airflow_client.client as client
except ImportError:  # run with an interpreter that lacks urllib3 & co: use the repo's venv if there is one
    venv_python = REPO_ROOT / ".venv" / "bin" / "python"
    if venv_python.exists() and Path(sys.executable).resolve() != venv_python.resolve():
        os.execv(str(venv_python), [str(venv_python), __file__, *sys.argv[1:]])
    raise

from airflow_client.client.api import dag_run_api, pool_api, task_instance_api, variable_api  # noqa: E402
from airflow_client.client.exceptions import NotFoundException  # noqa: E402
from tools.local_airflow import LocalAirflow  # noqa: E402

DAG_ID = "ti_plain"
TASK_ID = "say_hello"
LOG_LINE = "hello from ti_plain"


def say(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


def open_sockets() -> int:
    """Sockets held by this process right now."""
    total = 0
    for entry in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{entry}").startswith("socket:"):
                total += 1
        except OSError:  # closed between listdir and readlink
            pass
    return total


class Failed(Exception):
    """A call answered, but not what it should have."""


class Soak:
    def __init__(self, api_client: client.ApiClient, run_id: str, deadline: float) -> None:
        self.ti = task_instance_api.TaskInstanceApi(api_client)
        self.dr = dag_run_api.DAGRunApi(api_client)
        self.var = variable_api.VariableApi(api_client)
        self.pool = pool_api.PoolApi(api_client)
        self.run_id = run_id
        self.deadline = deadline
        self.lock = threading.Lock()
        self.note_lock = threading.Lock()  # one note writer at a time, so a read-back sees its own note
        self.calls: Counter[str] = Counter()
        self.failures: list[str] = []
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.runs_triggered = 0
        self.started_at = time.monotonic()

    # -- bookkeeping --------------------------------------------------------------------------------

    def call(self, name: str, fn: Callable[[], Any]) -> Any:
        started = time.monotonic()
        try:
            return fn()
        finally:
            elapsed = time.monotonic() - started
            with self.lock:
                self.calls[name] += 1
                self.latency[name].append(elapsed)

    def expect(self, condition: bool, what: str) -> None:
        if not condition:
            raise Failed(what)

    # -- the workload -------------------------------------------------------------------------------

    def variables(self, worker: int) -> None:
        key = f"soak-{worker}-{uuid.uuid4().hex[:8]} é/?#%"
        created = self.call("post_variables", lambda: self.var.post_variables({"key": key, "value": "one"}))
        self.expect(created.key == key, f"post_variables answered {created!r}")
        self.expect(self.call("get_variable", lambda: self.var.get_variable(key)).value == "one", "get_variable")
        changed = self.call("patch_variable", lambda: self.var.patch_variable(key, {"key": key, "value": "two"}))
        self.expect(changed.value == "two", f"patch_variable answered {changed!r}")
        page = self.call("get_variables", lambda: self.var.get_variables(limit=100))
        self.expect(page.total_entries >= 1, "get_variables listed nothing")
        self.call("delete_variable", lambda: self.var.delete_variable(key))
        try:
            self.call("get_variable (deleted)", lambda: self.var.get_variable(key))
        except NotFoundException:
            return
        raise Failed(f"variable {key!r} still there after delete_variable")

    def pools(self, worker: int) -> None:
        name = f"soak-{worker}-{uuid.uuid4().hex[:8]}"
        self.expect(self.call("post_pool", lambda: self.pool.post_pool({"name": name, "slots": 2})).slots == 2,
                    "post_pool")
        self.expect(self.call("get_pool", lambda: self.pool.get_pool(name)).open_slots == 2, "get_pool")
        resized = self.call("patch_pool", lambda: self.pool.patch_pool(name, {"name": name, "slots": 5}))
        self.expect(resized.slots == 5, f"patch_pool answered {resized!r}")
        listed = self.call("get_pools", lambda: self.pool.get_pools(limit=100))
        self.expect(any(p.name == "default_pool" for p in listed.pools), "get_pools without default_pool")
        self.call("delete_pool", lambda: self.pool.delete_pool(name))

    def task_instances(self, worker: int) -> None:
        page = self.call("get_task_instances", lambda: self.ti.get_task_instances(DAG_ID, self.run_id))
        self.expect({t.task_id for t in page.task_instances} == {"say_hello", "after_hello"},
                    f"get_task_instances: {[t.task_id for t in page.task_instances]}")
        everywhere = self.call("get_task_instances ~/~",
                               lambda: self.ti.get_task_instances("~", "~", state=["success"], limit=50))
        self.expect(everywhere.total_entries >= 2, "get_task_instances ~/~ found no successes")
        one = self.call("get_task_instance", lambda: self.ti.get_task_instance(DAG_ID, self.run_id, TASK_ID))
        self.expect(one.state == "success" and one.start_date.tzinfo is not None, f"get_task_instance: {one!r}")

    def logs(self, worker: int) -> None:
        chunk = self.call("get_log", lambda: self.ti.get_log(DAG_ID, self.run_id, TASK_ID, 1, full_content=True))
        self.expect(LOG_LINE in chunk.content, "get_log without the task's line")
        text = self.call("get_log as text", lambda: self.ti.get_log(DAG_ID, self.run_id, TASK_ID, 1,
                                                                     _headers={"Accept": "text/plain"}))
        self.expect(isinstance(text, str) and LOG_LINE in text, "get_log as text without the task's line")

    def notes(self, worker: int) -> None:
        note = f"soak note {worker} {uuid.uuid4().hex[:6]} ✓"
        with self.note_lock:
            answered = self.call("set_task_instance_note", lambda: self.ti.set_task_instance_note(
                DAG_ID, self.run_id, TASK_ID, {"note": note}))
            self.expect(answered.note == note, f"set_task_instance_note answered {answered.get('note')!r}")
            read = self.call("get_task_instance", lambda: self.ti.get_task_instance(DAG_ID, self.run_id, TASK_ID))
            self.expect(read.note == note, f"note read back as {read.get('note')!r}")

    def dag_runs(self, worker: int) -> None:
        runs = self.call("get_dag_runs", lambda: self.dr.get_dag_runs(DAG_ID, order_by="-execution_date", limit=5))
        self.expect(runs.total_entries >= 1, "get_dag_runs listed nothing")
        if worker == 0 and self.runs_triggered < 5 and time.monotonic() - self.started_at > 60 * self.runs_triggered:
            created = self.call("post_dag_run", lambda: self.dr.post_dag_run(DAG_ID, {"note": "soak"}))
            self.expect(created.state in ("queued", "running"), f"post_dag_run answered {created!r}")
            self.runs_triggered += 1

    def work(self, worker: int) -> None:
        steps = [self.variables, self.task_instances, self.pools, self.logs, self.notes, self.dag_runs]
        i = worker
        while time.monotonic() < self.deadline:
            step = steps[i % len(steps)]
            i += 1
            try:
                step(worker)
            except Exception as exc:  # every failure is counted and reported, none stops the soak
                with self.lock:
                    self.failures.append(f"{time.strftime('%H:%M:%S')} worker {worker} {step.__name__}: "
                                         f"{type(exc).__name__}: {str(exc)[:300]}")


def wait_for_run(dr: dag_run_api.DAGRunApi, run_id: str, timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = dr.get_dag_run(DAG_ID, run_id).state
        if state in ("success", "failed"):
            return str(state)
        time.sleep(1)
    raise TimeoutError(f"run {run_id} did not finish in {timeout:.0f} s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to soak (default 5)")
    parser.add_argument("--threads", type=int, default=4, help="worker threads sharing one ApiClient (default 4)")
    parser.add_argument("--sample-every", type=float, default=5.0, help="seconds between socket counts (default 5)")
    parser.add_argument("--margin", type=int, default=4,
                        help="sockets allowed beyond connection_pool_maxsize (default 4)")
    args = parser.parse_args(argv)

    baseline = open_sockets()
    say(f"{baseline} socket(s) open before starting; starting Airflow (about a minute)")
    with LocalAirflow(REPO_ROOT / "test" / "dags") as airflow:
        airflow.wait_for_dags([DAG_ID])
        config = client.Configuration(host=airflow.host, username=airflow.admin[0], password=airflow.admin[1])
        limit = config.connection_pool_maxsize + args.margin
        samples: list[tuple[float, int]] = []
        with client.ApiClient(config) as api_client:
            dr = dag_run_api.DAGRunApi(api_client)
            run_id = dr.post_dag_run(DAG_ID, {}).dag_run_id
            say(f"triggered {DAG_ID} run {run_id}; waiting for it to finish")
            state = wait_for_run(dr, run_id)
            if state != "success":
                say(f"the set-up run ended {state}; scheduler log:\n{airflow.log_tail('scheduler')}")
                return 1

            began = time.monotonic()
            soak = Soak(api_client, run_id, began + args.minutes * 60)
            say(f"soaking for {args.minutes:g} min with {args.threads} threads; socket limit {limit} "
                f"(connection_pool_maxsize {config.connection_pool_maxsize} + margin {args.margin})")
            workers = [threading.Thread(target=soak.work, args=(w,), daemon=True) for w in range(args.threads)]
            for w in workers:
                w.start()
            next_report = began + 30
            while any(w.is_alive() for w in workers):
                samples.append((time.monotonic() - began, open_sockets()))
                if time.monotonic() >= next_report:
                    next_report += 30
                    with soak.lock:
                        calls, failures = sum(soak.calls.values()), len(soak.failures)
                    say(f"{time.monotonic() - began:5.0f} s: {calls} calls, {failures} failures, "
                        f"{samples[-1][1]} sockets (max so far {max(n for _, n in samples)})")
                time.sleep(args.sample_every)
            for w in workers:
                w.join()
            samples.append((time.monotonic() - began, open_sockets()))
            elapsed = time.monotonic() - began
        after = open_sockets()

    calls = sum(soak.calls.values())
    counts = [n for _, n in samples]
    print()
    print(f"soak: {elapsed:.0f} s, {args.threads} threads, {calls} calls ({calls / elapsed:.1f}/s), "
          f"{len(soak.failures)} failures, {soak.runs_triggered} DAG runs triggered")
    print(f"soak: sockets sampled {len(counts)} times every {args.sample_every:g} s: min {min(counts)}, "
          f"max {max(counts)}, last {counts[-1]}; limit {limit}; before start {baseline}, after stop {after}")
    print(f"soak: {'operation':32s} {'calls':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    for name in sorted(soak.calls):
        lat = soak.latency[name]
        print(f"soak: {name:32s} {soak.calls[name]:7d} {percentile(lat, 0.5) * 1000:8.1f} "
              f"{percentile(lat, 0.95) * 1000:8.1f} {max(lat) * 1000:8.1f}")
    for failure in soak.failures[:20]:
        print(f"soak: FAILED {failure}")
    ok = not soak.failures and max(counts) <= limit
    print(f"soak: {'PASS' if ok else 'FAIL'}"
          + ("" if max(counts) <= limit else f": {max(counts)} sockets open, more than {limit}"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
