"""The benchmark still runs end to end: `bench/run.py --smoke`, all three contenders, every figure.

No timing is asserted: a benchmark's figures belong in docs/performance.md, not in a pass/fail test.
The first run on a machine also builds the official client's venv under ~/.cache (a PyPI install).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CALLS = (
    "list 100 task instances",
    "list 10,000 task instances",
    "list 100 DAG runs",
    "PATCH a task instance (dry run)",
)
CONTENDERS = ("floor (urllib3 + json)", "ours (this repo)", "official 2.10.0")
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
    for name in CONTENDERS[1:]:
        assert re.search(rf"^\| {re.escape(name)} \| -?{FIGURE} \|", imports, re.M), f"no import row for {name!r}"
