"""Run a throwaway Apache Airflow server on loopback for integration tests.

Standard library only, on purpose: the harness must not depend on the client under test nor on
anything the test environment may lack.  Airflow itself lives in its own cached virtualenv, one per
version.  This module holds what every generation shares (:class:`AirflowServer`: venv, processes,
start, stop, raw HTTP) and the Airflow 2.11.2 server (:class:`LocalAirflow`); ``tools/local_airflow3.py``
adds Airflow 3.3.2.

As a script it starts a server over ``test/dags`` (``test/dags3`` for Airflow 3) and waits for Ctrl-C::

    python tools/local_airflow.py [--airflow 2|3] [--fab] [--port 8080] [--dags DIR] [--home DIR]
"""

from __future__ import annotations

import argparse
import atexit
import base64
import collections
import errno
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # only for annotations, so Python 3.9 needs nothing at run time
    from typing import Self



@dataclass(frozen=True)
class AirflowRelease:
    """One Airflow version as the harness installs it: into ``<cache root>/airflow-<version>``."""

    version: str
    requirements: tuple[str, ...]  # what `pip install` gets; fixed per version, as the venv is keyed by it
    pythons: tuple[tuple[int, int], ...]  # interpreters it supports, oldest first


# Airflow 2.11 declares Requires-Python ">=3.10, !=3.13, !=3.14".
AIRFLOW_2 = AirflowRelease("2.11.2", ("apache-airflow==2.11.2",), ((3, 10), (3, 11), (3, 12)))
AIRFLOW_VERSION = AIRFLOW_2.version

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_DAGS = REPO_ROOT / "test" / "dags"

ADMIN = ("admin", "admin")
VIEWER = ("viewer", "viewer")
# As ``auth`` of AirflowServer.request(): send no credentials (no user has an empty name).
ANONYMOUS = ("", "")

# A module on the servers' PYTHONPATH for the settings that Airflow takes as import paths.
SETTINGS_MODULE = "client_test_settings"
SETTINGS_SOURCE = """\
def hostname():
    return "127.0.0.1"


# How long SQLite waits for a lock another Airflow process holds (Python's default is 5 s, which
# busy Airflow 3 processes exceed: "database is locked").
SQLITE_CONNECT_ARGS = {"timeout": 20}
SQLITE_CONNECT_ARGS_ASYNC = {"timeout": 20}
"""

# Test runs share tiny DAGs; nothing here is worth a long grace period.
_STOP_GRACE_SECONDS = 20.0
_POLL_SECONDS = 0.5


def _say(message: str) -> None:
    print(f"[local_airflow] {message}", file=sys.stderr, flush=True)


def cache_root() -> Path:
    """Directory holding the cached Airflow virtualenvs (``$AIRFLOW_CLIENT_TEST_CACHE`` overrides)."""
    override = os.environ.get("AIRFLOW_CLIENT_TEST_CACHE")
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "airflow-client-test"


def _tail_file(path: Path, lines: int) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(collections.deque(handle, maxlen=lines))
    except FileNotFoundError:
        return f"<{path} does not exist>\n"


def _pick_base_python(release: AirflowRelease) -> str:
    """An interpreter the release supports, preferring the one running us."""
    override = os.environ.get("AIRFLOW_CLIENT_TEST_PYTHON")
    if override:
        return override
    if sys.version_info[:2] in release.pythons:
        return sys.executable
    for major, minor in reversed(release.pythons):
        found = shutil.which(f"python{major}.{minor}")
        if found:
            return found
    names = "/".join(f"python{major}.{minor}" for major, minor in release.pythons)
    raise RuntimeError(
        f"Airflow {release.version} needs one of {names}, this is {sys.version.split()[0]} and none of "
        "them is on PATH; set AIRFLOW_CLIENT_TEST_PYTHON to one"
    )


def _relocate_venv_scripts(venv: Path, old: Path, new: Path) -> None:
    """Point script shebangs and activate files at the final path after the rename.

    pip writes the absolute interpreter path into every console script, so a venv built elsewhere
    would otherwise keep pointing at the temporary directory.
    """
    old_bytes, new_bytes = str(old).encode(), str(new).encode()
    for entry in (venv / "bin").iterdir():
        if entry.is_symlink() or not entry.is_file():
            continue
        data = entry.read_bytes()
        if old_bytes in data:
            entry.write_bytes(data.replace(old_bytes, new_bytes))
    cfg = venv / "pyvenv.cfg"
    cfg.write_bytes(cfg.read_bytes().replace(old_bytes, new_bytes))


def _venv_is_complete(venv: Path) -> bool:
    # The directory only ever appears by rename after a successful install.
    return (venv / "bin" / "airflow").is_file() and (venv / "pyvenv.cfg").is_file()


def ensure_airflow_venv(release: AirflowRelease = AIRFLOW_2) -> Path:
    """Return a virtualenv with the release installed, building it if it is missing.

    Concurrent callers serialise on a lock file; the build happens in a temporary sibling directory
    that is renamed into place only once ``pip install`` has succeeded.
    """
    version = release.version
    root = cache_root()
    venv = root / f"airflow-{version}"
    if _venv_is_complete(venv):
        return venv
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"airflow-{version}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            _say(f"another process is building {venv}; waiting for it")
            fcntl.flock(lock, fcntl.LOCK_EX)
        if _venv_is_complete(venv):
            return venv
        # Leftovers of a build that died are safe to drop: we hold the lock.
        for stale in root.glob(f".airflow-{version}.building-*"):
            shutil.rmtree(stale, ignore_errors=True)
        if venv.exists():
            shutil.rmtree(venv)
        _build_venv(release, venv)
    return venv


def _build_venv(release: AirflowRelease, venv: Path) -> None:
    building = venv.parent / f".airflow-{release.version}.building-{os.getpid()}"
    log_path = venv.parent / f"airflow-{release.version}-install.log"
    base_python = _pick_base_python(release)
    _say(f"building {venv} with {base_python} (pip install {' '.join(release.requirements)}, a minute or "
         f"two); output in {log_path}")
    started = time.monotonic()
    steps = [
        # A fixed prompt keeps the temporary name out of the activate scripts.
        [base_python, "-m", "venv", "--prompt", venv.name, str(building)],
        [str(building / "bin" / "python"), "-m", "pip", "install", "--no-input", "--progress-bar", "off",
         *release.requirements],
    ]
    try:
        with open(log_path, "w") as log:
            for step in steps:
                log.write(f"$ {' '.join(step)}\n")
                log.flush()
                result = subprocess.run(
                    step, check=False, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
                )
                if result.returncode != 0:
                    raise RuntimeError(
                        f"building the Airflow venv failed ({step[2:4]} exited {result.returncode}); "
                        f"last lines of {log_path}:\n{_tail_file(log_path, 40)}"
                    )
        _relocate_venv_scripts(building, building, venv)
        os.rename(building, venv)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    _say(f"built {venv} in {time.monotonic() - started:.0f} s")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dag_ids_in(folder: Path) -> list[str]:
    """The DAG ids of a test DAGs folder: each file holds one DAG named like the file; ``_*`` files are helpers."""
    return sorted(path.stem for path in folder.glob("*.py") if not path.name.startswith("_"))


def quote_segment(value: str) -> str:
    """Percent-encode one URL path segment (run ids contain '+' and ':')."""
    return urllib.parse.quote(value, safe="")


def http_json(
    method: str, url: str, body: Any = None, headers: dict[str, str] | None = None, *, timeout: float = 30
) -> tuple[int, Any]:
    """One HTTP call with an optional JSON body: ``(status, decoded JSON, text, or None if empty)``.

    HTTP errors are answers like any other; only a failure to connect raises (``OSError``).
    """
    sent = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, headers=sent, method=method.upper())
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    text = raw.decode("utf-8", errors="replace")
    if not text:
        return status, None
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


# --- process bookkeeping ------------------------------------------------------------------------
# Airflow moves some children into process groups of their own (the DAG file processor manager,
# task runners), so killing our two process groups is not enough after a SIGKILL: we also sweep
# everything in our sessions or below our two leaders, identified by (pid, start time) so that a
# recycled pid is never hit.

def _proc_stat(pid: int) -> tuple[int, int, str, str] | None:
    """(ppid, session, state, start time) of a process from /proc, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read().decode(errors="replace")
    except OSError:
        return None
    # The command name may contain spaces and parentheses; the fields resume after the last ')'.
    fields = raw[raw.rfind(")") + 2:].split()
    return int(fields[1]), int(fields[3]), fields[0], fields[19]


def _our_processes(leaders: set[int]) -> dict[int, str]:
    """Live processes in the leaders' sessions or descending from them: pid -> start time.

    Empty where there is no /proc; stop() then relies on the process groups alone.
    """
    if not os.path.isdir("/proc/self"):
        return {}
    table = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            info = _proc_stat(int(name))
            if info is not None:
                table[int(name)] = info
    children: dict[int, list[int]] = collections.defaultdict(list)
    for pid, info in table.items():
        children[info[0]].append(pid)
    found: set[int] = set()
    pending = [pid for pid, info in table.items() if pid in leaders or info[1] in leaders]
    while pending:
        pid = pending.pop()
        if pid not in found:
            found.add(pid)
            pending.extend(children.get(pid, ()))
    return {pid: table[pid][3] for pid in found if table[pid][2] != "Z"}


def _still_same(pid: int, start: str) -> bool:
    """Whether pid is still the live process we recorded (and not a recycled pid or a zombie)."""
    info = _proc_stat(pid)
    return info is not None and info[3] == start and info[2] != "Z"


class AirflowServer:
    """What every generation's throwaway server shares: a private AIRFLOW_HOME, a fresh SQLite
    database, Airflow's processes each in a session of its own, health and DAG waits, a stop that
    leaves nothing behind, and raw JSON calls for test set-up.

    A generation (subclass) says which release to install, where its API lives, which processes it
    runs and with which settings, and how a request authenticates.  ``host`` is the REST API root,
    the value a client's ``Configuration(host=...)`` takes.  Use as a context manager, or call
    :meth:`start` and :meth:`stop` (which is always safe to call).
    """

    release: ClassVar[AirflowRelease]
    api_path: ClassVar[str]  # the REST API root below base_url
    health_path: ClassVar[str]  # below host; answers without credentials
    _list_dags: ClassVar[str]  # below host: every DAG that has a file
    _trigger_needs_logical_date: ClassVar[bool] = False
    _log_noise: ClassVar[tuple[str, ...]] = ()  # log lines that bury the interesting ones

    def __init__(
        self,
        dags_folder: str | Path,
        *,
        port: int | None = None,
        home: str | Path | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.dags_folder = Path(dags_folder).resolve()
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.host = self.base_url + self.api_path
        self.admin: tuple[str, str] = ADMIN
        self.viewer: tuple[str, str] = VIEWER
        # A home we made ourselves is removed on stop unless AIRFLOW_CLIENT_TEST_KEEP_HOME is set.
        self._owns_home = home is None
        self.home = Path(home).resolve() if home else Path(tempfile.mkdtemp(prefix="airflow-client-test-"))
        self.extra_env = dict(extra_env or {})
        self.venv: Path | None = None
        self._procs: dict[str, subprocess.Popen] = {}

    # -- what a generation defines ----------------------------------------------------------------

    def _commands(self) -> dict[str, list[str]]:
        """Name of each long-running process (its log is ``<home>/<name>.log``) -> `airflow` arguments."""
        raise NotImplementedError

    def _settings(self) -> dict[str, str]:
        """This generation's environment on top of :meth:`environment`'s common part."""
        raise NotImplementedError

    def _prepare(self, deadline: float) -> None:
        """Set-up after ``airflow db migrate`` and before the processes start."""

    def _is_ready(self, health: Any) -> bool:
        """Whether the answer of ``health_path`` says every process is up."""
        raise NotImplementedError

    def _after_ready(self) -> None:
        """Set-up that needs the running API."""

    def _startup_problem(self) -> str | None:
        """A reason to give up waiting, read from the logs, for failures that do not end a process."""
        return None

    def _authorization(self, user: tuple[str, str]) -> str:
        """The ``Authorization`` header value for a request as ``user``."""
        raise NotImplementedError

    # -- users of the FAB auth manager (Airflow 2, and Airflow 3 with the FAB provider) -------------

    def _create_admin(self, deadline: float) -> None:
        self._airflow("users", "create", "--username", self.admin[0], "--password", self.admin[1],
                      "--role", "Admin", "--firstname", "Admin", "--lastname", "User",
                      "--email", "admin@example.com", timeout=max(30.0, deadline - time.monotonic()))

    def _create_viewer(self) -> None:
        # Only the Admin role exists before the web or API server first syncs roles, and one API call
        # is much quicker than a second CLI call.
        body = {
            "username": self.viewer[0], "password": self.viewer[1],
            "first_name": "Viewer", "last_name": "User", "email": "viewer@example.com",
            "roles": [{"name": "Viewer"}],
        }
        status, answer = self.request("POST", f"{self.base_url}/auth/fab/v1/users", body)
        if status != 200:
            raise RuntimeError(f"creating the viewer user failed: {status} {answer}")

    # -- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> Self:
        if not self._procs:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _log_paths(self) -> dict[str, Path]:
        paths = {name: self.home / f"{name}.log" for name in self._commands()}
        paths["setup"] = self.home / "setup.log"
        return paths

    def log_tail(self, which: str = "scheduler", lines: int = 60) -> str:
        """Last lines of the log of one process, or of ``setup`` (the CLI calls before the start)."""
        paths = self._log_paths()
        if which not in paths:
            raise ValueError(f"unknown log {which!r}; one of {sorted(paths)}")
        return _tail_file(paths[which], lines)

    def _diagnostics(self, lines: int = 40) -> str:
        parts = []
        for which in ("setup", *self._commands()):
            kept = [line for line in self.log_tail(which, 2000).splitlines(keepends=True)
                    if not any(noise in line for noise in self._log_noise)]
            parts.append(f"----- last lines of {self._log_paths()[which]} -----\n{''.join(kept[-lines:])}")
        return "\n".join(parts)

    def environment(self) -> dict[str, str]:
        """The environment every Airflow process of this server runs with."""
        assert self.venv is not None
        env = {
            key: value
            for key, value in os.environ.items()
            # A developer's own Airflow settings or Python paths must not leak into the server.
            if not key.startswith("AIRFLOW") and key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
        }
        env.update({
            "AIRFLOW_HOME": str(self.home),
            # Executors start task processes by calling `airflow` from PATH.
            "PATH": f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            # Holds SETTINGS_MODULE. The task hostname is loopback, so log fetches never leave 127.0.0.1.
            "PYTHONPATH": str(self.home / "pythonpath"),
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": f"{SETTINGS_MODULE}.hostname",
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            # Let the scheduler loop spin fast: the DAGs are tiny.
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.5",
            # No extra listeners besides the API.
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        })
        env.update(self._settings())
        env.update(self.extra_env)
        return env

    def _airflow(self, *args: str, timeout: float = 180) -> None:
        """Run one `airflow` CLI command to completion, appending its output to setup.log."""
        assert self.venv is not None
        with open(self._log_paths()["setup"], "a") as log:
            log.write(f"$ airflow {' '.join(args)}\n")
            log.flush()
            result = subprocess.run(
                [str(self.venv / "bin" / "airflow"), *args], check=False,
                env=self.environment(), cwd=self.home, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, timeout=timeout,
            )
        if result.returncode != 0:
            raise RuntimeError(f"`airflow {' '.join(args[:2])}` exited {result.returncode}")

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        assert self.venv is not None
        with open(self._log_paths()[name], "ab") as log:
            # A session of its own, so stop() can find and signal everything it starts.
            return subprocess.Popen(
                [str(self.venv / "bin" / "airflow"), *args],
                env=self.environment(), cwd=self.home, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def start(self, wait_for_dags: Iterable[str] = (), timeout: float = 240) -> None:
        """Build the venv if needed, set up a fresh database, start the processes, wait until ready.

        ``timeout`` covers the server start, not a first-time venv build.  On failure everything is
        stopped and the error carries the tail of the logs.
        """
        if self._procs:
            raise RuntimeError("already started")
        self.venv = ensure_airflow_venv(self.release)
        began = time.monotonic()
        deadline = began + timeout
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            helper_dir = self.home / "pythonpath"
            helper_dir.mkdir(exist_ok=True)
            (helper_dir / f"{SETTINGS_MODULE}.py").write_text(SETTINGS_SOURCE, encoding="utf-8")
            _say(f"starting Airflow {self.release.version} on {self.base_url} (home {self.home})")
            self._airflow("db", "migrate", timeout=max(30.0, deadline - time.monotonic()))
            self._prepare(deadline)
            atexit.register(self.stop)
            for name, args in self._commands().items():
                self._procs[name] = self._spawn(name, *args)
            self._wait_ready(deadline)
            self._after_ready()
            self.wait_for_dags(wait_for_dags, timeout=max(1.0, deadline - time.monotonic()))
        except Exception as exc:
            message = f"starting Airflow failed: {exc}\n{self._diagnostics()}"
            self.stop()
            raise RuntimeError(message) from exc
        except BaseException:  # Ctrl-C while starting: still leave nothing running
            self.stop()
            raise
        _say(f"Airflow ready in {time.monotonic() - began:.1f} s")

    def _check_alive(self) -> None:
        for name, proc in self._procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"the {name} exited with code {proc.returncode}")

    def _wait_ready(self, deadline: float) -> None:
        last = "no answer yet"
        while True:
            self._check_alive()
            problem = self._startup_problem()
            if problem:
                raise RuntimeError(problem)
            try:
                status, body = self.request("GET", self.health_path, auth=ANONYMOUS, timeout=5)
            except OSError as exc:  # not listening yet
                last = repr(exc)
            else:
                last = f"{status} {body}"
                if status == 200 and self._is_ready(body):
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.health_path} not healthy in time; last answer: {last}")
            time.sleep(_POLL_SECONDS)

    def wait_for_dags(self, dag_ids: Iterable[str], timeout: float = 120) -> None:
        """Wait until the DAG processor has parsed these DAGs and the API lists them."""
        wanted = set(dag_ids)
        if not wanted:
            return
        deadline = time.monotonic() + timeout
        while True:
            self._check_alive()
            status, body = self.request("GET", self._list_dags)
            listed = {dag["dag_id"] for dag in body.get("dags", [])} if status == 200 else set()
            if wanted <= listed:
                return
            # A broken DAG file would otherwise only show up as a timeout.
            status, errors = self.request("GET", "/importErrors")
            if status == 200 and errors.get("import_errors"):
                details = "\n".join(f"{e['filename']}:\n{e['stack_trace']}" for e in errors["import_errors"])
                raise RuntimeError(f"DAG import errors:\n{details}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"DAGs not listed in time: missing {sorted(wanted - listed)}")
            time.sleep(_POLL_SECONDS)

    def stop(self) -> None:
        """Stop every process and everything they started: SIGTERM, then SIGKILL after a grace period."""
        atexit.unregister(self.stop)
        named, self._procs = self._procs, {}
        procs = list(named.values())
        if procs:
            leaders = {proc.pid for proc in procs}
            tracked = _our_processes(leaders)
            for proc in procs:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + _STOP_GRACE_SECONDS
            while time.monotonic() < deadline:
                tracked.update(_our_processes(leaders))
                leaders_done = all(proc.poll() is not None for proc in procs)
                if leaders_done and not any(_still_same(pid, start) for pid, start in tracked.items()):
                    break
                time.sleep(0.2)
            else:
                stuck = [name for name, proc in named.items() if proc.poll() is None] or ["their children"]
                _say(f"Airflow did not stop within {_STOP_GRACE_SECONDS:.0f} s ({', '.join(stuck)}); killing it")
            tracked.update(_our_processes(leaders))
            for proc in procs:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            for pid, start in tracked.items():
                if _still_same(pid, start):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    _say(f"process {proc.pid} did not go away after SIGKILL")
        if self._owns_home and not os.environ.get("AIRFLOW_CLIENT_TEST_KEEP_HOME") and self.home.exists():
            shutil.rmtree(self.home, ignore_errors=True)

    # -- REST helpers for test setup ---------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        auth: tuple[str, str] | None = None,
        *,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, Any]:
        """One JSON call; ``path`` is relative to :attr:`host` unless it is a full URL.

        Returns ``(status, decoded JSON or text)`` and does not raise on HTTP errors, so tests can
        assert on 4xx answers.  ``auth`` defaults to the admin user; :data:`ANONYMOUS` sends no
        credentials.  ``headers`` are added to (or replace) the defaults.
        """
        url = path if path.startswith(("http://", "https://")) else self.host + path
        user = auth or self.admin
        sent = {"Accept": "application/json"}
        if user != ANONYMOUS:
            sent["Authorization"] = self._authorization(user)
        sent.update(headers or {})
        return http_json(method, url, body, sent, timeout=timeout)

    def set_paused(self, dag_id: str, paused: bool) -> None:
        """Pause or unpause a DAG through the API."""
        path = f"/dags/{quote_segment(dag_id)}?update_mask=is_paused"
        status, answer = self.request("PATCH", path, {"is_paused": paused})
        if status != 200:
            raise RuntimeError(f"setting is_paused={paused} on {dag_id} failed: {status} {answer}")

    def trigger_run(
        self,
        dag_id: str,
        run_id: str | None = None,
        conf: dict | None = None,
        logical_date: str | None = None,
    ) -> str:
        """Create a DAG run through the API and return its run id."""
        body: dict[str, Any] = {}
        if run_id is not None:
            body["dag_run_id"] = run_id
        if conf is not None:
            body["conf"] = conf
        if logical_date is not None or self._trigger_needs_logical_date:
            body["logical_date"] = logical_date
        status, answer = self.request("POST", f"/dags/{quote_segment(dag_id)}/dagRuns", body)
        if status != 200:
            raise RuntimeError(f"triggering {dag_id} failed: {status} {answer}")
        return answer["dag_run_id"]

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float = 300) -> str:
        """Poll a run until it is ``success`` or ``failed`` and return that state."""
        path = f"/dags/{quote_segment(dag_id)}/dagRuns/{quote_segment(run_id)}"
        deadline = time.monotonic() + timeout
        state = None
        while True:
            status, answer = self.request("GET", path)
            if status == 200:
                state = answer.get("state")
                if state in ("success", "failed"):
                    return state
            elif status != 404:
                raise RuntimeError(f"reading run {dag_id}/{run_id} failed: {status} {answer}")
            scheduler = self._procs.get("scheduler")
            if scheduler is None or scheduler.poll() is not None:
                raise RuntimeError(f"the scheduler is not running; run {dag_id}/{run_id} is {state}\n"
                                   f"{self.log_tail('scheduler')}")
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"run {dag_id}/{run_id} still {state!r} after {timeout:.0f} s; scheduler log tail:\n"
                    f"{self.log_tail('scheduler')}"
                )
            time.sleep(_POLL_SECONDS)


class LocalAirflow(AirflowServer):
    """Airflow 2.11.2: a webserver and a scheduler (SequentialExecutor, SQLite), basic auth, the API
    at ``/api/v1``."""

    release = AIRFLOW_2
    api_path = "/api/v1"
    health_path = "/health"
    _list_dags = "/dags?limit=1000&only_active=true"
    # Hundreds of permission-sync lines at start.
    _log_noise = ("{override.py:",)

    def _commands(self) -> dict[str, list[str]]:
        return {
            "webserver": ["webserver", "--port", str(self.port), "--hostname", "127.0.0.1"],
            # Logs are files under AIRFLOW_HOME that the webserver reads directly: no log server.
            "scheduler": ["scheduler", "--skip-serve-logs"],
        }

    def _log_paths(self) -> dict[str, Path]:
        paths = super()._log_paths()
        paths["dag_processor"] = self.home / "logs" / "dag_processor_manager" / "dag_processor_manager.log"
        return paths

    def _settings(self) -> dict[str, str]:
        return {
            "AIRFLOW__CORE__EXECUTOR": "SequentialExecutor",
            # Airflow appends the session backend (for the UI) anyway, with a warning if we don't.
            "AIRFLOW__API__AUTH_BACKENDS": ",".join(
                f"airflow.api.auth.backend.{name}" for name in ("basic_auth", "session")
            ),
            "AIRFLOW__WEBSERVER__EXPOSE_CONFIG": "True",
            "AIRFLOW__WEBSERVER__SECRET_KEY": "airflow-client-test-secret-key",
            "AIRFLOW__WEBSERVER__WORKERS": "2",
            "AIRFLOW__WEBSERVER__WEB_SERVER_HOST": "127.0.0.1",
            "AIRFLOW__WEBSERVER__WEB_SERVER_PORT": str(self.port),
            "AIRFLOW__WEBSERVER__BASE_URL": self.base_url,
            "AIRFLOW__WEBSERVER__WARN_DEPLOYMENT_EXPOSURE": "False",
            # Parse quickly and often: the DAGs are tiny.
            "AIRFLOW__SCHEDULER__MIN_FILE_PROCESS_INTERVAL": "10",
            "AIRFLOW__SCHEDULER__DAG_DIR_LIST_INTERVAL": "10",
            "AIRFLOW__SCHEDULER__PARSING_PROCESSES": "2",
            # Silences a deprecation warning on every CLI call.
            "AIRFLOW__METRICS__TIMER_UNIT_CONSISTENCY": "True",
        }

    def _prepare(self, deadline: float) -> None:
        self._create_admin(deadline)

    def _startup_problem(self) -> str | None:
        # gunicorn gives up on a taken port, but the webserver command around it keeps waiting.
        if "Can't connect to (" in self.log_tail("webserver", 20):
            return f"the webserver could not listen on 127.0.0.1:{self.port}"
        return None

    def _is_ready(self, health: Any) -> bool:
        return (isinstance(health, dict)
                and health.get("metadatabase", {}).get("status") == "healthy"
                and health.get("scheduler", {}).get("status") == "healthy")

    def _after_ready(self) -> None:
        # A server whose extra_env turns basic auth off (a Kerberos-only one) gets no viewer: its tests
        # create the users they need with the CLI.
        if "basic_auth" in self.environment()["AIRFLOW__API__AUTH_BACKENDS"]:
            self._create_viewer()

    def _authorization(self, user: tuple[str, str]) -> str:
        return "Basic " + base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode()


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a throwaway Airflow server with the test DAGs.")
    parser.add_argument("--airflow", choices=("2", "3"), default="2",
                        help=f"2 for Airflow {AIRFLOW_VERSION} (default), 3 for Airflow 3")
    parser.add_argument("--fab", action="store_true", help="Airflow 3 with the FAB auth manager")
    parser.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--dags", default=None, help="DAGs folder (default: test/dags, test/dags3 for Airflow 3)")
    parser.add_argument("--home", default=None, help="AIRFLOW_HOME to use and keep (default: a temp dir)")
    args = parser.parse_args(argv)
    if args.fab and args.airflow != "3":
        parser.error("--fab needs --airflow 3")

    server_class: type[AirflowServer] = LocalAirflow
    dags = TEST_DAGS
    if args.airflow == "3":
        from tools import local_airflow3  # imports this module: only when asked for

        server_class = local_airflow3.LocalAirflow3Fab if args.fab else local_airflow3.LocalAirflow3
        dags = local_airflow3.TEST_DAGS3
    dags = Path(args.dags) if args.dags else dags
    # Turn SIGTERM into a normal exit so the server is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = server_class(dags, port=args.port, home=args.home)
    try:
        server.start(wait_for_dags=dag_ids_in(dags))
        print(f"Airflow {server.release.version} is up.")
        print(f"  API host:  {server.host}")
        print(f"  UI:        {server.base_url}")
        print(f"  admin:     {server.admin[0]} / {server.admin[1]}")
        print(f"  viewer:    {server.viewer[0]} / {server.viewer[1]}")
        print(f"  home:      {server.home}")
        print("Press Ctrl-C to stop.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("stopping", file=sys.stderr)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    # Run as a script this file is `__main__`, a second copy beside the `tools.local_airflow` that
    # tools/local_airflow3.py imports: hand over to that one, so there is one set of classes.
    sys.path.insert(0, str(REPO_ROOT))
    from tools.local_airflow import _main as main

    sys.exit(main())
