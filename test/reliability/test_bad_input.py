"""Bad input is refused before any I/O, and odd but valid input is sent exactly right.

Every parameter kind of real API methods gets generated values of the wrong type: path str and int,
query int, bool, float, datetime and multi-valued lists, request bodies and the fields nested in
them. Also unknown keyword arguments and fields, invalid enum values, None where a value is
required, missing positionals, non-finite floats and read-only fields in a body. Each must raise
`ApiTypeError` / `ApiValueError` (both `TypeError` / `ValueError`) whose message names the argument,
what was expected and what was given, and the loopback server must see no request at all.

The valid side: naive datetimes go out as UTC (`+00:00`), and path keys with `/ ? # % space` and
non-ASCII are percent-encoded exactly (their round trip through a real Airflow is in
`test/integration/test_path_round_trip.py`).
"""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterator, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import airflow_client.client as client
from airflow_client.client.api import connection_api, dag_api, dag_run_api, pool_api, task_instance_api, variable_api
from airflow_client.client.endpoint import CALL_OPTIONS
from airflow_client.client.model.dag import DAG
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.model.dag_state import DagState
from airflow_client.client.model.pool import Pool
from airflow_client.client.model.task_state import TaskState
from airflow_client.client.model.update_task_instance import UpdateTaskInstance
from airflow_client.client.model.update_task_state import UpdateTaskState
from airflow_client.client.model.variable import Variable
from airflow_client.client.model_utils import BoolKind, DateTimeKind, IntKind, ListKind, LiteralKind, StrKind

from .conftest import Answer, LoopbackServer, count, examples

# -- the client under test, on one loopback server -----------------------------------------------------


class Apis(NamedTuple):
    ti: task_instance_api.TaskInstanceApi
    dr: dag_run_api.DAGRunApi
    var: variable_api.VariableApi
    pool: pool_api.PoolApi
    dag: dag_api.DAGApi
    conn: connection_api.ConnectionApi
    server: LoopbackServer


@pytest.fixture(scope="module")
def apis(loopback: LoopbackServer) -> Iterator[Apis]:
    loopback.default = Answer(status=200, body=b"{}")
    config = client.Configuration(host=loopback.host, username="alice", password="pw")
    config.retries = 0
    with client.ApiClient(config) as api_client:
        yield Apis(
            task_instance_api.TaskInstanceApi(api_client),
            dag_run_api.DAGRunApi(api_client),
            variable_api.VariableApi(api_client),
            pool_api.PoolApi(api_client),
            dag_api.DAGApi(api_client),
            connection_api.ConnectionApi(api_client),
            loopback,
        )


# -- what a refusal must look like ----------------------------------------------------------------------


def shown(value: Any) -> str:
    """How the client shows a value it refuses: its repr, cut after 77 characters when long."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77]


def given_text(value: Any) -> str:
    return "got None" if value is None else f"got {type(value).__name__} {shown(value)}"


def refused(apis: Apis, call: Callable[[], Any], exc_type: type[Exception], *fragments: str) -> Exception:
    """Run a call that must be refused: right exception, every fragment in its message, no request sent."""
    before = len(apis.server.seen)
    with pytest.raises(exc_type) as caught:
        call()
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} is not in the message {message!r}"
    assert len(apis.server.seen) == before, f"a refused call reached the server: {apis.server.seen[before:]}"
    count("bad inputs tried")
    return caught.value


# -- generated values ----------------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.binary(max_size=8),
    st.decimals(),
    st.fractions(),
    st.complex_numbers(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.uuids(),
    st.builds(object),
    st.just(Ellipsis),
)
ANYTHING = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=3),
    st.tuples(_SCALARS, _SCALARS),
    st.sets(st.integers(), max_size=3),
    st.frozensets(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=4), _SCALARS, max_size=3),
)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


NOT_STR = ANYTHING.filter(lambda v: v is not None and not isinstance(v, str))
NOT_INT = ANYTHING.filter(lambda v: v is not None and not _is_int(v))
NOT_BOOL = ANYTHING.filter(lambda v: v is not None and not isinstance(v, bool))
NOT_FLOAT = ANYTHING.filter(lambda v: v is not None and not (_is_int(v) or isinstance(v, float)))
NOT_DATETIME = ANYTHING.filter(lambda v: v is not None and not isinstance(v, (datetime, str)))
NOT_LIST = ANYTHING.filter(lambda v: v is not None and not isinstance(v, (list, tuple)))
NOT_DICT = ANYTHING.filter(lambda v: v is not None and not isinstance(v, dict))
NON_FINITE = st.sampled_from([math.inf, -math.inf, math.nan])
KEYS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


class Case(NamedTuple):
    where: str  # how the message names the argument
    call: Callable[[Apis, Any], Any]


# -- path parameters -----------------------------------------------------------------------------------

PATH_STR = [
    Case("get_task_instance(dag_id)", lambda a, v: a.ti.get_task_instance(v, "r", "t")),
    Case("get_task_instance(dag_run_id)", lambda a, v: a.ti.get_task_instance("d", v, "t")),
    Case("get_task_instance(task_id)", lambda a, v: a.ti.get_task_instance("d", "r", v)),
    Case("get_log(task_id)", lambda a, v: a.ti.get_log("d", "r", v, 1)),
    Case("get_dag_runs(dag_id)", lambda a, v: a.dr.get_dag_runs(v)),
    Case("delete_dag_run(dag_run_id)", lambda a, v: a.dr.delete_dag_run("d", v)),
    Case("get_variable(variable_key)", lambda a, v: a.var.get_variable(v)),
    Case("delete_variable(variable_key)", lambda a, v: a.var.delete_variable(v)),
    Case("patch_variable(variable_key)", lambda a, v: a.var.patch_variable(v, {"key": "k", "value": "v"})),
    Case("get_pool(pool_name)", lambda a, v: a.pool.get_pool(v)),
    Case("delete_pool(pool_name)", lambda a, v: a.pool.delete_pool(v)),
]

PATH_INT = [
    Case("get_mapped_task_instance(map_index)", lambda a, v: a.ti.get_mapped_task_instance("d", "r", "t", v)),
    Case("get_log(task_try_number)", lambda a, v: a.ti.get_log("d", "r", "t", v)),
    Case("set_mapped_task_instance_note(map_index)",
         lambda a, v: a.ti.set_mapped_task_instance_note("d", "r", "t", v, {"note": "n"})),
    Case("get_task_instance_try_details(task_try_number)",
         lambda a, v: a.ti.get_task_instance_try_details("d", "r", "t", v)),
]


@examples(240)
@given(case=st.sampled_from(PATH_STR), value=NOT_STR)
def test_a_path_string_of_another_type_is_refused_naming_argument_type_and_value(apis, case, value):
    refused(apis, lambda: case.call(apis, value), client.ApiTypeError, case.where, "expected str", given_text(value))


@examples(150)
@given(case=st.sampled_from(PATH_INT), value=NOT_INT)
def test_a_path_integer_of_another_type_is_refused_naming_argument_type_and_value(apis, case, value):
    refused(apis, lambda: case.call(apis, value), client.ApiTypeError, case.where, "expected int", given_text(value))


# -- query parameters ----------------------------------------------------------------------------------

QUERY_INT = [
    Case("get_task_instances(limit)", lambda a, v: a.ti.get_task_instances("d", "r", limit=v)),
    Case("get_task_instances(offset)", lambda a, v: a.ti.get_task_instances("d", "r", offset=v)),
    Case("get_dag_runs(limit)", lambda a, v: a.dr.get_dag_runs("d", limit=v)),
    Case("get_variables(offset)", lambda a, v: a.var.get_variables(offset=v)),
    Case("get_pools(limit)", lambda a, v: a.pool.get_pools(limit=v)),
    Case("get_log(map_index)", lambda a, v: a.ti.get_log("d", "r", "t", 1, map_index=v)),
]
QUERY_BOOL = [
    Case("get_log(full_content)", lambda a, v: a.ti.get_log("d", "r", "t", 1, full_content=v)),
    Case("get_dags(only_active)", lambda a, v: a.dag.get_dags(only_active=v)),
]
QUERY_FLOAT = [
    Case("get_task_instances(duration_gte)", lambda a, v: a.ti.get_task_instances("d", "r", duration_gte=v)),
    Case("get_task_instances(duration_lte)", lambda a, v: a.ti.get_task_instances("d", "r", duration_lte=v)),
    Case("get_mapped_task_instances(duration_gte)",
         lambda a, v: a.ti.get_mapped_task_instances("d", "r", "t", duration_gte=v)),
]
QUERY_DATETIME = [
    Case("get_task_instances(execution_date_gte)",
         lambda a, v: a.ti.get_task_instances("d", "r", execution_date_gte=v)),
    Case("get_task_instances(updated_at_lte)", lambda a, v: a.ti.get_task_instances("d", "r", updated_at_lte=v)),
    Case("get_dag_runs(start_date_gte)", lambda a, v: a.dr.get_dag_runs("d", start_date_gte=v)),
    Case("get_dag_runs(end_date_lte)", lambda a, v: a.dr.get_dag_runs("d", end_date_lte=v)),
]
QUERY_LIST = [
    Case("get_task_instances(state)", lambda a, v: a.ti.get_task_instances("d", "r", state=v)),
    Case("get_task_instances(pool)", lambda a, v: a.ti.get_task_instances("d", "r", pool=v)),
    Case("get_dag_runs(state)", lambda a, v: a.dr.get_dag_runs("d", state=v)),
    Case("get_dag_runs(fields)", lambda a, v: a.dr.get_dag_runs("d", fields=v)),
    Case("patch_variable(update_mask)",
         lambda a, v: a.var.patch_variable("k", {"key": "k", "value": "v"}, update_mask=v)),
    Case("patch_pool(update_mask)", lambda a, v: a.pool.patch_pool("p", {"name": "p", "slots": 1}, update_mask=v)),
]


@examples(180)
@given(case=st.sampled_from(QUERY_INT), value=NOT_INT)
def test_a_query_integer_of_another_type_is_refused_naming_argument_type_and_value(apis, case, value):
    refused(apis, lambda: case.call(apis, value), client.ApiTypeError, case.where, "expected int", given_text(value))


@examples(120)
@given(case=st.sampled_from(QUERY_BOOL), value=NOT_BOOL)
def test_a_query_boolean_of_another_type_is_refused_naming_argument_type_and_value(apis, case, value):
    refused(apis, lambda: case.call(apis, value), client.ApiTypeError, case.where, "expected bool", given_text(value))


@examples(150)
@given(case=st.sampled_from(QUERY_FLOAT), value=NOT_FLOAT)
def test_a_query_float_of_another_type_is_refused_naming_argument_type_and_value(apis, case, value):
    refused(apis, lambda: case.call(apis, value), client.ApiTypeError, case.where, "expected float", given_text(value))


@examples(60)
@given(case=st.sampled_from(QUERY_FLOAT), value=NON_FINITE)
def test_a_non_finite_query_float_is_refused_as_a_value_error(apis, case, value):
    refused(apis, lambda: case.call(apis, value), client.ApiValueError, case.where, "finite", repr(value))


@examples(150)
@given(case=st.sampled_from(QUERY_DATETIME), value=NOT_DATETIME)
def test_a_query_datetime_of_another_type_is_refused_naming_argument_type_and_value(apis, case, value):
    refused(apis, lambda: case.call(apis, value), client.ApiTypeError, case.where, "expected datetime",
            given_text(value))


@examples(240)
@given(case=st.sampled_from(QUERY_DATETIME), text=st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\d{1,5}-\d{1,3}-\d{1,3}([T ]\d{1,3}(:\d{1,3}){0,3}(\.\d{0,9})?)?(Z|[+-]\d{1,2}(:?\d{1,2})?)?",
                  fullmatch=True),
))
def test_a_query_datetime_string_is_either_sent_as_an_aware_iso_timestamp_or_refused(apis, case, text):
    """Strings are parsed as ISO 8601: what parses goes out with an offset, the rest is an ApiValueError."""
    before = len(apis.server.seen)
    try:
        case.call(apis, text)
    except client.ApiValueError as err:
        assert case.where in str(err) and "ISO 8601" in str(err) and shown(text) in str(err)
        assert len(apis.server.seen) == before
        count("bad inputs tried")
        return
    name = case.where.split("(")[1].rstrip(")")
    (sent,) = parse_qs(urlsplit(apis.server.last.target).query)[name]
    assert datetime.fromisoformat(sent).tzinfo is not None, sent


def _list_with_a_bad_element(element: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[list[Any], int]]:
    @st.composite
    def build(draw: st.DrawFn) -> tuple[list[Any], int]:
        items = draw(st.lists(st.text(max_size=8), max_size=4))
        index = draw(st.integers(0, len(items)))
        items.insert(index, draw(element))
        return items, index

    return build()


@examples(150)
@given(case=st.sampled_from(QUERY_LIST), value=NOT_LIST)
def test_a_multi_valued_query_parameter_that_is_not_a_list_is_refused(apis, case, value):
    # A lone string included: it is refused rather than split into characters.
    refused(apis, lambda: case.call(apis, value), client.ApiTypeError, case.where, "expected list of str",
            given_text(value))


@examples(150)
@given(case=st.sampled_from(QUERY_LIST), bad=_list_with_a_bad_element(NOT_STR | st.none()))
def test_a_multi_valued_query_list_with_a_wrong_element_names_its_index(apis, case, bad):
    items, index = bad
    refused(apis, lambda: case.call(apis, items), client.ApiTypeError, f"{case.where}[{index}]", "expected str",
            given_text(items[index]))


# -- request bodies and their fields -------------------------------------------------------------------

BODIES = [
    ("post_variables(variable)", "Variable", lambda a, v: a.var.post_variables(v)),
    ("patch_variable(variable)", "Variable", lambda a, v: a.var.patch_variable("k", v)),
    ("post_pool(pool)", "Pool", lambda a, v: a.pool.post_pool(v)),
    ("patch_pool(pool)", "Pool", lambda a, v: a.pool.patch_pool("p", v)),
    ("patch_task_instance(update_task_instance)", "UpdateTaskInstance",
     lambda a, v: a.ti.patch_task_instance("d", "r", "t", v)),
    ("set_task_instance_note(set_task_instance_note)", "SetTaskInstanceNote",
     lambda a, v: a.ti.set_task_instance_note("d", "r", "t", v)),
    ("get_task_instances_batch(list_task_instance_form)", "ListTaskInstanceForm",
     lambda a, v: a.ti.get_task_instances_batch(v)),
    ("post_dag_run(dag_run)", "DAGRun", lambda a, v: a.dr.post_dag_run("d", v)),
    ("update_dag_run_state(update_dag_run_state)", "UpdateDagRunState",
     lambda a, v: a.dr.update_dag_run_state("d", "r", v)),
    ("post_connection(connection)", "Connection", lambda a, v: a.conn.post_connection(v)),
]


@examples(240)
@given(body=st.sampled_from(BODIES), value=NOT_DICT)
def test_a_request_body_of_another_type_is_refused_naming_argument_and_model(apis, body, value):
    where, model, call = body
    refused(apis, lambda: call(apis, value), client.ApiTypeError, where, f"expected {model}",
            f"got {type(value).__name__}")


@pytest.mark.parametrize("value", [5, "name=p", ["p", 1]])
def test_a_request_body_of_another_type_is_refused_showing_the_value_given(apis, value):
    refused(apis, lambda: apis.pool.post_pool(value), client.ApiTypeError, "post_pool(pool)", "expected Pool",
            given_text(value))


class Field(NamedTuple):
    where: str  # the argument and field as the message names them
    call: Callable[[Apis, Any], Any]  # sends a valid body whose one field is the value given
    expected: str
    wrong: st.SearchStrategy[Any]
    secret: bool = False


def _body(call: Callable[[Apis, dict[str, Any]], Any], base: dict[str, Any], name: str) -> Callable[[Apis, Any], Any]:
    return lambda a, v: call(a, {**base, name: v})


_POOL = {"name": "p", "slots": 2}
_VAR = {"key": "k", "value": "v"}
_CONN = {"connection_id": "c", "conn_type": "http"}

NESTED = [
    Field("post_pool(pool).slots", _body(lambda a, b: a.pool.post_pool(b), _POOL, "slots"), "expected int", NOT_INT),
    Field("post_pool(pool).name", _body(lambda a, b: a.pool.post_pool(b), _POOL, "name"), "expected str", NOT_STR),
    Field("post_pool(pool).include_deferred", _body(lambda a, b: a.pool.post_pool(b), _POOL, "include_deferred"),
          "expected bool", NOT_BOOL),
    Field("post_variables(variable).key", _body(lambda a, b: a.var.post_variables(b), _VAR, "key"), "expected str",
          NOT_STR),
    Field("patch_variable(variable).value", _body(lambda a, b: a.var.patch_variable("k", b), _VAR, "value"),
          "expected str", NOT_STR),
    Field("patch_task_instance(update_task_instance).dry_run",
          _body(lambda a, b: a.ti.patch_task_instance("d", "r", "t", b), {"new_state": "success"}, "dry_run"),
          "expected bool", NOT_BOOL),
    Field("get_task_instances_batch(list_task_instance_form).page_limit",
          _body(lambda a, b: a.ti.get_task_instances_batch(b), {}, "page_limit"), "expected int", NOT_INT),
    Field("get_task_instances_batch(list_task_instance_form).duration_gte",
          _body(lambda a, b: a.ti.get_task_instances_batch(b), {}, "duration_gte"), "expected float", NOT_FLOAT),
    Field("get_task_instances_batch(list_task_instance_form).start_date_gte",
          _body(lambda a, b: a.ti.get_task_instances_batch(b), {}, "start_date_gte"), "expected datetime",
          NOT_DATETIME),
    Field("get_task_instances_batch(list_task_instance_form).dag_ids",
          _body(lambda a, b: a.ti.get_task_instances_batch(b), {}, "dag_ids"), "expected list of str", NOT_LIST),
    Field("post_dag_run(dag_run).conf", _body(lambda a, b: a.dr.post_dag_run("d", b), {}, "conf"), "expected dict",
          NOT_DICT),
    Field("post_dag_run(dag_run).logical_date", _body(lambda a, b: a.dr.post_dag_run("d", b), {}, "logical_date"),
          "expected datetime", NOT_DATETIME),
    Field("set_task_instance_note(set_task_instance_note).note",
          _body(lambda a, b: a.ti.set_task_instance_note("d", "r", "t", b), {}, "note"), "expected str", NOT_STR),
    Field("post_connection(connection).port", _body(lambda a, b: a.conn.post_connection(b), _CONN, "port"),
          "expected int", NOT_INT),
    # A secret field is named, but the value given is never shown.
    Field("post_connection(connection).password", _body(lambda a, b: a.conn.post_connection(b), _CONN, "password"),
          "expected str", NOT_STR, secret=True),
]


@examples(360)
@given(field=st.sampled_from(NESTED), data=st.data())
def test_a_nested_body_field_of_another_type_is_refused_naming_argument_field_type_and_value(apis, field, data):
    value = data.draw(field.wrong, label="value")
    if field.secret:
        err = refused(apis, lambda: field.call(apis, value), client.ApiTypeError, field.where, field.expected,
                      f"got {type(value).__name__} <hidden>")
        assert shown(value) not in str(err) or len(shown(value)) < 3
    else:
        refused(apis, lambda: field.call(apis, value), client.ApiTypeError, field.where, field.expected,
                given_text(value))


@examples(90)
@given(value=NON_FINITE, name=st.sampled_from(["duration_gte", "duration_lte"]))
def test_a_non_finite_float_in_a_body_is_refused(apis, value, name):
    refused(apis, lambda: apis.ti.get_task_instances_batch({name: value}), client.ApiValueError,
            f"get_task_instances_batch(list_task_instance_form).{name}", "finite", repr(value))


UNSERIALISABLE = [float("nan"), float("inf"), {1, 2}, object(), 1j, b"bytes", {(1, 2): "tuple key"}]


@pytest.mark.parametrize("value", UNSERIALISABLE, ids=[type(v).__name__ for v in UNSERIALISABLE])
def test_a_conf_value_that_is_not_json_is_refused_naming_the_field(apis, value):
    refused(apis, lambda: apis.dr.post_dag_run("d", {"conf": {"x": value}}), client.OpenApiException,
            "post_dag_run(dag_run).conf")


# -- unknown names -------------------------------------------------------------------------------------

METHODS = [
    (lambda a: a.ti.get_task_instances, ("d", "r")),
    (lambda a: a.ti.get_task_instance, ("d", "r", "t")),
    (lambda a: a.ti.get_log, ("d", "r", "t", 1)),
    (lambda a: a.ti.patch_task_instance, ("d", "r", "t", {"dry_run": True})),
    (lambda a: a.dr.get_dag_runs, ("d",)),
    (lambda a: a.dr.update_dag_run_state, ("d", "r", {"state": "success"})),
    (lambda a: a.var.get_variables, ()),
    (lambda a: a.var.post_variables, (_VAR,)),
    (lambda a: a.var.delete_variable, ("k",)),
    (lambda a: a.pool.patch_pool, ("p", _POOL)),
    (lambda a: a.pool.get_pool, ("p",)),
]
IDENTIFIERS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True)


@examples(240)
@given(method=st.sampled_from(METHODS), name=IDENTIFIERS, value=ANYTHING)
def test_an_unknown_keyword_argument_is_refused_listing_the_known_ones(apis, method, name, value):
    bound, args = method
    fn = bound(apis)
    op = fn.operation
    assume(name not in op.annotations and name not in CALL_OPTIONS)
    refused(apis, lambda: fn(*args, **{name: value}), client.ApiTypeError, f"{op.name}()",
            f"unexpected keyword argument {name!r}", ", ".join(op.annotations))


MODELS_SENT = [
    (Pool, lambda a, b: a.pool.post_pool({**_POOL, **b})),
    (Variable, lambda a, b: a.var.post_variables({**_VAR, **b})),
    (UpdateTaskInstance, lambda a, b: a.ti.patch_task_instance("d", "r", "t", b)),
    (DAGRun, lambda a, b: a.dr.post_dag_run("d", b)),
]


@examples(180)
@given(model=st.sampled_from(MODELS_SENT), name=st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,20}", fullmatch=True),
       value=ANYTHING)
def test_an_unknown_field_in_a_body_is_refused_listing_the_known_ones(apis, model, name, value):
    cls, call = model
    fields = cls._field_names()
    assume(name not in fields)
    refused(apis, lambda: call(apis, {name: value}), client.ApiTypeError, f"unknown field {name!r}",
            ", ".join(fields))


@pytest.mark.parametrize("key, value", [("_check_type", False), ("_configuration", None), ("_path_to_item", []),
                                        ("_spec_property_naming", True), ("_visited_composed_classes", ())])
def test_a_body_dict_cannot_carry_constructor_options(apis, key, value):
    refused(apis, lambda: apis.pool.post_pool({"name": "p", "slots": 1, key: value}), client.ApiTypeError,
            "post_pool(pool)", f"unknown field {key!r}")


def test_a_body_dict_cannot_switch_off_the_checks(apis):
    refused(apis, lambda: apis.pool.post_pool({"name": "p", "slots": "many", "_check_type": False}),
            client.ApiTypeError, "post_pool(pool).slots", "expected int", "got str 'many'")


# -- enums, None, missing arguments, read-only fields ----------------------------------------------------------

ENUMS = [
    ("patch_task_instance(update_task_instance).new_state", UpdateTaskState,
     lambda a, v: a.ti.patch_task_instance("d", "r", "t", {"dry_run": True, "new_state": v})),
    ("UpdateTaskInstance.new_state", UpdateTaskState,
     lambda a, v: a.ti.patch_task_instance("d", "r", "t", UpdateTaskInstance(new_state=v))),
    ("get_task_instances_batch(list_task_instance_form).state[0]", TaskState,
     lambda a, v: a.ti.get_task_instances_batch({"state": [v]})),
    ("post_dag_run(dag_run).state", DagState, lambda a, v: a.dr.post_dag_run("d", {"state": v})),
]


@examples(240)
@given(enum=st.sampled_from(ENUMS), value=st.text(max_size=20))
def test_an_invalid_enum_value_is_refused_listing_the_allowed_values(apis, enum, value):
    where, cls, call = enum
    assume(value not in cls._allowed)
    refused(apis, lambda: call(apis, value), client.ApiValueError, where, f"{value!r} is not a valid {cls.__name__}",
            ", ".join(map(repr, cls._allowed)))


@examples(120)
@given(enum=st.sampled_from(ENUMS), value=NOT_STR)
def test_an_enum_value_of_another_type_is_refused(apis, enum, value):
    where, cls, call = enum
    refused(apis, lambda: call(apis, value), client.ApiTypeError, where,
            "expected one of " + ", ".join(map(repr, cls._allowed)), given_text(value))


LITERALS = [
    ("update_dag_run_state(update_dag_run_state).state", ("success", "failed", "queued"),
     lambda a, v: a.dr.update_dag_run_state("d", "r", {"state": v})),
]


@examples(120)
@given(literal=st.sampled_from(LITERALS), value=st.text(max_size=20))
def test_a_value_outside_an_inline_enum_is_refused_listing_the_allowed_values(apis, literal, value):
    where, allowed, call = literal
    assume(value not in allowed)
    refused(apis, lambda: call(apis, value), client.ApiValueError, where, f"{value!r} is not allowed",
            "expected one of " + ", ".join(map(repr, allowed)))


REQUIRED_NONE = [
    Case("get_variable(variable_key)", lambda a, v: a.var.get_variable(v)),
    Case("get_task_instance(task_id)", lambda a, v: a.ti.get_task_instance("d", "r", v)),
    Case("get_mapped_task_instance(map_index)", lambda a, v: a.ti.get_mapped_task_instance("d", "r", "t", v)),
    Case("post_pool(pool)", lambda a, v: a.pool.post_pool(v)),
    Case("patch_task_instance(update_task_instance)", lambda a, v: a.ti.patch_task_instance("d", "r", "t", v)),
    Case("post_pool(pool).name", lambda a, v: a.pool.post_pool({"name": v, "slots": 1})),
    Case("post_pool(pool).slots", lambda a, v: a.pool.post_pool({"name": "p", "slots": v})),
    Case("set_task_instance_note(set_task_instance_note).note",
         lambda a, v: a.ti.set_task_instance_note("d", "r", "t", {"note": v})),
    Case("post_dag_run(dag_run).conf", lambda a, v: a.dr.post_dag_run("d", {"conf": v})),
]


@pytest.mark.parametrize("case", REQUIRED_NONE, ids=[c.where for c in REQUIRED_NONE])
def test_none_for_a_required_value_is_refused(apis, case):
    refused(apis, lambda: case.call(apis, None), client.ApiTypeError, case.where, "expected", "got None")


MISSING = [
    (lambda a: a.ti.get_task_instance, ("d", "r", "t")),
    (lambda a: a.ti.get_log, ("d", "r", "t", 1)),
    (lambda a: a.ti.patch_task_instance, ("d", "r", "t", {"dry_run": True})),
    (lambda a: a.dr.get_dag_run, ("d", "r")),
    (lambda a: a.var.patch_variable, ("k", _VAR)),
    (lambda a: a.pool.post_pool, (_POOL,)),
]


@examples(36)
@given(method=st.sampled_from(MISSING), data=st.data())
def test_a_missing_positional_argument_is_a_type_error_naming_it(apis, method, data):
    bound, args = method
    fn = bound(apis)
    kept = data.draw(st.integers(0, len(args) - 1), label="kept")
    missing = fn.operation.positional[kept:]
    err = refused(apis, lambda: fn(*args[:kept]), TypeError, f"{fn.operation.name}()", "missing",
                  ", ".join(missing))
    assert isinstance(err, client.ApiTypeError)


def _valid_value(kind: Any) -> st.SearchStrategy[Any] | None:
    if isinstance(kind, LiteralKind):
        return st.sampled_from(kind.values)
    if isinstance(kind, StrKind):
        return st.text(max_size=10)
    if isinstance(kind, IntKind):
        return st.integers()
    if isinstance(kind, BoolKind):
        return st.booleans()
    if isinstance(kind, DateTimeKind):
        return st.datetimes(timezones=st.just(timezone.utc))
    if isinstance(kind, ListKind) and isinstance(kind.item, StrKind):
        return st.lists(st.text(max_size=5), max_size=2)
    return st.none() if kind.nullable else None


READ_ONLY = [
    ("DAG", DAG, lambda a, b: a.dag.patch_dag("d", b), {}),
    ("Pool", Pool, lambda a, b: a.pool.post_pool(b), _POOL),
    ("Pool", Pool, lambda a, b: a.pool.patch_pool("p", b), _POOL),
    ("DAGRun", DAGRun, lambda a, b: a.dr.post_dag_run("d", b), {}),
]


@examples(180)
@given(target=st.sampled_from(READ_ONLY), as_model=st.booleans(), data=st.data())
def test_a_read_only_field_in_a_request_body_is_refused_naming_it(apis, target, as_model, data):
    name, cls, call, base = target
    kinds = cls._tables()
    choices = [f for f in cls._read_only if _valid_value(kinds[f]) is not None]
    field = data.draw(st.sampled_from(choices), label="field")
    value = data.draw(_valid_value(kinds[field]), label="value")
    body = {**base, field: value}
    sent = cls(**body) if as_model else body  # building the model is allowed; sending it is not
    refused(apis, lambda: call(apis, sent), client.ApiValueError, f"{name}.{field}", "read-only")


def test_dag_with_its_dag_id_sent_to_patch_dag_is_refused(apis):
    refused(apis, lambda: apis.dag.patch_dag("example", DAG(dag_id="example", is_paused=True)), client.ApiValueError,
            "DAG.dag_id is read-only")


# -- call options of the wrong shape ----------------------------------------------------------------------


@examples(120)
@given(option=st.sampled_from(sorted(CALL_OPTIONS)), value=ANYTHING)
def test_a_call_option_of_another_type_is_refused_naming_it(apis, option, value):
    allowed = CALL_OPTIONS[option]
    assume(not isinstance(value, allowed) or (bool not in allowed and isinstance(value, bool)))
    refused(apis, lambda: apis.var.get_variable("k", **{option: value}), client.ApiTypeError, f"option {option}",
            f"got {type(value).__name__} {shown(value)}")


BAD_OPTIONS = [
    ("_request_timeout", -1),
    ("_request_timeout", 0),
    ("_request_timeout", float("nan")),
    ("_request_timeout", float("-inf")),
    ("_request_timeout", (1, "x")),
    ("_request_timeout", (None, -2)),
    ("_headers", {"X-Trace": "a\r\nInjected: yes"}),
    ("_headers", {"X-Trace": "caf\u00e9 \u20ac"}),
    ("_headers", {1: "x"}),
    ("_headers", {"X-Trace": None}),
]


@pytest.mark.parametrize("option, value", BAD_OPTIONS, ids=[f"{o}={v!r}" for o, v in BAD_OPTIONS])
def test_a_call_option_with_an_impossible_value_is_refused_naming_it(apis, option, value):
    refused(apis, lambda: apis.var.get_variable("k", **{option: value}), client.OpenApiException, option)


# -- strings that cannot be encoded ----------------------------------------------------------------------


@pytest.mark.parametrize("call, where, value", [
    (lambda a: a.var.get_variable("key-\ud800"), "get_variable(variable_key)", "key-\ud800"),
    (lambda a: a.var.post_variables({"key": "k", "value": "\udcff"}), "post_variables(variable).value", "\udcff"),
    (lambda a: a.ti.get_task_instances("d", "r", state=["\ud83d"]), "get_task_instances(state)[0]", "\ud83d"),
], ids=["path", "body field", "query list"])
def test_a_string_with_a_lone_surrogate_is_refused_as_an_api_value_error(apis, call, where, value):
    refused(apis, lambda: call(apis), client.ApiValueError, where, "surrogate", repr(value))


# -- valid input that looks odd: naive datetimes, path keys that need escaping ------------------------------

NAIVE = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))
OFFSETS = st.builds(lambda m: timezone(timedelta(minutes=m)), st.integers(-23 * 60 - 59, 23 * 60 + 59))


def _query_value(apis: Apis, name: str) -> str:
    (value,) = parse_qs(urlsplit(apis.server.last.target).query)[name]
    return value


@examples(120)
@given(moment=NAIVE, case=st.sampled_from(QUERY_DATETIME))
def test_a_naive_datetime_query_value_is_sent_as_utc(apis, moment, case):
    case.call(apis, moment)
    name = case.where.split("(")[1].rstrip(")")
    sent = _query_value(apis, name)
    assert sent == moment.replace(tzinfo=timezone.utc).isoformat()
    assert sent.endswith("+00:00")


@examples(60)
@given(moment=NAIVE, offset=OFFSETS)
def test_an_aware_datetime_query_value_keeps_its_offset(apis, moment, offset):
    aware_moment = moment.replace(tzinfo=offset)
    apis.dr.get_dag_runs("d", start_date_gte=aware_moment)
    sent = datetime.fromisoformat(_query_value(apis, "start_date_gte"))
    assert sent == aware_moment and sent.utcoffset() == offset.utcoffset(None)


@examples(90)
@given(moment=NAIVE)
def test_a_naive_datetime_in_a_body_is_sent_as_utc(apis, moment):
    apis.ti.get_task_instances_batch({"start_date_gte": moment, "dag_ids": ["d"]})
    assert apis.server.last.json()["start_date_gte"] == moment.replace(tzinfo=timezone.utc).isoformat()
    apis.dr.post_dag_run("d", DAGRun(logical_date=moment))
    assert apis.server.last.json()["logical_date"].endswith("+00:00")


def test_a_naive_datetime_string_is_sent_as_utc(apis):
    apis.ti.get_task_instances("d", "r", start_date_gte="2024-03-01T12:30:00")
    assert _query_value(apis, "start_date_gte") == "2024-03-01T12:30:00+00:00"
    assert apis.server.last.target.endswith("start_date_gte=2024-03-01T12%3A30%3A00%2B00%3A00")


def test_a_date_is_not_a_datetime(apis):
    refused(apis, lambda: apis.ti.get_task_instances("d", "r", start_date_gte=date(2024, 3, 1)), client.ApiTypeError,
            "(start_date_gte)", "expected datetime", "got date datetime.date(2024, 3, 1)")


EXACT_PATHS = [
    ("a/b?c#d%e f", "a%2Fb%3Fc%23d%25e%20f"),
    ("ключ-é-😀", "%D0%BA%D0%BB%D1%8E%D1%87-%C3%A9-%F0%9F%98%80"),
    ("100%", "100%25"),
    ("%2F", "%252F"),
    ("a+b=c&d;e", "a%2Bb%3Dc%26d%3Be"),
    ("tab\tand\nnewline", "tab%09and%0Anewline"),
    ("~under_score-dot.", "~under_score-dot."),
]


@pytest.mark.parametrize("key, encoded", EXACT_PATHS)
def test_a_path_key_is_percent_encoded_exactly(apis, key, encoded):
    apis.server.reply(Answer(body={"key": key, "value": "v"}))
    assert apis.var.get_variable(key).key == key
    assert apis.server.last.target == f"/api/v1/variables/{encoded}"
    apis.ti.get_task_instance(key, key, key)
    assert apis.server.last.target == f"/api/v1/dags/{encoded}/dagRuns/{encoded}/taskInstances/{encoded}"
    apis.var.delete_variable(key)
    assert (apis.server.last.method, apis.server.last.target) == ("DELETE", f"/api/v1/variables/{encoded}")


_SEGMENT = re.compile(r"(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})+")


@examples(180)
@given(key=KEYS | st.sampled_from([".", ".."]))
def test_any_path_key_is_sent_as_one_segment_that_decodes_to_it(apis, key):
    apis.pool.get_pool(key)
    target = apis.server.last.target
    assert target.startswith("/api/v1/pools/")
    segment = target[len("/api/v1/pools/"):]
    assert _SEGMENT.fullmatch(segment), segment
    assert unquote(segment, errors="strict") == key


@examples(120)
@given(values=st.lists(KEYS, min_size=1, max_size=4), order_by=KEYS)
def test_any_query_values_are_sent_so_that_they_decode_to_themselves(apis, values, order_by):
    apis.ti.get_task_instances("d", "r", state=values, pool=values[:1])
    query = parse_qs(urlsplit(apis.server.last.target).query, keep_blank_values=True, errors="strict")
    assert query["state"] == values and query["pool"] == values[:1]
    apis.var.get_variables(order_by=order_by)
    assert _query_value(apis, "order_by") == order_by


@pytest.mark.parametrize("key", [".", ".."])
def test_a_dot_segment_key_still_addresses_that_key(apis, key):
    apis.server.reply(Answer(status=204, body=b""))
    apis.dr.delete_dag_run("x", key)
    seen = apis.server.last
    # Percent-encoded, or URL normalisation would drop the segment: DELETE /api/v1/dags/x/ (the DAG!).
    assert (seen.method, seen.target) == ("DELETE", "/api/v1/dags/x/dagRuns/" + key.replace(".", "%2E"))
    apis.var.delete_variable(key)
    assert apis.server.last.target == "/api/v1/variables/" + key.replace(".", "%2E")


def test_the_body_sent_for_odd_keys_is_plain_utf8_json(apis):
    key = "a/b?c#d%e f ключ 😀"
    apis.server.reply(Answer(body={"key": key, "value": "v"}))
    apis.var.post_variables({"key": key, "value": "ünïcode"})
    assert json.loads(apis.server.last.body.decode("utf-8")) == {"key": key, "value": "ünïcode"}
