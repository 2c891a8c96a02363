"""The transport: one urllib3 pool per client; a request goes in, status, headers and bytes come out.

Nothing here knows about endpoints or models, and nothing here raises for an HTTP status: the caller
decides what a status means. What it does raise is `ApiConnectionError` when no answer came at all.
"""

from __future__ import annotations

import logging
import random
import ssl
import time
import warnings
from typing import Any, Mapping, Protocol, Union
from urllib.parse import urlsplit

import certifi
import urllib3

from airflow_client.client.exceptions import ApiConnectionError, ApiValueError, redact_headers

TimeoutArg = Union[None, float, int, "tuple[float, float]", urllib3.Timeout]

_log = logging.getLogger("airflow_client")

# Retried when the method is idempotent: the server said "try again later" or failed in passing.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


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


class Request:
    """One HTTP request on its way out: built from a declaration, addressed and authenticated by the client."""

    __slots__ = ("body", "headers", "method", "url")

    def __init__(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> None:
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body

    def __repr__(self) -> str:
        return f"Request({self.method} {self.url})"


def discard(response: Any) -> None:
    """Give back the connection of a streamed answer that will not be read (a refused or retried answer)."""
    if hasattr(response, "release_conn"):
        # Closing first: a connection with an unread body must not go back to the pool as reusable.
        response.close()
        response.release_conn()


class RESTResponse:
    """An answer read in full."""

    __slots__ = ("data", "headers", "reason", "status", "urllib3_response")

    def __init__(self, resp: urllib3.HTTPResponse) -> None:
        self.urllib3_response = resp
        self.status: int = resp.status
        self.reason: str = resp.reason or ""
        self.headers: Mapping[str, str] = resp.headers
        self.data: bytes = resp.data

    def getheaders(self) -> Mapping[str, str]:
        return self.headers

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)


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
    retries: int | urllib3.Retry | None
    timeout: float | tuple[float, float] | None


class RESTClientObject:
    """Owns the connection pool; safe to share between threads (urllib3's pools are)."""

    def __init__(self, configuration: TransportSettings, pools_size: int = 4, maxsize: int | None = None) -> None:
        self.configuration = configuration
        maxsize = maxsize or configuration.connection_pool_maxsize or 4
        kwargs: dict[str, Any] = {
            "num_pools": pools_size,
            "maxsize": maxsize,
            # Threads beyond maxsize wait for a free connection instead of opening more: the number of
            # sockets to the server stays bounded by connection_pool_maxsize.
            "block": True,
            "retries": make_retry(configuration.retries),
            "timeout": make_timeout(configuration.timeout),
        }
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

        if not configuration.verify_ssl:
            _warn_unverified(configuration.host)
        if configuration.proxy and not _bypasses_proxy(configuration.host, configuration.no_proxy):
            self.pool_manager: urllib3.PoolManager = urllib3.ProxyManager(
                configuration.proxy, proxy_headers=configuration.proxy_headers, **kwargs
            )
        else:
            self.pool_manager = urllib3.PoolManager(**kwargs)
        if not configuration.verify_ssl:
            # urllib3 would warn on every request; the warning above was given once for this host.
            self.pool_manager.pool_classes_by_scheme = {
                **self.pool_manager.pool_classes_by_scheme, "https": _UnverifiedHTTPSConnectionPool,
            }

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        preload_content: bool = True,
        timeout: TimeoutArg = None,
    ) -> RESTResponse | urllib3.HTTPResponse:
        """Send one request; the answer is read in full unless `preload_content` is False."""
        started = time.monotonic()
        extra: dict[str, Any] = {}
        if timeout is not None:  # an explicit None would mean "wait forever" to urllib3
            extra["timeout"] = make_timeout(timeout)
        try:
            resp: Any = self.pool_manager.request(
                method, url, body=body, headers=headers, preload_content=preload_content, redirect=False, **extra
            )
        except urllib3.exceptions.HTTPError as exc:
            raise ApiConnectionError(
                status=None, reason=f"{type(exc).__name__}: {exc}", method=method, url=url
            ) from exc
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug(
                "%s %s -> %s in %.1f ms (request headers: %s)",
                method, url, resp.status, (time.monotonic() - started) * 1000, redact_headers(headers or {}),
            )
        return RESTResponse(resp) if preload_content else resp

    def close(self) -> None:
        self.pool_manager.clear()


_warned_hosts: set[str] = set()


def _warn_unverified(host: str) -> None:
    """One warning per host and process that its certificate will not be checked."""
    name = urlsplit(host).hostname or host
    if name not in _warned_hosts:
        _warned_hosts.add(name)
        warnings.warn(
            f"verify_ssl is False: the TLS certificate of {name!r} will not be checked, so anyone on the path "
            "can read and change the traffic, credentials included",
            urllib3.exceptions.InsecureRequestWarning,
            stacklevel=4,
        )


class _UnverifiedHTTPSConnectionPool(urllib3.HTTPSConnectionPool):
    """An HTTPS pool that connects like urllib3's but leaves out its per-request warning."""

    def _validate_conn(self, conn: Any) -> None:
        urllib3.HTTPConnectionPool._validate_conn(self, conn)
        # urllib3 2.x marks a connection to open with is_closed, 1.26 with a missing sock.
        if getattr(conn, "is_closed", not getattr(conn, "sock", None)):
            conn.connect()


def _bypasses_proxy(host: str, no_proxy: str | None) -> bool:
    if not no_proxy:
        return False
    hostname = urlsplit(host).hostname or ""
    for entry in no_proxy.replace(" ", "").split(","):
        if entry == "*" or (entry and (hostname == entry.lstrip(".") or hostname.endswith("." + entry.lstrip(".")))):
            return True
    return False
