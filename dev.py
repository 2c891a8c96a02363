"""Set up and run everything from a fresh machine that has only Python 3 and the package index.

    python3 dev.py test [pytest arguments]   lint, unit tests on urllib3 1.26, then the whole suite
    python3 dev.py demo                      start a throwaway Airflow 2.11.2 and use the client on it
    python3 dev.py bench [--smoke]           the benchmark of bench/run.py (writes docs/performance.md)

Virtual environments are made next to this file (`.venv`, `.venv-urllib3-1.26`) and reused; the
Airflow server gets its own under ~/.cache (see tools/local_airflow.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
MAIN_ENV = ROOT / ".venv"
OLD_URLLIB3_ENV = ROOT / ".venv-urllib3-1.26"


def run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)


def python_of(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin") / "python"


def ensure_env(env: Path, *extra: str) -> Path:
    """A venv with this package (editable) and its test tools; made once, refreshed each run."""
    python = python_of(env)
    if not python.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(env)
    run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", ".[test]", *extra)
    return python


def test(args: list[str]) -> int:
    python = ensure_env(MAIN_ENV)
    run(python, "-m", "ruff", "check", ".")
    # The transport must work on both urllib3 lines; the unit tests prove it on 1.26 first.
    old = ensure_env(OLD_URLLIB3_ENV, "urllib3>=1.26,<2")
    run(old, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test/unit")
    return subprocess.run([str(python), "-m", "pytest", *(args or ["-q"])], cwd=ROOT).returncode


def demo() -> int:
    python = ensure_env(MAIN_ENV)
    return subprocess.run([str(python), str(ROOT / "examples" / "demo.py")], cwd=ROOT).returncode


def bench(args: list[str]) -> int:
    python = ensure_env(MAIN_ENV)
    return subprocess.run([str(python), str(ROOT / "bench" / "run.py"), *args], cwd=ROOT).returncode


def main() -> int:
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "test":
        return test(args)
    if command == "demo":
        return demo()
    if command == "bench":
        return bench(args)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
