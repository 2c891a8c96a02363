"""Every error the client raises.

    OpenApiException                    catch this to catch everything below
    ├── ApiTypeError (TypeError)        an argument or field of the wrong type, missing or unknown
    ├── ApiValueError (ValueError)      a value of the right type that is not allowed
    ├── ApiAttributeError (AttributeError)  a model field that is not set
    ├── ApiKeyError (KeyError)          a key that is not there
    ├── WaitTimeout (TimeoutError)      a wait for a run, a task or a log ran out of time
    └── ApiException                    the server answered with an error, or could not be reached
        ├── BadRequestException         400
        ├── UnauthorizedException       401, or a sign-in page: a redirect to one, or one answered 2xx
        ├── ForbiddenException          403 (Airflow 2.x also answers bad credentials with 403)
        ├── NotFoundException           404
        ├── ConflictException           409
        ├── ServiceException            5xx
        ├── ApiConnectionError          no answer: refused, reset, timed out, TLS failure
        │   └── PoolTimeoutError        every pooled connection stayed in use for pool_timeout seconds
        ├── ResponseTooLarge            an answer larger than max_response_size once decoded
        └── ResponseDecodeError         a 2xx answer whose body is not what its content type says

Argument errors are raised before any request is sent. `ApiException` carries the HTTP `status`,
`reason`, `body` (text) and `headers`, plus the server's `title` and `detail` when it sent an Airflow
error document, and the `method` and `url` of the request that failed.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

# A header whose name holds one of these words carries a credential or a session: Authorization,
# Proxy-Authorization, Cookie, Set-Cookie, X-Auth-Token, X-Api-Key, X-Session-Id, ...
_SECRET_WORDS = ("auth", "token", "key", "secret", "session", "password", "passwd", "credential", "cookie")
_BODY_SHOWN = 2000


@functools.lru_cache(maxsize=1024)
def is_secret_header(name: str) -> bool:
    """True for a header whose value must never be shown: the one rule every redaction uses."""
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def without_userinfo(url: str) -> str:
    """`url` with any `user:password@` removed, fit to be shown."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def render_path(path_to_item: Sequence[Any] | None) -> str:
    """Format a path into nested data the way a reader would index it: `body['dag_ids'][2]`."""
    out = ""
    for part in path_to_item or ():
        out += f"[{part}]" if isinstance(part, int) else f"[{part!r}]"
    return out


class OpenApiException(Exception):
    """Base of every exception this package raises."""


class ApiTypeError(OpenApiException, TypeError):
    def __init__(
        self,
        msg: str,
        path_to_item: Sequence[Any] | None = None,
        valid_classes: tuple[type, ...] | None = None,
        key_type: bool | None = None,
    ) -> None:
        self.path_to_item = list(path_to_item) if path_to_item else None
        self.valid_classes = valid_classes
        self.key_type = key_type
        super().__init__(msg)


class ApiValueError(OpenApiException, ValueError):
    def __init__(self, msg: str, path_to_item: Sequence[Any] | None = None) -> None:
        self.path_to_item = list(path_to_item) if path_to_item else None
        super().__init__(msg)


class ApiAttributeError(OpenApiException, AttributeError):
    def __init__(self, msg: str, path_to_item: Sequence[Any] | None = None) -> None:
        self.path_to_item = list(path_to_item) if path_to_item else None
        super().__init__(msg)


class ApiKeyError(OpenApiException, KeyError):
    def __init__(self, msg: str, path_to_item: Sequence[Any] | None = None) -> None:
        self.path_to_item = list(path_to_item) if path_to_item else None
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class WaitTimeout(OpenApiException, TimeoutError):
    """A wait ran out of time; `last` is the last object (run, task instance, token) seen."""

    def __init__(self, msg: str, last: Any = None) -> None:
        self.last = last
        super().__init__(msg)


class ApiException(OpenApiException):
    """The server answered with an error status, or no answer could be had."""

    # False for a body that may hold a form's hidden values (a sign-in page): kept in `body`, not shown.
    show_body = True

    def __init__(
        self,
        status: int | None = None,
        reason: str | None = None,
        http_resp: Any = None,
        *,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        self.method = method
        self.url = url
        self.title: str | None = None
        self.detail: str | None = None
        if http_resp is not None:
            self.status = http_resp.status
            self.reason = http_resp.reason
            raw = http_resp.data
            self.body = raw.decode("utf-8", "replace") if isinstance(raw, (bytes, bytearray)) else raw
            self.headers = http_resp.headers
            self._read_error_document()
        else:
            self.status = status
            self.reason = reason
            self.body = None
            self.headers = None
        super().__init__(self.status, self.reason)

    def _read_error_document(self) -> None:
        # Airflow's errors are JSON documents with a title and a detail; anything else stays in body.
        if not self.body or self.body[:1] != "{":
            return
        try:
            doc = json.loads(self.body)
        except (ValueError, RecursionError):
            return
        if isinstance(doc, dict):
            # Airflow 2 sends {title, detail}; Airflow 3 {detail}, a list of problems for a 422, and
            # {error} for a path it does not serve.
            title, detail = doc.get("title"), doc.get("detail", doc.get("error"))
            self.title = title if isinstance(title, str) else None
            if isinstance(detail, list):
                detail = "; ".join(_problem(p) for p in detail)
            self.detail = detail if isinstance(detail, str) else None

    def __str__(self) -> str:
        lines = [f"({self.status})", f"Reason: {self.reason}"]
        if self.method and self.url:
            lines.append(f"Request: {self.method} {self.url}")
        if self.title:
            lines.append(f"Title: {self.title}")
        if self.detail:
            lines.append(f"Detail: {self.detail}")
        if self.headers:
            location = self.status is not None and 300 <= self.status <= 399 and self.headers.get("Location")
            if location:
                lines.append(
                    f"Redirected to: {without_userinfo(str(location))} (not followed: the client follows redirects "
                    "of GET and HEAD only, within the same host name, at most 5)"
                )
            lines.append(f"HTTP response headers: {redact_headers(self.headers)}")
        if self.body and not self.show_body:
            lines.append(f"HTTP response body: not shown ({len(self.body)} characters, in .body)")
        elif self.body:
            body = self.body if len(self.body) <= _BODY_SHOWN else self.body[:_BODY_SHOWN] + " [...]"
            lines.append(f"HTTP response body: {body}")
        return "\n".join(lines) + "\n"


def _problem(problem: Any) -> str:
    """One problem of a validation answer: `body.slots: Input should be a valid integer`."""
    if not isinstance(problem, dict):
        return str(problem)
    where = ".".join(str(p) for p in problem.get("loc") or ())
    message = str(problem.get("msg", problem))
    return f"{where}: {message}" if where else message


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy fit for a log line or a message: credentials and cookies replaced by a marker."""
    shown = {k: ("<redacted>" if is_secret_header(str(k)) else v) for k, v in headers.items()}
    for name in ("Location", "location"):  # a redirect may point to a URL holding credentials
        if name in shown:
            shown[name] = without_userinfo(str(shown[name]))
    return shown


class BadRequestException(ApiException):
    pass


class UnauthorizedException(ApiException):
    pass


class ForbiddenException(ApiException):
    pass


class NotFoundException(ApiException):
    pass


class ConflictException(ApiException):
    pass


class ServiceException(ApiException):
    pass


class ApiConnectionError(ApiException):
    """No HTTP answer: the cause (a urllib3 error) is chained as `__cause__`."""


class PoolTimeoutError(ApiConnectionError):
    """No connection of the pool came free within `Configuration.pool_timeout` seconds.

    Usually streamed answers (`_preload_content=False`) that were never read to the end and released.
    """


class ResponseTooLarge(ApiException):
    """An answer whose body, once decoded, is larger than `Configuration.max_response_size` bytes.

    Nothing of the body is kept; `limit` is the cap that was passed. The connection is closed.
    """

    limit: int | None = None


class ResponseDecodeError(ApiException):
    """A success status whose body could not be read as its content type promised."""


_BY_STATUS: dict[int, type[ApiException]] = {
    400: BadRequestException,
    401: UnauthorizedException,
    403: ForbiddenException,
    404: NotFoundException,
    409: ConflictException,
}


def exception_for(status: int) -> type[ApiException]:
    """The exception class for an error status."""
    if status >= 500:
        return ServiceException
    return _BY_STATUS.get(status, ApiException)
