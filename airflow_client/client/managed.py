"""Managed Airflow: Google credentials for Cloud Composer (and IAP), as an `AuthFlow`.

    from airflow_client.client.managed import GoogleAuth

    configuration.auth_flow = GoogleAuth()                      # Composer: an OAuth access token
    configuration.auth_flow = GoogleAuth.id_token(client_id)    # a web server behind IAP: an ID token

Built on google-auth, which is an optional dependency: `pip install 'airflow-stable-client[google]'`.
Tokens come from google-auth's credentials (a service-account key, workload identity, the metadata
server, `gcloud auth application-default login`) through its urllib3 transport; this module never
reads a key itself. Hosted Airflow that hands out static API tokens (Astronomer and others) needs no
module: `Configuration(access_token=...)`, renewed with `airflow_client.client.auth.BearerRefresh`
(see docs/managed.md).

Errors:

    GoogleAuthError (OpenApiException)   no token could be had: no credentials found, a key the token
                                         endpoint refused, the endpoint unreachable; nothing was sent

Tokens are credentials: they never appear in a log line or an exception message.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Sequence

import certifi
import urllib3

from airflow_client.client.auth import RENEW_MARGIN, AuthFlow
from airflow_client.client.exceptions import OpenApiException
from airflow_client.client.request import Request

if TYPE_CHECKING:
    from types import ModuleType

    from airflow_client.client.auth import Credentials

__all__ = ["CLOUD_PLATFORM", "GoogleAuth", "GoogleAuthError"]

_log = logging.getLogger("airflow_client")

# The scope Composer's web server checks; the default for access tokens.
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"

_INSTALL_HINT = (
    "Google authentication needs google-auth: pip install 'airflow-stable-client[google]' "
    "(from a checkout: pip install '.[google]')"
)

# Token requests to Google are bounded like the client's own calls: a token endpoint that does not
# answer must not hang every call that waits for the token.
_TOKEN_TIMEOUT = urllib3.Timeout(connect=10.0, read=30.0)


class GoogleAuthError(OpenApiException):
    """No Google token could be had for a request (no credentials, refused, unreachable); nothing was sent."""


def _load_google() -> ModuleType:
    """Import google-auth's parts this module uses, or explain how to get them."""
    # import_module: the extra is optional, so neither the import nor type checking may require it.
    try:
        google_auth = importlib.import_module("google.auth")
        for name in ("google.auth.credentials", "google.auth.exceptions", "google.auth.transport.urllib3",
                     "google.oauth2.id_token", "google.oauth2.service_account"):
            importlib.import_module(name)
    except ImportError as exc:
        raise ImportError(f"{_INSTALL_HINT} ({exc})") from exc
    return google_auth


def _seconds_since_epoch(expiry: datetime) -> float:
    # google-auth keeps expiry as a naive UTC datetime; an aware one is taken as it is.
    if expiry.tzinfo is None:
        expiry = expiry.replace(tzinfo=timezone.utc)
    return expiry.timestamp()


class GoogleAuth(AuthFlow):
    """Sends `Authorization: Bearer <token>` from Google credentials, renewed through google-auth.

    - ``credentials``: any google-auth credentials object (a service-account key loaded with
      ``google.oauth2.service_account.Credentials.from_service_account_file``, workload identity,
      user credentials, impersonated credentials). None: ``google.auth.default()``, the application
      default credentials of the environment (``GOOGLE_APPLICATION_CREDENTIALS``, gcloud's login, the
      metadata server of GCE, GKE and Composer itself).
    - ``scopes``: the OAuth scopes asked for credentials that need scopes; default: cloud-platform.
    - ``http``: the urllib3 pool the token requests go through (to reach Google through a proxy);
      default: a pool that verifies TLS with certifi's CAs and bounds each request.

    The token is fetched before the first call, renewed when it has less than a minute left and once
    when the server answers 401 (the call is then sent once more). Threads sharing the flow share one
    renewal: one token request at a time, whatever the number of threads.

    For a web server behind Identity-Aware Proxy, which wants an ID token for its OAuth client,
    use `GoogleAuth.id_token(audience)`.
    """

    renew_margin: float = RENEW_MARGIN  # seconds before expiry a token is renewed

    def __init__(
        self,
        credentials: Any = None,
        *,
        scopes: Sequence[str] | None = None,
        http: urllib3.PoolManager | None = None,
    ) -> None:
        gauth = _load_google()
        if isinstance(scopes, str):
            raise TypeError(f"GoogleAuth(scopes=...): expected a list of scope URLs, got the string {scopes!r}")
        self.scopes: tuple[str, ...] = tuple(scopes) if scopes is not None else (CLOUD_PLATFORM,)
        self._setup(gauth, http, None)
        if credentials is None:
            try:
                credentials, _project = gauth.default(scopes=list(self.scopes))
            except gauth.exceptions.DefaultCredentialsError as exc:
                raise GoogleAuthError(
                    "GoogleAuth(): no credentials given and none found in the environment; set "
                    "GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, run "
                    f"`gcloud auth application-default login`, or pass credentials=... Cause: {exc}"
                ) from exc
        else:
            _check_credentials(credentials, "GoogleAuth(credentials=...)")
            credentials = gauth.credentials.with_scopes_if_required(credentials, list(self.scopes))
        self.credentials: Any = credentials

    @classmethod
    def id_token(
        cls, audience: str, credentials: Any = None, *, http: urllib3.PoolManager | None = None
    ) -> GoogleAuth:
        """A flow that sends Google-signed ID tokens for `audience` (IAP: the OAuth client id of the proxy).

        ``credentials``: None takes them from the environment (``GOOGLE_APPLICATION_CREDENTIALS`` naming
        a service-account key, else the metadata server); a service-account ``Credentials`` signs with
        its key; credentials that already make ID tokens (``service_account.IDTokenCredentials``,
        ``compute_engine.IDTokenCredentials``, ``impersonated_credentials.IDTokenCredentials``) are
        pointed at `audience`; ``impersonated_credentials.Credentials`` make them through IAM.
        """
        if not isinstance(audience, str) or not audience:
            raise TypeError(f"GoogleAuth.id_token(audience): expected the audience as a non-empty string, "
                            f"got {audience!r}")
        gauth = _load_google()
        flow = cls.__new__(cls)
        flow.scopes = ()
        flow._setup(gauth, http, audience)
        flow.credentials = _id_token_credentials(gauth, audience, credentials, flow._request)
        return flow

    def _setup(self, gauth: Any, http: urllib3.PoolManager | None, audience: str | None) -> None:
        self._http = http if http is not None else urllib3.PoolManager(
            cert_reqs="CERT_REQUIRED", ca_certs=certifi.where(), timeout=_TOKEN_TIMEOUT, retries=False)
        self._request = gauth.transport.urllib3.Request(self._http)
        self._lock = threading.Lock()
        self._stale = False  # the server refused the current token: renew before the next send
        self.audience = audience

    # -- the flow ------------------------------------------------------------------------------------

    def apply(self, request: Request, configuration: Credentials) -> None:
        request.headers["Authorization"] = "Bearer " + self.token()

    def answer(self, request: Request, response: Any, configuration: Credentials, retried: bool) -> bool:
        if retried or response.status != 401:
            return False
        sent = request.headers.get("Authorization", "")[len("Bearer "):]
        with self._lock:
            if self.credentials.token == sent:  # not renewed yet by another thread
                self._stale = True
        _log.debug("GoogleAuth: %s %s was refused (401); renewing the token and trying once more",
                   request.method, request.url)
        return True

    def token(self) -> str:
        """A token valid for at least `renew_margin` seconds, fetched when there is none or it runs out."""
        with self._lock:
            creds = self.credentials
            expiry = getattr(creds, "expiry", None)
            if (self._stale or not creds.token
                    or (expiry is not None and time.time() + self.renew_margin >= _seconds_since_epoch(expiry))):
                self._refresh(creds)
                self._stale = False
            token = creds.token
        if not isinstance(token, str) or not token:
            raise GoogleAuthError(f"GoogleAuth: {type(creds).__name__} gave no token after a refresh")
        return token

    def _refresh(self, creds: Any) -> None:
        errors = importlib.import_module("google.auth.exceptions")
        what = f"an ID token for {self.audience!r}" if self.audience else "an access token"
        try:
            creds.refresh(self._request)
        except errors.GoogleAuthError as exc:  # refused, unreachable, malformed key, reauth needed
            raise GoogleAuthError(
                f"GoogleAuth: could not get {what} with {type(creds).__name__}"
                f"{_whose(creds)}: {exc}"
            ) from exc
        _log.debug("GoogleAuth: got %s with %s (expires %s)", what, type(creds).__name__,
                   getattr(creds, "expiry", None))

    # -- plumbing --------------------------------------------------------------------------------------

    def __deepcopy__(self, memo: dict[int, Any]) -> GoogleAuth:
        # Configuration deep-copies its auth flow. One flow is one token source: copies share it, so
        # that threads of every copy still wait on one renewal.
        return self

    def __repr__(self) -> str:
        mode = f"audience={self.audience!r}" if self.audience else f"scopes={list(self.scopes)!r}"
        return f"GoogleAuth({type(self.credentials).__name__}{_whose(self.credentials)}, {mode})"


def _whose(creds: Any) -> str:
    """` (sa@project.iam.gserviceaccount.com)` when the credentials name an account."""
    email = getattr(creds, "service_account_email", None) or getattr(creds, "signer_email", None)
    return f" ({email})" if isinstance(email, str) and email else ""


def _check_credentials(credentials: Any, where: str) -> None:
    if not (hasattr(credentials, "refresh") and hasattr(credentials, "token")):
        raise TypeError(
            f"{where}: expected google-auth credentials (an object with refresh() and token, e.g. "
            f"google.oauth2.service_account.Credentials.from_service_account_file(path)), "
            f"got {type(credentials).__name__}"
        )


def _id_token_credentials(gauth: Any, audience: str, credentials: Any, request: Any) -> Any:
    """Credentials whose `token` is an ID token for `audience`, from what the caller gave."""
    where = "GoogleAuth.id_token(credentials=...)"
    service_account = importlib.import_module("google.oauth2.service_account")
    if credentials is None:
        id_token = importlib.import_module("google.oauth2.id_token")
        try:
            return id_token.fetch_id_token_credentials(audience, request=request)
        except gauth.exceptions.DefaultCredentialsError as exc:
            raise GoogleAuthError(
                "GoogleAuth.id_token(): no credentials given and none in the environment that can make ID "
                "tokens; set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, run on Google "
                f"Cloud (metadata server), or pass credentials=... Cause: {exc}"
            ) from exc
    _check_credentials(credentials, where)
    if hasattr(credentials, "with_target_audience"):
        return credentials.with_target_audience(audience)
    if isinstance(credentials, service_account.Credentials):
        # Same key, same token endpoint (the key file's token_uri), an ID token grant instead.
        return service_account.IDTokenCredentials(
            credentials.signer, credentials.service_account_email,
            getattr(credentials, "_token_uri", "https://oauth2.googleapis.com/token"), audience,
            quota_project_id=credentials.quota_project_id,
        )
    impersonated = importlib.import_module("google.auth.impersonated_credentials")
    if isinstance(credentials, impersonated.Credentials):
        return impersonated.IDTokenCredentials(credentials, target_audience=audience, include_email=True)
    raise TypeError(
        f"{where}: {type(credentials).__name__} cannot make ID tokens for an audience of your choosing; pass a "
        "service-account key (service_account.Credentials), impersonated credentials "
        "(impersonated_credentials.Credentials), or ID-token credentials (with_target_audience)"
    )
