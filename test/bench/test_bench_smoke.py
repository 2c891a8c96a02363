"""The benchmark still runs end to end: `bench/run.py --smoke`, every contender, every figure.

No timing is asserted: a benchmark's figures belong in docs/performance.md, not in a pass/fail test.
The first run on a machine also builds the official clients' venvs under ~/.cache (PyPI installs).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CALLS = (
    "list 100 task instances",
    "list 10,000 task instances",
    "list 100 DAG runs",
    "PATCH a task instance (dry run)",
)
CONTENDERS = ("floor (urllib3 + json)", "ours (this repo)", "official 2.10.0")
# The same listing from Airflow 3's REST API v2: the floor, ours and the official 3.x client.
CONTENDERS_V2 = ("floor (urllib3 + json)", "ours (this repo)", "official 3.3.2")
CALL_V2 = "list 100 task instances, Airflow 3 (API v2)"
FIGURE = r"[\d,.]+ ms"


def test_smoke_run_reports_every_call_and_contender() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,  # generous: a cold run installs the official client first
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = proc.stdout

    # The CPU table: contenders as columns, one row per call with a figure for each of them.
    assert re.search(r"^\| call \| " + r" \| ".join(map(re.escape, CONTENDERS)) + r" \|", out, re.M), out
    for call in CALLS:
        row = rf"^\| {re.escape(call)} \| {FIGURE} \| {FIGURE} \| {FIGURE} \| [\d.]+x \| [\d.]+x \|"
        assert re.search(row, out, re.M), f"no CPU row for {call!r}:\n{out}"

    # Peak memory of the 10,000-item page for every contender, import time for both clients.
    memory = out.split("### Peak memory", 1)[1].split("###", 1)[0]
    for name in CONTENDERS:
        assert re.search(rf"^\| {re.escape(name)} \| [\d.]+ MiB \|", memory, re.M), f"no memory row for {name!r}"
    imports = out.split("### Import time", 1)[1].split("###", 1)[0]
    for name in (*CONTENDERS[1:], CONTENDERS_V2[2]):
        row = rf"^\| {re.escape(name)} \| -?{FIGURE} \| -?{FIGURE} \|"
        assert re.search(row, imports, re.M), f"no import row (with an API module, and alone) for {name!r}"

    # The Airflow 3 table: a figure for each of its contenders, and the ratios to the floor.
    v2 = out.split("### CPU time per call, Airflow 3", 1)[1].split("###", 1)[0]
    assert re.search(r"^\| call \| " + r" \| ".join(map(re.escape, CONTENDERS_V2)) + r" \|", v2, re.M), v2
    row = rf"^\| {re.escape(CALL_V2)} \| {FIGURE} \| {FIGURE} \| {FIGURE} \| [\d.]+x \| [\d.]+x \|"
    assert re.search(row, v2, re.M), f"no Airflow 3 CPU row:\n{v2}"
    measured = out.split("### What each contender measured", 1)[1]
    items = rf"^\| {re.escape(CALL_V2)} \| 100 x dict, .* \| 100 x TaskInstance, .* \| 100 x TaskInstanceResponse"
    assert re.search(items, measured, re.M), f"the Airflow 3 listing did not give 100 items to each:\n{measured}"

    # The targets name the Airflow 3 ratio, the comparison with the official 3.x client and the import figure.
    targets = out.split("### Targets", 1)[1].split("###", 1)[0]
    for target in ("1.3x floor, CPU, list 100 task instances, Airflow 3", "faster than official 3.3.2",
                   "`import airflow_client.client` <= 100 ms"):
        assert target in targets, f"no target row {target!r}:\n{targets}"


def test_contenders_run_with_bytecode_caches_whatever_the_callers_environment_says(monkeypatch: pytest.MonkeyPatch):
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    run = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run)
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    env = run.child_env()
    assert "PYTHONDONTWRITEBYTECODE" not in env and "PYTHONPATH" not in env
