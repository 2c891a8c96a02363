"""The transport: one urllib3 pool per client; a request goes in, status, headers and bytes come out.

Nothing here knows about endpoints or models, and nothing here raises for an HTTP status: the caller
decides what a status means. What it does raise is `ApiConnectionError` when no answer came at all
(`PoolTimeoutError` when no pooled connection came free), `ResponseTooLarge` for an answer over
`Configuration.max_response_size`, and `ApiValueError` for a header that cannot be sent.

`RESTClientObject.request` is the one way out: it checks the headers, then runs the tries itself
(urllib3 is asked for one try at a time), so that the same rules hold on urllib3 1.26 and 2.x:
retries and their waits, redirects, the deadline of each try and the size of the body.
"""

from __future__ import annotations

import http.client
import io
import logging
import math
import random
import re
import ssl
import threading
import time
import warnings
from typing import Any, Mapping, NamedTuple, Protocol, Union, cast
from urllib.parse import unquote, urljoin, urlsplit

import certifi
import urllib3

from airflow_client.client.exceptions import (
    ApiConnectionError,
    ApiValueError,
    PoolTimeoutError,
    ResponseTooLarge,
    is_secret_header,
    redact_headers,
    without_userinfo,
)
from airflow_client.client.request import Request  # noqa: F401  (also importable from here, as before)

TimeoutArg = Union[None, float, int, "tuple[float, float]", urllib3.Timeout]

_log = logging.getLogger("airflow_client")

# Retried when the method is idempotent: the server said "try again later" or failed in passing.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# A payload the server finds too large stays too large: never retried, whatever Retry-After says.
NEVER_RETRIED = frozenset({413})

# Followed for these methods only, within the same host name, at most MAX_REDIRECTS times.
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
REDIRECT_METHODS = frozenset({"GET", "HEAD"})
MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Body reads: large pieces joined once. urllib3 2.6+ bounds the decoded size of each read; older
# lines decode a whole raw piece at once (and copy it twice), so compressed bodies are read in small
# raw pieces there: gzip inflates at most about 1,000 times, so 4 KiB become at most about 4 MiB.
_PIECE = 1 << 20
_URLLIB3_VERSION = tuple(int(p) if p.isdigit() else 0 for p in getattr(urllib3, "__version__", "0").split(".")[:2])
_ENCODED_PIECE = _PIECE if _URLLIB3_VERSION >= (2, 6) else 4 << 10
# A discarded answer (retried or redirected) is read to the end only when this small, to keep its
# connection; a larger one costs the connection instead.
_DRAIN_LIMIT = 64 << 10

_SOCKS_SCHEMES = frozenset({"socks4", "socks4a", "socks5", "socks5h"})


class JitterRetry(urllib3.Retry):
    """Exponential backoff with full jitter, so that many clients retrying do not retry in step."""

    def get_backoff_time(self) -> float:
        ceiling = super().get_backoff_time()
        return random.uniform(0, ceiling) if ceiling > 0 else 0.0


def make_retry(retries: int | urllib3.Retry | None) -> urllib3.Retry | bool:
    """The retry policy: a count becomes bounded, backed-off retries of idempotent requests only.

    A request that could not connect was never sent, so it is retried whatever its method; a POST or
    PATCH that reached the server is never sent twice.
    """
    if isinstance(retries, urllib3.Retry):
        return retries
    if not retries:
        return False
    return JitterRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        backoff_factor=0.5,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=IDEMPOTENT_METHODS,
        raise_on_status=False,
        respect_retry_after_header=True,
    )


def make_timeout(value: TimeoutArg) -> urllib3.Timeout | None:
    if value is None or isinstance(value, urllib3.Timeout):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return urllib3.Timeout(total=value)
    if isinstance(value, tuple) and len(value) == 2:
        return urllib3.Timeout(connect=value[0], read=value[1])
    raise ApiValueError(
        f"_request_timeout: expected a number of seconds or a (connect, read) tuple, got {value!r}"
    )


# -- timeouts: a deadline for each try ---------------------------------------------------------------------


class TimeoutPlan(NamedTuple):
    """urllib3's timeout for a try, and the seconds that bound the whole answer (None: no bound).

    The bound is the read timeout of a (connect, read) pair, or a plain number (the total of one
    try: urllib3 leaves for the answer what connecting did not use).
    """

    timeout: urllib3.Timeout | None
    bound: float | None


def _seconds(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def plan_timeout(value: TimeoutArg) -> TimeoutPlan:
    timeout = make_timeout(value)
    if timeout is None:
        return TimeoutPlan(None, None)
    if isinstance(value, tuple):
        return TimeoutPlan(timeout, _seconds(value[1]))
    if not isinstance(value, urllib3.Timeout):
        return TimeoutPlan(timeout, _seconds(value))
    started = timeout.clone()  # read_timeout needs a started clock when a total is set
    started.start_connect()
    return TimeoutPlan(timeout, _seconds(started.read_timeout))


# The bound (seconds) of the try this thread is making, read when its request has been sent.
_local = threading.local()


class _DeadlineReader(io.RawIOBase):
    """The socket reader under an answer: each read waits no longer than what is left of the deadline.

    urllib3's read timeout bounds each read; a server that sends a byte now and then would keep an
    answer going for ever. Started when the request has been sent, with urllib3's read timeout for
    that try, the deadline bounds the status line, the headers and the body together.
    """

    def __init__(self, raw: Any, sock: Any, per_read: float, seconds: float) -> None:
        super().__init__()
        # The socket's own reader (socket.makefile's): it keeps the socket open while the answer is
        # read, even after http.client closed its connection for a "Connection: close" answer.
        self._raw = raw
        self._sock = sock
        self._per_read = per_read
        self.deadline: float | None = time.monotonic() + per_read
        self.seconds = seconds  # as configured, for messages
        self.expired = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        deadline = self.deadline
        if deadline is None:
            return self._raw.readinto(buffer)  # type: ignore[no-any-return]
        left = deadline - time.monotonic()
        if left <= 0:
            self.expired = True
            raise TimeoutError(f"no complete answer within {self.seconds:g} s")
        if left < self._per_read:
            self._sock.settimeout(left)
        try:
            return self._raw.readinto(buffer)  # type: ignore[no-any-return]
        except TimeoutError:
            self.expired = time.monotonic() >= deadline - 0.001
            raise

    def close(self) -> None:
        self._raw.close()
        super().close()

    def disarm(self) -> None:
        """From now on, only urllib3's read timeout applies (a streamed body is the caller's to read)."""
        self.deadline = None
        try:
            self._sock.settimeout(self._per_read)
        except OSError:
            pass


class _DeadlineResponse(http.client.HTTPResponse):
    """http.client's answer, reading through a `_DeadlineReader` when the try has a bound."""

    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        bound: float | None = getattr(_local, "bound", None)
        if bound is None or not hasattr(sock, "gettimeout"):
            return
        per_read = sock.gettimeout()  # urllib3 set it to this try's read timeout before sending
        if per_read is None:
            return
        reader = _DeadlineReader(self.fp.detach(), sock, per_read, bound)  # nothing was read yet
        self.fp = io.BufferedReader(reader)
        _local.reader = reader


_POOL_CLASSES: dict[tuple[type, bool], type] = {}
_POOL_CLASSES_LOCK = threading.Lock()


class _QuietTLSValidation:
    """For pools of an unverified client: connect like urllib3 but leave out its per-request warning."""

    def _validate_conn(self, conn: Any) -> None:
        urllib3.HTTPConnectionPool._validate_conn(self, conn)  # type: ignore[arg-type]
        # urllib3 2.x marks a connection to open with is_closed, 1.26 with a missing sock.
        if getattr(conn, "is_closed", not getattr(conn, "sock", None)):
            conn.connect()


def _pool_class(base: type, quiet_tls: bool) -> type:
    """`base` whose connections read answers through `_DeadlineResponse` (made once per base)."""
    key = (base, quiet_tls)
    cls = _POOL_CLASSES.get(key)
    if cls is None:
        with _POOL_CLASSES_LOCK:
            cls = _POOL_CLASSES.get(key)
            if cls is None:
                conn_base = base.ConnectionCls  # type: ignore[attr-defined]
                conn_cls = type(conn_base.__name__, (conn_base,), {"response_class": _DeadlineResponse})
                bases: tuple[type, ...] = (base,)
                if quiet_tls and issubclass(base, urllib3.HTTPSConnectionPool):
                    bases = (_QuietTLSValidation, base)
                cls = type(base.__name__, bases, {"ConnectionCls": conn_cls})
                _POOL_CLASSES[key] = cls
    return cls


# -- headers ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+").fullmatch
_CONTROL = re.compile(r"[\x00\r\n]").search
_BYTES_CONTROL = re.compile(rb"[\x00\r\n]").search
_GOOD_NAMES: set[str] = set()

# Where the usual credential headers come from, to point at the setting to fix.
_HEADER_ORIGIN = {
    "authorization": "Configuration.access_token, username/password or the auth flow",
    "cookie": "ApiClient(cookie=...)",
    "proxy-authorization": "the proxy URL or Configuration.proxy_headers",
}


def check_headers(headers: Mapping[Any, Any], where: str = "request header") -> None:
    """Refuse, before anything is sent, a header http.client would refuse with its value in the message.

    Names must be HTTP tokens (no spaces, colons or control characters); values must be one line of
    latin-1 text without NUL. The value of a credential-like header is never shown.
    """
    for name, value in headers.items():
        if name not in _GOOD_NAMES:
            if not isinstance(name, str) or not _TOKEN(name):
                raise ApiValueError(_bad_name(name, where))
            if len(_GOOD_NAMES) < 512:
                _GOOD_NAMES.add(name)
        if isinstance(value, str):
            if _CONTROL(value):
                raise ApiValueError(_bad_value(name, value, where, "has a line break (CR or LF) or a NUL character"))
            if not value.isascii():
                try:
                    value.encode("latin-1")
                except UnicodeEncodeError:
                    problem = "has characters outside latin-1, which HTTP headers cannot carry"
                    raise ApiValueError(_bad_value(name, value, where, problem)) from None
        elif isinstance(value, (bytes, bytearray)):
            if _BYTES_CONTROL(value):
                raise ApiValueError(_bad_value(name, value, where, "has a line break (CR or LF) or a NUL character"))
        elif not isinstance(value, int) or isinstance(value, bool):
            raise ApiValueError(
                f"{where} {name!r}: expected text, got {type(value).__name__}"
                + ("" if is_secret_header(name) else f" {value!r}")
            )


def _bad_name(name: Any, where: str) -> str:
    text = str(name)
    # Shown only up to the first space or colon: a whole "Authorization: Bearer ..." line may have
    # been given as the name.
    shown = re.split(r"[\s:]", text, maxsplit=1)[0]
    more = " (and more, not shown)" if shown != text else ""
    return (
        f"{where} name {shown!r}{more}: not a valid header name; names are letters, digits and "
        "!#$%&'*+-.^_`|~, with no spaces, colons or control characters"
    )


def _bad_value(name: str, value: str | bytes | bytearray, where: str, problem: str) -> str:
    message = f"{where} {name!r}: the value {problem}"
    stripped = value.strip()
    if stripped and not _CONTROL(stripped if isinstance(stripped, str) else stripped.decode("latin-1")):
        message += "; only at its ends: a value read from a file keeps its trailing newline, strip() it"
    origin = _HEADER_ORIGIN.get(name.lower())
    if origin:
        message += f" (this header is made from {origin})"
    if is_secret_header(name):
        return message + "; the value is not shown because it carries a credential"
    return message + f"; got {value!r}"


# -- the transport ---------------------------------------------------------------------------------------


# Each urlopen is one try: the loop in `RESTClientObject.request` retries and follows redirects. Built
# once, since urllib3 would make a new Retry from `retries=False` on every call.
_ONE_TRY = urllib3.Retry(False, redirect=False)


class RESTResponse:
    """An answer read in full."""

    __slots__ = ("data", "headers", "reason", "status", "url", "urllib3_response")

    def __init__(self, resp: urllib3.HTTPResponse, data: bytes | None = None, url: str | None = None) -> None:
        self.urllib3_response = resp
        self.status: int = resp.status
        self.reason: str = resp.reason or ""
        self.headers: Mapping[str, str] = resp.headers
        self.data: bytes = resp.data if data is None else data
        self.url = url  # where the answer came from, after the redirects that were followed

    def getheaders(self) -> Mapping[str, str]:
        return self.headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def _is_zero(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == 0


class TransportSettings(Protocol):
    """What the transport reads from a `Configuration`: the settings below credentials and endpoints."""

    host: str
    verify_ssl: bool
    ssl_ca_cert: str | None
    cert_file: str | None
    key_file: str | None
    assert_hostname: str | bool | None
    tls_server_name: str | None
    socket_options: list[tuple[int, int, int]] | None
    connection_pool_maxsize: int
    proxy: str | None
    proxy_headers: dict[str, str] | None
    no_proxy: str | None
    trust_env: bool
    retries: int | urllib3.Retry | None
    timeout: float | tuple[float, float] | None
    max_retry_after: float
    pool_timeout: float | None
    max_response_size: int | None


class RESTClientObject:
    """Owns the connection pool; safe to share between threads (urllib3's pools are).

    The transport settings of the configuration are read here, once: change them before making the
    `ApiClient`.
    """

    def __init__(self, configuration: TransportSettings, pools_size: int = 4, maxsize: int | None = None) -> None:
        self.configuration = configuration
        self.maxsize = maxsize or configuration.connection_pool_maxsize or 4
        self.pool_timeout = configuration.pool_timeout
        self.max_retry_after = configuration.max_retry_after
        self.max_response_size = configuration.max_response_size
        if self.pool_timeout is not None and not _positive(self.pool_timeout):
            raise ApiValueError(
                f"Configuration.pool_timeout: expected a positive number of seconds or None, got {self.pool_timeout!r}"
            )
        if not (_positive(self.max_retry_after) or _is_zero(self.max_retry_after)):
            raise ApiValueError(
                f"Configuration.max_retry_after: expected a number of seconds, 0 or more, got {self.max_retry_after!r}"
            )
        cap = self.max_response_size
        if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap <= 0):
            raise ApiValueError(
                f"Configuration.max_response_size: expected a positive number of bytes or None, got {cap!r}"
            )
        retry = make_retry(configuration.retries)
        self.retry: urllib3.Retry | None = retry if isinstance(retry, urllib3.Retry) else None
        self.timeout_plan = plan_timeout(configuration.timeout)

        self._pool_kwargs: dict[str, Any] = {
            "num_pools": pools_size,
            "maxsize": self.maxsize,
            # Threads beyond maxsize wait for a free connection (at most pool_timeout) instead of
            # opening more: the number of sockets to the server stays bounded by connection_pool_maxsize.
            "block": True,
            "retries": False,  # the tries are run by request(), one urlopen each
            "timeout": self.timeout_plan.timeout,
        }
        kwargs = self._pool_kwargs
        if configuration.verify_ssl:
            kwargs["cert_reqs"] = ssl.CERT_REQUIRED
            kwargs["ca_certs"] = configuration.ssl_ca_cert or certifi.where()
        else:
            kwargs["cert_reqs"] = ssl.CERT_NONE
        if configuration.cert_file:
            kwargs["cert_file"] = configuration.cert_file
        if configuration.key_file:
            kwargs["key_file"] = configuration.key_file
        if configuration.assert_hostname is not None:
            kwargs["assert_hostname"] = configuration.assert_hostname
        if configuration.tls_server_name:
            kwargs["server_hostname"] = configuration.tls_server_name
        if configuration.socket_options is not None:
            kwargs["socket_options"] = configuration.socket_options
        if configuration.proxy_headers:
            check_headers(configuration.proxy_headers, "Configuration.proxy_headers")

        self._managers: dict[str, urllib3.PoolManager] = {}
        self._managers_lock = threading.Lock()
        self.pool_manager: urllib3.PoolManager = self._manager_for(configuration.host)

    # -- pools and proxies -------------------------------------------------------------------------------

    def _manager_for(self, url: str) -> urllib3.PoolManager:
        """The pool manager for requests to `url`'s scheme and host: direct, or through its proxy."""
        parts = urlsplit(url)
        key = f"{parts.scheme}://{(parts.hostname or '').lower()}"
        manager = self._managers.get(key)
        if manager is not None:
            return manager
        with self._managers_lock:
            manager = self._managers.get(key)
            if manager is None:
                manager = self._make_manager(parts.scheme, parts.hostname or "", parts.port)
                self._managers[key] = manager
        return manager

    def _make_manager(self, scheme: str, hostname: str, port: int | None) -> urllib3.PoolManager:
        config = self.configuration
        proxy = _proxy_for(config, scheme, hostname, port)
        kwargs = self._pool_kwargs
        if proxy is None:
            manager = urllib3.PoolManager(**kwargs)
        else:
            parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
            proxy_scheme = parts.scheme.lower()
            userinfo, at, hostport = parts.netloc.rpartition("@")
            user, colon, password = userinfo.partition(":")
            bare = f"{proxy_scheme}://{hostport}"  # urllib3 never holds the proxy's credentials
            if proxy_scheme in _SOCKS_SCHEMES:
                manager = _socks_manager(bare, unquote(user) if at else None,
                                         unquote(password) if colon else None, kwargs)
            elif proxy_scheme in ("http", "https"):
                headers = dict(config.proxy_headers or {})
                if at and not any(k.lower() == "proxy-authorization" for k in headers):
                    credentials = f"{unquote(user)}:{unquote(password)}"
                    headers["Proxy-Authorization"] = urllib3.make_headers(proxy_basic_auth=credentials)[
                        "proxy-authorization"]
                manager = urllib3.ProxyManager(bare, proxy_headers=headers, **kwargs)
                if proxy_scheme == "https" and not config.verify_ssl:
                    _warn_unverified(f"the proxy {parts.hostname or hostport!r}")
            else:
                raise ApiValueError(
                    f"proxy {without_userinfo(proxy)!r}: the scheme {proxy_scheme!r} is not supported; use http, "
                    "https, socks5, socks5h, socks4 or socks4a"
                )
        if not config.verify_ssl and scheme == "https":
            _warn_unverified(repr(hostname))
        # Every pool reads its answers under the deadline of the try; unverified TLS warns only once.
        manager.pool_classes_by_scheme = {
            name: _pool_class(cls, quiet_tls=not config.verify_ssl)
            for name, cls in manager.pool_classes_by_scheme.items()
        }
        return manager

    # -- one request -------------------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        preload_content: bool = True,
        timeout: TimeoutArg = None,
        follow_redirects: bool = True,
    ) -> RESTResponse | urllib3.HTTPResponse:
        """Send one request; the answer is read in full unless `preload_content` is False.

        Tries are retried under the configuration's retry policy, redirects of GET and HEAD within
        the host are followed (unless `follow_redirects` is False: the redirect is then the answer),
        and each try gets the deadline of the read timeout.
        """
        headers = headers or {}
        check_headers(headers)
        # An explicit None would mean "wait forever" to urllib3: None here means the configured default.
        plan = self.timeout_plan if timeout is None else plan_timeout(timeout)
        retry = self.retry
        manager = self.pool_manager if url.startswith(self.configuration.host) else self._manager_for(url)
        redirects = 0
        while True:
            started = time.monotonic()
            _local.bound = plan.bound
            _local.reader = None
            try:
                resp: Any = manager.urlopen(
                    method, url, body=body, headers=headers, redirect=False, retries=_ONE_TRY,
                    preload_content=False, timeout=plan.timeout, pool_timeout=self.pool_timeout,
                    enforce_content_length=True,
                )
            except urllib3.exceptions.EmptyPoolError as exc:
                raise self._pool_timeout_error(method, url) from exc
            except urllib3.exceptions.HTTPError as exc:
                retry = self._after_error(retry, method, url, exc, _local.reader)
                continue
            finally:
                reader: _DeadlineReader | None = _local.reader
                _local.bound = _local.reader = None
            if _log.isEnabledFor(logging.DEBUG):
                _log.debug(
                    "%s %s -> %s in %.1f ms (request headers: %s)",
                    method, url, resp.status, (time.monotonic() - started) * 1000, redact_headers(headers),
                )

            if retry is not None and resp.status >= 400:  # only error answers are retried
                again = self._retry_for_status(retry, method, url, resp)
                if again is not None:
                    retry = again
                    continue
            if (follow_redirects and resp.status in REDIRECT_STATUSES and method in REDIRECT_METHODS
                    and redirects < MAX_REDIRECTS):
                target = _redirect_target(url, resp.headers.get("Location"))
                if target is not None:
                    _log.debug("%s %s: following the redirect to %s", method, url, target)
                    discard(resp)
                    url, redirects = target, redirects + 1
                    manager = self._manager_for(url)
                    continue

            if not preload_content:
                if reader is not None:
                    reader.disarm()
                return cast(urllib3.HTTPResponse, resp)
            try:
                data = self._read_body(resp, method, url)
            except urllib3.exceptions.HTTPError as exc:
                discard(resp, keep=False)
                retry = self._after_error(retry, method, url, exc, reader)
                continue
            return RESTResponse(resp, data, url)

    def _retry_for_status(
        self, retry: urllib3.Retry, method: str, url: str, resp: Any
    ) -> urllib3.Retry | None:
        """The retry state for trying again after this answer, having waited; None to keep the answer."""
        status = resp.status
        value = resp.headers.get("Retry-After")
        if status in NEVER_RETRIED or not retry.is_retry(method, status, bool(value)):
            return None
        wait = None
        if value and retry.respect_retry_after_header:
            try:
                wait = float(retry.parse_retry_after(value))
            except urllib3.exceptions.InvalidHeader:
                wait = None  # unreadable: the usual backoff applies
            if wait is not None and wait > self.max_retry_after:
                _log.debug("%s %s: %s with Retry-After %s, longer than max_retry_after (%g s): not retried",
                           method, url, status, value, self.max_retry_after)
                return None
        try:
            again = retry.increment(method, url, response=resp, _pool=self._pool_of(url))
        except urllib3.exceptions.MaxRetryError as exc:
            if retry.raise_on_status:
                discard(resp)
                raise ApiConnectionError(
                    status=None, reason=f"{type(exc).__name__}: {exc}", method=method, url=url
                ) from exc
            return None
        discard(resp)
        if wait is not None:
            time.sleep(wait)
        else:
            again.sleep()  # the backoff
        return again

    def _after_error(
        self, retry: urllib3.Retry | None, method: str, url: str, exc: urllib3.exceptions.HTTPError,
        reader: _DeadlineReader | None,
    ) -> urllib3.Retry:
        """The retry state for trying again after an error, having waited; raises when that is over."""
        reason = f"{type(exc).__name__}: {exc}"
        if reader is not None and reader.expired:
            reason = (f"ReadTimeoutError: timed out: no complete answer within {reader.seconds:g} s "
                      "(the timeout bounds the whole answer, not each read)")
        if retry is None:
            raise ApiConnectionError(status=None, reason=reason, method=method, url=url) from exc
        try:
            again = retry.increment(method, url, error=exc, _pool=self._pool_of(url), _stacktrace=exc.__traceback__)
        except urllib3.exceptions.MaxRetryError as final:
            raise ApiConnectionError(
                status=None, reason=f"{type(final).__name__}: {final}", method=method, url=url
            ) from final
        except urllib3.exceptions.HTTPError as final:  # not retryable (a POST that was sent): the error itself
            raise ApiConnectionError(status=None, reason=reason, method=method, url=url) from final
        _log.debug("%s %s: %s; trying again", method, url, reason)
        again.sleep()
        return again

    def read_answer(self, resp: urllib3.HTTPResponse, method: str, url: str) -> RESTResponse:
        """Read a streamed answer in full, within max_response_size (an error answer to a streamed call)."""
        try:
            return RESTResponse(resp, self._read_body(resp, method, url), url)
        except urllib3.exceptions.HTTPError as exc:
            discard(resp, keep=False)
            raise ApiConnectionError(status=None, reason=f"{type(exc).__name__}: {exc}", method=method,
                                     url=url) from exc

    def _read_body(self, resp: Any, method: str, url: str) -> bytes:
        """The decoded body, refused past max_response_size: read in large pieces, joined once."""
        cap = self.max_response_size
        if cap is None:
            return bytes(resp.read())
        encoding = (resp.headers.get("Content-Encoding") or "").strip().lower()
        piece = _PIECE
        if encoding in ("", "identity"):
            length = resp.length_remaining
            if length is not None:
                if length > cap:
                    raise self._too_large(resp, method, url, cap)
                return bytes(resp.read())
        else:
            piece = _ENCODED_PIECE
        pieces = []
        size = 0
        for data in resp.stream(piece):
            size += len(data)
            if size > cap:
                raise self._too_large(resp, method, url, cap)
            pieces.append(data)
        return b"".join(pieces)

    # -- errors ----------------------------------------------------------------------------------------

    def _too_large(self, resp: Any, method: str, url: str, cap: int) -> ResponseTooLarge:
        discard(resp, keep=False)
        err = ResponseTooLarge(
            status=resp.status,
            reason=(f"the answer is larger than Configuration.max_response_size ({cap} bytes) once decoded; "
                    "raise that setting, or set it to None for no cap"),
            method=method,
            url=url,
        )
        err.headers = resp.headers
        err.limit = cap
        return err

    def _pool_timeout_error(self, method: str, url: str) -> PoolTimeoutError:
        return PoolTimeoutError(
            status=None,
            reason=(f"all {self.maxsize} connections of the pool are in use and none came free within "
                    f"Configuration.pool_timeout ({self.pool_timeout:g} s): streamed answers "
                    "(_preload_content=False) must be read and released (resp.release_conn()), or the pool "
                    "enlarged (Configuration.connection_pool_maxsize)"),
            method=method,
            url=url,
        )

    def _pool_of(self, url: str) -> Any:
        # Only for urllib3's messages ("HTTPConnectionPool(host=..., port=...): Max retries exceeded").
        try:
            return self._manager_for(url).connection_from_url(url)
        except (urllib3.exceptions.HTTPError, ValueError):
            return None

    def close(self) -> None:
        for manager in list(self._managers.values()):
            manager.clear()


def discard(resp: Any, keep: bool = True) -> None:
    """Give back the connection of an answer that will not be read: a small rest is read to keep it.

    With `keep=False` the connection is closed whatever is left (an answer that is not trusted).
    """
    if not hasattr(resp, "release_conn"):
        return  # an answer read in full holds no connection
    length = resp.length_remaining
    if keep and length is not None and length <= _DRAIN_LIMIT:
        try:
            resp.read(decode_content=False)
        except (urllib3.exceptions.HTTPError, OSError):
            resp.close()
    else:
        resp.close()
    resp.release_conn()


def _redirect_target(url: str, location: str | None) -> str | None:
    """Where a redirect may be followed: the same host name, http to https, never https to http.

    Credentials are sent along, so the host never changes; the port changes only with the scheme.
    """
    if not location:
        return None
    target = urljoin(url, location.strip()).partition("#")[0]
    old, new = urlsplit(url), urlsplit(target)
    try:
        old_port = old.port or _DEFAULT_PORTS.get(old.scheme)
        new_port = new.port or _DEFAULT_PORTS.get(new.scheme)
    except ValueError:
        return None
    if new.scheme not in _DEFAULT_PORTS or "@" in new.netloc:
        return None
    if (new.hostname or "").lower() != (old.hostname or "").lower():
        return None
    if old.scheme == "https" and new.scheme != "https":
        return None
    if new.scheme == old.scheme and new_port != old_port:
        return None
    return target


def _proxy_for(config: TransportSettings, scheme: str, hostname: str, port: int | None) -> str | None:
    """The proxy for a host: Configuration.proxy, else (with trust_env) the environment's, unless bypassed."""
    if config.proxy:
        return None if _bypasses_proxy(hostname, config.no_proxy) else config.proxy
    if not config.trust_env:
        return None
    import urllib.request  # the environment's proxies, read only when no proxy is configured

    found = urllib.request.getproxies()
    proxy = found.get(scheme) or found.get("all")
    if not proxy or _bypasses_proxy(hostname, config.no_proxy):
        return None
    if urllib.request.proxy_bypass(f"{hostname}:{port}" if port else hostname):
        return None
    return proxy


def _socks_manager(url: str, username: str | None, password: str | None, kwargs: dict[str, Any]) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", urllib3.exceptions.DependencyWarning)
            from urllib3.contrib.socks import SOCKSProxyManager
    except ImportError:
        raise ApiValueError(
            f"proxy {url!r}: a SOCKS proxy needs the PySocks package: pip install pysocks"
        ) from None
    return SOCKSProxyManager(url, username=username, password=password, **kwargs)


_warned_hosts: set[str] = set()


def _warn_unverified(name: str) -> None:
    """One warning per host (or proxy) and process that its certificate will not be checked."""
    if name not in _warned_hosts:
        _warned_hosts.add(name)
        warnings.warn(
            f"verify_ssl is False: the TLS certificate of {name} will not be checked, so anyone on the path "
            "can read and change the traffic, credentials included",
            urllib3.exceptions.InsecureRequestWarning,
            stacklevel=6,
        )


def _bypasses_proxy(hostname: str, no_proxy: str | None) -> bool:
    if not no_proxy:
        return False
    for entry in no_proxy.replace(" ", "").split(","):
        if entry == "*" or (entry and (hostname == entry.lstrip(".") or hostname.endswith("." + entry.lstrip(".")))):
            return True
    return False
