"""A throwaway MIT Kerberos realm on loopback: its own KDC, database, principals, keytabs and ticket caches.

Standard library only, like ``tools/local_airflow.py``: the realm must not depend on the client under test.
Everything lives in one directory; nothing under /etc is read or written (``KRB5_CONFIG`` and
``KRB5_KDC_PROFILE`` point every Kerberos tool and library at our files).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

# Debian packages: the KDC and kdb5_util/kadmin.local, kinit/kdestroy/klist, and the headers that
# pykerberos and python-gssapi compile against (neither ships Linux wheels).
DEBIAN_PACKAGES = ("krb5-kdc", "krb5-admin-server", "krb5-user", "libkrb5-dev")
# The tools this module runs; the admin ones live in /usr/sbin, which a CI PATH may lack.
_TOOLS = ("krb5kdc", "kdb5_util", "kadmin.local", "kinit", "kdestroy", "klist", "krb5-config")
_SBIN = ("/usr/sbin", "/usr/bin", "/sbin", "/bin")

_START_TIMEOUT = 20.0
_STOP_GRACE = 10.0


class KerberosSetupError(RuntimeError):
    """The realm could not be made; the message says what failed and where its output is."""


def find_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for folder in _SBIN:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def missing_tools() -> list[str]:
    return [name for name in _TOOLS if find_tool(name) is None]


def ensure_kdc_packages(log_path: Path) -> None:
    """Install the MIT Kerberos packages with apt-get unless every tool is already there.

    Raises KerberosSetupError (never skips): a machine that cannot install them cannot run these tests.
    """
    missing = missing_tools()
    if not missing:
        return
    apt = shutil.which("apt-get")
    if apt is None:
        raise KerberosSetupError(
            f"the MIT Kerberos tools {missing} are missing and there is no apt-get to install "
            f"{' '.join(DEBIAN_PACKAGES)}; install them (or your system's equivalents) and run again"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a") as log:
        for step in ([apt, "update", "-q"], [apt, "install", "-y", "-q", "--no-install-recommends", *DEBIAN_PACKAGES]):
            log.write(f"$ {' '.join(step)}\n")
            log.flush()
            try:
                result = subprocess.run(step, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=env, timeout=600, check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise KerberosSetupError(f"installing the MIT Kerberos packages failed: {exc}; see {log_path}") from exc
            if result.returncode != 0:
                raise KerberosSetupError(
                    f"installing the MIT Kerberos packages is impossible here: `{' '.join(step[:2])}` exited "
                    f"{result.returncode} (root and a reachable Debian mirror are needed); last lines of {log_path}:\n"
                    f"{_tail(log_path, 30)}"
                )
    still = missing_tools()
    if still:
        raise KerberosSetupError(f"after installing {' '.join(DEBIAN_PACKAGES)} these tools are still missing: {still}")


def _tail(path: Path, lines: int) -> str:
    try:
        return "".join(path.read_text(errors="replace").splitlines(keepends=True)[-lines:])
    except OSError:
        return f"<{path} unreadable>\n"


def free_port_tcp_and_udp() -> int:
    """A port on 127.0.0.1 free for both TCP and UDP: the KDC listens on both."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    raise KerberosSetupError("no port on 127.0.0.1 is free for both TCP and UDP")


class KerberosRealm:
    """A realm in ``root``: ``start()`` writes the profiles, makes the database and runs ``krb5kdc``."""

    def __init__(self, root: Path, realm: str = "CLIENT.TEST") -> None:
        self.root = Path(root)
        self.realm = realm
        self.port = 0
        self.krb5_conf = self.root / "krb5.conf"
        self.kdc_conf = self.root / "kdc.conf"
        self.log_path = self.root / "kdc-setup.log"
        self._kdc: subprocess.Popen | None = None

    # -- environment ---------------------------------------------------------------------------------

    def env(self) -> dict[str, str]:
        """What every Kerberos tool and library needs to use this realm and only it."""
        return {"KRB5_CONFIG": str(self.krb5_conf), "KRB5_KDC_PROFILE": str(self.kdc_conf)}

    def _run(self, *args: str, extra_env: dict[str, str] | None = None, check: bool = True) -> str:
        tool = find_tool(args[0])
        if tool is None:
            raise KerberosSetupError(f"{args[0]} is not installed")
        env = {**os.environ, **self.env(), **(extra_env or {})}
        with open(self.log_path, "a") as log:
            log.write(f"$ {' '.join(args)}\n")
        result = subprocess.run([tool, *args[1:]], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                                text=True, timeout=60, check=False)
        with open(self.log_path, "a") as log:
            log.write(result.stdout + result.stderr)
        if check and result.returncode != 0:
            raise KerberosSetupError(
                f"`{' '.join(args)}` exited {result.returncode}: {result.stderr.strip() or result.stdout.strip()}"
            )
        return result.stdout + result.stderr

    # -- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = free_port_tcp_and_udp()
        self._write_profiles()
        # -s writes a stash file so the KDC starts without asking for the master password.
        self._run("kdb5_util", "-r", self.realm, "create", "-s", "-P", "throwaway-master-key")
        log = open(self.root / "krb5kdc.out", "ab")  # handed to the child; our copy is closed below
        try:
            # -n: stay in the foreground so we own the process; its own session so stop() signals only it.
            self._kdc = subprocess.Popen(
                [find_tool("krb5kdc") or "krb5kdc", "-n", "-r", self.realm],
                env={**os.environ, **self.env()}, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + _START_TIMEOUT
        while True:
            if self._kdc.poll() is not None:
                raise KerberosSetupError(
                    f"krb5kdc exited with {self._kdc.returncode}:\n{_tail(self.root / 'krb5kdc.out', 20)}"
                    f"{_tail(self.root / 'kdc.log', 20)}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise KerberosSetupError(f"krb5kdc did not listen on 127.0.0.1:{self.port} in {_START_TIMEOUT:.0f} s")
            time.sleep(0.1)

    def stop(self) -> None:
        kdc, self._kdc = self._kdc, None
        if kdc is None or kdc.poll() is not None:
            return
        kdc.send_signal(signal.SIGTERM)
        try:
            kdc.wait(timeout=_STOP_GRACE)
        except subprocess.TimeoutExpired:
            kdc.kill()
            kdc.wait(timeout=_STOP_GRACE)

    def _write_profiles(self) -> None:
        root, realm, port = self.root, self.realm, self.port
        # Every lookup that could leave the machine is off: no DNS for KDCs, realms or host names, and
        # "localhost" stays "localhost" (not qualified with a search domain), so the service principal
        # the client asks for is exactly <service>/localhost.
        # ignore_acceptor_hostname: Airflow's backend names its acceptor airflow@<its FQDN>; with this,
        # it accepts a ticket for any airflow/<host> key in its keytab, here airflow/localhost.
        self.krb5_conf.write_text(
            f"""[libdefaults]
    default_realm = {realm}
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    qualify_shortname = ""
    ignore_acceptor_hostname = true
    udp_preference_limit = 1
    forwardable = true
    ticket_lifetime = 1h

[realms]
    {realm} = {{
        kdc = 127.0.0.1:{port}
    }}

[domain_realm]
    localhost = {realm}
    127.0.0.1 = {realm}
""",
            encoding="utf-8",
        )
        (root / "kadm5.acl").write_text("", encoding="utf-8")
        self.kdc_conf.write_text(
            f"""[kdcdefaults]
    kdc_listen = 127.0.0.1:{port}
    kdc_tcp_listen = 127.0.0.1:{port}

[realms]
    {realm} = {{
        database_name = {root}/principal
        key_stash_file = {root}/stash
        acl_file = {root}/kadm5.acl
        max_life = 1h
        max_renewable_life = 1h
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }}

[logging]
    kdc = FILE:{root}/kdc.log
    admin_server = FILE:{root}/kadmin.log
    default = FILE:{root}/krb5lib.log
""",
            encoding="utf-8",
        )

    # -- principals, keytabs, tickets ----------------------------------------------------------------

    def principal(self, name: str) -> str:
        return name if "@" in name else f"{name}@{self.realm}"

    def add_principal(self, name: str) -> str:
        """A principal with a random key: nobody knows a password, keytabs carry the key."""
        full = self.principal(name)
        self._run("kadmin.local", "-r", self.realm, "-q", f"addprinc -randkey {full}")
        return full

    def delete_principal(self, name: str) -> None:
        self._run("kadmin.local", "-r", self.realm, "-q", f"delprinc -force {self.principal(name)}")

    def export_keytab(self, keytab: Path, *names: str) -> Path:
        # -norandkey keeps the current key, so exporting a principal twice leaves earlier keytabs valid.
        principals = " ".join(self.principal(n) for n in names)
        self._run("kadmin.local", "-r", self.realm, "-q", f"ktadd -norandkey -k {keytab} {principals}")
        return keytab

    def kinit(self, name: str, keytab: Path, ccache: str, lifetime: str | None = None) -> None:
        lifetime_args = ("-l", lifetime) if lifetime else ()
        self._run("kinit", *lifetime_args, "-k", "-t", str(keytab), self.principal(name),
                  extra_env={"KRB5CCNAME": ccache})

    def kdestroy(self, ccache: str) -> None:
        self._run("kdestroy", extra_env={"KRB5CCNAME": ccache}, check=False)

    def klist(self, ccache: str) -> str:
        return self._run("klist", extra_env={"KRB5CCNAME": ccache}, check=False)
