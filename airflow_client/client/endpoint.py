"""Endpoints as declarations: a method's signature plus one decorator line is the whole endpoint.

    @endpoint("GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances", returns="TaskInstanceCollection")
    def get_task_instances(self, dag_id: str, dag_run_id: str, *, state: list[str] | None = None,
                           **options: Any) -> TaskInstanceCollection: ...

The signature says everything else: positional parameters are required, keyword-only ones optional;
a name in `{}` in the route is a path parameter, the one named by `body=` is the request body, the
rest go to the query string; annotations give the types. The decorated body is never run: calls go
to `ApiClient.call_endpoint`, which asks the `Operation` here to check the arguments and build the
request before any I/O.
"""

from __future__ import annotations

import functools
import json
import math
import re
from datetime import date, datetime
from typing import Any, Callable, Protocol, TypedDict, TypeVar, Union
from urllib.parse import quote

from airflow_client.client.exceptions import ApiTypeError, ApiValueError, is_secret_header
from airflow_client.client.model_utils import Kind, ListKind, ModelKind, aware, compile_type
from airflow_client.client.request import Request
from airflow_client.client.translations import (
    ANSWER_LOOKUP_STEPS,
    ANSWER_STEPS,
    BODY_STEPS,
    LOOKUP_STEPS,
    RENAMING_STEPS,
    TEXT_STEPS,
    VALUE_STEPS,
    Get,
)

F = TypeVar("F", bound=Callable[..., Any])


class CallOptions(TypedDict, total=False):
    """The keyword options every endpoint method takes besides its parameters (see docs/call-options.md).

    Endpoint methods declare them as `**kwargs: Unpack[CallOptions]`, so a misspelt option is a type error.
    """

    async_req: bool
    _return_http_data_only: bool
    _preload_content: bool
    _request_timeout: Union[float, tuple[float | None, float | None], None]
    _check_input_type: bool
    _check_return_type: bool
    _spec_property_naming: bool
    _content_type: str | None
    _host_index: int | None
    _headers: dict[str, str] | None


# The same options with the runtime types each takes: checked on every call.
CALL_OPTIONS: dict[str, tuple[type, ...]] = {
    "async_req": (bool,),
    "_return_http_data_only": (bool,),
    "_preload_content": (bool,),
    "_request_timeout": (int, float, tuple, type(None)),
    "_check_input_type": (bool,),
    "_check_return_type": (bool,),
    "_spec_property_naming": (bool,),
    "_content_type": (str, type(None)),
    "_host_index": (int, type(None)),
    "_headers": (dict, type(None)),
}
assert set(CALL_OPTIONS) == set(CallOptions.__annotations__), "CALL_OPTIONS and CallOptions list the same options"


class Airflow3:
    """How Airflow 3 serves a 2.x endpoint, declared beside it; or, with no route, why it does not.

    - ``route``: "METHOD /path" under `/api/v2` (or under the FAB auth manager's `/auth/fab/v1` with
      ``api="fab"``); None for an operation Airflow 3 does not have (``unavailable`` says why and what
      replaces it).
    - ``params``: parameter -> the name Airflow 3 gives it; None for one it does not take, left out
      of the request (an answer step does its work, or the answer is the same without it).
    - ``gone``: parameter -> why Airflow 3 cannot honour it: giving it is refused before sending.
    - ``values``: parameter -> names of steps its value goes through: in `translations.VALUE_STEPS`,
      or in `translations.LOOKUP_STEPS` for one that asks the server first (a DAG id for a file token).
    - ``fixed``: wire name -> value always sent; ``defaults``: wire name -> value sent when not given.
    - ``body_renames``: body field -> its Airflow 3 name; ``body_values``: body field -> value steps;
      ``body_drop``: body fields Airflow 3 does not take (features it removed), left out;
      ``body_defaults``: Airflow 3 body field -> value sent when the body lacks it (2.x's default);
      ``body_adapter``: a step in `translations.BODY_STEPS` that reshapes the whole body (after its
      value steps, before its renames) and gives path or query values taken from it.
    - ``dry_run``: the route for a call whose body asks for a dry run (`dry_run` true or left out, as
      Airflow 2 defaults it); the flag itself is then not sent.
    - ``answer``: the name of a step in `translations.ANSWER_STEPS` that shapes the answer like 2.x's,
      or in `translations.ANSWER_LOOKUP_STEPS` for one that asks the server for more.
    - ``text``: the name of a step in `translations.TEXT_STEPS` that gives the text a call asking for
      `Accept: text/plain` gets on Airflow 2, where Airflow 3 answers only JSON.
    - ``new``: parameters only Airflow 3 takes: giving them to an Airflow 2 server is refused.
    """

    def __init__(
        self,
        route: str | None = None,
        *,
        api: str = "v2",
        params: dict[str, str | None] | None = None,
        gone: dict[str, str] | None = None,
        values: dict[str, tuple[str, ...]] | None = None,
        fixed: dict[str, Any] | None = None,
        defaults: dict[str, Any] | None = None,
        body_renames: dict[str, str] | None = None,
        body_values: dict[str, tuple[str, ...]] | None = None,
        body_drop: tuple[str, ...] = (),
        body_defaults: dict[str, Any] | None = None,
        body_adapter: str | None = None,
        dry_run: str | None = None,
        answer: str | None = None,
        text: str | None = None,
        new: tuple[str, ...] = (),
        unavailable: str | None = None,
    ) -> None:
        self.route = route
        self.api = api
        self.params = params or {}
        self.gone = gone or {}
        self.values = values or {}
        self.fixed = fixed or {}
        self.defaults = defaults or {}
        self.body_renames = body_renames or {}
        self.body_values = body_values or {}
        self.body_drop = body_drop
        self.body_defaults = body_defaults or {}
        self.body_adapter = body_adapter
        self.dry_run = dry_run
        self.answer = answer
        self.text = text
        self.new = new
        self.unavailable = unavailable
        steps = [*self.values.values(), *self.body_values.values()]
        known = VALUE_STEPS.keys() | RENAMING_STEPS.keys() | LOOKUP_STEPS.keys()
        unknown = [step for names in steps for step in names if step not in known]
        unknown += [b for b in (body_adapter,) if b is not None and b not in BODY_STEPS]
        unknown += [a for a in (answer,) if a is not None and a not in ANSWER_STEPS and a not in ANSWER_LOOKUP_STEPS]
        unknown += [t for t in (text,) if t is not None and t not in TEXT_STEPS]
        if unknown:
            raise ValueError(f"unknown translation step(s): {', '.join(unknown)}")
        # Whether a call needs a way to ask the server before it is sent.
        self.looks_up = (body_adapter is not None or answer in ANSWER_LOOKUP_STEPS
                         or any(s in LOOKUP_STEPS for names in steps for s in names))


class Prepared:
    """A call turned into a request for one server: the request (its URL relative to the API root),
    the API it goes to ("v1", "v2" or "fab"), and how the answer becomes what 2.x returned."""

    __slots__ = ("adapt", "api", "request", "text")

    def __init__(
        self,
        request: Request,
        api: str = "v1",
        adapt: Callable[[Any], Any] | None = None,
        text: Callable[[Any], str] | None = None,
    ) -> None:
        self.request = request
        self.api = api
        self.adapt = adapt  # JSON answer -> the JSON 2.x answered
        self.text = text  # JSON answer -> the text 2.x answered to `Accept: text/plain`


class Operation:
    """What one endpoint needs at call time, read once from its declaration."""

    def __init__(
        self,
        fn: Callable[..., Any],
        route: str | None,
        returns: str | None,
        body: str | None,
        content_types: tuple[str, ...],
        accept: tuple[str, ...],
        airflow3: Airflow3 | None = None,
        headers: dict[str, str] | None = None,
        redirect: bool = False,
        ends_session: bool = False,
    ) -> None:
        self.name = fn.__name__
        # An operation only Airflow 3 has declares no Airflow 2 route: its path is Airflow 3's.
        self.airflow2 = route is not None
        self.airflow3 = airflow3
        self.looks_up = airflow3 is not None and airflow3.looks_up
        own = route if route is not None else airflow3.route if airflow3 is not None else None
        if own is None:
            raise ValueError(f"{self.name}: no route for either Airflow generation")
        self.method, self.path = own.split(" ", 1)
        code = fn.__code__
        names = code.co_varnames[1 : code.co_argcount + code.co_kwonlyargcount]
        self.positional = names[: code.co_argcount - 1]
        self.optional = names[code.co_argcount - 1 :]
        self.annotations = {n: fn.__annotations__[n] for n in names}
        self.path_params = _path_params(self.path)
        self.body = body
        self.headers = headers or {}  # parameter -> the request header that carries it
        self.redirect = redirect  # a 3xx answer is the result (its Location), not followed
        self.ends_session = ends_session  # the server revokes the credentials the call carries
        self.query_params = tuple(
            n for n in names if n not in self.path_params and n != body and n not in self.headers
        )
        self.returns = returns
        self.return_kind = compile_type(returns) if returns else None
        self.content_types = content_types
        self.accept = accept
        self._kinds: dict[str, Kind] | None = None
        unknown = (set(self.path_params) | set(self.headers)) - set(names)
        if unknown or (body is not None and body not in names):
            raise ValueError(f"{self.name}: route or body names parameters the signature lacks")

    @property
    def kinds(self) -> dict[str, Kind]:
        """Parameter name -> kind; compiled on first call, so importing an API module stays cheap."""
        if self._kinds is None:
            self._kinds = {n: compile_type(a) for n, a in self.annotations.items()}
        return self._kinds

    @property
    def parameters(self) -> tuple[str, ...]:
        """Every parameter, required ones first, in declaration order."""
        return self.positional + self.optional

    def body_fields(self) -> tuple[str, ...]:
        """The fields of the request body's model (empty without a model body)."""
        kind = self.kinds.get(self.body) if self.body else None
        return tuple(kind.cls._tables()) if isinstance(kind, ModelKind) else ()

    @property
    def paging(self) -> str | None:
        """Where this operation takes its page: "query" (limit/offset), "body" (page_limit/page_offset) or None."""
        if "limit" in self.annotations and "offset" in self.annotations:
            return "query"
        fields = self.body_fields()
        if "page_limit" in fields and "page_offset" in fields:
            return "body"
        return None

    @property
    def items_field(self) -> str | None:
        """The list field of the answer's model that holds one page of items (`task_instances`, ...): its
        list of models, else its one list of plain values (`tags` of Airflow 3's DAG tag listing)."""
        kind = self.return_kind
        if not isinstance(kind, ModelKind):
            return None
        lists = [(str(name), field) for name, field in kind.cls._tables().items() if isinstance(field, ListKind)]
        of_models = [name for name, field in lists if isinstance(field.item, ModelKind)]
        if of_models:
            return of_models[0]
        return lists[0][0] if len(lists) == 1 else None

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Match a call's arguments to parameters and call options, refusing what does not fit."""
        name = self.name
        if len(args) > len(self.positional):
            raise ApiTypeError(
                f"{name}() takes {len(self.positional)} positional argument(s) ({', '.join(self.positional)}) "
                f"but {len(args)} were given; optional parameters are passed by keyword"
            )
        values = dict(zip(self.positional, args, strict=False))
        options: dict[str, Any] = {}
        for key, value in kwargs.items():
            if key in self.annotations:
                if key in values:
                    raise ApiTypeError(f"{name}() got multiple values for argument {key!r}")
                values[key] = value
            elif key in CALL_OPTIONS:
                allowed = CALL_OPTIONS[key]
                if not isinstance(value, allowed) or (bool not in allowed and isinstance(value, bool)):
                    raise ApiTypeError(
                        f"{name}(): option {key} expects {' or '.join(t.__name__ for t in allowed)}, "
                        f"got {type(value).__name__} {value!r}"
                    )
                _check_option(name, key, value)
                options[key] = value
            else:
                raise ApiTypeError(
                    f"{name}() got an unexpected keyword argument {key!r}; its parameters are: "
                    f"{', '.join(self.annotations)}"
                )
        missing = [p for p in self.positional if p not in values]
        if missing:
            raise ApiTypeError(f"{name}() missing required argument(s): {', '.join(missing)}")
        return values, options

    def check_values(self, values: dict[str, Any], check: bool = True) -> dict[str, Any]:
        """The values to send, each checked against its declared type (unless `check` is false)."""
        kinds = self.kinds
        checked: dict[str, Any] = {}
        for key, value in values.items():
            if value is None and key in self.optional:
                continue  # an optional parameter given as None is simply not sent
            checked[key] = kinds[key].check(value, f"{self.name}({key})") if check else value
        return checked

    def prepare(
        self,
        values: dict[str, Any],
        options: dict[str, Any],
        *,
        generation: int = 2,
        check: bool = True,
        safe_chars: str = "",
        get: Get | None = None,
    ) -> Prepared:
        """Check every value against its declared type and turn the call into a request for a server
        of `generation` (2 or 3). The request's URL is relative to the API root (`/dags/...?limit=5`);
        the client adds the host, its own headers and credentials. `safe_chars` stay unencoded in paths.
        `get` makes the GETs an Airflow 3 translation needs first (`looks_up`): one GET each, through
        the calling client.
        """
        kinds = self.kinds
        name = self.name
        checked = self.check_values(values, check)
        body = None
        if self.body is not None and self.body in checked:
            body = kinds[self.body].encode(checked.pop(self.body))
        sent_headers = {}
        if self.headers:
            sent_headers = {self.headers[k]: param_text(checked.pop(k)) for k in list(checked) if k in self.headers}

        a3 = self.airflow3
        if generation == 3 and self.airflow2 and (a3 is None or a3.route is None):
            why = a3.unavailable if a3 is not None and a3.unavailable else "no Airflow 3 route is declared for it"
            raise ApiValueError(f"{name}() cannot be called on this server, which runs Airflow 3: {why}")
        if generation == 2 and not self.airflow2:
            raise ApiValueError(f"{name}() needs Airflow 3; this server runs Airflow 2, which has no such operation")
        api, method, path = "v1", self.method, self.path
        adapt: Callable[[Any], Any] | None = None
        text: Callable[[Any], str] | None = None
        if generation == 3:
            assert a3 is not None and a3.route is not None
            # Only Airflow 3's translations ask the server: an Airflow 2 call builds nothing for it.
            ask: Get = get if get is not None else functools.partial(_cannot_ask, name)
            api = a3.api
            args = dict(checked)  # the call's arguments by their 2.x names, for the body and answer steps
            if a3.answer is not None and a3.answer not in ANSWER_LOOKUP_STEPS:
                adapt = functools.partial(_answer_step, ANSWER_STEPS[a3.answer], args)
            if a3.text is not None and _asks_text(options):
                text = TEXT_STEPS[a3.text]
            method, path = a3.route.split(" ", 1)
            if a3.dry_run is not None and (not isinstance(body, dict) or body.pop("dry_run", True) is not False):
                method, path = a3.dry_run.split(" ", 1)
            checked = self._for_airflow3(a3, checked, ask)
            if isinstance(body, dict):
                for field, steps in a3.body_values.items():
                    if field in body:
                        body[field] = self._through(steps, body[field], ask, a3.body_renames)
                if a3.body_adapter is not None:
                    checked.update(BODY_STEPS[a3.body_adapter](body, dict(args), ask))
                body = {a3.body_renames.get(k, k): v for k, v in body.items() if k not in a3.body_drop}
                for field, default in a3.body_defaults.items():
                    body.setdefault(field, default)
        elif a3 is not None:
            given = [p for p in a3.new if p in checked]
            if given:
                raise ApiValueError(f"{name}(): {', '.join(given)} only Airflow 3 takes; this server runs Airflow 2")

        for key in _path_params(path):
            segment = quote(param_text(checked.pop(key)), safe=safe_chars)
            if segment in (".", ".."):  # left literal, URL normalisation would remove the segment
                segment = segment.replace(".", "%2E")
            path = path.replace("{" + key + "}", segment)
        if generation == 3 and a3 is not None and a3.answer in ANSWER_LOOKUP_STEPS:
            # Made here, where the path is known: a step may read more of the list this call is on.
            adapt = functools.partial(_answer_lookup_step, ANSWER_LOOKUP_STEPS[a3.answer], args, ask, path)
        query: list[str] = []
        for key, value in checked.items():
            if isinstance(value, (list, tuple)):
                query.extend(f"{key}={quote(param_text(v), safe='')}" for v in value)
            else:
                query.append(f"{key}={quote(param_text(value), safe='')}")
        if query:
            path += "?" + "&".join(query)

        accept = self.accept
        # An answer without content still gets an Accept header: Airflow's errors are JSON.
        if "application/x-ndjson" in accept and isinstance(self.return_kind, ListKind):
            # Declared as the list of its lines: asked for as the stream, the one form that has them all
            # (Airflow 3 answers `application/json` with the last line only).
            headers = {"Accept": "application/x-ndjson"}
        else:
            json_only = "application/json" in accept or not accept
            headers = {"Accept": "application/json" if json_only else ", ".join(accept)}
        for header, line in sent_headers.items():
            if "\r" in line or "\n" in line:
                raise ApiValueError(
                    f"{name}(): the {header} header takes one line of text; the value given has a line break"
                )
            # A header parameter replaces the default of the same name (`accept` the Accept above).
            headers[next((k for k in headers if k.lower() == header.lower()), header)] = line
        payload = None
        if self.body is not None and body is not None:
            content_type = options.get("_content_type") or self.content_types[0]
            if content_type not in self.content_types:
                raise ApiValueError(
                    f"{name}(): _content_type must be one of {', '.join(self.content_types)}, got {content_type!r}"
                )
            headers["Content-Type"] = content_type
            payload = json.dumps(body, ensure_ascii=False, allow_nan=False).encode()
        return Prepared(Request(method, path, headers, payload), api, adapt, text)

    @staticmethod
    def _through(steps: tuple[str, ...], value: Any, get: Get, renames: dict[str, str]) -> Any:
        """A value after its value, renaming and look-up steps, in their order."""
        for step in steps:
            if step in VALUE_STEPS:
                value = VALUE_STEPS[step](value)
            elif step in RENAMING_STEPS:
                value = RENAMING_STEPS[step](value, renames)
            else:
                value = LOOKUP_STEPS[step](value, get)
        return value

    def _for_airflow3(self, a3: Airflow3, checked: dict[str, Any], get: Get) -> dict[str, Any]:
        """Parameters under the names Airflow 3 gives them, with its fixed and default values."""
        out: dict[str, Any] = {}
        for key, value in checked.items():
            if key in a3.gone:
                raise ApiValueError(f"{self.name}({key}): cannot be honoured on Airflow 3: {a3.gone[key]}")
            wire = a3.params.get(key, key)
            if wire is None:
                continue
            if key in a3.values:
                value = self._through(a3.values[key], value, get, a3.body_renames)
            out[wire] = value
        for wire, value in a3.defaults.items():
            out.setdefault(wire, value)
        out.update(a3.fixed)
        return out


@functools.lru_cache(maxsize=512)
def _path_params(path: str) -> tuple[str, ...]:
    """The names in `{}` in a route's path, read once per route."""
    return tuple(re.findall(r"{(\w+)}", path))


def _cannot_ask(name: str, path: str, query: dict[str, Any]) -> Any:
    raise ApiValueError(f"{name}(): on Airflow 3 this call asks the server first (GET {path}): prepare it with `get`")


def _answer_step(step: Callable[[Any, dict[str, Any]], Any], args: dict[str, Any], data: Any) -> Any:
    return step(data, args)


def _answer_lookup_step(
    step: Callable[[Any, dict[str, Any], Get, str], Any], args: dict[str, Any], get: Get, path: str, data: Any
) -> Any:
    return step(data, args, get, path)


def _asks_text(options: dict[str, Any]) -> bool:
    headers = options.get("_headers") or {}
    return any(k.lower() == "accept" and "text/plain" in str(v) for k, v in headers.items())


def _positive_seconds(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def _header_text(value: Any) -> bool:
    """Text that fits in one HTTP header line."""
    if not isinstance(value, str) or "\r" in value or "\n" in value:
        return False
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _check_option(name: str, key: str, value: Any) -> None:
    """The contents of the call options whose type alone says too little."""
    if key == "_request_timeout" and value is not None:
        pair = isinstance(value, tuple) and len(value) == 2 and all(p is None or _positive_seconds(p) for p in value)
        if not (_positive_seconds(value) or pair):
            raise ApiValueError(
                f"{name}(): _request_timeout must be a positive number of seconds or a (connect, read) pair, "
                f"got {value!r}"
            )
    if key == "_headers" and value is not None:
        for header, text in value.items():
            if not (_header_text(header) and header and ":" not in header and _header_text(text)):
                shown = "<hidden>" if is_secret_header(str(header)) else repr(text)
                raise ApiValueError(
                    f"{name}(): _headers must map header names to one line of latin-1 text, got {header!r}: {shown}"
                )


def param_text(value: Any) -> str:
    """The text form of a path or query value as Airflow reads it."""
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime):
        return aware(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def endpoint(
    route: str | None,
    *,
    returns: str | None = None,
    body: str | None = None,
    content_types: tuple[str, ...] = ("application/json",),
    accept: tuple[str, ...] = ("application/json",),
    airflow3: Airflow3 | None = None,
    headers: dict[str, str] | None = None,
    redirect: bool = False,
    ends_session: bool = False,
) -> Callable[[F], F]:
    """Turn a declared method into a call of the endpoint at `route` ("METHOD /path") on Airflow 2,
    and at its `airflow3` declaration's route on Airflow 3 (route None: an Airflow 3 operation only).

    `headers` maps the parameters sent as request headers to their header names; with `redirect`,
    a redirect answer is not followed: the call returns the address it points to. `ends_session`
    marks a logout: the server revokes the token the call carries, and the client's login forgets it.
    """

    def wrap(fn: F) -> F:
        op = Operation(fn, route, returns, body, content_types, accept, airflow3, headers, redirect, ends_session)

        @functools.wraps(fn)
        def call(self: _Caller, *args: Any, **kwargs: Any) -> Any:
            return self.api_client.call_endpoint(op, args, kwargs)

        call.operation = op  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return wrap


class _Caller(Protocol):
    """What a decorated method needs from the object it is called on: an API class holding its client."""

    @property
    def api_client(self) -> Any: ...
