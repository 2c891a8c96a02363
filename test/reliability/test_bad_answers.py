"""Bad answers: whatever a server sends back, a call returns a value or raises a documented exception.

One long-lived loopback server answers real client calls with generated bodies: random JSON of every
shape, JSON with the right keys but values of the wrong types, truncated JSON, non-JSON labelled as
JSON, HTML pages from a proxy, empty bodies, wrong content types, every status class, and a few very
large bodies. Each call must end in a returned value, or in an `ApiException` (the class for its
status, or `ResponseDecodeError` for a success whose body is not what its content type says) that
carries the status and the body as served. Nothing else may escape.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterator, NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

import airflow_client.client as client
from airflow_client.client import exceptions
from airflow_client.client.api import dag_api, dag_run_api, pool_api, task_instance_api, variable_api
from airflow_client.client.model_utils import (
    AnyKind,
    BoolKind,
    DateKind,
    DateTimeKind,
    DateTimeStrKind,
    DictKind,
    FloatKind,
    IntKind,
    Kind,
    ListKind,
    LiteralKind,
    MapKind,
    Model,
    ModelKind,
    ModelOneOf,
    ModelSimple,
    StrKind,
    UnionKind,
    model_class,
)

from .conftest import SCALE, TALLY, ExactAnswer, LoopbackServer, count, examples, task_instance_json

BATCH = 25  # bodies served per generated example: keeps hypothesis' own cost per body low

# -- the calls answered ----------------------------------------------------------------------------------


class Call(NamedTuple):
    name: str
    run: Callable[[Any], Any]  # takes the Apis, makes the call
    op: Any  # the endpoint's Operation: what it is declared to return


class Apis(NamedTuple):
    ti: task_instance_api.TaskInstanceApi
    dr: dag_run_api.DAGRunApi
    var: variable_api.VariableApi
    pool: pool_api.PoolApi
    dag: dag_api.DAGApi


TI, DR = task_instance_api.TaskInstanceApi, dag_run_api.DAGRunApi
VAR, POOL, DAGS = variable_api.VariableApi, pool_api.PoolApi, dag_api.DAGApi

CALLS = [
    Call("get_task_instances", lambda a: a.ti.get_task_instances("d", "r", state=["failed"]),
         TI.get_task_instances.operation),
    Call("get_task_instance", lambda a: a.ti.get_task_instance("d", "r", "t"), TI.get_task_instance.operation),
    Call("get_task_instance_tries", lambda a: a.ti.get_task_instance_tries("d", "r", "t"),
         TI.get_task_instance_tries.operation),
    Call("get_log", lambda a: a.ti.get_log("d", "r", "t", 1), TI.get_log.operation),
    Call("get_log as text", lambda a: a.ti.get_log("d", "r", "t", 1, _headers={"Accept": "text/plain"}),
         TI.get_log.operation),
    Call("patch_task_instance", lambda a: a.ti.patch_task_instance("d", "r", "t", {"dry_run": True}),
         TI.patch_task_instance.operation),
    Call("get_dag_runs", lambda a: a.dr.get_dag_runs("d"), DR.get_dag_runs.operation),
    Call("clear_dag_run", lambda a: a.dr.clear_dag_run("d", "r", {"dry_run": True}), DR.clear_dag_run.operation),
    Call("get_variable", lambda a: a.var.get_variable("k"), VAR.get_variable.operation),
    Call("get_variables", lambda a: a.var.get_variables(limit=5), VAR.get_variables.operation),
    Call("post_variables", lambda a: a.var.post_variables({"key": "k", "value": "v"}), VAR.post_variables.operation),
    Call("delete_variable", lambda a: a.var.delete_variable("k"), VAR.delete_variable.operation),
    Call("get_pool", lambda a: a.pool.get_pool("p"), POOL.get_pool.operation),
    Call("get_dag", lambda a: a.dag.get_dag("d"), DAGS.get_dag.operation),
]


class Fuzz(NamedTuple):
    """The one loopback server and the clients its answers go to; `serve` sets the next answer."""

    server: LoopbackServer
    apis: Apis
    current: list[ExactAnswer]


@pytest.fixture(scope="module")
def fuzz(loopback: LoopbackServer) -> Iterator[Fuzz]:
    current = [ExactAnswer()]
    loopback.handler = lambda seen: current[0]
    config = client.Configuration(host=loopback.host, username="u", password="p")
    config.retries = 0  # the retry policy has its own tests; here every answer is final
    config.timeout = (5, 30)
    with client.ApiClient(config) as api_client:
        apis = Apis(TI(api_client), DR(api_client), VAR(api_client), POOL(api_client), DAGS(api_client))
        yield Fuzz(loopback, apis, current)
    loopback.handler = None


# -- what must happen to each answer ------------------------------------------------------------------------


def _is_json(content_type: str | None, body: bytes) -> bool:
    ct = (content_type or "").lower()
    return "json" in ct or (not ct and body[:1] in (b"{", b"["))


def _wants_object(call: Call) -> bool:
    """The operation is declared to answer a JSON object (a model): anything else is an error."""
    return isinstance(call.op.return_kind, (ModelKind, UnionKind))


def _declared_text(call: Call, content_type: str | None) -> bool:
    """Text of a type the operation declares it may answer (a log as `text/plain`)."""
    media = (content_type or "").lower().split(";", 1)[0].strip()
    return media.startswith("text/") and media in call.op.accept


def serve_and_check(fuzz: Fuzz, call: Call, answer: ExactAnswer) -> str:
    """Serve one answer to one call; return how it ended ("value" or "exception"), failing on anything else."""
    fuzz.current[0] = answer
    body = bytes(answer.body)
    status = answer.status
    content_type = answer.headers.get("Content-Type")
    count("bodies fuzzed")
    try:
        result = call.run(fuzz.apis)
    except exceptions.ApiException as err:
        assert err.status == status, f"{call.name}: status {err.status!r}, served {status}"
        assert err.body == body.decode("utf-8", "replace"), f"{call.name}: the exception lost the body"
        if 200 <= status <= 299:
            assert type(err) is exceptions.ResponseDecodeError, f"{call.name}: {type(err).__name__} for {status}"
            assert call.op.accept, f"{call.name} declares no content, yet its body was decoded"
            assert not _declared_text(call, content_type), f"{call.name}: declared text was refused: {err!r}"
            assert _is_json(content_type, body) or _wants_object(call), f"{call.name}: text was refused: {err!r}"
            assert call.op.name in str(err) or "not valid JSON" in str(err)
        else:
            assert type(err) is exceptions.exception_for(status), f"{call.name}: {type(err).__name__} for {status}"
        text = str(err)  # rendering the error must never fail either
        assert text.startswith(f"({status})") and repr(err)
        return "exception"
    # A value: only for a success status, and it must be usable.
    assert 200 <= status <= 299, f"{call.name}: a {status} answer returned {result!r:.200}"
    if not call.op.accept:
        assert result is None  # an operation that declares no content (a 201 or 204)
    elif _declared_text(call, content_type):
        assert isinstance(result, str)
    elif not body:
        assert result is None and not _wants_object(call), f"{call.name}: an empty body gave {result!r:.200}"
    elif _is_json(content_type, body) or (_wants_object(call) and body.lstrip()[:1] == b"{"):
        parsed = json.loads(body)
        assert isinstance(parsed, dict) or not _wants_object(call), f"{call.name}: {parsed!r:.100} was accepted"
        if isinstance(parsed, dict) and call.op.return_kind is not None and call.op.return_kind.decode is not None:
            assert isinstance(result, Model), f"{call.name}: {type(result).__name__}"
            assert isinstance(result.to_dict(), dict) and repr(result)
            if TALLY["bodies fuzzed"] % 8 == 0:  # pretty-printing costs more than the call: check 1 in 8
                assert result.to_str()
        else:
            assert json.dumps(result) == json.dumps(parsed)  # NaN, allowed by json.loads, is not == itself
    else:
        assert isinstance(result, str) and not _wants_object(call), f"{call.name}: text accepted as {result!r:.100}"
        if "charset" not in (content_type or ""):
            assert result == body.decode("utf-8", "replace")
    return "value"


# -- generated answers -------------------------------------------------------------------------------------

TEXT = st.text(max_size=20)
JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False,
                                                                                    allow_infinity=False), TEXT
)
JSON = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=12)
JSON_CONTAINERS = st.one_of(st.lists(JSON, max_size=4), st.dictionaries(TEXT, JSON, max_size=5))

def example(kind: Kind, depth: int = 0) -> Any:
    """A well-typed JSON value for a declared kind, every field present (nested models to depth 3)."""
    if isinstance(kind, ModelKind):
        cls = kind.cls
        if issubclass(cls, ModelSimple):
            return cls._allowed[0] if cls._allowed else "value"
        if depth >= 3:
            return {}
        if issubclass(cls, ModelOneOf):
            variant = cls._variants[0]
            return {cls._discriminator: variant, **{
                name: example(sub, depth + 1) for name, sub in model_class(variant)._tables().items()
                if name != cls._discriminator
            }}
        return {name: example(sub, depth + 1) for name, sub in cls._tables().items()}
    if isinstance(kind, UnionKind):
        return example(kind.options[0], depth)
    if isinstance(kind, ListKind):
        return [example(kind.item, depth + 1), example(kind.item, depth + 1)]
    if isinstance(kind, MapKind):
        return {"a": example(kind.item, depth + 1)}
    if isinstance(kind, LiteralKind):
        return kind.values[0]
    simple = {DateTimeKind: "2024-01-01T00:00:02.123456+00:00", DateTimeStrKind: "2024-01-01T00:00:03+00:00",
              DateKind: "2024-01-01", StrKind: "text",
              IntKind: 7, FloatKind: 1.25, BoolKind: True, DictKind: {"a": [1]}, AnyKind: {"a": [1]}}
    return simple.get(type(kind))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            out += _paths(inner, (*prefix, index))
    return out


def _apply(doc: Any, path: tuple[Any, ...], new: Any, delete: bool) -> None:
    parent = doc
    for step in path[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return  # an earlier change replaced what this path went through
    last = path[-1]
    if isinstance(parent, dict) and last in parent:
        if delete:
            del parent[last]
        else:
            parent[last] = new
    elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        parent[last] = new


TEMPLATES = {call.name: example(call.op.return_kind) if call.op.return_kind else {"a": 1} for call in CALLS}
PATHS = {name: _paths(doc) for name, doc in TEMPLATES.items()}
WRONG = st.one_of(JSON_LEAVES, JSON_LEAVES, st.lists(JSON_LEAVES, max_size=3),
                  st.dictionaries(TEXT, JSON_LEAVES, max_size=3))


@st.composite
def _shaped(draw: st.DrawFn, name: str) -> Any:
    """A well-typed answer of the call with 1 to 8 values, anywhere in it, of another type or removed."""
    doc = json.loads(json.dumps(TEMPLATES[name]))
    for path in draw(st.lists(st.sampled_from(PATHS[name]), min_size=1, max_size=8)):
        _apply(doc, path, draw(WRONG), draw(st.integers(0, 5)) == 0)
    return doc


SHAPED = {call.name: _shaped(call.name) for call in CALLS}

SUCCESS = [200, 200, 200, 201, 202, 203, 206, 299]
ERRORS = [300, 301, 302, 303, 307, 308, 400, 401, 403, 404, 405, 409, 410, 418, 422, 429, 451, 499,
          500, 501, 502, 503, 504, 511, 599, 999]
# No body may follow these statuses (RFC 9110), so they are served empty; http.client reads none.
BODILESS = [101, 102, 103, 204, 304]
STATUSES = st.sampled_from(SUCCESS + SUCCESS + ERRORS)

JSON_TYPES = st.sampled_from([
    "application/json", "application/json; charset=utf-8", "application/problem+json", "APPLICATION/JSON",
    "text/json", "application/vnd.api+json; charset=UTF-8",
])
# Charsets that name no codec, or a codec that is no text encoding, fall back to UTF-8. Those whose
# codec cannot decode with errors="replace" at all are covered by their own test below.
OTHER_TYPES = st.sampled_from([
    None, "", "text/plain", "text/plain; charset=utf-8", "text/plain; charset=latin-1", "text/plain; charset=utf-16",
    "text/plain; charset=ascii", "text/plain; charset=shift_jis", "text/plain; charset=", "text/plain; charset=nope",
    'text/plain; charset="utf-8"', "text/plain; charset=rot13", "text/plain; charset=base64", "text/html",
    "text/html; charset=iso-8859-1", "application/octet-stream", "application/xml", "multipart/form-data; boundary=x",
    "image/png", "*/*", "application/x-ndjson",
])
ANY_TYPE = JSON_TYPES | OTHER_TYPES


def answer(status: int, body: bytes, content_type: str | None) -> ExactAnswer:
    headers = {} if content_type is None else {"Content-Type": content_type}
    if status in BODILESS:
        body = b""
    return ExactAnswer(status=status, body=body, headers=headers)


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


@st.composite
def random_json(draw: st.DrawFn) -> tuple[Call, ExactAnswer]:
    call = draw(st.sampled_from(CALLS))
    return call, answer(draw(STATUSES), dumps(draw(JSON)), draw(JSON_TYPES))


@st.composite
def right_keys_wrong_types(draw: st.DrawFn) -> tuple[Call, ExactAnswer]:
    call = draw(st.sampled_from(CALLS))
    return call, answer(draw(st.sampled_from(SUCCESS)), dumps(draw(SHAPED[call.name])), draw(JSON_TYPES))


@st.composite
def truncated_json(draw: st.DrawFn) -> tuple[Call, ExactAnswer]:
    call = draw(st.sampled_from(CALLS))
    whole = dumps(TEMPLATES[call.name])  # a well-typed answer, cut anywhere
    cut = draw(st.integers(0, max(0, len(whole) - 1)))
    return call, answer(draw(STATUSES), whole[:cut], draw(JSON_TYPES | st.none()))


@st.composite
def not_json_labelled_json(draw: st.DrawFn) -> tuple[Call, ExactAnswer]:
    call = draw(st.sampled_from(CALLS))
    body = draw(st.one_of(
        st.binary(min_size=1, max_size=64),
        st.text(min_size=1, max_size=64).map(str.encode),
        st.sampled_from([b"NaN", b"{'single': 'quotes'}", b"{\"a\": 1,}", b"\xef\xbb\xbf{}", b"\xff\xfe{\x00}\x00",
                         b"[1, 2", b"}", b"null null", b"<?xml version='1.0'?><a/>", b"\x00" * 16]),
    ))
    return call, answer(draw(STATUSES), body, draw(JSON_TYPES))


def _html_page(code: int, words: str) -> bytes:
    return (
        f"<html>\r\n<head><title>{code} {words}</title></head>\r\n<body>\r\n<center><h1>{code} {words}</h1></center>"
        f"\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n"
    ).encode()


@st.composite
def proxy_html_page(draw: st.DrawFn) -> tuple[Call, ExactAnswer]:
    call = draw(st.sampled_from(CALLS))
    status = draw(st.sampled_from([200, 502]) | STATUSES)
    content_type = draw(st.sampled_from(["text/html", "text/html; charset=utf-8"]) | JSON_TYPES)
    return call, answer(status, _html_page(status, draw(TEXT)), content_type)


@st.composite
def empty_body(draw: st.DrawFn) -> tuple[Call, ExactAnswer]:
    call = draw(st.sampled_from(CALLS))
    return call, answer(draw(STATUSES | st.sampled_from(BODILESS)), b"", draw(ANY_TYPE))


@st.composite
def wrong_content_type(draw: st.DrawFn) -> tuple[Call, ExactAnswer]:
    call = draw(st.sampled_from(CALLS))
    body = draw(st.one_of(st.just(dumps(TEMPLATES[call.name])), st.text(max_size=64).map(str.encode),
                          st.binary(max_size=64)))
    return call, answer(draw(STATUSES), body, draw(OTHER_TYPES))


@st.composite
def any_status_any_body(draw: st.DrawFn) -> tuple[Call, ExactAnswer]:
    call = draw(st.sampled_from(CALLS))
    status = draw(st.sampled_from(SUCCESS + ERRORS + BODILESS))
    body = draw(st.one_of(st.just(dumps(TEMPLATES[call.name])), JSON.map(dumps), st.binary(max_size=64)))
    return call, answer(status, body, draw(ANY_TYPE))


def _serve_batch(fuzz: Fuzz, batch: list[tuple[Call, ExactAnswer]]) -> None:
    for call, served in batch:
        serve_and_check(fuzz, call, served)


def batches(strategy: st.SearchStrategy[tuple[Call, ExactAnswer]]) -> st.SearchStrategy[list[Any]]:
    return st.lists(strategy, min_size=BATCH, max_size=BATCH)


@examples(2000 // BATCH)
@given(batch=batches(random_json()))
def test_random_json_of_every_shape_ends_in_a_value_or_an_api_exception(fuzz, batch):
    _serve_batch(fuzz, batch)


@examples(2000 // BATCH)
@given(batch=batches(right_keys_wrong_types()))
def test_the_right_keys_with_values_of_the_wrong_types_still_decode(fuzz, batch):
    _serve_batch(fuzz, batch)


@examples(1500 // BATCH)
@given(batch=batches(truncated_json()))
def test_truncated_json_ends_in_a_value_or_an_api_exception(fuzz, batch):
    _serve_batch(fuzz, batch)


@examples(1200 // BATCH)
@given(batch=batches(not_json_labelled_json()))
def test_a_body_that_is_not_json_under_a_json_content_type_is_a_decode_error(fuzz, batch):
    _serve_batch(fuzz, batch)


@examples(800 // BATCH)
@given(batch=batches(proxy_html_page()))
def test_an_html_page_from_a_proxy_ends_in_a_value_or_an_api_exception(fuzz, batch):
    _serve_batch(fuzz, batch)


@examples(600 // BATCH)
@given(batch=batches(empty_body()))
def test_an_empty_body_ends_in_none_or_an_api_exception(fuzz, batch):
    _serve_batch(fuzz, batch)


@examples(1200 // BATCH)
@given(batch=batches(wrong_content_type()))
def test_a_wrong_content_type_ends_in_a_value_or_an_api_exception(fuzz, batch):
    _serve_batch(fuzz, batch)


@examples(900 // BATCH)
@given(batch=batches(any_status_any_body()))
def test_every_status_class_ends_in_a_value_or_its_exception(fuzz, batch):
    _serve_batch(fuzz, batch)


# -- answers worth stating one by one -------------------------------------------------------------------------

CALL = {call.name: call for call in CALLS}


@pytest.mark.parametrize("status", [200, 502])
def test_a_proxy_html_page_is_an_error_that_keeps_it_whole(fuzz, status):
    page = _html_page(status, "Bad Gateway")
    outcome = serve_and_check(fuzz, CALL["get_variable"], answer(status, page, "text/html"))
    assert outcome == "exception"


MB20 = 20 * 1024 * 1024


def test_a_20_mb_task_instance_listing_is_decoded_in_full(fuzz):
    one = dumps(task_instance_json())
    n = MB20 // (len(one) + 2) + 1
    body = b'{"total_entries": %d, "task_instances": [' % n + b", ".join([one] * n) + b"]}"
    assert len(body) > MB20
    fuzz.current[0] = answer(200, body, "application/json")
    count("bodies fuzzed")
    page = fuzz.apis.ti.get_task_instances("d", "r")
    assert page.total_entries == n and len(page.task_instances) == n
    assert page.task_instances[-1].start_date == "2024-01-01T00:00:02+00:00"


def test_a_20_mb_body_that_is_not_json_is_a_decode_error_carrying_it(fuzz):
    body = b"<" + b"x" * MB20
    outcome = serve_and_check(fuzz, CALL["get_task_instances"], answer(200, body, "application/json"))
    assert outcome == "exception"


def test_a_20_mb_error_page_raises_with_the_whole_body_and_a_short_message(fuzz):
    body = b"<html>" + b"overloaded " * (MB20 // 11) + b"</html>"
    fuzz.current[0] = answer(502, body, "text/html")
    count("bodies fuzzed")
    with pytest.raises(exceptions.ServiceException) as caught:
        fuzz.apis.var.get_variable("k")
    assert caught.value.status == 502 and len(caught.value.body) == len(body)
    assert len(str(caught.value)) < 3000


def test_a_20_mb_log_as_text_is_returned_in_full(fuzz):
    body = ("line of log é\n" * (MB20 // 15)).encode()
    outcome = serve_and_check(fuzz, CALL["get_log as text"], answer(200, body, "text/plain; charset=utf-8"))
    assert outcome == "value"


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize("status, body", [
    (200, DEEP),
    (200, b'{"task_instances": ' + DEEP + b"}"),
    (500, b'{"title": ' + DEEP + b"}"),
], ids=["success, top level", "success, in a field", "error document"])
def test_json_nested_too_deep_ends_in_a_value_or_an_api_exception(fuzz, status, body):
    serve_and_check(fuzz, CALL["get_task_instances"], answer(status, body, "application/json"))


@pytest.mark.parametrize("charset", ["idna", "punycode", "undefined"])
def test_a_text_answer_with_an_unusable_charset_ends_in_a_value_or_an_api_exception(fuzz, charset):
    serve_and_check(fuzz, CALL["get_log as text"], answer(200, b"\xff\xfe log \x80", f"text/plain; charset={charset}"))


def test_at_least_ten_thousand_bodies_were_fuzzed():
    """Runs last in this module: the generated answers above must add up to 10,000 or more."""
    assert TALLY["bodies fuzzed"] >= 10_000 * min(1.0, SCALE), TALLY["bodies fuzzed"]
