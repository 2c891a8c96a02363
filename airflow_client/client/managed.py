"""Managed Airflow: Google credentials for Cloud Composer (and IAP), as an `AuthFlow`; Amazon MWAA, as a client.

    from airflow_client.client.managed import GoogleAuth, MwaaApiClient

    configuration.auth_flow = GoogleAuth()                      # Composer: an OAuth access token
    configuration.auth_flow = GoogleAuth.id_token(client_id)    # a web server behind IAP: an ID token
    api_client = MwaaApiClient("MyAirflowEnvironment")          # MWAA: calls through the AWS API (boto3)

MWAA is reached through boto3 (`pip install 'airflow-stable-client[aws]'`), imported when the first
`MwaaApiClient` is made: its calls go through MWAA's `InvokeRestApi`, signed with AWS credentials, and
what that action cannot carry goes to the environment's web server with a web login token (see
`MwaaApiClient` and docs/managed.md).

Built on google-auth, which is an optional dependency: `pip install 'airflow-stable-client[google]'`.
Tokens come from google-auth's credentials (a service-account key, workload identity, the metadata
server, `gcloud auth application-default login`) through its urllib3 transport; this module never
reads a key itself. Hosted Airflow that hands out static API tokens (Astronomer and others) needs no
module: `Configuration(access_token=...)`, renewed with `airflow_client.client.auth.BearerRefresh`
(see docs/managed.md).

Errors:

    GoogleAuthError (OpenApiException)   no token could be had: no credentials found, a key the token
                                         endpoint refused, the endpoint unreachable; nothing was sent

MWAA's refusals are the usual `ApiException` subclasses: Airflow's own errors with Airflow's status and
detail, the AWS API's (IAM, signature, unknown environment) with its status, its error code as `title`
and its message as `detail`.

Tokens are credentials: they never appear in a log line or an exception message.
"""

from __future__ import annotations

import http.client
import importlib
import json
import logging
import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Sequence

import certifi
import urllib3
from urllib3._collections import HTTPHeaderDict  # where urllib3 1.26 and 2.x both have it

from airflow_client.client.api_client import ApiClient
from airflow_client.client.auth import RENEW_MARGIN, AuthFlow
from airflow_client.client.exceptions import (
    ApiConnectionError,
    ApiException,
    ApiValueError,
    OpenApiException,
    exception_for,
)
from airflow_client.client.request import Request
from airflow_client.client.servers import Server

if TYPE_CHECKING:
    from types import ModuleType

    from airflow_client.client.auth import Credentials
    from airflow_client.client.configuration import Configuration

__all__ = ["CLOUD_PLATFORM", "GoogleAuth", "GoogleAuthError", "MwaaApiClient"]

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


# -- Amazon MWAA ------------------------------------------------------------------------------------------

_AWS_INSTALL_HINT = (
    "Amazon MWAA needs boto3: pip install 'airflow-stable-client[aws]' (from a checkout: pip install '.[aws]')"
)
# What InvokeRestApi takes (botocore's service model of mwaa, 2020-07-01): these methods, a path of at most
# 64 characters below the API root, JSON in and JSON out.
INVOKE_METHODS = frozenset({"GET", "PUT", "POST", "PATCH", "DELETE"})
INVOKE_MAX_PATH = 64
# Where the web server takes a web login token (form field `token`), per Airflow generation.
WEB_LOGIN_PATHS = {2: "/aws_mwaa/login", 3: "/pluginsv2/aws_mwaa/login"}
# What the web server answers a login with: Airflow 2's session cookie, Airflow 3's JWT (cookie `_token`).
_SESSION_COOKIE = "session"
_JWT_COOKIE = "_token"


def _load_boto3() -> ModuleType:
    try:
        boto3 = importlib.import_module("boto3")
        importlib.import_module("botocore.exceptions")
    except ImportError as exc:
        raise ImportError(f"{_AWS_INSTALL_HINT} ({exc})") from exc
    return boto3


class _NotInvoked(Exception):
    """InvokeRestApi cannot serve this request; the message says why."""


class _Invoked:
    """An answer InvokeRestApi relayed, in the shape the client reads from its own transport."""

    __slots__ = ("data", "headers", "reason", "status", "url", "urllib3_response")

    def __init__(self, status: int, data: bytes, url: str) -> None:
        self.status = status
        self.reason = http.client.responses.get(status, "")
        self.headers = HTTPHeaderDict({"Content-Type": "application/json"} if data else {})
        self.data = data
        self.url = url
        self.urllib3_response = None

    def getheaders(self) -> Any:
        return self.headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)

    def streamed(self) -> urllib3.HTTPResponse:
        """The same answer as a stream (`_preload_content=False`), over the bytes already relayed."""
        import io

        return urllib3.HTTPResponse(body=io.BytesIO(self.data), headers=self.headers, status=self.status,
                                    reason=self.reason, preload_content=False, decode_content=False)


class MwaaApiClient(ApiClient):
    """An `ApiClient` for an Amazon MWAA environment: every call goes through the AWS API, signed with AWS
    credentials (SigV4), never with an Airflow username, password or token.

    - ``environment_name``: the MWAA environment (``MyAirflowEnvironment``).
    - ``region_name``: its AWS region; None: boto3's default (``AWS_DEFAULT_REGION``, ``~/.aws/config``).
    - ``boto3_client``: a ready ``boto3.client("mwaa", ...)`` (own credentials, endpoint, retries);
      None: one made from boto3's default session for ``region_name``.
    - ``configuration``: transport settings (TLS, proxy, timeouts, retries) for the web-login path below;
      its host and credentials are not used.
    - ``web_scheme``: the scheme of the web server the web login goes to (``https``).

    A call goes through MWAA's ``InvokeRestApi``: its method, path below the API root, query and JSON
    body are sent as ``Method``, ``Path``, ``QueryParameters`` and ``Body``, and Airflow's status and JSON
    answer come back as ``RestApiStatusCode`` and ``RestApiResponse``. A request InvokeRestApi cannot
    serve goes to the web server instead, with a web login token (``CreateWebLoginToken``):

    - decided before sending: a path longer than 64 characters once percent-encoded (a task log, a run id
      with a timestamp), a method other than GET, PUT, POST, PATCH and DELETE, an ``Accept`` without JSON
      (a log as text/plain), a body that is not JSON, a path outside the REST API (users and roles of
      Airflow 3's FAB API);
    - decided by MWAA: a GET it refuses as invalid (``ValidationException``, e.g. an answer beyond its
      size limit). Other methods are not sent twice: their refusal is raised.

    The Airflow generation comes from ``GetEnvironment`` (``AirflowVersion``), or, when the caller may
    not describe the environment, from one ``GET /version`` through InvokeRestApi.
    """

    def __init__(
        self,
        environment_name: str,
        *,
        region_name: str | None = None,
        boto3_client: Any = None,
        configuration: Configuration | None = None,
        web_scheme: str = "https",
        pool_threads: int = 1,
    ) -> None:
        if not isinstance(environment_name, str) or not environment_name:
            raise TypeError(f"MwaaApiClient(environment_name): expected the environment's name as a non-empty "
                            f"string, got {environment_name!r}")
        if web_scheme not in ("https", "http"):
            raise ValueError(f"MwaaApiClient(web_scheme): expected 'https' or 'http', got {web_scheme!r}")
        if boto3_client is None:
            boto3 = _load_boto3()
            try:
                boto3_client = boto3.client("mwaa", region_name=region_name)
            except importlib.import_module("botocore.exceptions").BotoCoreError as exc:
                raise _botocore_error(exc, "POST", f"mwaa://{environment_name}") from exc
        else:
            _load_boto3()  # the errors it raises are botocore's
            name = getattr(getattr(getattr(boto3_client, "meta", None), "service_model", None), "service_name", None)
            if name != "mwaa":
                raise TypeError(f"MwaaApiClient(boto3_client): expected a boto3 client of the 'mwaa' service, "
                                f"got {type(boto3_client).__name__} of {name!r}")
        from airflow_client.client.configuration import Configuration

        config = configuration if configuration is not None else Configuration()
        super().__init__(config, pool_threads=pool_threads)
        self.environment_name = environment_name
        self.mwaa = boto3_client
        self.web_scheme = web_scheme
        self._root = f"mwaa://{environment_name}"  # what error messages name for calls through InvokeRestApi
        self._web_lock = threading.Lock()
        self._web_root: str | None = None
        self._web_headers: dict[str, str] | None = None
        self._web_expires = float("inf")
        self.invoked = 0  # calls served by InvokeRestApi
        self.web_calls = 0  # calls served by the web server
        self.web_logins = 0

    # -- the server ------------------------------------------------------------------------------------

    @property
    def server(self) -> Server:
        if self._server is None:
            with self._server_lock:
                if self._server is None:
                    self._server = Server(self._root, *self._ask_generation())
        return self._server

    def _ask_generation(self) -> tuple[int, str | None]:
        errors = importlib.import_module("botocore.exceptions")
        version: Any = None
        try:
            version = self.mwaa.get_environment(Name=self.environment_name)["Environment"].get("AirflowVersion")
            denied = False
        except errors.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "AccessDeniedException":
                raise self._aws_error(exc, "GetEnvironment", "GET", self._root) from None
            denied = True
        except errors.BotoCoreError as exc:
            raise _botocore_error(exc, "GET", self._root) from exc
        if denied:
            # Without airflow:GetEnvironment: ask Airflow itself, through InvokeRestApi.
            _log.debug("MWAA %s: GetEnvironment refused; asking /version through InvokeRestApi",
                       self.environment_name)
            url = self._root + "/version"
            try:
                answer = self._invoke(Request("GET", url, {"Accept": "application/json"}, None), "/version")
            except _NotInvoked as exc:
                raise ApiValueError(f"could not ask MWAA environment {self.environment_name!r} which Airflow it "
                                    f"runs: GetEnvironment was refused and GET /version was not served: {exc}"
                                    ) from None
            if answer.status != 200:
                raise exception_for(answer.status)(http_resp=answer, method="GET", url=url)
            try:
                version = json.loads(answer.data).get("version")
            except (ValueError, AttributeError):
                version = None
        major = str(version or "").split(".", 1)[0]
        if major not in ("2", "3"):
            raise ApiValueError(f"MWAA environment {self.environment_name!r} runs Airflow {version!r}; this client "
                                "speaks to Airflow 2 and 3")
        return int(major), str(version)

    def _auth_flow(self) -> AuthFlow | None:
        return None  # AWS credentials sign the calls; the web login is the transport's own

    # -- the transport -----------------------------------------------------------------------------------

    def transmit(self, request: Request, preload: bool, timeout: Any, follow: bool = True) -> Any:
        """Through InvokeRestApi when it can serve the request, else through the web server (see the class)."""
        api_root = self.server.api_root
        try:
            path = self._invocable(request, api_root)
            answer = self._invoke(request, path)
        except _NotInvoked as exc:
            _log.debug("MWAA %s: %s %s goes through the web server: %s", self.environment_name, request.method,
                       request.url, exc)
            return self._through_web(request, preload, timeout, follow)
        return answer if preload else answer.streamed()

    def _invocable(self, request: Request, api_root: str) -> str:
        """The path InvokeRestApi is given for a request (below the API root, query excluded), or _NotInvoked."""
        url = request.url
        if not url.startswith(api_root + "/"):
            raise _NotInvoked("its path is outside the REST API, which is all InvokeRestApi reaches")
        path = url[len(api_root):].split("?", 1)[0]
        if request.method not in INVOKE_METHODS:
            raise _NotInvoked(f"InvokeRestApi takes {', '.join(sorted(INVOKE_METHODS))}, not {request.method}")
        if len(path) > INVOKE_MAX_PATH:
            raise _NotInvoked(f"its path has {len(path)} characters; InvokeRestApi takes {INVOKE_MAX_PATH} at most")
        accept = next((v for k, v in request.headers.items() if k.lower() == "accept"), "")
        if accept and "json" not in accept and "*/*" not in accept:
            raise _NotInvoked(f"it asks for {accept}; InvokeRestApi answers JSON only")
        return path

    def _invoke(self, request: Request, path: str) -> _Invoked:
        from urllib.parse import parse_qsl

        errors = importlib.import_module("botocore.exceptions")
        params: dict[str, Any] = {"Name": self.environment_name, "Method": request.method, "Path": path}
        query = request.url.split("?", 1)[1] if "?" in request.url else ""
        if query:
            values: dict[str, Any] = {}
            for name, value in parse_qsl(query, keep_blank_values=True):
                if name in values:  # a repeated parameter: a list, sent repeated again
                    previous = values[name]
                    values[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
                else:
                    values[name] = value
            params["QueryParameters"] = values
        if request.body is not None:
            try:
                params["Body"] = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                raise _NotInvoked("its body is not JSON; InvokeRestApi takes a JSON body only") from None
        try:
            out = self.mwaa.invoke_rest_api(**params)
            status, document = out.get("RestApiStatusCode") or 200, out.get("RestApiResponse")
        except errors.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("RestApiClientException", "RestApiServerException"):
                # Airflow answered an error: its status and error document, relayed.
                status, document = exc.response.get("RestApiStatusCode") or 500, exc.response.get("RestApiResponse")
            elif code == "ValidationException" and request.method == "GET":
                raise _NotInvoked(f"MWAA refused it ({code}: {_aws_message(exc)})") from None
            else:
                raise self._aws_error(exc, "InvokeRestApi", request.method, request.url) from None
        except errors.BotoCoreError as exc:
            raise _botocore_error(exc, request.method, request.url) from exc
        self.invoked += 1
        data = b"" if document is None else json.dumps(document).encode()
        return _Invoked(int(status), data, request.url)

    def _aws_error(self, exc: Any, action: str, method: str, url: str) -> ApiException:
        """A refusal of the AWS API itself (IAM, signature, unknown environment), as an ApiException."""
        code = exc.response.get("Error", {}).get("Code") or "an error"
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 500)
        error = exception_for(status)(status=status, reason=None, method=method, url=url)
        message = _aws_message(exc)
        hint = ""
        if code == "AccessDeniedException":
            # GetEnvironment is granted on the environment, the others on the Airflow role calls run as.
            resource = (f"environment/{self.environment_name}" if action == "GetEnvironment"
                        else f"role/{self.environment_name}/<Airflow role>")
            hint = (f"; the caller's IAM policy must allow airflow:{action} on "
                    f"arn:aws:airflow:<region>:<account>:{resource}")
        elif code in ("InvalidSignatureException", "UnrecognizedClientException", "SignatureDoesNotMatch"):
            hint = "; check the AWS credentials (access key and secret) boto3 uses"
        elif code == "ResourceNotFoundException":
            hint = f"; check the environment name ({self.environment_name!r}) and the region"
        error.title = code
        error.detail = message
        error.reason = f"Amazon MWAA refused {action} ({code}): {message}{hint}"
        return error

    # -- the web server, for what InvokeRestApi cannot serve -------------------------------------------------

    def _through_web(self, request: Request, preload: bool, timeout: Any, follow: bool) -> Any:
        from airflow_client.client.rest import discard

        sent: dict[str, str] | None = None
        for attempt in (1, 2):
            root, credentials = self._web_session(sent)
            headers = {k: v for k, v in request.headers.items() if k.lower() not in ("authorization", "cookie")}
            headers.update(credentials)
            url = root + request.url[len(self._root):]
            resp = self.rest_client.request(request.method, url, headers, request.body, preload, timeout,
                                            follow_redirects=follow)
            if resp.status != 401 or attempt == 2:
                self.web_calls += 1
                return resp
            # The session lapsed (or was ended): one new login, one more try.
            _log.debug("MWAA %s: the web session was refused (401); logging in again", self.environment_name)
            if not preload:
                discard(resp)
            sent = credentials
        raise AssertionError("unreachable")

    def _web_session(self, refused: dict[str, str] | None) -> tuple[str, dict[str, str]]:
        """The web server's root and the headers of a live session, logging in when there is none."""
        with self._web_lock:
            lapsed = time.time() + RENEW_MARGIN >= self._web_expires
            if self._web_headers is None or self._web_headers == refused or lapsed:
                self._web_root, self._web_headers, self._web_expires = self._web_login()
            assert self._web_root is not None
            return self._web_root, self._web_headers

    def _web_login(self) -> tuple[str, dict[str, str], float]:
        from http.cookies import SimpleCookie
        from urllib.parse import urlencode

        from airflow_client.client.auth import _expiry

        errors = importlib.import_module("botocore.exceptions")
        generation = self.server.generation
        try:
            out = self.mwaa.create_web_login_token(Name=self.environment_name)
        except errors.ClientError as exc:
            raise self._aws_error(exc, "CreateWebLoginToken", "POST", self._root) from None
        except errors.BotoCoreError as exc:
            raise _botocore_error(exc, "POST", self._root) from exc
        hostname, token = out.get("WebServerHostname"), out.get("WebToken")
        if not hostname or not token:
            raise ApiValueError("Amazon MWAA answered CreateWebLoginToken without WebServerHostname or WebToken")
        root = f"{self.web_scheme}://{hostname}"
        url = root + WEB_LOGIN_PATHS[generation]
        body = urlencode({"token": token}).encode()
        resp = self.rest_client.request("POST", url, {"Content-Type": "application/x-www-form-urlencoded",
                                                      "User-Agent": self.user_agent}, body, True, None,
                                        follow_redirects=False)
        cookies: SimpleCookie = SimpleCookie()
        for value in resp.headers.getlist("Set-Cookie") if hasattr(resp.headers, "getlist") else ():
            cookies.load(value)
        self.web_logins += 1
        if generation == 2 and _SESSION_COOKIE in cookies and resp.status < 400:
            return root, {"Cookie": f"{_SESSION_COOKIE}={cookies[_SESSION_COOKIE].value}"}, float("inf")
        if generation == 3 and resp.status < 400:
            jwt = cookies[_JWT_COOKIE].value if _JWT_COOKIE in cookies else _access_token(resp.data)
            if jwt:
                return root, {"Authorization": "Bearer " + jwt}, _expiry(jwt)
        error = exception_for(resp.status if resp.status >= 400 else 401)(http_resp=resp, method="POST", url=url)
        expected = "a session cookie" if generation == 2 else f"a JWT in the cookie {_JWT_COOKIE}"
        error.reason = (f"the MWAA web server did not take the web login token: it answered {resp.status} "
                        f"without {expected}; the caller's IAM policy must allow airflow:CreateWebLoginToken "
                        "and the environment's web server must be reachable from here")
        raise error

    def __repr__(self) -> str:
        return f"MwaaApiClient({self.environment_name!r})"


def _aws_message(exc: Any) -> str:
    error = exc.response.get("Error", {})
    return str(error.get("Message") or error.get("message") or exc)


def _botocore_error(exc: Exception, method: str, url: str) -> OpenApiException:
    """botocore's own failure (no credentials, no answer) before MWAA answered anything."""
    if type(exc).__name__ in ("NoCredentialsError", "PartialCredentialsError", "NoRegionError"):
        return ApiValueError(f"{exc}: no AWS credentials or region found for the MWAA client; configure them as "
                             "for the AWS CLI (AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                             "AWS_DEFAULT_REGION, ~/.aws/config), or pass boto3_client=... / region_name=...")
    return ApiConnectionError(status=None, reason=f"could not reach the MWAA API: {exc}", method=method, url=url)


def _access_token(data: bytes) -> str | None:
    """The `access_token` of a JSON login answer, as Airflow 3's own /auth/token gives it; else None."""
    try:
        token = json.loads(data).get("access_token")
    except (ValueError, AttributeError):
        return None
    return token if isinstance(token, str) and token else None
