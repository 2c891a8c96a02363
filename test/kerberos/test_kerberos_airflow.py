"""KerberosAuth against a real Airflow 2.11.2 whose API accepts Kerberos only, and a real MIT KDC."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_api, event_log_api, variable_api
from airflow_client.client.exceptions import ApiException, ForbiddenException, NotFoundException, UnauthorizedException
from airflow_client.client.kerberos import KerberosAuth, KerberosError, MutualAuthenticationError
from test.kerberos.conftest import REALM, STRANGER, USER, kinit_cache
from test.kerberos.realm import KerberosRealm

PRINCIPAL = f"{USER}@{REALM}"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kerberos.py"


def make_client(host: str, flow: KerberosAuth | None = None, **settings: object) -> client.ApiClient:
    config = client.Configuration(host=host)
    config.auth_flow = flow
    # No urllib3 retries: a refused call fails at once (the flow's own one re-send after a 401 stays).
    config.retries = 0
    for name, value in settings.items():
        setattr(config, name, value)
    return client.ApiClient(config)


@pytest.fixture
def kerberos_client(kerberos_host: str) -> Iterator[client.ApiClient]:
    with make_client(kerberos_host, KerberosAuth()) as api_client:
        yield api_client


def test_variable_round_trip_with_kerberos(kerberos_client: client.ApiClient) -> None:
    api = variable_api.VariableApi(kerberos_client)
    key = f"kerberos-{uuid.uuid4().hex[:8]}"
    created = api.post_variables({"key": key, "value": "from alice", "description": "made over Kerberos"})
    assert created.key == key
    assert api.get_variable(key).value == "from alice"
    api.delete_variable(key)
    with pytest.raises(NotFoundException):
        api.get_variable(key)


def test_the_server_knows_the_caller_by_principal(kerberos_client: client.ApiClient) -> None:
    # The audit log names whoever the server authenticated: Kerberos told it alice@CLIENT.TEST.
    key = f"kerberos-owner-{uuid.uuid4().hex[:8]}"
    variable_api.VariableApi(kerberos_client).post_variables({"key": key, "value": "x"})
    logs = event_log_api.EventLogApi(kerberos_client).get_event_logs(owner=PRINCIPAL, order_by="-when", limit=50)
    mine = [entry for entry in logs.event_logs if key in (entry.extra or "")]
    assert mine, f"no audit entry for {key} owned by {PRINCIPAL}: {[e.to_dict() for e in logs.event_logs]}"
    assert {entry.owner for entry in mine} == {PRINCIPAL}
    variable_api.VariableApi(kerberos_client).delete_variable(key)


def test_dags_listed_with_kerberos_refused_without(kerberos_host: str, kerberos_client: client.ApiClient) -> None:
    assert dag_api.DAGApi(kerberos_client).get_dags(limit=1).total_entries >= 1
    with make_client(kerberos_host) as anonymous, pytest.raises(UnauthorizedException) as refused:
        dag_api.DAGApi(anonymous).get_dags(limit=1)
    # 401 and not 403: the server checked credentials (AUTH_ROLE_PUBLIC is off) and found none.
    assert refused.value.status == 401


def test_basic_auth_is_not_accepted(kerberos_airflow, kerberos_host: str) -> None:
    # The harness's admin user exists, but this server takes Kerberos only: proof the 200s above are Kerberos.
    user, password = kerberos_airflow.admin
    with make_client(kerberos_host, username=user, password=password) as basic:
        with pytest.raises(UnauthorizedException):
            dag_api.DAGApi(basic).get_dags(limit=1)


def test_principal_without_airflow_account_is_forbidden(realm, kerberos_host: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # bob has valid tickets, so Kerberos succeeds; Airflow has no user bob@CLIENT.TEST, so no permission.
    monkeypatch.setenv("KRB5CCNAME", kinit_cache(realm, STRANGER))
    with make_client(kerberos_host, KerberosAuth()) as api_client:
        with pytest.raises(ForbiddenException) as refused:
            dag_api.DAGApi(api_client).get_dags(limit=1)
    assert refused.value.status == 403


def test_destroyed_cache_fails_before_sending(realm, kerberos_host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ccache = kinit_cache(realm, USER, label="destroyed")
    realm.kdestroy(ccache)
    monkeypatch.setenv("KRB5CCNAME", ccache)
    with make_client(kerberos_host, KerberosAuth()) as api_client:
        with pytest.raises(KerberosError) as failed:
            dag_api.DAGApi(api_client).get_dags(limit=1)
    message = str(failed.value)
    assert not isinstance(failed.value, ApiException)  # nothing was sent, there is no answer
    assert "airflow@localhost" in message and "kinit" in message
    assert ccache.split(":", 1)[1] in message  # GSSAPI names the cache it looked in


def test_expired_ticket_fails_before_sending(realm, kerberos_host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KRB5CCNAME", kinit_cache(realm, USER, label="expiring", lifetime="2s"))
    time.sleep(3)
    with make_client(kerberos_host, KerberosAuth()) as api_client:
        with pytest.raises(KerberosError) as failed:
            dag_api.DAGApi(api_client).get_dags(limit=1)
    assert "expired" in str(failed.value).lower()


def test_cache_of_a_principal_from_an_unknown_realm(tmp_path, kerberos_host: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # mallory@OTHER.TEST has a real TGT from another KDC, which our krb5.conf does not know: no ticket
    # for airflow/localhost@CLIENT.TEST can be had, and nothing is sent.
    other = KerberosRealm(tmp_path / "other", "OTHER.TEST")
    try:
        other.start()
        other.add_principal("mallory")
        ccache = f"FILE:{tmp_path / 'mallory.ccache'}"
        other.kinit("mallory", other.export_keytab(tmp_path / "mallory.keytab", "mallory"), ccache)
    finally:
        other.stop()
    monkeypatch.setenv("KRB5CCNAME", ccache)
    with make_client(kerberos_host, KerberosAuth()) as api_client:
        with pytest.raises(KerberosError) as failed:
            dag_api.DAGApi(api_client).get_dags(limit=1)
    assert "OTHER.TEST" in str(failed.value)


def test_wrong_service_name_is_a_clear_client_error(kerberos_host: str) -> None:
    # The KDC has no HTTP/ or host/ principal named "nosuch": the request never leaves the client.
    with make_client(kerberos_host, KerberosAuth(service="nosuch")) as api_client:
        with pytest.raises(KerberosError) as failed:
            dag_api.DAGApi(api_client).get_dags(limit=1)
    assert "nosuch@localhost" in str(failed.value)


def test_airflow_sends_no_mutual_token(kerberos_host: str, kerberos_client: client.ApiClient) -> None:
    # Airflow 2.11.2's backend makes the token but api_connexion drops it: mutual auth cannot be checked.
    flow = kerberos_client.configuration.auth_flow
    assert isinstance(flow, KerberosAuth)
    dag_api.DAGApi(kerberos_client).get_dags(limit=1)
    assert flow.server_verified is False
    with make_client(kerberos_host, KerberosAuth(require_mutual=True)) as strict:
        with pytest.raises(MutualAuthenticationError) as refused:
            dag_api.DAGApi(strict).get_dags(limit=1)
    assert refused.value.status == 200
    assert "sent no WWW-Authenticate: Negotiate token" in str(refused.value)


def test_streamed_call_with_kerberos(kerberos_client: client.ApiClient) -> None:
    resp = dag_api.DAGApi(kerberos_client).get_dags(limit=1, _preload_content=False)
    try:
        assert resp.status == 200
        assert b"dags" in resp.data
    finally:
        resp.release_conn()


def test_async_calls_share_one_flow(kerberos_host: str) -> None:
    # Contexts are kept per thread: concurrent calls through one KerberosAuth each get their own.
    with make_client(kerberos_host, KerberosAuth()) as api_client:
        api_client.pool_threads = 4
        api = dag_api.DAGApi(api_client)
        pending = [api.get_dags(limit=1, async_req=True) for _ in range(8)]
        assert all(p.get(timeout=60).total_entries >= 1 for p in pending)


def test_no_token_in_debug_log(kerberos_host: str, caplog: pytest.LogCaptureFixture) -> None:
    sent: list[str] = []

    class Recording(KerberosAuth):
        def apply(self, request, configuration):  # type: ignore[no-untyped-def]
            super().apply(request, configuration)
            sent.append(request.headers["Authorization"].split(" ", 1)[1])

    caplog.set_level(logging.DEBUG)  # every logger, pyspnego's included
    with make_client(kerberos_host, Recording(), debug=True) as api_client:
        dag_api.DAGApi(api_client).get_dags(limit=1)
    assert sent and len(sent[0]) > 100
    assert "Kerberos: GET" in caplog.text  # our own debug line is there...
    assert sent[0] not in caplog.text  # ...and the token is not, in ours or pyspnego's
    assert sent[0][:40] not in caplog.text


def test_the_example_runs(kerberos_host: str, kerberos_env: str) -> None:
    # examples/kerberos.py as a user runs it: its own process, the ticket cache from the environment.
    env = {**os.environ, "AIRFLOW_HOST": kerberos_host, "KRB5CCNAME": kerberos_env}
    result = subprocess.run([sys.executable, str(EXAMPLE)], env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert "ti_plain" in result.stdout
    assert "the server did not prove its identity" in result.stdout


def test_ticket_for_another_service_is_refused_by_the_server(kerberos_host: str) -> None:
    # The KDC issues a ticket for HTTP/localhost, but Airflow accepts only airflow/* keys: 401.
    with make_client(kerberos_host, KerberosAuth(service="HTTP")) as api_client:
        with pytest.raises(UnauthorizedException) as refused:
            dag_api.DAGApi(api_client).get_dags(limit=1)
    assert refused.value.status == 401


def test_each_request_gets_a_fresh_token_and_a_token_works_once(kerberos_host: str) -> None:
    sent: list[str] = []

    class Recording(KerberosAuth):
        def apply(self, request, configuration):  # type: ignore[no-untyped-def]
            super().apply(request, configuration)
            sent.append(request.headers["Authorization"])

    with make_client(kerberos_host, Recording()) as api_client:
        for _ in range(2):
            dag_api.DAGApi(api_client).get_dags(limit=1)
    assert len(sent) == 2 and sent[0] != sent[1]
    # Airflow's backend keeps a replay cache: the first token, sent again, is refused.
    replay = urllib.request.Request(f"{kerberos_host}/dags?limit=1", headers={"Authorization": sent[0]})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(replay, timeout=30)
    assert refused.value.code == 401
