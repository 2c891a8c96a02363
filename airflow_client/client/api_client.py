"""ApiClient: addresses and authenticates the requests that endpoints build, sends them, decodes the answers.

A call flows one way: the endpoint's declaration (`endpoint.Operation`) turns the arguments into a
request relative to the API root; the client adds the host, its headers and credentials; the auth flow
may decorate it; the transport (`rest`) sends it. The answer comes back the same way and is decoded
here into the declared model, or raised as an `ApiException`.
"""

from __future__ import annotations

import atexit
import functools
import io
import json
import threading
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, ClassVar, cast
from urllib.parse import quote

from airflow_client.client.auth import AuthFlow, PasswordLogin
from airflow_client.client.configuration import Configuration, __version__
from airflow_client.client.endpoint import param_text
from airflow_client.client.exceptions import (
    ApiException,
    ApiTypeError,
    ApiValueError,
    ResponseDecodeError,
    exception_for,
)
from airflow_client.client.model_utils import (
    Kind,
    ListKind,
    Model,
    ModelKind,
    ModelSimple,
    UnionKind,
    compile_type,
    encode_any,
)
from airflow_client.client.request import Request
from airflow_client.client.servers import (
    API_PATHS,
    FAB_PATH,
    REMOVED_MARK,
    Server,
    no_fab_api_error,
    probe,
    removed_api_error,
    split_host,
)

if TYPE_CHECKING:
    from multiprocessing.pool import ThreadPool

    from airflow_client.client.endpoint import Operation
    from airflow_client.client.rest import RESTClientObject, RESTResponse
    from airflow_client.client.translations import Get

# The transport (urllib3, http.client, ssl, certifi) and logging are imported when the first client is
# made, not with the package: a script that only imports it, or builds models, does not pay for them.

# How much of an unexpected answer an error message quotes.
_SHOWN_BODY = 200
# The query-string forms of a list value that `call_api` accepts in `collection_formats`.
_JOINERS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}
_AUTH_SCHEMES = frozenset({"Basic", "Bearer", "Kerberos"})


class _Answer:
    """What decoding a success answer needs to know: who asked, what may come, what it becomes."""

    __slots__ = ("accept", "adapt", "ends_session", "fab", "kind", "name", "redirect", "text", "text_of")

    def __init__(
        self,
        name: str,
        kind: Kind | None,
        accept: tuple[str, ...],
        text: bool = False,
        adapt: Callable[[Any], Any] | None = None,
        text_of: Callable[[Any], str] | None = None,
        fab: bool = False,
        redirect: bool = False,
        ends_session: bool = False,
    ) -> None:
        self.name = name
        self.fab = fab  # the answer comes from the FAB auth manager's API, if the server runs it
        self.ends_session = ends_session  # a logout: the credentials sent are revoked by the server
        self.redirect = redirect  # a redirect is the answer: its target is returned, not followed
        self.kind = kind
        self.accept = accept  # empty: the operation declares no content, nothing is decoded
        self.text = text  # the caller wants the body as text, whatever its content type
        self.adapt = adapt  # shapes an Airflow 3 answer like the 2.x one, before it is decoded
        self.text_of = text_of  # the text 2.x answered, made from Airflow 3's JSON


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
        from airflow_client.client.rest import RESTClientObject

        self.rest_client: RESTClientObject = RESTClientObject(self.configuration)
        self.default_headers: dict[str, str] = {}
        if header_name is not None and header_value is not None:
            self.default_headers[header_name] = header_value
        self.cookie = cookie
        self.user_agent = f"airflow-client-python/{__version__}"
        self._pool: ThreadPool | None = None
        self._pool_lock = threading.Lock()
        self._server: Server | None = None
        self._login: PasswordLogin | None = None
        self._server_lock = threading.Lock()

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

    # -- the server -------------------------------------------------------------------------------

    @property
    def server(self) -> Server:
        """The Airflow this client talks to: from the host (`.../api/v1`, `.../api/v2`), or asked once.

        `server.generation` is 2 or 3, `server.version` the version the server gave when asked.
        """
        if self._server is None:
            with self._server_lock:
                if self._server is None:
                    root, generation = split_host(self.configuration.host)
                    if generation is None:
                        server = probe(root, self._get_for_probe)
                        import logging

                        logging.getLogger("airflow_client").info(
                            "%s runs Airflow %s (REST API at %s)", root, server.version or server.generation,
                            server.api_root,
                        )
                    else:
                        server = Server(root, generation)
                    self._server = server
        return self._server

    def _get_for_probe(self, url: str) -> RESTResponse:
        """GET a version URL with the configured token or auth flow, never with the username and password.

        Airflow answers the version without credentials; a proxy in front of it (a managed Airflow)
        does not. A password login, Airflow 3's own, waits until the server is known.
        """
        config = self.configuration
        headers = {**self.default_headers, "Accept": "application/json"}
        if config.auth_flow is None and config.access_token:
            headers["Authorization"] = "Bearer " + config.access_token
        return cast("RESTResponse", self._exchange(Request("GET", url, headers, None), config.auth_flow, True, None))

    def _api_root(self, api: str) -> str:
        server = self.server
        if api == "fab":
            return server.root + FAB_PATH
        return server.root + API_PATHS[3 if api == "v2" else 2]

    def _auth_flow(self) -> AuthFlow | None:
        """The configured flow; else, on Airflow 3, the login that turns a username and password into tokens."""
        config = self.configuration
        if config.auth_flow is not None:
            return config.auth_flow
        if config.access_token or (config.username is None and config.password is None):
            return None
        if self.server.generation != 3:
            return None
        if self._login is None:
            with self._server_lock:
                if self._login is None:
                    self._login = PasswordLogin(self.server.root + "/auth/token", self._send_as_is)
        return self._login

    def _send_as_is(self, request: Request) -> RESTResponse:
        resp = self.rest_client.request(request.method, request.url, {**self.default_headers, **request.headers},
                                        request.body)
        return cast("RESTResponse", resp)  # read in full (preloaded)

    # -- headers -----------------------------------------------------------------------------------

    @property
    def user_agent(self) -> str:
        return self.default_headers["User-Agent"]

    @user_agent.setter
    def user_agent(self, value: str) -> None:
        self.default_headers["User-Agent"] = value

    def set_default_header(self, header_name: str, header_value: str) -> None:
        self.default_headers[header_name] = header_value

    def request_headers(self, credentials: bool = True) -> dict[str, str]:
        """A fresh header dict for one request: defaults, cookie and (unless told not to) credentials."""
        headers = dict(self.default_headers)
        if self.cookie:
            headers["Cookie"] = self.cookie
        auth = self.configuration.auth_header() if credentials else None
        if auth is not None:
            headers["Authorization"] = auth
        return headers

    def _address(
        self, request: Request, host: str | None, extra: dict[str, str] | None, credentials: bool = True
    ) -> None:
        """Make a request built relative to an API root absolute, and give it the client's headers."""
        request.url = (host if host is not None else self.server.api_root).rstrip("/") + request.url
        headers = self.request_headers(credentials)
        headers.update(request.headers)
        if extra:
            headers.update(extra)
        request.headers = headers

    # -- calls -------------------------------------------------------------------------------------

    def call_endpoint(self, op: Operation, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Check the arguments, build the request, then send it now or on the thread pool."""
        values, options = op.bind(args, kwargs)
        config = self.configuration
        check = options.get("_check_input_type", True) and config.client_side_validation
        config.get_host_from_settings(options.get("_host_index"))  # refuses an index other than 0
        generation = self.server.generation
        get = None
        if generation == 3 and op.looks_up:
            assert op.airflow3 is not None
            get = functools.partial(self.lookup, name=op.name, timeout=options.get("_request_timeout"),
                                    api=op.airflow3.api)
            if options.get("async_req"):
                # The arguments are checked now; the look-ups and the call itself run on the pool.
                op.check_values(values, check)
                return self.pool.apply_async(self._prepare_and_send, (op, values, options, check, get))
        return self._prepare_and_send(op, values, options, check, get)

    def _prepare_and_send(
        self, op: Operation, values: dict[str, Any], options: dict[str, Any], check: bool, get: Get | None
    ) -> Any:
        config = self.configuration
        prepared = op.prepare(values, options, generation=self.server.generation, check=check,
                              safe_chars=config.safe_chars_for_path_param, get=get)
        request = prepared.request
        extra = options.get("_headers")
        if prepared.text is not None and extra:
            # Airflow 3 answers this only in JSON: the text asked for is made from it.
            extra = {k: v for k, v in extra.items() if k.lower() != "accept"}
        self._address(request, self._api_root(prepared.api), extra)
        answer = _Answer(op.name, op.return_kind, op.accept, adapt=prepared.adapt, text_of=prepared.text,
                         fab=prepared.api == "fab", redirect=op.redirect, ends_session=op.ends_session)
        if options.get("async_req") and get is None:
            return self.pool.apply_async(self.send, (request, options, answer))
        return self.send(request, options, answer)

    def lookup(
        self,
        path: str,
        query: dict[str, Any] | None = None,
        *,
        name: str = "lookup",
        timeout: float | tuple[float | None, float | None] | None = None,
        api: str = "v2",
    ) -> Any:
        """One GET under the Airflow 3 API root (or, with `api="fab"`, the FAB auth manager's), answered
        as decoded JSON: what a translation asks the server before a call (the DAG behind a file token,
        say) or for more of its answer. It goes out as any call does (the same credentials, retries and
        errors); `query` values that are lists are sent repeated.
        """
        request = Request("GET", path, {"Accept": "application/json"}, None)
        query_text = _query_string(list((query or {}).items()), {}, self.sanitize_for_serialization)
        if query_text:
            request.url += "?" + query_text
        self._address(request, self._api_root(api), None)
        answer = _Answer(f"{name} (looking up GET {path})", None, ("application/json",), fab=api == "fab")
        return self.send(request, {"_request_timeout": timeout}, answer)

    def call_api(
        self,
        resource_path: str,
        method: str,
        path_params: dict[str, Any] | None = None,
        query_params: list[tuple[str, Any]] | None = None,
        header_params: dict[str, Any] | None = None,
        body: Any = None,
        post_params: list[tuple[str, Any]] | None = None,
        files: dict[str, list[io.IOBase]] | None = None,
        response_type: tuple[Any, ...] | None = None,
        auth_settings: list[str] | None = None,
        async_req: bool | None = None,
        _return_http_data_only: bool | None = None,
        collection_formats: dict[str, str] | None = None,
        _preload_content: bool = True,
        _request_timeout: float | tuple[float | None, float | None] | None = None,
        _host: str | None = None,
        _check_type: bool | None = None,
        _content_type: str | None = None,
    ) -> Any:
        """Call any path of the API, for endpoints this client has no method for.

        `resource_path` is relative to the configured host (`/dags/{dag_id}`), with `{name}` filled from
        `path_params`; `query_params` is a list of (name, value) pairs, a list value repeated per item
        unless `collection_formats` names a joined form (csv, ssv, tsv, pipes); `body` is sent as JSON
        (models, timestamps and enums converted as for the API methods). `response_type` names what the
        answer becomes: `(SomeModel,)`, `(str,)` for text, a dict or `None` for no decoding. The
        configured credentials are sent unless `auth_settings` is an empty list. Returns the data, or
        `(data, status, headers)` unless `_return_http_data_only` is true.
        """
        if post_params or files:
            raise ApiValueError("call_api(): Airflow's REST API takes JSON bodies only; post_params and files "
                                "(form data) are not supported: pass the data as body")
        if auth_settings is not None:
            unknown = [name for name in auth_settings if name not in _AUTH_SCHEMES]
            if unknown:
                raise ApiValueError(f"call_api(auth_settings): unknown scheme(s) {', '.join(map(repr, unknown))}; "
                                    f"expected names among {', '.join(sorted(_AUTH_SCHEMES))}")
        path = resource_path
        for name, value in (path_params or {}).items():
            text = param_text(self.sanitize_for_serialization(value))
            path = path.replace("{" + name + "}", quote(text, safe=self.configuration.safe_chars_for_path_param))
        query = _query_string(query_params or [], collection_formats or {}, self.sanitize_for_serialization)
        if query:
            path += ("&" if "?" in path else "?") + query
        headers: dict[str, str] = {"Accept": "application/json"}
        payload = None
        if body is not None:
            headers["Content-Type"] = _content_type or "application/json"
            payload = json.dumps(self.sanitize_for_serialization(body), ensure_ascii=False, allow_nan=False).encode()
        extra = {str(k): str(v) for k, v in (header_params or {}).items()}
        request = Request(method.upper(), path, headers, payload)
        self._address(request, _host, extra, credentials=auth_settings is None or bool(auth_settings))
        options = {
            "_preload_content": _preload_content,
            "_request_timeout": _request_timeout,
            "_return_http_data_only": bool(_return_http_data_only),
        }
        answer = _Answer(f"call_api({method.upper()} {resource_path})", _response_kind(response_type),
                         ("application/json",) if response_type else (), text=response_type == (str,))
        if async_req:
            return self.pool.apply_async(self.send, (request, options, answer))
        return self.send(request, options, answer)

    @classmethod
    def sanitize_for_serialization(cls, obj: Any) -> Any:
        """The JSON-ready form of a value: models as dicts of their fields, enums as str, timestamps as ISO 8601."""
        if isinstance(obj, (Model, ModelSimple, datetime, date, list, tuple, dict)):
            return encode_any(obj)
        if obj is None or isinstance(obj, (str, int, float, bool)):
            return obj
        if isinstance(obj, io.IOBase):
            raise ApiValueError("files cannot be sent: Airflow's REST API takes JSON bodies only")
        raise ApiTypeError(f"cannot send a {type(obj).__name__} as JSON: {obj!r}"[:200])

    def send(self, request: Request, options: dict[str, Any], answer: _Answer) -> Any:
        """Send an addressed request through the auth flow and the transport; decode or raise."""
        preload = options.get("_preload_content", True)
        flow = self._auth_flow()
        resp = self._exchange(request, flow, preload, options.get("_request_timeout"), follow=not answer.redirect)
        if answer.ends_session and flow is not None and 200 <= resp.status <= 399:
            flow.revoked(request)  # the server refuses the token from now on: the next call logs in again
        redirected = answer.redirect and 300 <= resp.status <= 399
        if not preload:
            if not (200 <= resp.status <= 299 or redirected):
                error = self.rest_client.read_answer(resp, request.method, request.url)
                raise self._failure(request, error, answer)
            if not redirected and "html" in (resp.headers.get("Content-Type") or "").lower():
                return self._streamed_html(request, resp)
            return resp
        resp = cast("RESTResponse", resp)  # read in full (preloaded)
        if redirected:
            target = resp.headers.get("Location")
            return target if options.get("_return_http_data_only", True) else (target, resp.status, resp.headers)
        if not 200 <= resp.status <= 299:
            raise self._failure(request, resp, answer)
        if answer.fab and (resp.headers.get("Content-Type") or "").lower().startswith("text/html"):
            failure = ResponseDecodeError(http_resp=resp, method=request.method, url=request.url)
            raise no_fab_api_error(failure, answer.name, f"{resp.status} with an HTML page")
        data = self.deserialize(resp, answer, request)
        if options.get("_return_http_data_only", True):
            return data
        return data, resp.status, resp.headers

    def _exchange(
        self, request: Request, flow: AuthFlow | None, preload: bool, timeout: Any, follow: bool = True
    ) -> Any:
        """Send through the auth flow: it writes the credentials, and may ask for one more try.
        `follow`: whether redirects are followed (an operation whose answer is a redirect returns it)."""
        if flow is not None:
            flow.apply(request, self.configuration)
        resp = self.transmit(request, preload, timeout, follow)
        if flow is not None and flow.answer(request, resp, self.configuration, retried=False):
            # The flow renewed its credentials: one more try, whose answer is final. A streamed answer to
            # the first try is discarded unread, so its connection cannot hand its bytes to the second.
            if not preload:
                from airflow_client.client.rest import discard

                discard(resp)
            flow.apply(request, self.configuration)
            resp = self.transmit(request, preload, timeout, follow)
            flow.answer(request, resp, self.configuration, retried=True)
        return resp

    def transmit(self, request: Request, preload: bool, timeout: Any, follow: bool = True) -> Any:
        """The transport seam: send one addressed, authenticated request; the answer as `rest` gives it.

        A `RESTResponse` (read in full) when `preload`, else a streamed `urllib3.HTTPResponse`. A client
        that reaches Airflow another way (Amazon MWAA's `InvokeRestApi`) overrides this, and only this.
        """
        return self.rest_client.request(
            request.method, request.url, request.headers, request.body, preload, timeout, follow_redirects=follow
        )

    def _streamed_html(self, request: Request, resp: Any) -> Any:
        """A streamed HTML answer: read to judge it (no operation streams HTML), raised if it is a sign-in page.

        Any other page is handed back as a stream over the bytes read, decoded already.
        """
        from airflow_client.client.signin import sign_in_refusal  # rare: imported when first needed

        page = self.rest_client.read_answer(resp, request.method, request.url)
        refusal = sign_in_refusal(request.method, request.url, _scheme(request), page, page.url)
        if refusal is not None:
            raise refusal
        headers = {k: v for k, v in resp.headers.items() if k.lower() not in ("content-encoding", "content-length")}
        headers["Content-Length"] = str(len(page.data))
        import urllib3  # the transport's own library, loaded by then

        return urllib3.HTTPResponse(body=io.BytesIO(page.data), headers=headers, status=resp.status,
                                    reason=resp.reason, preload_content=False, decode_content=False)

    def _failure(self, request: Request, resp: RESTResponse, answer: _Answer) -> ApiException:
        """The exception for an answer that is not a success."""
        if 300 <= resp.status <= 399:
            from airflow_client.client.signin import sign_in_refusal  # rare: imported when first needed

            refusal = sign_in_refusal(request.method, request.url, _scheme(request), resp, resp.url)
            if refusal is not None:
                return refusal
        failure = exception_for(resp.status)(http_resp=resp, method=request.method, url=request.url)
        if resp.status == 404 and REMOVED_MARK.encode() in resp.data[:500]:
            return removed_api_error(failure, self.configuration.host)
        if answer.fab and resp.status == 405:
            return no_fab_api_error(failure, answer.name, "405 Method Not Allowed")
        return failure

    def deserialize(self, resp: RESTResponse, answer: _Answer, request: Request) -> Any:
        """Decode a success answer: JSON becomes the declared model, text stays text.

        An operation declared to answer a JSON object gets one or fails here: an HTML login page from a
        proxy, a list, `null` or an empty body would otherwise reach the caller as the wrong type. JSON
        sent under another content type is read when it parses as the object declared.
        """
        raw = resp.data
        content_type = (resp.headers.get("Content-Type") or "").lower()
        media = content_type.split(";", 1)[0].strip()
        if "html" in media:  # the API answers no HTML: a sign-in page is an authentication error
            from airflow_client.client.signin import sign_in_refusal  # rare: imported when first needed

            refusal = sign_in_refusal(request.method, request.url, _scheme(request), resp, resp.url)
            if refusal is not None:
                raise refusal
        if not answer.accept:
            # No content declared (a 201 or 204): whatever text a server adds, like Airflow's
            # "Duplicate request" on a repeated reparse, is not an answer to decode.
            return None
        kind = answer.kind
        wants_object = isinstance(kind, (ModelKind, UnionKind))
        if media == "application/x-ndjson" and media in answer.accept:
            # One JSON value per line, as the server streamed them: the list of them, in order.
            try:
                return [json.loads(line) for line in _text_of(raw, content_type).splitlines() if line.strip()]
            except (ValueError, RecursionError) as exc:
                raise self._unexpected(resp, answer, request, f"a line is not valid JSON ({exc})") from None
        if answer.text or (media.startswith("text/") and media in answer.accept):
            return _text_of(raw, content_type)  # text the caller asked for (`Accept: text/plain`)
        if not raw:
            if wants_object:
                raise self._unexpected(resp, answer, request, f"expected a JSON object ({kind.name})")  # type: ignore[union-attr]
            return None
        looks_json = "json" in media or (not media and raw[:1] in (b"{", b"["))
        if looks_json or (wants_object and raw.lstrip()[:1] == b"{"):
            try:
                data = json.loads(raw)
            except (ValueError, RecursionError) as exc:
                raise self._unexpected(resp, answer, request, f"the body is not valid JSON ({exc})") from None
            if answer.text_of is not None:
                return answer.text_of(data)
            if isinstance(data, dict) and isinstance(kind, ListKind) and "application/x-ndjson" in answer.accept:
                return [data]  # the last line of a stream, answered alone: the list of lines it ends
            if answer.adapt is not None:
                data = answer.adapt(data)
            decode = kind.decoder(self.configuration.timestamps_as_datetime) if kind is not None else None
            if isinstance(data, dict) and decode is not None:
                return decode(data)
            if not wants_object:
                return data
        if wants_object:
            assert kind is not None
            raise self._unexpected(resp, answer, request, f"expected a JSON object ({kind.name})")
        return _text_of(raw, content_type)

    @staticmethod
    def _unexpected(resp: RESTResponse, answer: _Answer, request: Request, why: str) -> ResponseDecodeError:
        content_type = resp.headers.get("Content-Type") or "no content type"
        start = resp.data[:_SHOWN_BODY].decode("utf-8", "replace")
        shown = "an empty body" if not resp.data else f"{content_type}, starting {start!r}"
        err = ResponseDecodeError(http_resp=resp, method=request.method, url=request.url)
        err.reason = f"{answer.name} answered {resp.status} with {shown}: {why}"
        return err

    def __repr__(self) -> str:
        return f"ApiClient({self.configuration!r})"


class Api:
    """Base of the API classes: holds the `ApiClient` that sends their requests."""

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient.get_default()


def _scheme(request: Request) -> str | None:
    """The scheme of the credentials a request carries (`Bearer`, `Basic`, ...), never their value."""
    value = request.headers.get("Authorization")
    return value.split(None, 1)[0] if value else None


def _text_of(raw: bytes, content_type: str) -> str:
    charset = "utf-8"
    if "charset=" in content_type:
        charset = content_type.split("charset=", 1)[1].split(";")[0].strip() or charset
    try:
        return raw.decode(charset, "replace")
    except (LookupError, UnicodeError, TypeError, ValueError):
        # An unknown charset, or a codec that is no text encoding (idna, punycode): read UTF-8.
        return raw.decode("utf-8", "replace")


def _query_string(
    params: list[tuple[str, Any]], formats: dict[str, str], sanitize: Callable[[Any], Any]
) -> str:
    """`call_api`'s query pairs, percent-encoded; list values repeated or joined as `formats` says."""
    parts: list[str] = []
    for name, value in params:
        value = sanitize(value)
        if isinstance(value, list):
            form = formats.get(name, "multi")
            if form == "multi":
                parts += [f"{quote(name, safe='')}={quote(param_text(v), safe='')}" for v in value]
                continue
            if form not in _JOINERS:
                raise ApiValueError(f"call_api(collection_formats): {name!r} has unknown format {form!r}; "
                                    f"expected multi, {', '.join(_JOINERS)}")
            value = _JOINERS[form].join(param_text(v) for v in value)
        parts.append(f"{quote(name, safe='')}={quote(param_text(value), safe='')}")
    return "&".join(parts)


def _response_kind(response_type: tuple[Any, ...] | None) -> Kind | None:
    """The kind `call_api` decodes into: the model class named first in `response_type`, else none."""
    if not response_type:
        return None
    first = response_type[0]
    if isinstance(first, type) and issubclass(first, (Model, ModelSimple)):
        return compile_type(first.__name__)
    return None
