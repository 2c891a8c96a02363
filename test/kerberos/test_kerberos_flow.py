"""KerberosAuth without a KDC: construction, principal naming, header parsing, copying, the missing extra."""

from __future__ import annotations

import copy
import subprocess
import sys

import pytest

import airflow_client.client as client
from airflow_client.client import kerberos
from airflow_client.client.kerberos import KerberosAuth


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spnego", None)  # import spnego now raises ImportError
    with pytest.raises(ImportError) as missing:
        KerberosAuth()
    assert "pip install 'airflow-stable-client[kerberos]'" in str(missing.value)
    assert "pip install '.[kerberos]'" in str(missing.value)


def test_importing_the_module_needs_no_pyspnego() -> None:
    # The base install must be able to import the client, and this module, without the extra.
    code = "import sys; sys.modules['spnego'] = None; import airflow_client.client.kerberos; print('imported')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "imported", result.stderr


@pytest.mark.usefixtures("client_kerberos_libs")
class TestWithPyspnego:
    def test_principal_from_the_request_url(self) -> None:
        assert KerberosAuth().target("http://localhost:8080/api/v1/dags") == "airflow@localhost"
        assert KerberosAuth(service="HTTP").target("https://airflow.example.com/api/v1") == "HTTP@airflow.example.com"
        assert KerberosAuth(hostname="web.example.com").target("http://127.0.0.1/api/v1") == "airflow@web.example.com"

    def test_require_mutual_needs_mutual(self) -> None:
        with pytest.raises(ValueError, match="require_mutual=True needs mutual=True"):
            KerberosAuth(mutual=False, require_mutual=True)

    def test_configuration_with_the_flow_deep_copies(self) -> None:
        config = client.Configuration(host="http://localhost:8080/api/v1")
        config.auth_flow = KerberosAuth(service="HTTP", delegate=True, require_mutual=True)
        clone = copy.deepcopy(config)
        assert clone.auth_flow is not config.auth_flow
        assert repr(clone.auth_flow) == repr(config.auth_flow) == (
            "KerberosAuth(service='HTTP', hostname=None, delegate=True, mutual=True, require_mutual=True)"
        )

    def test_server_verified_starts_unknown(self) -> None:
        assert KerberosAuth().server_verified is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("Negotiate", None),  # a challenge, not an answer
        ("Basic realm=\"airflow\"", None),
        ("Negotiate Zm9v", b"foo"),
        ("negotiate Zm9v", b"foo"),  # Airflow's backend writes it in lower case
        ("Basic realm=\"x\", Negotiate Zm9vYmFy", b"foobar"),
        ("Negotiate not*base64", b""),  # present but unreadable: reported as not verifying
    ],
)
def test_negotiate_token_parsing(header: str | None, expected: bytes | None) -> None:
    headers = {} if header is None else {"WWW-Authenticate": header}
    assert kerberos._negotiate_token(headers) == expected
