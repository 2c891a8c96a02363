"""Kerberos authentication (SPNEGO, `Authorization: Negotiate <token>`) as an `AuthFlow`.

    from airflow_client.client.kerberos import KerberosAuth

    configuration.auth_flow = KerberosAuth()      # after `kinit`; see docs/kerberos.md

Built on pyspnego, which is an optional dependency: `pip install airflow-stable-client[kerberos]`.
The ticket comes from the caller's credential cache (`kinit`, `KRB5CCNAME`); this module never handles a
password or a keytab.

Errors:

    KerberosError (OpenApiException)            no token could be made: no ticket, expired ticket,
    │                                            unknown service principal, KDC unreachable
    └── MutualAuthenticationError (also ApiException)
                                                 a 2xx answer whose server did not prove it holds the
                                                 service key (a token that does not verify, or none
                                                 when `require_mutual=True`)

Tokens are credentials while they are valid: they never appear in a log line or an exception message.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import logging
import sys
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from airflow_client.client.auth import AuthFlow
from airflow_client.client.exceptions import ApiException, OpenApiException
from airflow_client.client.request import Request
from airflow_client.client.rest import discard

if TYPE_CHECKING:
    from types import ModuleType

    from airflow_client.client.auth import Credentials

__all__ = ["KerberosAuth", "KerberosError", "MutualAuthenticationError"]

_log = logging.getLogger("airflow_client")

_INSTALL_HINT = (
    "Kerberos authentication needs pyspnego with its Kerberos support: "
    "pip install 'airflow-stable-client[kerberos]' (from a checkout: pip install '.[kerberos]'); "
    "on Linux this builds python-gssapi and krb5, which need the MIT Kerberos headers (Debian: libkrb5-dev) "
    "and a C compiler"
)

# pyspnego logs every token it makes or reads at DEBUG ("GSSAPI step output: <base64>"); these are the
# loggers of the providers that a "kerberos" context can use (GSSAPI on Unix, SSPI on Windows).
_SPNEGO_TOKEN_LOGGERS = ("spnego._gss", "spnego._sspi", "spnego._negotiate")


class KerberosError(OpenApiException):
    """No Kerberos token could be made for a request; nothing was sent."""


class MutualAuthenticationError(KerberosError, ApiException):
    """The server answered 2xx but did not prove that it is the Kerberos service the client asked for.

    The answer is not trusted: its body is not decoded. `status`, `method` and `url` say which answer.
    """


class _HideTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not ("step input" in message or "step output" in message)


_token_filter = _HideTokens()


def _load_spnego() -> ModuleType:
    """Import pyspnego (and python-gssapi where it is the Kerberos provider) or explain how to get them."""
    # import_module: the extra is optional, so neither the import nor type checking may require it.
    try:
        spnego = importlib.import_module("spnego")
        importlib.import_module("spnego.exceptions")
        if sys.platform != "win32":  # Windows uses SSPI; elsewhere pyspnego needs both for Kerberos
            importlib.import_module("gssapi")
            importlib.import_module("krb5")
    except ImportError as exc:
        raise ImportError(f"{_INSTALL_HINT} ({exc})") from exc
    for name in _SPNEGO_TOKEN_LOGGERS:
        token_logger = logging.getLogger(name)
        if _token_filter not in token_logger.filters:
            token_logger.addFilter(_token_filter)
    return spnego


def _negotiate_token(headers: Any) -> bytes | None:
    """The token of the `Negotiate` challenge in WWW-Authenticate, None when there is none.

    The scheme is matched case-insensitively: Airflow's backend writes `negotiate <token>`. Several
    challenges may share the header, separated by commas (base64 has no commas).
    """
    value = headers.get("WWW-Authenticate") if headers is not None else None
    if not value:
        return None
    for challenge in str(value).split(","):
        parts = challenge.strip().split(None, 1)
        if len(parts) == 2 and parts[0].lower() == "negotiate":
            try:
                return base64.b64decode(parts[1].strip(), validate=True)
            except (binascii.Error, ValueError):
                return b""  # present but not base64: it cannot verify, which the caller reports
    return None


class KerberosAuth(AuthFlow):
    """Sends `Authorization: Negotiate <token>` made from the caller's Kerberos ticket cache.

    - ``service``: service part of the server's principal. Airflow 2's Kerberos API backend
      (``airflow.providers.fab.auth_manager.api.auth.backend.kerberos_auth``) always accepts as
      ``airflow/<host>@REALM``, so the default is ``"airflow"``; use ``"HTTP"`` for a server or proxy
      that follows the usual HTTP convention.
    - ``hostname``: host part of the principal; default: the host of the request URL (that is, of
      ``Configuration.host``), so connect with the name the principal has (``http://localhost:8080``
      for ``airflow/localhost``, not ``127.0.0.1``).
    - ``delegate``: also forward the caller's TGT to the server (needs a forwardable ticket).
    - ``mutual``: ask the server to prove its identity and check the proof whenever a 2xx answer
      carries one (``WWW-Authenticate: Negotiate <token>``); a proof that does not verify raises
      `MutualAuthenticationError`.
    - ``require_mutual``: also raise when a 2xx answer carries no proof. Off by default because
      Airflow 2.x's REST API never sends one (it drops the header its backend makes); turn it on
      behind a proxy that does (Apache mod_auth_gssapi, for instance).

    Each request gets a new security context: the server authenticates every request on its own, and
    its replay cache refuses a token seen before. A 401 answer is therefore tried once more with a new
    token (urllib3's retries of 5xx answers re-send the first one). One instance may serve several
    threads; contexts are kept per thread between send and answer.
    """

    def __init__(
        self,
        service: str = "airflow",
        hostname: str | None = None,
        *,
        delegate: bool = False,
        mutual: bool = True,
        require_mutual: bool = False,
    ) -> None:
        if require_mutual and not mutual:
            raise ValueError("require_mutual=True needs mutual=True: a proof that is not asked for never comes")
        self._spnego = _load_spnego()
        self.service = service
        self.hostname = hostname
        self.delegate = delegate
        self.mutual = mutual
        self.require_mutual = require_mutual
        self._local = threading.local()

    # -- the flow ------------------------------------------------------------------------------------

    def target(self, url: str) -> str:
        """The service principal a request to `url` is authenticated to, as `service@host`."""
        host = self.hostname or urlsplit(url).hostname
        if not host:
            raise KerberosError(f"Kerberos: no host name in {url!r} to name the service principal after")
        return f"{self.service}@{host}"

    def apply(self, request: Request, configuration: Credentials) -> None:
        spnego = self._spnego
        principal = self.target(request.url)
        flags = spnego.ContextReq.none
        if self.mutual:
            flags |= spnego.ContextReq.mutual_auth
        if self.delegate:
            flags |= spnego.ContextReq.delegate
        service, host = principal.split("@", 1)
        # "kerberos", not "negotiate": pyspnego's Negotiate would fall back to NTLM when there is no
        # ticket, and Airflow only speaks Kerberos, so the caller would get a confusing NTLM error.
        # Servers accept a raw Kerberos token under the Negotiate scheme (RFC 4559 accepting contexts).
        try:
            context = spnego.client(hostname=host, service=service, protocol="kerberos", context_req=flags)
            token = context.step()
        except spnego.exceptions.SpnegoError as exc:
            raise KerberosError(
                f"Kerberos: could not get a service ticket for {principal}; is there a valid ticket "
                f"(kinit, klist, KRB5CCNAME) and does the KDC know that service? Cause: {exc}"
            ) from exc
        if not token:
            raise KerberosError(f"Kerberos: the security context for {principal} produced no token")
        self._local.verified = None
        self._local.pending = (request, context, principal)
        request.headers["Authorization"] = "Negotiate " + base64.b64encode(token).decode("ascii")
        _log.debug("Kerberos: %s %s authenticated to %s (mutual=%s)", request.method, request.url, principal,
                   self.mutual)

    def answer(self, request: Request, response: Any, configuration: Credentials, retried: bool) -> bool:
        pending = getattr(self._local, "pending", None)
        self._local.pending = None
        if pending is None or pending[0] is not request:
            return False
        _, context, principal = pending
        if response.status == 401 and not retried:
            # A token is good for one request: the server's replay cache refuses a second copy, which is
            # what urllib3 sends when it retries a request answered 5xx. One more try, with a new token.
            _log.debug("Kerberos: %s %s was refused (401); trying once more with a new token", request.method,
                       request.url)
            return True
        # Other error answers are raised by the client as they are; only a success must prove the server.
        if not self.mutual or not 200 <= response.status <= 299:
            return False
        token = _negotiate_token(response.headers)
        if token is None:
            self._local.verified = False
            if self.require_mutual:
                discard(response, keep=False)
                raise self._refuse(request, response, f"the server sent no WWW-Authenticate: Negotiate token, so it "
                                   f"did not prove that it is {principal} (require_mutual=True)")
            _log.debug("Kerberos: %s answered without a mutual-authentication token; its identity is not verified",
                       request.url)
            return False
        complete = False
        if token:  # b"" is a Negotiate answer that is not base64: nothing that could verify
            try:
                context.step(token)
                complete = bool(context.complete)
            except Exception:  # any failure to verify refuses the answer; the library's message may quote the token
                complete = False
        if not complete:
            self._local.verified = False
            discard(response, keep=False)
            raise self._refuse(request, response, f"the server's WWW-Authenticate: Negotiate token does not verify as "
                               f"coming from {principal}; the answer is not trusted")
        self._local.verified = True
        _log.debug("Kerberos: %s proved it is %s", request.url, principal)
        return False

    @property
    def server_verified(self) -> bool | None:
        """For the last answer this thread received: True if the server proved its identity, False if it
        did not, None when there was nothing to check (mutual off, an error answer, or no call yet)."""
        return getattr(self._local, "verified", None)

    @staticmethod
    def _refuse(request: Request, response: Any, why: str) -> MutualAuthenticationError:
        return MutualAuthenticationError(
            status=response.status,
            reason=f"Kerberos mutual authentication failed: {why}",
            method=request.method,
            url=request.url,
        )

    # -- plumbing --------------------------------------------------------------------------------------

    def __deepcopy__(self, memo: dict[int, Any]) -> KerberosAuth:
        # Configuration deep-copies its auth flow; per-thread state is not copyable and not worth copying.
        return KerberosAuth(self.service, self.hostname, delegate=self.delegate, mutual=self.mutual,
                            require_mutual=self.require_mutual)

    def __repr__(self) -> str:
        return (
            f"KerberosAuth(service={self.service!r}, hostname={self.hostname!r}, delegate={self.delegate!r}, "
            f"mutual={self.mutual!r}, require_mutual={self.require_mutual!r})"
        )
