"""Authentication that needs more than a fixed header: a hook on each request and on its answer.

Basic and Bearer credentials are plain headers built from `Configuration`. An `AuthFlow` set as
`Configuration.auth_flow` takes over the `Authorization` header: `apply` writes it before each send,
and `answer` sees the response and may ask for the request to be sent once more (a token that was
refused and renewed) or raise (a server that failed to prove who it is). Kerberos is one such flow
(`airflow_client.client.kerberos`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Protocol

if TYPE_CHECKING:
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
