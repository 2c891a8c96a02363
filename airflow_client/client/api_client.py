"""ApiClient: sends the requests that endpoints build, turns answers into models or exceptions."""

from __future__ import annotations

import atexit
import json
import threading
from typing import TYPE_CHECKING, Any, ClassVar

from airflow_client.client.configuration import Configuration, __version__
from airflow_client.client.exceptions import ResponseDecodeError, exception_for
from airflow_client.client.rest import RESTClientObject, RESTResponse

if TYPE_CHECKING:
    from multiprocessing.pool import ThreadPool

    from airflow_client.client.endpoint import Operation, Request


class ApiClient:
    """One connection pool and its settings; share one between threads and API classes.

    Use it as a context manager, or call `close()`, to release its connections and threads.
    """

    _default: ClassVar[ApiClient | None] = None

    def __init__(
        self,
        configuration: Configuration | None = None,
        header_name: str | None = None,
        header_value: str | None = None,
        cookie: str | None = None,
        pool_threads: int = 1,
    ) -> None:
        self.configuration = configuration if configuration is not None else Configuration.get_default_copy()
        self.pool_threads = pool_threads
        self.rest_client = RESTClientObject(self.configuration)
        self.default_headers: dict[str, str] = {}
        if header_name is not None and header_value is not None:
            self.default_headers[header_name] = header_value
        self.cookie = cookie
        self.user_agent = f"airflow-client-python/{__version__}"
        self._pool: ThreadPool | None = None
        self._pool_lock = threading.Lock()

    # -- lifecycle ---------------------------------------------------------------------------------

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
            atexit.unregister(self.close)
        self.rest_client.close()

    @property
    def pool(self) -> ThreadPool:
        """Threads for `async_req=True` calls, started on first use."""
        if self._pool is None:
            with self._pool_lock:
                if self._pool is None:
                    from multiprocessing.pool import ThreadPool  # only async_req users pay for it

                    atexit.register(self.close)
                    self._pool = ThreadPool(self.pool_threads)
        return self._pool

    @classmethod
    def get_default(cls) -> ApiClient:
        if cls._default is None:
            cls._default = ApiClient()
        return cls._default

    @classmethod
    def set_default(cls, default: ApiClient | None) -> None:
        cls._default = default

    # -- headers -----------------------------------------------------------------------------------

    @property
    def user_agent(self) -> str:
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: str) -> None:
        self.default_headers[header_name] = header_value

    def request_headers(self) -> dict[str, str]:
        """A fresh header dict for one request: defaults, cookie and credentials."""
        headers = dict(self.default_headers)
        if self.cookie:
            headers["Cookie"] = self.cookie
        auth = self.configuration.auth_header()
        if auth is not None:
            headers["Authorization"] = auth
        return headers

    # -- calls -------------------------------------------------------------------------------------

    def call_endpoint(self, op: Operation, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Check the arguments, build the request, then send it now or on the thread pool."""
        values, options = op.bind(args, kwargs)
        request = op.build(values, options, self)
        if options.get("async_req"):
            return self.pool.apply_async(self.send, (op, request, options))
        return self.send(op, request, options)

    def send(self, op: Operation, request: Request, options: dict[str, Any]) -> Any:
        preload = options.get("_preload_content", True)
        timeout = options.get("_request_timeout")
        flow = self.configuration.auth_flow
        if flow is not None:
            flow.apply(request, self.configuration)
        resp = self.rest_client.request(
            request.method, request.url, request.headers, request.body, preload, timeout
        )
        if flow is not None and flow.answer(request, resp, self.configuration, retried=False):
            # The flow renewed its credentials: one more try, whose answer is final.
            if not preload:
                resp.release_conn()  # type: ignore[union-attr]
            flow.apply(request, self.configuration)
            resp = self.rest_client.request(
                request.method, request.url, request.headers, request.body, preload, timeout
            )
            flow.answer(request, resp, self.configuration, retried=True)
        if not preload:
            if not 200 <= resp.status <= 299:
                raise exception_for(resp.status)(
                    http_resp=RESTResponse(resp), method=request.method, url=request.url  # type: ignore[arg-type]
                )
            return resp
        assert isinstance(resp, RESTResponse)
        if not 200 <= resp.status <= 299:
            raise exception_for(resp.status)(http_resp=resp, method=request.method, url=request.url)
        data = self.deserialize(resp, op, request)
        if options.get("_return_http_data_only", True):
            return data
        return data, resp.status, resp.headers

    def deserialize(self, resp: RESTResponse, op: Operation, request: Request) -> Any:
        """Decode a success answer by its content type; JSON objects become the declared model."""
        raw = resp.data
        if not raw or not op.accept:
            # No content declared (a 201 or 204): whatever text a server adds, like Airflow's
            # "Duplicate request" on a repeated reparse, is not an answer to decode.
            return None
        content_type = (resp.headers.get("Content-Type") or "").lower()
        if "json" in content_type or (not content_type and raw[:1] in (b"{", b"[")):
            try:
                data = json.loads(raw)
            except (ValueError, RecursionError) as exc:
                err = ResponseDecodeError(http_resp=resp, method=request.method, url=request.url)
                err.reason = f"the body is not valid JSON ({exc})"
                raise err from None
            decode = op.return_kind.decoder(self.configuration.timestamps_as_datetime) if op.return_kind else None
            if decode is not None and isinstance(data, dict):
                return decode(data)
            return data
        charset = "utf-8"
        if "charset=" in content_type:
            charset = content_type.split("charset=", 1)[1].split(";")[0].strip() or charset
        try:
            return raw.decode(charset, "replace")
        except (LookupError, UnicodeError, TypeError, ValueError):
            # An unknown charset, or a codec that is no text encoding (idna, punycode): read UTF-8.
            return raw.decode("utf-8", "replace")

    def __repr__(self) -> str:
        return f"ApiClient({self.configuration!r})"
