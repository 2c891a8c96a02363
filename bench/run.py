"""Benchmark: the floor (urllib3 + json), this client and the official clients, side by side.

    .venv/bin/python bench/run.py            full run (~3 min); prints the table, rewrites docs/performance.md
    .venv/bin/python bench/run.py --smoke    one short round of everything; prints the table only
    .venv/bin/python bench/run.py --profile  cProfile of this client on the 100-item call

Run it with the repo's venv interpreter (`python3 dev.py test --co -q` creates `.venv` once): it
measures the `airflow_client` that interpreter imports. The official `apache-airflow-client` is
installed once into its own venv under ~/.cache/airflow-client-bench, since both packages are
imported as `airflow_client`: 2.10.0 for the calls of the REST API v1 (Airflow 2), 3.3.2 for the same
listing from the REST API v2 (Airflow 3), which the floor and this client make too. Each contender
runs in its own interpreter (bench/contender.py) against one loopback server in a process of its
own (bench/server.py).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DOC = ROOT / "docs" / "performance.md"
sys.path.insert(0, str(BENCH))

from contender import ALL_CALLS, BIG, CALLS, V2_CALLS  # noqa: E402
from official_env import ENV_DIR, OFFICIAL3_VERSION, OFFICIAL_VERSION, ensure_official_env, env_dir  # noqa: E402

LABELS = {
    "ti_100": "list 100 task instances",
    "ti_10000": "list 10,000 task instances",
    "runs_100": "list 100 DAG runs",
    "patch": "PATCH a task instance (dry run)",
    "ti_100_v2": "list 100 task instances, Airflow 3 (API v2)",
}
# The contenders of the Airflow 2 table, and those of the Airflow 3 one.
CONTENDERS = ("floor", "ours", "official")
CONTENDERS_V2 = ("floor", "ours", "official3")
ALL_CONTENDERS = ("floor", "ours", "official", "official3")
NAMES = {
    "floor": "floor (urllib3 + json)",
    "ours": "ours (this repo)",
    "official": f"official {OFFICIAL_VERSION}",
    "official3": f"official {OFFICIAL3_VERSION}",
}
# Worker kind and the calls each contender makes.
KINDS = {"floor": "floor", "ours": "client", "official": "client", "official3": "client3"}
CALLS_OF = {"floor": ALL_CALLS, "ours": ALL_CALLS, "official": CALLS, "official3": V2_CALLS}
IMPORT_CODE = "import airflow_client.client; from airflow_client.client.api import task_instance_api"
PACKAGE_IMPORT_CODE = "import airflow_client.client"
# The figures the table reports against; shown, never asserted.
CPU_TARGET = 1.5
OFFICIAL_TARGET = 20.0
MEMORY_TARGET = 1.5
CPU_TARGET_V2 = 1.3
PACKAGE_IMPORT_TARGET = 0.100
# Rounds of a figure are cut to fit this many CPU seconds, never below MIN_ROUNDS: one call of the
# official client on the 10,000-item page takes seconds.
FIGURE_BUDGET = 12.0
MIN_ROUNDS = 3


class BenchError(RuntimeError):
    pass


def child_env() -> dict[str, str]:
    # A PYTHONPATH pointing at this repo would make the official interpreter import our package.
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    # Import times are those of a user's second run, with bytecode caches: without this the
    # interpreters would compile every module on every run when the caller's environment says not
    # to write caches.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


@contextlib.contextmanager
def loopback_server(cpu: int | None) -> Iterator[dict[str, Any]]:
    """Start bench/server.py; yield its port and answer sizes; closing its stdin stops it."""
    cmd = [sys.executable, str(BENCH / "server.py")] + ([str(cpu)] if cpu is not None else [])
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=child_env())
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line.startswith("{"):
            raise BenchError(f"the server did not start (exit code {proc.poll()})")
        yield json.loads(line)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Worker:
    """One contender's interpreter running bench/contender.py, answering one JSON line per command."""

    def __init__(self, name: str, python: Path, port: int, workdir: str) -> None:
        self.name = name
        kind = KINDS[name]
        self.calls: tuple[str, ...] = CALLS_OF[name]
        # Its stderr goes to a file: a pipe nobody reads could fill up and stall the worker.
        self.log = tempfile.TemporaryFile(mode="w+", dir=workdir)
        self.proc = subprocess.Popen(
            [str(python), str(BENCH / "contender.py"), kind, "--port", str(port)],
            cwd=workdir,
            env=child_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def ask(self, op: str, **fields: Any) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps({"op": op, **fields}) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            pass  # reported below, with its stderr
        line = self.proc.stdout.readline()
        if not line:
            self.log.seek(0)
            raise BenchError(f"{self.name} exited (code {self.proc.wait()}):\n{self.log.read()[-4000:]}")
        reply = json.loads(line)
        if "error" in reply:
            raise BenchError(f"{self.name}, {op} {fields}:\n{reply['error']}")
        return reply["result"]

    def close(self) -> None:
        assert self.proc.stdin is not None
        with contextlib.suppress(OSError):  # it may have died already; its error was reported
            self.proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def plan_rounds(workers: dict[str, Worker], rounds: int, round_seconds: float, smoke: bool) -> dict[str, dict]:
    """Calls per round (about round_seconds of CPU) and rounds, per contender and call."""
    plan: dict[str, dict[str, dict[str, int]]] = {name: {} for name in workers}
    for call in ALL_CALLS:
        big = call == BIG
        for name, worker in workers.items():
            if call not in worker.calls:
                continue
            if smoke:
                plan[name][call] = {"rounds": 1, "calls": 1 if big else 3}
                continue
            # Setup made one call already; the big page takes seconds a call in the official
            # client, so that one is warm-up enough there.
            worker.ask("warm", call=call, n=0 if big else 3)
            per_call = worker.ask("estimate", call=call)
            calls = max(1, round(round_seconds / per_call))
            wanted = rounds
            if calls * per_call * rounds > FIGURE_BUDGET:
                wanted = max(MIN_ROUNDS, min(rounds, int(FIGURE_BUDGET / (calls * per_call))))
            plan[name][call] = {"rounds": wanted, "calls": calls}
    return plan


def measure(workers: dict[str, Worker], plan: dict[str, dict]) -> dict[str, dict[str, Any]]:
    """Round r of every call of every contender, then round r + 1: neighbours in time share the load."""
    samples: dict[str, dict[str, list[float]]] = {name: {call: [] for call in plan[name]} for name in workers}
    most = max(entry["rounds"] for calls in plan.values() for entry in calls.values())
    for r in range(most):
        for call in ALL_CALLS:
            for name, worker in workers.items():
                if call in plan[name] and r < plan[name][call]["rounds"]:
                    samples[name][call].append(worker.ask("round", call=call, n=plan[name][call]["calls"]))
    return {
        name: {
            call: {**plan[name][call], "per_call": statistics.median(got), "samples": got}
            for call, got in by_call.items()
        }
        for name, by_call in samples.items()
    }


def check_identity(name: str, figures: dict[str, Any]) -> None:
    """Refuse to report figures of the wrong package: each contender must import its own."""
    where = figures["identity"].get("package_file", "")
    expected = {"ours": ROOT, "official": ENV_DIR, "official3": env_dir(OFFICIAL3_VERSION)}.get(name)
    if expected is not None and not Path(where).resolve().is_relative_to(expected.resolve()):
        raise BenchError(f"{name} imported airflow_client from {where}, not from {expected}")


def wall(python: Path, code: str, workdir: str) -> float:
    start = time.perf_counter()
    subprocess.run([str(python), "-c", code], check=True, cwd=workdir, env=child_env(), stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def import_times(pythons: dict[str, Path], runs: int, workdir: str) -> dict[str, dict[str, float]]:
    """Wall time of a fresh interpreter doing the import (the package alone, and with an API module),
    minus the same interpreter doing nothing."""
    for python in pythons.values():
        wall(python, IMPORT_CODE, workdir)  # writes bytecode caches, which a user's second run has too
    samples: dict[str, dict[str, list[float]]] = {
        name: {"bare": [], "full": [], "package": []} for name in pythons
    }
    for _ in range(runs):
        # Interleaved, so a slow moment of the machine hits every contender alike.
        for name, python in pythons.items():
            samples[name]["bare"].append(wall(python, "pass", workdir))
            samples[name]["full"].append(wall(python, IMPORT_CODE, workdir))
            samples[name]["package"].append(wall(python, PACKAGE_IMPORT_CODE, workdir))
    out = {}
    for name, got in samples.items():
        bare, full = statistics.median(got["bare"]), statistics.median(got["full"])
        package = statistics.median(got["package"])
        out[name] = {"bare": bare, "full": full, "import": full - bare, "package": package - bare}
    return out


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def pin_cpus() -> tuple[int | None, int | None]:
    """(client CPU, server CPU): separate cores when there are two, so neither steals the other's time."""
    if not hasattr(os, "sched_getaffinity"):
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None, None
    return cpus[0], cpus[-1]


# -- formatting ----------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    value = seconds * 1000
    if value >= 100:
        return f"{value:,.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    if value >= 1:
        return f"{value:.2f} ms"
    return f"{value:.3f} ms"


def mib(size: float) -> str:
    return f"{size / 2**20:.1f} MiB"


def ratio(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def returned(entry: dict[str, Any]) -> str:
    if entry.get("items") is None:
        return entry["result_type"]
    return f"{entry['items']:,} x {entry['item_type']}, start_date {entry['start_date_type']}"


def render(
    results: dict[str, dict[str, Any]], imports: dict[str, dict[str, float]], sizes: dict[str, int]
) -> list[str]:
    cpu = {name: {call: results[name]["cpu"][call]["per_call"] for call in CALLS} for name in CONTENDERS}
    peak = {name: results[name]["memory"]["peak"] for name in CONTENDERS}
    ours_floor = cpu["ours"]["ti_100"] / cpu["floor"]["ti_100"]
    official_ours = cpu["official"]["ti_100"] / cpu["ours"]["ti_100"]
    memory_ratio = peak["ours"] / peak["floor"]
    v2 = {name: results[name]["cpu"]["ti_100_v2"]["per_call"] for name in CONTENDERS_V2}
    ours_floor_v2 = v2["ours"] / v2["floor"]
    lines = ["### Targets", ""]
    lines += table(
        ["target", "measured", "met"],
        [
            ["ours <= 1.5x floor, CPU, list 100 task instances", ratio(ours_floor), met(ours_floor <= CPU_TARGET)],
            [
                "official / ours >= 20x, CPU, list 100 task instances",
                ratio(official_ours),
                met(official_ours >= OFFICIAL_TARGET),
            ],
            [
                "ours <= 1.5x floor, peak memory, list 10,000 task instances",
                ratio(memory_ratio),
                met(memory_ratio <= MEMORY_TARGET),
            ],
            [
                "import time ours <= official",
                f"{ms(imports['ours']['import'])} vs {ms(imports['official']['import'])}",
                met(imports["ours"]["import"] <= imports["official"]["import"]),
            ],
            [
                f"ours <= {CPU_TARGET_V2}x floor, CPU, list 100 task instances, Airflow 3",
                ratio(ours_floor_v2),
                met(ours_floor_v2 <= CPU_TARGET_V2),
            ],
            [
                f"ours faster than {NAMES['official3']}, CPU, list 100 task instances, Airflow 3",
                f"{ms(v2['ours'])} vs {ms(v2['official3'])}",
                met(v2["ours"] < v2["official3"]),
            ],
            [
                f"`import airflow_client.client` <= {PACKAGE_IMPORT_TARGET * 1000:.0f} ms",
                ms(imports["ours"]["package"]),
                met(imports["ours"]["package"] <= PACKAGE_IMPORT_TARGET),
            ],
        ],
    )
    lines += ["", "### CPU time per call (client process)", ""]
    rows = []
    for call in CALLS:
        counts = " / ".join(
            f"{results[n]['cpu'][call]['rounds']}x{results[n]['cpu'][call]['calls']}" for n in CONTENDERS
        )
        rows.append(
            [
                LABELS[call],
                *(ms(cpu[name][call]) for name in CONTENDERS),
                ratio(cpu["ours"][call] / cpu["floor"][call]),
                ratio(cpu["official"][call] / cpu["ours"][call]),
                counts,
            ]
        )
    lines += table(
        [
            "call",
            *(NAMES[n] for n in CONTENDERS),
            "ours / floor",
            "official / ours",
            "rounds x calls (floor / ours / official)",
        ],
        rows,
    )
    lines += ["", "### CPU time per call, Airflow 3 (REST API v2; ratios to the floor)", ""]
    counts_v2 = " / ".join(
        f"{results[n]['cpu']['ti_100_v2']['rounds']}x{results[n]['cpu']['ti_100_v2']['calls']}" for n in CONTENDERS_V2
    )
    lines += table(
        ["call", *(NAMES[n] for n in CONTENDERS_V2), "ours / floor", f"{NAMES['official3']} / floor",
         "rounds x calls (floor / ours / official)"],
        [[
            LABELS["ti_100_v2"],
            *(ms(v2[name]) for name in CONTENDERS_V2),
            ratio(ours_floor_v2),
            ratio(v2["official3"] / v2["floor"]),
            counts_v2,
        ]],
    )
    lines += ["", "### Peak memory of one call listing 10,000 task instances", ""]
    lines += table(
        ["contender", "peak memory", "still held by the result", "vs floor"],
        [
            [NAMES[n], mib(peak[n]), mib(results[n]["memory"]["retained"]), ratio(peak[n] / peak["floor"])]
            for n in CONTENDERS
        ],
    )
    lines += ["", "### Import time (`import airflow_client.client` + `task_instance_api`)", ""]
    lines += table(
        ["contender", "import time", "`import airflow_client.client` alone", "interpreter with import",
         "bare interpreter"],
        [
            [NAMES[n], ms(imports[n]["import"]), ms(imports[n]["package"]), ms(imports[n]["full"]),
             ms(imports[n]["bare"])]
            for n in ("ours", "official", "official3")
        ],
    )
    lines += ["", "### What each contender measured", ""]
    lines += table(
        ["call", *(NAMES[n] for n in CONTENDERS)],
        [[LABELS[call], *(returned(results[n]["variants"][call]) for n in CONTENDERS)] for call in CALLS],
    )
    lines += [""]
    lines += table(
        ["call", *(NAMES[n] for n in CONTENDERS_V2)],
        [[LABELS["ti_100_v2"], *(returned(results[n]["variants"]["ti_100_v2"]) for n in CONTENDERS_V2)]],
    )
    notes = [
        f"- Answer sizes: {sizes['ti_100'] / 1024:,.0f} KiB for 100 task instances, "
        f"{sizes['ti_10000'] / 2**20:.1f} MiB for 10,000, {sizes['run_100'] / 1024:,.0f} KiB for 100 DAG runs, "
        f"{sizes['ti_v2_100'] / 1024:,.0f} KiB for 100 task instances from the API v2."
    ]
    for name in ("ours", "official", "official3"):
        for call in results[name]["variants"]:
            entry = results[name]["variants"][call]
            if entry["variant"] != "default":
                notes.append(
                    f"- {NAMES[name]}, {LABELS[call]}: the documented call raised `{entry['error']}`, "
                    f"so the call was measured with `{entry['variant']}` (see what it returned above)."
                )
    if len(notes) == 1:
        notes.append("- Every call of every client was measured as documented (no `_check_return_type=False`).")
    undecoded = [
        LABELS[call]
        for call in CALLS
        if results["official"]["variants"][call].get("start_date_type") == "str"
        and results["ours"]["variants"][call].get("start_date_type") == "datetime"
    ]
    if undecoded:
        notes.append(
            f"- {NAMES['official']} leaves timestamps as strings in: {', '.join(undecoded)} (its TaskInstance "
            "model declares them as `str`), while ours returns aware `datetime` objects."
        )
    notes.append(
        "- Ours parses a timestamp the first time its field is read (attribute, item, `get`, `to_dict`, `==`); "
        "the timed loops read no field, so the CPU figures above do not include timestamp parsing, just as "
        "the floor's do not. A caller that reads a timestamp pays for parsing it then, once per field "
        "(well under a microsecond per timestamp)."
    )
    lines += ["", "Notes:", "", *notes]
    return lines


def machine(results: dict[str, dict[str, Any]], load_before: float | None) -> list[str]:
    ids = {name: results[name]["identity"] for name in ALL_CONTENDERS}
    # Other work on the machine inflates every figure alike; the load says how busy it was.
    load = f"{load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end" if load_before is not None else "?"
    return [
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores",
        f"- OS: {platform.platform()}",
        f"- Python {ids['ours']['python']} (official clients' venvs: Python {ids['official']['python']}, "
        f"{ids['official3']['python']})",
        f"- urllib3 {ids['floor']['urllib3']} (official clients' venvs: urllib3 {ids['official']['urllib3']}, "
        f"{ids['official3']['urllib3']})",
        f"- ours: {ids['ours']['package_version']}; official: {ids['official']['package_version']}, "
        f"{ids['official3']['package_version']}",
        f"- 1-minute load average: {load}",
    ]


def document(report: list[str], machine_lines: list[str], profile: str | None, when: str) -> str:
    parts = [
        "# Performance",
        "",
        "The same HTTP calls, made several ways against one loopback server, in one run:",
        "",
        "- **floor**: `urllib3.PoolManager().request(...)` and `json.loads(resp.data)` (plus `json.dumps` of",
        "  the PATCH body): the least any client can do.",
        "- **ours**: `airflow_client` from this repository.",
        f"- **official**: `apache-airflow-client=={OFFICIAL_VERSION}` from PyPI, in a venv of its own (it is",
        "  also imported as `airflow_client`).",
        f"- **official {OFFICIAL3_VERSION}**: `apache-airflow-client=={OFFICIAL3_VERSION}`, the official client of",
        "  Airflow 3's REST API v2, in a venv of its own too; it makes the Airflow 3 call only.",
        "",
        "The Airflow 3 table lists 100 task instances from an answer shaped like Airflow 3.3.2's (schema",
        "`TaskInstanceResponse`): the floor asks `/api/v2` with a bearer token, ours is given the server root",
        "and finds Airflow 3 there (`/api/v2/version`, asked once) before making its 2.x call, the official",
        "3.3.2 client makes its own documented call.",
        "",
        f"Measured {when} by `bench/run.py`; the figures below are copied from its output.",
        "",
        *report,
        "",
        "## Machine",
        "",
        *machine_lines,
        "",
        "## How it is measured",
        "",
        "- The server (`bench/server.py`) is `http.server.ThreadingHTTPServer` speaking HTTP/1.1 with",
        "  keep-alive and Nagle's algorithm off, in a process of its own (its CPU time is not counted).",
        "  It answers canned JSON built once at start and shaped like Airflow 2.11's answers",
        "  (`bench/payloads.py`): every field present, nulls, nested trigger and triggerer job objects",
        "  on deferred tasks, timestamps with microseconds and `+00:00` offsets; under `/api/v2`, like",
        "  Airflow 3.3.2's: UUIDs, `Z` timestamps, DAG versions, the cursors of the page.",
        "- Each contender runs in its own interpreter (`bench/contender.py`), a worker that answers",
        "  `bench/run.py`'s commands with its figures as JSON lines. The server and the contenders are",
        "  pinned to different cores when there are two.",
        "- CPU time: `time.process_time()` in the contender's process around a loop of calls, after",
        "  warm-up; each round is sized to take about 0.5 s of CPU; the table gives the median of the",
        "  rounds (7, fewer for the 10,000-item page, where one call of the official client takes",
        "  seconds). Rounds are interleaved: round 1 of every call and contender, then round 2, and so",
        "  on, so that load from other processes on the machine falls on all contenders alike.",
        "- Peak memory: `tracemalloc` around one call listing 10,000 task instances; the peak includes the",
        "  response bytes, the parsed JSON and whatever the client builds from it.",
        "- Import time: the median wall time of a fresh interpreter running",
        "  `import airflow_client.client; from airflow_client.client.api import task_instance_api`",
        "  (and `import airflow_client.client` alone), minus the median of the same interpreter running",
        "  `pass` (7 runs each, interleaved), with bytecode caches written beforehand.",
        "- The targets are shown, not asserted: the test suite only checks that the benchmark runs",
        "  (`test/bench/test_bench_smoke.py`).",
        "",
        "## Rerun",
        "",
        "```",
        "python3 dev.py bench                         # full run from a clean clone (~3 min); rewrites this page",
        ".venv/bin/python bench/run.py                # the same, once dev.py has made .venv",
        ".venv/bin/python bench/run.py --smoke        # one short round, prints only",
        ".venv/bin/python bench/run.py --profile      # cProfile of ours on the 100-item call",
        "```",
        "",
        f"The first run also builds `{ENV_DIR.relative_to(Path.home())}` and "
        f"`{env_dir(OFFICIAL3_VERSION).relative_to(Path.home())}`",
        "under the home directory (venvs holding the official clients, with the same urllib3 as the repo's venv).",
    ]
    if profile:
        parts += [
            "",
            "## Where ours spends its time (a target was missed)",
            "",
            "```",
            *profile.rstrip().splitlines(),
            "```",
        ]
    return "\n".join(parts) + "\n"


def trim_profile(text: str, top: int = 20) -> str:
    """The pstats header and its first `top` rows."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.lstrip().startswith("ncalls"):
            return "\n".join(lines[: i + 1 + top])
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="one short round; does not write docs/performance.md")
    parser.add_argument("--profile", action="store_true", help="only print a cProfile of ours on the 100-item call")
    parser.add_argument("--profile-call", default="ti_100", choices=("ti_100", "ti_100_v2"),
                        help="the call --profile looks at (ti_100_v2: the Airflow 3 listing)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--import-runs", type=int, default=7)
    args = parser.parse_args(argv)

    started = time.monotonic()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if importlib.util.find_spec("airflow_client") is None:
        raise BenchError(f"{sys.executable} cannot import airflow_client: run .venv/bin/python bench/run.py")
    official = ensure_official_env()
    official3 = ensure_official_env(version=OFFICIAL3_VERSION)
    pythons = {"floor": Path(sys.executable), "ours": Path(sys.executable), "official": official,
               "official3": official3}
    client_cpu, server_cpu = pin_cpus()
    results: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="airflow-client-bench-"))
        server = stack.enter_context(loopback_server(server_cpu))
        port = server["port"]
        if client_cpu is not None:
            os.sched_setaffinity(0, {client_cpu})  # inherited by every process started from here on
        names = ("ours",) if args.profile else ALL_CONTENDERS
        workers = {}
        for name in names:
            workers[name] = worker = Worker(name, pythons[name], port, workdir)
            stack.callback(worker.close)
            results[name] = worker.ask("setup", calls=list(worker.calls))
            check_identity(name, results[name])
        if args.profile:
            print(workers["ours"].ask("profile", call=args.profile_call))
            return 0
        print("sizing the rounds ...", file=sys.stderr, flush=True)
        plan = plan_rounds(workers, args.rounds, 0.5, args.smoke)
        print("measuring CPU time, contenders interleaved ...", file=sys.stderr, flush=True)
        for name, figures in measure(workers, plan).items():
            results[name]["cpu"] = figures
        print("measuring peak memory ...", file=sys.stderr, flush=True)
        for name, worker in workers.items():
            if BIG in worker.calls:
                results[name]["memory"] = worker.ask("memory")
        print("measuring import times ...", file=sys.stderr, flush=True)
        runs = 2 if args.smoke else args.import_runs
        imports = import_times({n: pythons[n] for n in ("ours", "official", "official3")}, runs, workdir)
        report = render(results, imports, server["sizes"])
        cpu = results["ours"]["cpu"]["ti_100"]["per_call"] / results["floor"]["cpu"]["ti_100"]["per_call"]
        cpu_v2 = results["ours"]["cpu"]["ti_100_v2"]["per_call"] / results["floor"]["cpu"]["ti_100_v2"]["per_call"]
        profile = None
        if not args.smoke and (cpu > CPU_TARGET or cpu_v2 > CPU_TARGET_V2):
            missed = "ti_100" if cpu > CPU_TARGET else "ti_100_v2"
            profile = trim_profile(workers["ours"].ask("profile", call=missed))

    machine_lines = machine(results, load_before)
    print("\n".join([*report, "", "Machine:", *machine_lines]))
    if profile:
        print("\n" + profile)
    if not args.smoke:
        when = datetime.date.today().isoformat()
        DOC.write_text(document(report, machine_lines, profile, when), encoding="utf-8")
        print(f"\nwrote {DOC.relative_to(ROOT)}", file=sys.stderr)
    print(f"took {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        sys.exit(1)
