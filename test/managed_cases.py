"""The managed-Airflow cases, run against every upstream a test module provides as the `upstream` fixture.

A module imports everything from here (tests and fixtures) and defines `upstream`: the real Airflow
2.11.2 of test/integration, the real Airflow 3.3.2 of test/integration3, or a loopback stand-in in
test/unit. In front of it stands a `Gate` (test/managed_servers.py): Composer's proxy, which takes only
tokens a loopback Google token endpoint issued, or a hosted Airflow's proxy, which takes only the
deployment token of the moment. google-auth, urllib3 and cryptography are the real libraries.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from google.oauth2 import service_account

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import pool_api
from airflow_client.client.auth import BearerRefresh
from airflow_client.client.managed import GoogleAuth, GoogleAuthError
from test.managed_servers import Gate, ServiceAccountKey, TokenEndpoint

REPO_ROOT = Path(__file__).resolve().parents[1]
IAP_AUDIENCE = "123456789-abcdef.apps.googleusercontent.com"


@dataclass
class Upstream:
    """An Airflow server behind the gate: its root URL, its API path, and the credentials it takes."""

    base_url: str
    api_path: str  # /api/v1 or /api/v2
    authorization: Callable[[], str]  # the Authorization header the gate forwards with

    @property
    def generation(self) -> int:
        return 3 if self.api_path == "/api/v2" else 2


@pytest.fixture
def google() -> Iterator[TokenEndpoint]:
    endpoint = TokenEndpoint()
    yield endpoint
    endpoint.close()


@pytest.fixture
def sa_key(google: TokenEndpoint, tmp_path: Path) -> ServiceAccountKey:
    key = ServiceAccountKey.create(tmp_path, google.token_uri)
    google.register(key)
    return key


@pytest.fixture
def composer(upstream: Upstream, google: TokenEndpoint) -> Iterator[Gate]:
    """Composer's web server proxy: only access tokens the token endpoint issued, unexpired, not revoked."""
    gate = Gate(upstream.base_url, upstream.authorization, google.access_token_ok)
    yield gate
    gate.close()


@pytest.fixture
def iap(upstream: Upstream, google: TokenEndpoint) -> Iterator[Gate]:
    """Identity-Aware Proxy: only ID tokens signed by the token endpoint for IAP_AUDIENCE."""
    gate = Gate(upstream.base_url, upstream.authorization, lambda token: google.id_token_ok(token, IAP_AUDIENCE))
    yield gate
    gate.close()


class Rotating:
    """A hosted Airflow's deployment token: one valid at a time, replaced by `rotate()`."""

    def __init__(self, token_file: Path) -> None:
        self.file = token_file
        self.current = ""
        self.rotate()

    def rotate(self) -> str:
        self.current = "astro-" + os.urandom(16).hex()
        self.file.write_text(self.current + "\n")  # as a secret store writes it: with a newline
        return self.current


@pytest.fixture
def deployment_token(tmp_path: Path) -> Rotating:
    return Rotating(tmp_path / "deployment-token.txt")


@pytest.fixture
def hosted(upstream: Upstream, deployment_token: Rotating) -> Iterator[Gate]:
    """A hosted Airflow's proxy (Astronomer and the like): only the deployment token of the moment."""
    gate = Gate(upstream.base_url, upstream.authorization, lambda token: token == deployment_token.current)
    yield gate
    gate.close()


def api_host(gate: Gate, upstream: Upstream) -> str:
    return gate.url + upstream.api_path


@contextmanager
def pools_api(gate: Gate, upstream: Upstream, flow: Any = None, access_token: str | None = None,
              **settings: Any) -> Iterator[pool_api.PoolApi]:
    """PoolApi of a client whose host is the gate in front of `upstream`."""
    config = client.Configuration(host=api_host(gate, upstream), access_token=access_token)
    config.retries = 0
    config.auth_flow = flow
    for name, value in settings.items():
        setattr(config, name, value)
    with client.ApiClient(config) as api_client:
        yield pool_api.PoolApi(api_client)


def pools_through(gate: Gate, upstream: Upstream, flow: Any = None, access_token: str | None = None) -> Any:
    with pools_api(gate, upstream, flow, access_token) as api:
        return api.get_pools()


def key_flow(key: ServiceAccountKey) -> GoogleAuth:
    """GoogleAuth with the service-account key file loaded as google-auth's users load it."""
    return GoogleAuth(service_account.Credentials.from_service_account_file(str(key.path)))


def pool_names(page: Any) -> set[str]:
    return {pool.name for pool in page.pools}


# -- Cloud Composer: access tokens of a service account ---------------------------------------------------


def test_a_service_account_key_gets_through_composer_with_one_token(composer, google, sa_key, upstream):
    with pools_api(composer, upstream, key_flow(sa_key)) as api:
        for _ in range(3):
            assert "default_pool" in pool_names(api.get_pools())
    assert google.grants["access"] == 1 and not google.refusals
    assert composer.refused == 0 and len(set(composer.seen)) == 1


def test_application_default_credentials_come_from_the_environment(composer, google, sa_key, upstream, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(sa_key.path))
    flow = GoogleAuth()  # google.auth.default(), with the cloud-platform scope the endpoint checks
    assert "default_pool" in pool_names(pools_through(composer, upstream, flow))
    assert google.grants["access"] == 1 and composer.refused == 0


def test_the_token_is_renewed_before_it_expires(composer, google, sa_key, upstream):
    flow = key_flow(sa_key)
    google.lifetime = int(flow.renew_margin) + 2  # enters the renewal margin 2 s after it is issued
    with pools_api(composer, upstream, flow) as api:
        api.get_pools()
        api.get_pools()
        assert google.grants["access"] == 1
        time.sleep(2.5)
        api.get_pools()
    assert google.grants["access"] == 2
    assert composer.refused == 0  # renewed before sending, not after a refusal
    assert len(set(composer.seen)) == 2


def test_a_revoked_token_is_renewed_once_on_401_and_the_call_succeeds(composer, google, sa_key, upstream):
    with pools_api(composer, upstream, key_flow(sa_key)) as api:
        api.get_pools()
        first = composer.seen[-1]
        assert first is not None
        google.revoke(first)
        assert "default_pool" in pool_names(api.get_pools())
    assert composer.refused == 1 and composer.seen[-2] == first and composer.seen[-1] not in (None, first)
    assert google.grants["access"] == 2


def test_a_token_refused_after_renewal_ends_in_unauthorized(composer, google, sa_key, upstream):
    composer.accepts = lambda token: False  # a service account without the Composer User role
    with pytest.raises(exceptions.UnauthorizedException) as caught:
        pools_through(composer, upstream, key_flow(sa_key))
    assert caught.value.status == 401
    assert composer.refused == 2 and google.grants["access"] == 2  # one renewal, one more try, no loop
    assert all(token not in str(caught.value) for token in google.access_tokens)


def test_threads_sharing_the_flow_wait_for_one_refresh(composer, google, sa_key, upstream):
    google.delay = 0.5  # a slow grant: every thread arrives while the first refresh is under way
    threads = 8
    with pools_api(composer, upstream, key_flow(sa_key), connection_pool_maxsize=threads) as api:

        def call_all() -> list[Any]:
            results: list[Any] = [None] * threads
            start = threading.Barrier(threads)

            def one(i: int) -> None:
                start.wait()
                try:
                    results[i] = pool_names(api.get_pools())
                except Exception as exc:
                    results[i] = exc

            workers = [threading.Thread(target=one, args=(i,)) for i in range(threads)]
            for w in workers:
                w.start()
            for w in workers:
                w.join(120)
            return results

        assert all(isinstance(r, set) and "default_pool" in r for r in call_all())
        assert google.grants["access"] == 1
        first = composer.seen[-1]
        assert first is not None
        google.revoke(first)  # every thread's next call is refused once
        assert all(isinstance(r, set) and "default_pool" in r for r in call_all())
    assert google.grants["access"] == 2
    assert composer.refused <= threads


def test_a_key_the_token_endpoint_refuses_raises_google_auth_error_before_sending(composer, google, tmp_path,
                                                                                    upstream):
    stranger = ServiceAccountKey.create(tmp_path, google.token_uri, name="stranger")  # never registered
    with pytest.raises(GoogleAuthError) as caught:
        pools_through(composer, upstream, key_flow(stranger))
    message = str(caught.value)
    assert "access token" in message and stranger.email in message and "invalid_grant" in message
    assert composer.seen == []  # nothing was sent to Airflow


def test_a_server_root_as_host_is_asked_its_generation_with_the_token(composer, google, sa_key, upstream):
    # The proxy refuses an unauthenticated question: the version is asked with the flow's token too.
    config = client.Configuration(host=composer.url)
    config.auth_flow = key_flow(sa_key)
    with client.ApiClient(config) as api_client:
        assert api_client.server.generation == upstream.generation
        assert "default_pool" in pool_names(pool_api.PoolApi(api_client).get_pools())
    assert composer.refused == 0 and google.grants["access"] == 1


# -- Identity-Aware Proxy: ID tokens for the proxy's audience -------------------------------------------


def test_id_token_mode_sends_an_id_token_for_the_audience(iap, google, sa_key, upstream):
    creds = service_account.Credentials.from_service_account_file(str(sa_key.path))
    flow = GoogleAuth.id_token(IAP_AUDIENCE, creds)
    assert "default_pool" in pool_names(pools_through(iap, upstream, flow))
    assert google.grants["id_token"] == 1 and google.grants["access"] == 0 and iap.refused == 0


def test_id_token_mode_finds_the_key_in_the_environment(iap, google, sa_key, upstream, monkeypatch):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(sa_key.path))
    assert "default_pool" in pool_names(pools_through(iap, upstream, GoogleAuth.id_token(IAP_AUDIENCE)))
    assert google.grants["id_token"] == 1


def test_an_id_token_for_another_audience_is_refused(iap, google, sa_key, upstream):
    creds = service_account.Credentials.from_service_account_file(str(sa_key.path))
    with pytest.raises(exceptions.UnauthorizedException):
        pools_through(iap, upstream, GoogleAuth.id_token("some-other-client-id", creds))
    assert iap.refused == 2  # refused, renewed once, refused again


def test_an_access_token_is_refused_where_iap_wants_an_id_token(iap, google, sa_key, upstream):
    with pytest.raises(exceptions.UnauthorizedException):
        pools_through(iap, upstream, key_flow(sa_key))


def test_the_composer_example_runs(composer, sa_key, upstream):
    env = {**os.environ, "AIRFLOW_HOST": api_host(composer, upstream),
           "GOOGLE_APPLICATION_CREDENTIALS": str(sa_key.path)}
    result = subprocess.run([sys.executable, str(REPO_ROOT / "examples" / "composer.py")], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "default_pool" in result.stdout


# -- hosted Airflow (Astronomer and the like): a deployment token ------------------------------------------


def test_a_static_deployment_token_is_sent_as_bearer(hosted, deployment_token, upstream):
    page = pools_through(hosted, upstream, access_token=deployment_token.current)
    assert "default_pool" in pool_names(page)
    assert hosted.seen == [deployment_token.current]


def test_a_rotated_deployment_token_is_renewed_by_bearer_refresh(hosted, deployment_token, upstream):
    def read() -> str:
        return deployment_token.file.read_text().strip()

    with pools_api(hosted, upstream, BearerRefresh(read), read()) as api:
        api.get_pools()
        old = deployment_token.current
        new = deployment_token.rotate()
        assert "default_pool" in pool_names(api.get_pools())
        assert api.api_client.configuration.access_token == new
    assert hosted.seen == [old, old, new] and hosted.refused == 1


def test_a_server_root_as_host_is_asked_its_generation_with_the_deployment_token(hosted, deployment_token,
                                                                                 upstream):
    config = client.Configuration(host=hosted.url, access_token=deployment_token.current)
    with client.ApiClient(config) as api_client:
        assert api_client.server.generation == upstream.generation
        assert "default_pool" in pool_names(pool_api.PoolApi(api_client).get_pools())
    assert hosted.refused == 0


def test_a_rotated_token_without_renewal_ends_in_unauthorized(hosted, deployment_token, upstream):
    stale = deployment_token.current
    deployment_token.rotate()
    with pytest.raises(exceptions.UnauthorizedException) as caught:
        pools_through(hosted, upstream, access_token=stale)
    assert stale not in str(caught.value)


def test_the_hosted_airflow_example_runs_and_follows_a_rotation(hosted, deployment_token, upstream):
    # A script that runs for a while sees the token change: rotated between its two rounds, the file is
    # read again on the 401.
    env = {**os.environ, "AIRFLOW_HOST": api_host(hosted, upstream), "AIRFLOW_TOKEN_FILE": str(deployment_token.file)}
    command = [sys.executable, str(REPO_ROOT / "examples" / "hosted_airflow.py"), "--every", "1", "--times", "2"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(hosted.seen) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    deployment_token.rotate()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "default_pool" in out
    assert hosted.refused == 1 and hosted.seen[-1] == deployment_token.current
