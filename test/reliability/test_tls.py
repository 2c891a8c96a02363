"""TLS: verification is on by default, with certifi's bundle; other trust is configured, never assumed.

The server is the unit tests' loopback server with its listening socket wrapped in `ssl`, holding
certificates made by `trustme` (a throwaway CA) or, for the self-signed case, by `cryptography`.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import subprocess
import sys
import textwrap
import uuid
import warnings
from pathlib import Path
from typing import Iterator

import certifi
import pytest
import trustme
import urllib3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import variable_api

from .conftest import Answer, LoopbackServer, count, https_host, open_loopback, tls_server

REPO_ROOT = Path(__file__).resolve().parents[2]
VARIABLE = {"key": "k", "value": "v"}


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def tls_loopback(cert_and_key: tuple[bytes, bytes] | trustme.LeafCert, *, client_ca: trustme.CA | None = None) -> (
        LoopbackServer):
    srv = tls_server(cert_and_key, client_ca=client_ca)
    srv.default = Answer(body=VARIABLE)
    return srv


@pytest.fixture
def servers() -> Iterator[list[LoopbackServer]]:
    made: list[LoopbackServer] = []
    yield made
    for srv in made:
        srv.close()


def self_signed_for_loopback() -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def get(config: client.Configuration) -> object:
    config.retries = 0
    with client.ApiClient(config) as api_client:
        return variable_api.VariableApi(api_client).get_variable("k")


def refused_with_tls_error(config: client.Configuration, srv: LoopbackServer) -> exceptions.ApiConnectionError:
    with pytest.raises(exceptions.ApiConnectionError) as caught:
        get(config)
    err = caught.value
    assert err.status is None and err.__cause__ is not None
    assert srv.seen == [], "the request reached the server despite the failed handshake"
    count("faults survived")
    return err


def test_verification_is_on_by_default_with_certifis_bundle():
    with client.ApiClient(client.Configuration(host="https://airflow.example/api/v1")) as api_client:
        pool_kw = api_client.rest_client.pool_manager.connection_pool_kw
    assert pool_kw["cert_reqs"] == ssl.CERT_REQUIRED
    assert pool_kw["ca_certs"] == certifi.where()


def test_a_self_signed_server_is_refused_by_default(servers):
    srv = tls_loopback(self_signed_for_loopback())
    servers.append(srv)
    err = refused_with_tls_error(client.Configuration(host=https_host(srv)), srv)
    assert "CERTIFICATE_VERIFY_FAILED" in str(err) or "certificate verify failed" in str(err)


def test_a_server_signed_by_a_private_ca_is_refused_by_default(ca, servers):
    srv = tls_loopback(ca.issue_cert("127.0.0.1"))
    servers.append(srv)
    refused_with_tls_error(client.Configuration(host=https_host(srv)), srv)


def test_a_private_ca_given_as_ssl_ca_cert_is_trusted(ca, servers, tmp_path):
    srv = tls_loopback(ca.issue_cert("127.0.0.1"))
    servers.append(srv)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    assert get(client.Configuration(host=https_host(srv), ssl_ca_cert=str(ca_file))).value == "v"
    assert len(srv.seen) == 1


def test_a_certificate_for_another_host_name_is_refused(ca, servers, tmp_path):
    srv = tls_loopback(ca.issue_cert("airflow.other.example"))
    servers.append(srv)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    err = refused_with_tls_error(client.Configuration(host=https_host(srv), ssl_ca_cert=str(ca_file)), srv)
    assert "127.0.0.1" in str(err)


@pytest.fixture
def mutual(ca, servers, tmp_path) -> tuple[LoopbackServer, Path, Path, Path]:
    """A server that requires a client certificate from `ca`; the files of one such client certificate."""
    srv = tls_loopback(ca.issue_cert("127.0.0.1"), client_ca=ca)
    servers.append(srv)
    client_cert = ca.issue_cert("batch-job@airflow.example")
    ca_file, cert_file, key_file = tmp_path / "ca.pem", tmp_path / "client.pem", tmp_path / "client.key"
    ca.cert_pem.write_to_path(str(ca_file))
    client_cert.cert_chain_pems[0].write_to_path(str(cert_file))
    client_cert.private_key_pem.write_to_path(str(key_file))
    return srv, ca_file, cert_file, key_file


def test_mutual_tls_succeeds_with_cert_file_and_key_file(mutual):
    srv, ca_file, cert_file, key_file = mutual
    config = client.Configuration(host=https_host(srv), ssl_ca_cert=str(ca_file))
    config.cert_file, config.key_file = str(cert_file), str(key_file)
    assert get(config).value == "v"
    assert len(srv.seen) == 1


def test_mutual_tls_without_a_client_certificate_is_refused(mutual):
    srv, ca_file, _cert_file, _key_file = mutual
    refused_with_tls_error(client.Configuration(host=https_host(srv), ssl_ca_cert=str(ca_file)), srv)


def test_mutual_tls_with_a_certificate_from_another_ca_is_refused(mutual, tmp_path):
    srv, ca_file, _cert_file, _key_file = mutual
    stranger = trustme.CA().issue_cert("batch-job@airflow.example")
    cert_file, key_file = tmp_path / "other.pem", tmp_path / "other.key"
    stranger.cert_chain_pems[0].write_to_path(str(cert_file))
    stranger.private_key_pem.write_to_path(str(key_file))
    config = client.Configuration(host=https_host(srv), ssl_ca_cert=str(ca_file))
    config.cert_file, config.key_file = str(cert_file), str(key_file)
    refused_with_tls_error(config, srv)


# -- verify_ssl=False ------------------------------------------------------------------------------------

CALLS_WITHOUT_VERIFICATION = textwrap.dedent("""
    import sys
    import airflow_client.client as client
    from airflow_client.client.api import variable_api

    config = client.Configuration(host=sys.argv[1])
    config.verify_ssl = False
    config.retries = 0
    with client.ApiClient(config) as api_client:
        api = variable_api.VariableApi(api_client)
        values = [api.get_variable("k").value for _ in range(int(sys.argv[2]))]
    print(len(values), set(values))
""")


def calls_without_verification(host: str, calls: int) -> tuple[str, list[str]]:
    """Make `calls` calls in a fresh interpreter with the default warning filters; its stdout and warning lines."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS", "PYTHONDEVMODE")}
    done = subprocess.run([sys.executable, "-c", CALLS_WITHOUT_VERIFICATION, host, str(calls)], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout, [line for line in done.stderr.splitlines() if "InsecureRequestWarning" in line]


@pytest.fixture(scope="module")
def unverified_run(ca) -> Iterator[tuple[LoopbackServer, str, list[str]]]:
    srv = tls_loopback(self_signed_for_loopback())
    try:
        stdout, warned = calls_without_verification(https_host(srv), 20)
        yield srv, stdout, warned
    finally:
        srv.close()


def test_verify_ssl_false_reaches_a_self_signed_server_and_warns(unverified_run):
    srv, stdout, warned = unverified_run
    assert stdout.strip() == "20 {'v'}"
    assert len(srv.seen) == 20
    assert warned, "no InsecureRequestWarning for unverified HTTPS"
    assert "127.0.0.1" in warned[0]


def test_verify_ssl_false_warns_once_per_host_not_per_request(unverified_run):
    _srv, _stdout, warned = unverified_run
    assert len(warned) == 1, f"{len(warned)} warnings for 20 calls to one host"


# -- verify_ssl=False warns only where TLS is in use -----------------------------------------------------


def _warnings_when_made(host: str, proxy: str | None = None) -> list[str]:
    """The InsecureRequestWarning messages given while making a client with verify_ssl=False."""
    config = client.Configuration(host=host)
    config.verify_ssl = False
    config.proxy = proxy
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client.ApiClient(config).close()
    return [str(w.message) for w in caught if issubclass(w.category, urllib3.exceptions.InsecureRequestWarning)]


def _unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}.invalid"  # never warned about before in this process


def test_verify_ssl_false_does_not_warn_for_a_plain_http_host():
    assert _warnings_when_made(f"http://{_unique('plain')}:8080/api/v1") == []


def test_verify_ssl_false_does_not_warn_for_a_plain_http_host_behind_a_plain_http_proxy():
    assert _warnings_when_made(f"http://{_unique('plain')}/api/v1", proxy=f"http://{_unique('proxy')}:3128") == []


def test_verify_ssl_false_warns_for_an_https_host_naming_it():
    name = _unique("tls")
    (message,) = _warnings_when_made(f"https://{name}/api/v1")
    assert name in message and "verify_ssl is False" in message


def test_verify_ssl_false_warns_for_an_https_proxy_naming_it():
    proxy = _unique("tls-proxy")
    (message,) = _warnings_when_made(f"http://{_unique('plain')}/api/v1", proxy=f"https://{proxy}:3128")
    assert f"the proxy '{proxy}'" in message


def test_verify_ssl_false_on_plain_http_calls_give_no_warning(servers):
    srv = open_loopback()
    servers.append(srv)
    srv.default = Answer(body=VARIABLE)
    config = client.Configuration(host=srv.host)
    config.verify_ssl = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert get(config).value == "v"
    assert not [w for w in caught if issubclass(w.category, urllib3.exceptions.InsecureRequestWarning)]
