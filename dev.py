"""Set up and run everything from a fresh machine that has only Python 3 and the package index.

    python3 dev.py test [pytest arguments]   lint, unit tests on urllib3 1.26, then the whole suite
    python3 dev.py demo [--airflow 2|3|both] start a throwaway Airflow 2.11.2 and/or 3.3.2 (default both)
                                             and run the same client script on each
    python3 dev.py bench [--smoke]           the benchmark of bench/run.py (writes docs/performance.md)

Virtual environments are made next to this file (`.venv`, and one per extra interpreter for the unit
tests) and reused; the Airflow servers get their own under ~/.cache (see tools/local_airflow.py).

The unit tests also run on every other CPython 3.10+ that pyenv keeps (`$PYENV_ROOT/versions`, default
~/.pyenv): the oldest with urllib3 1.26, the others with urllib3 2.x, so both urllib3 lines and the
oldest and newest interpreters are proven on each run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
MAIN_ENV = ROOT / ".venv"
OLDEST_SUPPORTED = (3, 10)


def run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)


def python_of(env: Path) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin") / "python"


def ensure_env(env: Path, *extra: str, interpreter: Path | None = None) -> Path:
    """A venv with this package (editable) and its test tools; made once, refreshed each run."""
    python = python_of(env)
    if not python.exists():
        if interpreter is None:
            venv.EnvBuilder(with_pip=True, clear=True).create(env)
        else:
            run(interpreter, "-m", "venv", "--clear", env)
    run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", ".[test]", *extra)
    return python


def other_interpreters() -> list[tuple[tuple[int, int], Path]]:
    """CPython 3.10+ interpreters that pyenv keeps, oldest first, other than the one running this."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    found: dict[tuple[int, int], Path] = {}
    for candidate in sorted(root.glob("3.*")):
        match = re.fullmatch(r"3\.(\d+)\.(\d+)", candidate.name)
        python = candidate / "bin" / "python3"
        if match and python.exists():
            version = (3, int(match.group(1)))
            if version >= OLDEST_SUPPORTED and version != sys.version_info[:2]:
                found[version] = python  # the newest patch release of each minor version wins
    return sorted(found.items())


def test(args: list[str]) -> int:
    python = ensure_env(MAIN_ENV)
    run(python, "-m", "ruff", "check", ".")
    others = other_interpreters()
    if not others:
        print(f"+ no other CPython 3.10+ under pyenv: the unit tests run on {sys.version.split()[0]} only", flush=True)
    for i, (version, interpreter) in enumerate(others):
        # The transport must work on both urllib3 lines: the oldest interpreter proves 1.26.
        line, pin = ("1.26", "urllib3>=1.26,<2") if i == 0 else ("2", "urllib3>=2,<3")
        env = ensure_env(ROOT / f".venv-py{version[0]}.{version[1]}-urllib3-{line}", pin, interpreter=interpreter)
        run(env, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test/unit")
    # The slowest tests are listed at the end: the whole command must stay well inside its time budget.
    return subprocess.run([str(python), "-m", "pytest", *(args or ["-q", "--durations=20"])], cwd=ROOT).returncode


def demo(args: list[str]) -> int:
    python = ensure_env(MAIN_ENV)
    return subprocess.run([str(python), str(ROOT / "examples" / "demo.py"), *args], cwd=ROOT).returncode


def bench(args: list[str]) -> int:
    python = ensure_env(MAIN_ENV)
    return subprocess.run([str(python), str(ROOT / "bench" / "run.py"), *args], cwd=ROOT).returncode


def main() -> int:
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "test":
        return test(args)
    if command == "demo":
        return demo(args)
    if command == "bench":
        return bench(args)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
