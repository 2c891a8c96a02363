"""A real MIT Kerberos realm and a real Airflow 2.11.2 whose REST API authenticates with Kerberos only.

Package-scoped, so both stop as soon as the tests of this folder are done. Nothing here skips: a
machine that cannot install the Kerberos packages fails these tests with a message saying so.

    realm          CLIENT.TEST, KDC on a free loopback port, database and files in a temp dir
    principals     alice (an Airflow Admin), bob (known to the KDC, not to Airflow),
                   airflow/localhost and HTTP/localhost (services; keys in one keytab)
    airflow        LocalAirflow with the FAB Kerberos API backend and that keytab
    client side    KRB5_CONFIG and KRB5CCNAME (alice's cache) set in this process for the package
"""

from __future__ import annotations

import base64
import fcntl
import importlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from test.kerberos.realm import KerberosRealm, KerberosSetupError, ensure_kdc_packages
from tools import local_airflow

REPO_ROOT = Path(__file__).resolve().parents[2]
DAGS_FOLDER = REPO_ROOT / "test" / "dags"
KERBEROS_DIR = Path(__file__).resolve().parent

REALM = "CLIENT.TEST"
USER = "alice"
STRANGER = "bob"  # has tickets, has no Airflow account
SERVICE_PRINCIPALS = ("airflow/localhost", "HTTP/localhost")
KERBEROS_BACKEND = "airflow.providers.fab.auth_manager.api.auth.backend.kerberos_auth"
WAIT_FOR_DAG = "ti_plain"  # parsed before the tests start, so listings are not empty

# What the test interpreter needs for KerberosAuth: the `kerberos` extra of setup.py. Not in the `test`
# extra: on Linux it compiles python-gssapi and krb5 against libkrb5-dev, which `pip install .[test]`
# (dev.py's first step) cannot count on; this package installs that first, then the extra.
CLIENT_REQUIREMENTS = ("pyspnego[kerberos]>=0.9",)
# What Airflow's backend imports: `kerberos` (pykerberos) and `requests_kerberos`. --no-deps, because
# requests-kerberos pulls pyspnego[kerberos] whose compiled parts the backend never uses.
AIRFLOW_REQUIREMENTS = ("pykerberos>=1.1.13", "requests-kerberos>=0.10.0", "pyspnego>=0.9")

# FAB sets AUTH_ROLE_PUBLIC = "Public" unless webserver_config.py sets it, and the Kerberos backend of
# the FAB provider lets every request through unauthenticated whenever AUTH_ROLE_PUBLIC is set. None
# turns that off; the rest is Airflow's default webserver_config.py.
WEBSERVER_CONFIG = '''"""Airflow webserver config for the Kerberos tests (written by test/kerberos/conftest.py)."""
from flask_appbuilder.const import AUTH_DB

AUTH_TYPE = AUTH_DB
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
AUTH_ROLE_PUBLIC = None
'''


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "kerberos: needs the MIT KDC and the Kerberos Airflow of test/kerberos")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if KERBEROS_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.kerberos)


def _fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


def _pip_install(python: str, requirements: tuple[str, ...], log_path: Path, *, no_deps: bool = False) -> None:
    command = [python, "-m", "pip", "install", "--no-input", "--disable-pip-version-check", "--progress-bar", "off"]
    if no_deps:
        command.append("--no-deps")
    # No optimisation: python-gssapi and krb5 are Cython modules that take over 5 minutes to compile at
    # -O2 on two cores and under 2 at -O0; the speed of thin wrappers does not matter to tests. pip
    # caches the wheels it builds, so this is paid once per machine.
    env = {**os.environ, "CFLAGS": (os.environ.get("CFLAGS", "") + " -O0").strip()}
    with open(log_path, "a") as log:
        log.write(f"$ {' '.join(command + list(requirements))}\n")
        log.flush()
        result = subprocess.run([*command, *requirements], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env, timeout=900, check=False)
    if result.returncode != 0:
        tail = "".join(log_path.read_text(errors="replace").splitlines(keepends=True)[-30:])
        _fail(f"pip install {' '.join(requirements)} into {python} exited {result.returncode}; "
              f"last lines of {log_path}:\n{tail}")


@pytest.fixture(scope="package")
def setup_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kerberos-setup")


@pytest.fixture(scope="package")
def kdc_packages(setup_logs: Path) -> None:
    """The MIT Kerberos tools and headers, installed with apt-get when missing."""
    try:
        ensure_kdc_packages(setup_logs / "apt.log")
    except KerberosSetupError as exc:
        _fail(f"cannot run the Kerberos tests: {exc}")


@pytest.fixture(scope="package")
def client_kerberos_libs(kdc_packages: None, setup_logs: Path) -> None:
    """pyspnego with its Kerberos parts in this interpreter's environment (compiled against libkrb5-dev)."""
    try:
        import gssapi  # noqa: F401
        import krb5  # noqa: F401
        import spnego  # noqa: F401
    except ImportError:
        _pip_install(sys.executable, CLIENT_REQUIREMENTS, setup_logs / "pip-client.log")
        importlib.invalidate_caches()


@pytest.fixture(scope="package")
def airflow_kerberos_libs(kdc_packages: None, setup_logs: Path) -> Path:
    """The cached Airflow venv, with the modules its Kerberos backend imports."""
    venv = local_airflow.ensure_airflow_venv()
    python = str(venv / "bin" / "python")
    check = [python, "-c", "import kerberos, requests_kerberos"]
    if subprocess.run(check, capture_output=True, check=False).returncode == 0:
        return venv
    # The same lock ensure_airflow_venv() builds under: one installer at a time.
    lock_path = local_airflow.cache_root() / f"airflow-{local_airflow.AIRFLOW_VERSION}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if subprocess.run(check, capture_output=True, check=False).returncode != 0:
            _pip_install(python, AIRFLOW_REQUIREMENTS, setup_logs / "pip-airflow.log", no_deps=True)
    result = subprocess.run(check, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        _fail(f"the Airflow venv still cannot import its Kerberos modules: {result.stderr.strip()[-2000:]}")
    return venv


@pytest.fixture(scope="package")
def realm(kdc_packages: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KerberosRealm]:
    """A running KDC with alice, bob and the service principals; keytabs beside it."""
    kdc = KerberosRealm(tmp_path_factory.mktemp("realm"), REALM)
    try:
        kdc.start()
        for name in (USER, STRANGER, *SERVICE_PRINCIPALS):
            kdc.add_principal(name)
        kdc.export_keytab(kdc.root / "service.keytab", *SERVICE_PRINCIPALS)
        for name in (USER, STRANGER):
            kdc.export_keytab(kdc.root / f"{name}.keytab", name)
    except KerberosSetupError as exc:
        kdc.stop()
        _fail(f"cannot set up the Kerberos realm: {exc}")
    try:
        yield kdc
    finally:
        kdc.stop()


def kinit_cache(realm: KerberosRealm, name: str, label: str | None = None, lifetime: str | None = None) -> str:
    """A fresh ticket cache holding a TGT for `name`; returns its KRB5CCNAME value."""
    ccache = f"FILE:{realm.root / f'{label or name}.ccache'}"
    realm.kdestroy(ccache)
    realm.kinit(name, realm.root / f"{name}.keytab", ccache, lifetime)
    return ccache


@pytest.fixture(scope="package")
def kerberos_env(realm: KerberosRealm, client_kerberos_libs: None) -> Iterator[str]:
    """This process uses the test realm, with alice's ticket cache; yields that KRB5CCNAME."""
    ccache = kinit_cache(realm, USER)
    patch = pytest.MonkeyPatch()
    patch.setenv("KRB5_CONFIG", str(realm.krb5_conf))
    patch.setenv("KRB5CCNAME", ccache)
    # Replay caches of the in-process acceptors stay in the temp dir.
    patch.setenv("KRB5RCACHEDIR", str(realm.root))
    try:
        yield ccache
    finally:
        patch.undo()


@pytest.fixture(scope="package")
def kerberos_airflow(realm: KerberosRealm, airflow_kerberos_libs: Path,
                     kerberos_env: str) -> Iterator[local_airflow.LocalAirflow]:
    """Airflow 2.11.2 whose API accepts Kerberos only, with alice@CLIENT.TEST as an Admin user."""
    config_file = realm.root / "webserver_config.py"
    config_file.write_text(WEBSERVER_CONFIG, encoding="utf-8")
    extra_env = {
        # Airflow appends its session backend (for the UI); no basic auth, so only Kerberos gets in.
        "AIRFLOW__API__AUTH_BACKENDS": KERBEROS_BACKEND,
        # The backend sets KRB5_KTNAME from [kerberos] keytab and accepts as airflow@<FQDN of this machine>;
        # ignore_acceptor_hostname in krb5.conf lets that accept our airflow/localhost key.
        "AIRFLOW__KERBEROS__KEYTAB": str(realm.root / "service.keytab"),
        "AIRFLOW__WEBSERVER__CONFIG_FILE": str(config_file),
        "KRB5_CONFIG": str(realm.krb5_conf),
        "KRB5RCACHEDIR": str(realm.root),
    }
    server = local_airflow.LocalAirflow(DAGS_FOLDER, extra_env=extra_env)
    try:
        server.start()
    except RuntimeError as exc:
        _fail(f"starting the Kerberos Airflow failed: {exc}")
    try:
        # The backend looks the user up by the full principal name (case-insensitively).
        result = subprocess.run(
            [str(airflow_kerberos_libs / "bin" / "airflow"), "users", "create", "--username", f"{USER}@{REALM}",
             "--role", "Admin", "--firstname", "Alice", "--lastname", "Kerberos", "--email", "alice@client.test",
             "--use-random-password"],
            env=server.environment(), cwd=server.home, capture_output=True, text=True, timeout=180, check=False,
        )
        if result.returncode != 0:
            _fail(f"creating the Airflow user {USER}@{REALM} failed: {result.stdout[-1500:]}{result.stderr[-1500:]}")
        _wait_for_dag(server, WAIT_FOR_DAG)
        yield server
    finally:
        server.stop()


def _negotiate_get(url: str) -> tuple[int, bytes]:
    """GET with a Kerberos token made by pyspnego directly: set-up does not rely on the client under test."""
    import spnego

    host = urllib.parse.urlsplit(url).hostname or "localhost"
    token = spnego.client(hostname=host, service="airflow", protocol="kerberos").step()
    request = urllib.request.Request(url, headers={"Authorization": "Negotiate " + base64.b64encode(token).decode()})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _wait_for_dag(server: local_airflow.LocalAirflow, dag_id: str, timeout: float = 120) -> None:
    # LocalAirflow.wait_for_dags asks with basic auth, which this server refuses.
    url = f"http://localhost:{server.port}/api/v1/dags/{dag_id}"
    deadline = time.monotonic() + timeout
    while True:
        status, body = _negotiate_get(url)
        if status == 200:
            return
        if status != 404 or time.monotonic() > deadline:
            _fail(f"waiting for DAG {dag_id} over Kerberos: {status} {body[:500]!r}\n{server.log_tail('webserver')}")
        time.sleep(0.5)


@pytest.fixture
def service_keytab(realm: KerberosRealm, kerberos_env: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Lets an acceptor in this process use the service keys (only for the test that asks)."""
    keytab = realm.root / "service.keytab"
    monkeypatch.setenv("KRB5_KTNAME", f"FILE:{keytab}")
    return keytab


@pytest.fixture
def kerberos_host(kerberos_airflow: local_airflow.LocalAirflow) -> str:
    """The API root by the name the service principal has: airflow/localhost, so localhost."""
    return f"http://localhost:{kerberos_airflow.port}/api/v1"
