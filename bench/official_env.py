"""The virtualenvs that hold the official `apache-airflow-client` (2.x and 3.x), built once under ~/.cache.

Every one of these packages is imported as `airflow_client`, so each official release lives in an
interpreter of its own. Running this file builds the venvs (if missing) and prints their interpreters.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

OFFICIAL_VERSION = "2.10.0"
# The official client of the REST API v2 (Airflow 3); its interface is another one.
OFFICIAL3_VERSION = "3.3.2"
CACHE_DIR = Path.home() / ".cache" / "airflow-client-bench"


def env_dir(version: str) -> Path:
    return CACHE_DIR / f"official-{version}"


ENV_DIR = env_dir(OFFICIAL_VERSION)
# Written last: a venv without it was interrupted and is not trusted.
READY_MARKER = "bench-ready"


def python_of(env: Path) -> Path:
    return env / "bin" / "python"


def _urllib3_version() -> str | None:
    try:
        import urllib3
    except ImportError:
        return None
    return urllib3.__version__


def _build(target: Path, log: Path, version: str) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        # The venv is renamed after the build, so only `bin/python -m ...` is used on it:
        # its site-packages follow the interpreter, while script shebangs would not.
        venv.EnvBuilder(with_pip=True, symlinks=True, clear=True).create(tmp)
        wanted = [f"apache-airflow-client=={version}"]
        here = _urllib3_version()
        if here:
            # The same transport as the floor and our client, so only the client code differs.
            wanted.append(f"urllib3=={here}")
        cmd = [str(python_of(tmp)), "-m", "pip", "install", "-q", "--disable-pip-version-check", *wanted]
        with log.open("w") as out:
            subprocess.run(cmd, check=True, stdout=out, stderr=subprocess.STDOUT, cwd=tmp)
        subprocess.run(
            [str(python_of(tmp)), "-c", "import airflow_client.client.api.task_instance_api"],
            check=True,
            cwd=tmp,
        )
        (tmp / READY_MARKER).write_text(f"apache-airflow-client=={version}\n")
        if target.exists():
            shutil.rmtree(target)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def ensure_official_env(quiet: bool = False, version: str = OFFICIAL_VERSION) -> Path:
    """The interpreter of the venv of the official client `version`; builds the venv first if it is missing."""
    target = env_dir(version)
    python = python_of(target)
    if (target / READY_MARKER).exists() and python.exists():
        return python
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # Several runs (a smoke test beside a full run) may start at once: one builds, the others wait.
    with (CACHE_DIR / f"official-{version}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not ((target / READY_MARKER).exists() and python.exists()):
            if not quiet:
                print(f"building {target} (once) ...", file=sys.stderr, flush=True)
            _build(target, CACHE_DIR / f"official-{version}.pip.log", version)
    return python


if __name__ == "__main__":
    for release in (OFFICIAL_VERSION, OFFICIAL3_VERSION):
        print(ensure_official_env(version=release))
