"""GoogleAuth and hosted tokens with the real google-auth, in front of a loopback stand-in for Airflow.

The cases themselves are in test/managed_cases.py; test/integration and test/integration3 run them
again in front of the real Airflow 2.11.2 and 3.3.2.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from airflow_client.client import managed
from airflow_client.client.managed import GoogleAuth, GoogleAuthError
from test.managed_cases import *  # noqa: F403  (the shared cases and their fixtures)
from test.managed_cases import Upstream
from test.unit.conftest import Answer, LoopbackServer, Seen

UPSTREAM_AUTH = "Basic dXBzdHJlYW06c2VjcmV0"  # what the gate forwards with
POOLS = {"pools": [{"name": "default_pool", "slots": 128, "occupied_slots": 0, "running_slots": 0,
                    "queued_slots": 0, "open_slots": 128, "scheduled_slots": 0, "deferred_slots": 0,
                    "description": "Default pool", "include_deferred": False}], "total_entries": 1}


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    """Answers the pool listing to the gate's credentials only, 401 to anything else."""
    srv = LoopbackServer()

    def answer(seen: Seen) -> Answer:
        if seen.headers.get("Authorization") != UPSTREAM_AUTH:
            return Answer(status=401, body={"title": "Unauthorized", "status": 401})
        if seen.path == "/api/v1/pools":
            return Answer(body=POOLS)
        if seen.path == "/api/v1/version":
            return Answer(body={"version": "2.11.2", "git_version": None})
        return Answer(status=404, body={"title": "Not Found", "status": 404})

    srv.handler = answer
    yield Upstream(f"http://127.0.0.1:{srv.port}", "/api/v1", lambda: UPSTREAM_AUTH)
    srv.close()


def test_the_module_imports_without_google_auth() -> None:
    code = ("import sys; sys.modules['google'] = None; sys.modules['google.auth'] = None; "
            "import airflow_client.client.managed; import airflow_client.client; print('imported')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "imported", result.stderr


@pytest.mark.parametrize("make", [lambda: GoogleAuth(), lambda: GoogleAuth.id_token("aud")])
def test_using_google_auth_without_the_extra_names_the_install_command(monkeypatch, make) -> None:
    monkeypatch.setitem(sys.modules, "google.auth", None)  # import google.auth now raises ImportError
    with pytest.raises(ImportError) as caught:
        make()
    assert "pip install 'airflow-stable-client[google]'" in str(caught.value)


def test_the_install_hint_names_the_distribution_of_setup_py() -> None:
    from pathlib import Path

    setup = (Path(__file__).resolve().parents[2] / "setup.py").read_text()
    assert 'name="airflow-stable-client"' in setup and '"google": ["google-auth' in setup
    assert "airflow-stable-client[google]" in managed._INSTALL_HINT


def test_no_credentials_in_the_environment_is_an_error_saying_where_to_put_them(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(GoogleAuthError) as caught:
        GoogleAuth()
    assert "GOOGLE_APPLICATION_CREDENTIALS" in str(caught.value)


def test_arguments_of_the_wrong_kind_are_refused_before_anything_is_sent() -> None:
    with pytest.raises(TypeError, match="expected a list of scope URLs"):
        GoogleAuth(object(), scopes="https://www.googleapis.com/auth/cloud-platform")
    with pytest.raises(TypeError, match="expected google-auth credentials"):
        GoogleAuth("key.json")
    with pytest.raises(TypeError, match="non-empty string"):
        GoogleAuth.id_token("")


def test_user_credentials_cannot_make_id_tokens_and_the_error_says_what_can() -> None:
    from google.oauth2.credentials import Credentials as UserCredentials

    user = UserCredentials(token=None, refresh_token="r", client_id="c", client_secret="s",
                           token_uri="http://127.0.0.1:9/token")
    with pytest.raises(TypeError, match="service-account key"):
        GoogleAuth.id_token("aud", user)


def test_configuration_copies_share_the_flow_and_its_repr_shows_no_token(google, sa_key) -> None:
    import copy

    from google.oauth2 import service_account

    import airflow_client.client as client

    flow = GoogleAuth(service_account.Credentials.from_service_account_file(str(sa_key.path)))
    flow.token()
    config = client.Configuration(host="http://127.0.0.1:9/api/v1")
    config.auth_flow = flow
    assert copy.deepcopy(config).auth_flow is flow
    assert sa_key.email in repr(flow) and flow.credentials.token not in repr(flow)
