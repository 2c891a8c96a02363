"""Authentication that needs more than a fixed header: a hook on each request and on its answer.

Basic and Bearer credentials are plain headers built from `Configuration`. An `AuthFlow` set as
`Configuration.auth_flow` takes over the `Authorization` header: `apply` writes it before each send,
and `answer` sees the response and may ask for the request to be sent once more (a token that was
refused and renewed) or raise (a server that failed to prove who it is). Kerberos is one such flow
(`airflow_client.client.kerberos`).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from typing import Any, Callable, Protocol

from airflow_client.client.exceptions import ResponseDecodeError, exception_for
from airflow_client.client.rest import Request


class Credentials(Protocol):
    """The part of a `Configuration` a flow reads and renews: its credentials."""

    access_token: str | None
    username: str | None
    password: str | None


class AuthFlow:
    """Base of the authentication flows; the default adds nothing and accepts every answer."""

    def apply(self, request: Request, configuration: Credentials) -> None:
        """Add credentials to a request about to be sent."""

    def answer(self, request: Request, response: Any, configuration: Credentials, retried: bool) -> bool:
        """Look at the answer; True sends the request once more (after `apply` again).

        `retried` is True for the answer to that second send, whose return value is ignored.
        """
        return False

    def revoked(self, request: Request) -> None:
        """The server ended the session of the credentials `request` carried (a logout): forget them."""


class BearerRefresh(AuthFlow):
    """Bearer token with renewal: on a 401, ask `refresh` for a new token and retry the call once.

    `refresh` is any callable returning the new token (read a file, call an identity provider...);
    the new token is stored in `Configuration.access_token` for later calls.
    """

    def __init__(self, refresh: Callable[[], str]) -> None:
        self.refresh = refresh

    def apply(self, request: Request, configuration: Credentials) -> None:
        if configuration.access_token:
            request.headers["Authorization"] = "Bearer " + configuration.access_token

    def answer(self, request: Request, response: Any, configuration: Credentials, retried: bool) -> bool:
        if retried or response.status != 401:
            return False
        configuration.access_token = self.refresh()
        return True


# Renew a token this long before it expires, so a call never starts with one about to lapse.
RENEW_MARGIN = 60.0


class PasswordLogin(AuthFlow):
    """Airflow 3: a username and password exchanged for a token, sent as `Authorization: Bearer`.

    The token comes from `POST {root}/auth/token` (JSON username and password, answer 201 with
    `access_token`). It is renewed shortly before the expiry it states (`exp`) and once when the
    server refuses it with 401; threads sharing a client share one renewal. The client sets this flow
    up itself for an Airflow 3 server when `Configuration` has a username and password and no token.
    """

    def __init__(self, token_url: str, send: Callable[[Request], Any]) -> None:
        self.token_url = token_url
        self._send = send  # sends a request as it is, the answer read in full
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = 0.0

    def apply(self, request: Request, configuration: Credentials) -> None:
        request.headers["Authorization"] = "Bearer " + self.token(configuration)

    def answer(self, request: Request, response: Any, configuration: Credentials, retried: bool) -> bool:
        if retried or response.status != 401:
            return False
        sent = request.headers.get("Authorization", "")[len("Bearer "):]
        with self._lock:
            if self._token == sent:  # not renewed yet by another thread
                self._token = None
        return True

    def revoked(self, request: Request) -> None:
        sent = request.headers.get("Authorization", "")[len("Bearer "):]
        with self._lock:
            if self._token == sent:  # the next call logs in again
                self._token = None

    def token(self, configuration: Credentials) -> str:
        """A token valid for at least a while, fetched when there is none or it is about to expire."""
        with self._lock:
            if self._token is None or time.time() + RENEW_MARGIN >= self._expires:
                self._token, self._expires = self._fetch(configuration)
            return self._token

    def _fetch(self, configuration: Credentials) -> tuple[str, float]:
        body = json.dumps({"username": configuration.username or "", "password": configuration.password or ""})
        request = Request("POST", self.token_url, {"Content-Type": "application/json", "Accept": "application/json"},
                          body.encode())
        resp = self._send(request)
        if not 200 <= resp.status <= 299:
            raise exception_for(resp.status)(http_resp=resp, method="POST", url=self.token_url)
        try:
            token = json.loads(resp.data)["access_token"]
            assert isinstance(token, str) and token
        except (ValueError, KeyError, TypeError, AssertionError):
            err = ResponseDecodeError(http_resp=resp, method="POST", url=self.token_url)
            err.reason = "the login answer holds no access_token"
            raise err from None
        return token, _expiry(token)

    def __deepcopy__(self, memo: dict[int, Any]) -> PasswordLogin:
        return PasswordLogin(self.token_url, self._send)

    def __repr__(self) -> str:
        return f"PasswordLogin(token_url={self.token_url!r})"


def _expiry(token: str) -> float:
    """When a JWT says it expires (its `exp`, seconds since the epoch); far away when it does not say."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        exp = claims.get("exp") if isinstance(claims, dict) else None
    except (IndexError, ValueError, binascii.Error):
        exp = None
    return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else float("inf")
