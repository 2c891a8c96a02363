"""Settings of a client: where the server is, how to authenticate, TLS, proxy, pool, retries, timeouts."""

from __future__ import annotations

import base64
import copy
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, ClassVar
from urllib.parse import unquote, urlsplit, urlunsplit

from airflow_client.client.exceptions import ApiTypeError, ApiValueError

if TYPE_CHECKING:
    import logging

    import urllib3

    from airflow_client.client.auth import AuthFlow

__version__ = "2.11.2"

DEFAULT_HOST = "http://localhost:8080/api/v1"
# Finite by default so a scheduled job never hangs on a silent server: seconds to connect,
# and seconds to wait for each read.
DEFAULT_TIMEOUT = (10.0, 60.0)
DEFAULT_RETRIES = 3
# Transport bounds (docs/reliability.md): the longest Retry-After honoured, the longest wait for a
# free pooled connection, and the largest answer body read, once decoded.
DEFAULT_MAX_RETRY_AFTER = 30.0
DEFAULT_POOL_TIMEOUT = 30.0
DEFAULT_MAX_RESPONSE_SIZE = 256 * 1024 * 1024

LOGGER_NAME = "airflow_client"

# The schema rules the official client can be told to stop checking. This client checks none of them
# but `pattern` (see `_checked_validations`).
VALIDATION_KEYWORDS = frozenset(
    {"multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength",
     "pattern", "maxItems", "minItems"}
)


def _no_api_key(name: str) -> Any:
    def check(value: Any) -> dict[str, str]:
        if value:
            raise ApiValueError(
                f"Configuration({name}): Airflow's REST API has no API-key scheme, so a key would never be "
                "sent; pass a token as access_token (sent as a Bearer token) or a username and password"
            )
        return {}
    return check


def _nothing_to_fill(name: str, what: str) -> Any:
    def check(value: Any) -> dict[str, Any]:
        if value:
            raise ApiValueError(f"Configuration({name}): {what}, so there is nothing to set; got {value!r}")
        return {}
    return check


def _one_server(value: Any) -> int | None:
    if value not in (None, 0) or isinstance(value, bool):
        raise ApiValueError(
            f"Configuration(server_index): the only server is the configured host (index 0); got {value!r}. "
            "Set host to the server's URL instead"
        )
    return value  # type: ignore[no-any-return]


def _checked_validations(value: Any) -> str:
    if not isinstance(value, str):
        raise ApiTypeError(f"Configuration(disabled_client_side_validations): expected a comma-separated str, "
                           f"got {type(value).__name__}")
    names = {v.strip() for v in value.split(",") if v.strip()}
    unknown = names - VALIDATION_KEYWORDS
    if unknown:
        raise ApiValueError(f"Configuration(disabled_client_side_validations): unknown rule(s) "
                            f"{', '.join(sorted(unknown))}; expected among {', '.join(sorted(VALIDATION_KEYWORDS))}")
    if "pattern" in names:
        raise ApiValueError(
            "Configuration(disabled_client_side_validations): the pattern rule cannot be switched off: the one "
            "patterned value, a Color such as '#ff0000', is checked when it is made. Set client_side_validation "
            "to False to send call arguments unchecked"
        )
    return value


# Settings whose values are checked whenever they are set: each is honoured, or refused with a reason.
_SETTING_CHECKS: dict[str, Callable[[Any], Any]] = {
    "api_key": _no_api_key("api_key"),
    "api_key_prefix": _no_api_key("api_key_prefix"),
    "server_index": _one_server,
    "server_variables": _nothing_to_fill("server_variables", "the server URL has no variables"),
    "server_operation_index": _nothing_to_fill(
        "server_operation_index", "Airflow's API declares no per-operation servers"),
    "server_operation_variables": _nothing_to_fill(
        "server_operation_variables", "Airflow's API declares no per-operation servers"),
    "disabled_client_side_validations": _checked_validations,
}


class Configuration:
    """Everything `ApiClient` needs to know to reach and authenticate to one Airflow webserver.

    Authentication: `username` and `password` for HTTP Basic, or `access_token` for a Bearer token
    (which wins when both are set). Credentials written into the host URL
    (`http://user:password@host/api/v1`) are taken as `username` and `password` when neither was
    given, and removed from `host`; explicit ones win. Secrets never appear in `repr()`.
    """

    _default: ClassVar[Configuration | None] = None

    def __init__(
        self,
        host: str | None = None,
        api_key: dict[str, str] | None = None,
        api_key_prefix: dict[str, str] | None = None,
        access_token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        discard_unknown_keys: bool = False,
        disabled_client_side_validations: str = "",
        server_index: int | None = None,
        server_variables: dict[str, str] | None = None,
        server_operation_index: dict[str, int] | None = None,
        server_operation_variables: dict[str, dict[str, str]] | None = None,
        ssl_ca_cert: str | None = None,
    ) -> None:
        self.api_key = api_key or {}
        self.api_key_prefix = api_key_prefix or {}
        self.access_token = access_token
        # An AuthFlow (see auth.py) for credentials that are more than a fixed header: a refreshable
        # bearer token, Kerberos. When set, it writes the Authorization header of every request.
        self.auth_flow: AuthFlow | None = None
        self.username = username
        self.password = password
        # After the credentials: credentials in the URL only count when none were given.
        self.host = host if host is not None else DEFAULT_HOST
        # Kept for compatibility: unknown keys in answers are always kept, never an error.
        self.discard_unknown_keys = discard_unknown_keys
        self.disabled_client_side_validations = disabled_client_side_validations
        self.server_index = server_index
        self.server_variables = server_variables or {}
        self.server_operation_index = server_operation_index or {}
        self.server_operation_variables = server_operation_variables or {}

        self.verify_ssl = True
        self.ssl_ca_cert = ssl_ca_cert
        self.cert_file: str | None = None
        self.key_file: str | None = None
        self.assert_hostname: str | bool | None = None
        self.tls_server_name: str | None = None

        self.connection_pool_maxsize = (os.cpu_count() or 1) * 5
        # Seconds a call waits for a free pooled connection before PoolTimeoutError; None waits forever.
        self.pool_timeout: float | None = DEFAULT_POOL_TIMEOUT
        # `user:password@` in a proxy URL is sent as Proxy-Authorization: Basic, never shown.
        self.proxy: str | None = None
        self.proxy_headers: dict[str, str] | None = None
        self.no_proxy: str | None = None
        # Without `proxy`, take it from HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY as requests does.
        self.trust_env = True
        self.socket_options: list[tuple[int, int, int]] | None = None

        self.retries: int | urllib3.Retry | None = DEFAULT_RETRIES
        # A Retry-After longer than this (seconds) is not waited for: the answer is returned at once.
        self.max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
        self.timeout: float | tuple[float, float] | None = DEFAULT_TIMEOUT
        # Bytes of decoded body read at most per answer (ResponseTooLarge beyond); None for no cap.
        self.max_response_size: int | None = DEFAULT_MAX_RESPONSE_SIZE
        # False: call arguments are sent without being checked first (the server judges them).
        self.client_side_validation = True
        # Timestamps in answers. False: each field has the type apache-airflow-client 2.10 gives it,
        # a datetime, or the server's ISO text for the fields it types `str`. True: every timestamp
        # is an aware datetime. Read when an answer is decoded (docs/model-behaviour.md).
        self.timestamps_as_datetime = False
        # Characters left unencoded in path values; empty: every reserved character is encoded.
        self.safe_chars_for_path_param = ""

        import logging  # with the first configuration, not with the package

        self.logger = {"package_logger": logging.getLogger(LOGGER_NAME)}
        self.logger_format = "%(asctime)s %(levelname)s %(message)s"
        self.logger_stream_handler: logging.Handler | None = None
        self.logger_file_handler: logging.Handler | None = None
        self._logger_file: str | None = None
        self._debug = False

    def __setattr__(self, name: str, value: Any) -> None:
        check = _SETTING_CHECKS.get(name)
        object.__setattr__(self, name, value if check is None else check(value))

    # -- defaults shared by clients created without a configuration --------------------------------

    @classmethod
    def set_default(cls, default: Configuration | None) -> None:
        cls._default = copy.copy(default) if default is not None else None

    @classmethod
    def get_default_copy(cls) -> Configuration:
        return copy.copy(cls._default) if cls._default is not None else Configuration()

    # -- logging -----------------------------------------------------------------------------------

    @property
    def logger_file(self) -> str | None:
        return self._logger_file

    @logger_file.setter
    def logger_file(self, value: str | None) -> None:
        self._logger_file = value
        log = self.logger["package_logger"]
        if self.logger_file_handler is not None:
            log.removeHandler(self.logger_file_handler)
            self.logger_file_handler = None
        if value:
            import logging

            self.logger_file_handler = logging.FileHandler(value)
            self.logger_file_handler.setFormatter(logging.Formatter(self.logger_format))
            log.addHandler(self.logger_file_handler)

    @property
    def debug(self) -> bool:
        return self._debug

    @debug.setter
    def debug(self, value: bool) -> None:
        # Requests are logged by the client itself, with credentials redacted; http.client's own
        # debug output is never switched on because it prints the Authorization header.
        import logging

        self._debug = bool(value)
        self.logger["package_logger"].setLevel(logging.DEBUG if value else logging.WARNING)

    # -- authentication ----------------------------------------------------------------------------

    def get_basic_auth_token(self) -> str | None:
        if self.username is None and self.password is None:
            return None
        # Built once per credentials, not on every request; a changed username or password rebuilds it.
        key = (self.username, self.password)
        cached = self.__dict__.get("_basic_auth")
        if cached is None or cached[0] != key:
            pair = f"{self.username or ''}:{self.password or ''}".encode()
            cached = (key, "Basic " + base64.b64encode(pair).decode("ascii"))
            self.__dict__["_basic_auth"] = cached
        return str(cached[1])

    def auth_settings(self) -> dict[str, dict[str, Any]]:
        """The credentials this configuration will send, by scheme."""
        settings: dict[str, dict[str, Any]] = {}
        if self.access_token:
            settings["Bearer"] = {
                "type": "bearer",
                "in": "header",
                "key": "Authorization",
                "value": "Bearer " + self.access_token,
            }
        basic = self.get_basic_auth_token()
        if basic is not None:
            settings["Basic"] = {"type": "basic", "in": "header", "key": "Authorization", "value": basic}
        return settings

    def auth_header(self) -> str | None:
        """The Authorization header value for a request: the bearer token first, else Basic."""
        if self.access_token:
            return "Bearer " + self.access_token
        return self.get_basic_auth_token()

    # -- hosts -------------------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self._host

    @host.setter
    def host(self, value: str) -> None:
        # Credentials in the URL would show in every message and log line that names a request, and
        # urllib3 would not send them: take them out, and send them as Basic credentials instead.
        parts = urlsplit(value)
        userinfo, at, hostport = parts.netloc.rpartition("@")
        if not at:
            self._host = value
            return
        self._host = urlunsplit(parts._replace(netloc=hostport))
        if self.username is None and self.password is None:
            user, colon, password = userinfo.partition(":")
            self.username = unquote(user)
            self.password = unquote(password) if colon else None

    def get_host_settings(self) -> list[dict[str, Any]]:
        return [{"url": self.host, "description": "the configured Airflow webserver", "variables": {}}]

    def get_host_from_settings(
        self, index: int | None, variables: dict[str, str] | None = None, servers: Any = None
    ) -> str:
        if index is None:
            return self.host
        settings = servers or self.get_host_settings()
        if not 0 <= index < len(settings):
            raise ApiValueError(f"host index {index} is out of range: {len(settings)} host(s) are configured")
        return str(settings[index]["url"])

    def to_debug_report(self) -> str:
        return (
            "Python SDK Debug Report:\n"
            f"OS: {sys.platform}\n"
            f"Python Version: {sys.version.split()[0]}\n"
            "Version of the API: 2.11.2\n"
            f"SDK Package Version: {__version__}"
        )

    def __repr__(self) -> str:
        shown = "***" if self.password else None
        token = "***" if self.access_token else None
        return (
            f"Configuration(host={self.host!r}, username={self.username!r}, password={shown!r}, "
            f"access_token={token!r}, verify_ssl={self.verify_ssl!r})"
        )

    def __deepcopy__(self, memo: dict[int, Any]) -> Configuration:
        # Loggers and handlers are shared, not copied: they are process-wide objects.
        clone = copy.copy(self)
        for name, value in self.__dict__.items():
            if name not in ("logger", "logger_stream_handler", "logger_file_handler"):
                setattr(clone, name, copy.deepcopy(value, memo))
        return clone
