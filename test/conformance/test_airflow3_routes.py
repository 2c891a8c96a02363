"""tools/airflow3_routes.py against the two OpenAPI descriptions it is drawn from.

Airflow 2.11.2's v1 description is read from the harness's Airflow 2 virtualenv, Airflow 3.3.2's v2
description (and the FAB auth manager's, for users, roles and permissions) from its Airflow 3
virtualenv; both are built by the harness when missing, nothing is copied into the repository.

Every expectation is computed here from the two descriptions: which operations exist, their methods,
paths, parameters, request bodies and answers, field by field. The map must account for each v1
parameter and field (same name on both sides, or renamed, dropped, filled, derived or retyped, with
the reason) and for each v2 operation (serving a v1 operation, or listed as v2-only), and every entry
it makes must name something that exists.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from airflow_client.client import apis
from tools import airflow3_routes as m
from tools.local_airflow import REPO_ROOT, cache_root, ensure_airflow_venv

METHODS = ("get", "post", "put", "patch", "delete")
V2_PREFIX = "/api/v2"
FAB_PREFIX = "/auth/fab/v1"
V2_SPEC = "airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml"
FAB_SPEC = "airflow/providers/fab/auth_manager/api_fastapi/openapi/v2-fab-auth-manager-generated.yaml"

Spec = dict[str, Any]


class Shape(NamedTuple):
    kinds: frozenset[str]  # the JSON kinds a value may have
    values: frozenset[Any] | None  # the enum values allowed, or None when any value of those kinds is
    enum: str | None = None  # the name of the enum schema behind `values`, when it has one


Fields = dict[str, Shape]


# ---------------------------------------------------------------------------------------------------
# Reading the descriptions


def _airflow3_venv() -> Path:
    """The harness's Airflow 3 virtualenv, built through the harness when it is missing."""
    try:
        from tools.local_airflow3 import AIRFLOW_3  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        # A harness without Airflow 3 support yet: use the venv it would build, if present.
        venv = cache_root() / f"airflow-{m.AIRFLOW_3_VERSION}"
        if not (venv / "pyvenv.cfg").is_file():
            pytest.fail(
                f"no Airflow {m.AIRFLOW_3_VERSION} virtualenv at {venv}, and tools/local_airflow3.py "
                "(which builds it) is missing from this checkout"
            )
        return venv
    assert AIRFLOW_3.version == m.AIRFLOW_3_VERSION, (AIRFLOW_3.version, m.AIRFLOW_3_VERSION)
    return Path(ensure_airflow_venv(AIRFLOW_3))  # type: ignore[arg-type, unused-ignore]


def _spec_in(venv: Path, relative: str) -> Spec:
    found = sorted(venv.glob(f"lib/python3*/site-packages/{relative}"))
    if len(found) != 1:
        pytest.fail(f"expected exactly one {relative} under {venv}, found {found}")
    loaded: Spec = yaml.safe_load(found[0].read_text())
    return loaded


@pytest.fixture(scope="module")
def v1() -> Spec:
    return _spec_in(Path(ensure_airflow_venv()), "airflow/api_connexion/openapi/v1.yaml")


@pytest.fixture(scope="module")
def airflow3() -> Path:
    return _airflow3_venv()


@pytest.fixture(scope="module")
def v2(airflow3: Path) -> Spec:
    return _spec_in(airflow3, V2_SPEC)


@pytest.fixture(scope="module")
def fab(airflow3: Path) -> Spec:
    return _spec_in(airflow3, FAB_SPEC)


def deref(spec: Spec, node: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = spec["components"][section][name]
    return node


class Op:
    """One operation of a description, its parameters resolved."""

    def __init__(self, spec: Spec, path: str, method: str, item: Mapping[str, Any]) -> None:
        op = item[method]
        self.spec = spec
        self.id: str = op["operationId"]
        self.method = method.upper()
        self.path = path
        self.tags: list[str] = op.get("tags", [])
        self.params = {
            p["name"]: p for p in (deref(spec, p) for p in [*item.get("parameters", []), *op.get("parameters", [])])
        }
        self.body: Mapping[str, Any] | None = None
        if "requestBody" in op:
            content = deref(spec, op["requestBody"])["content"]
            self.body = content["application/json"]["schema"]
        self.success = sorted(code for code in op["responses"] if code.startswith("2"))
        self.answer: Mapping[str, Any] | None = None
        for code in self.success:
            content = deref(spec, op["responses"][code]).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema and not _is_null_schema(schema):
                self.answer = schema

    def relative_route(self, prefix: str) -> str:
        assert self.path.startswith(prefix + "/"), (self.id, self.path, prefix)
        return f"{self.method} {self.path[len(prefix):]}"


def _is_null_schema(schema: Mapping[str, Any]) -> bool:
    return schema.get("type") == "null" or schema == {}


def operations(spec: Spec) -> dict[str, Op]:
    found: dict[str, Op] = {}
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                op = Op(spec, path, method, item)
                assert op.id not in found, f"operationId {op.id} appears twice"
                found[op.id] = op
    return found


# ---------------------------------------------------------------------------------------------------
# Schemas as flat field tables: "a.b" is field b of object a, "a[]" the items of list a.


def kinds(spec: Spec, node: Mapping[str, Any]) -> frozenset[str]:
    """The JSON kinds a schema admits, null left out: string, integer, number, boolean, array, object."""
    if "$ref" in node:
        return kinds(spec, deref(spec, node))
    for key in ("anyOf", "oneOf"):
        if key in node:
            return frozenset().union(*(kinds(spec, alt) for alt in node[key]))
    if "allOf" in node:
        return frozenset().union(*(kinds(spec, part) for part in node["allOf"]))
    kind = node.get("type")
    if kind == "null":
        return frozenset()
    if kind is None:
        if "properties" in node:
            return frozenset({"object"})
        if "enum" in node:
            return frozenset({"string"})
        return frozenset({"any"})
    return frozenset({kind})


def enum_values(spec: Spec, node: Mapping[str, Any]) -> frozenset[Any] | None:
    """The values an enum schema allows (null left out), or None for a schema that is no enum."""
    node = deref(spec, node)
    for key in ("anyOf", "oneOf"):
        if key in node:
            parts = [enum_values(spec, alt) for alt in node[key] if deref(spec, alt).get("type") != "null"]
            if not parts or any(part is None for part in parts):
                return None
            return frozenset().union(*parts)  # type: ignore[arg-type]
    if "enum" in node:
        return frozenset(v for v in node["enum"] if v is not None)
    return None


def enum_name(spec: Spec, node: Mapping[str, Any]) -> str | None:
    refs = [alt for alt in node.get("anyOf", [node]) if "$ref" in alt]
    if len(refs) == 1 and "enum" in deref(spec, refs[0]):
        name: str = refs[0]["$ref"].rsplit("/", 1)[1]
        return name
    return None


def shape(spec: Spec, node: Mapping[str, Any]) -> Shape:
    return Shape(kinds(spec, node), enum_values(spec, node), enum_name(spec, node))


def merge(a: Shape | None, b: Shape) -> Shape:
    if a is None:
        return b
    values = None if a.values is None or b.values is None else a.values | b.values
    return Shape(a.kinds | b.kinds, values, a.enum if a.enum == b.enum else None)


def flatten(spec: Spec, node: Mapping[str, Any], *, skip: str) -> Fields:
    """Every field path under `node` with its shape; properties marked `skip` (readOnly, writeOnly) left out."""
    table: Fields = {"": shape(spec, node)}
    _walk(spec, node, "", skip, (), table)
    return table


def _walk(spec: Spec, node: Mapping[str, Any], path: str, skip: str, seen: tuple[str, ...], table: Fields) -> None:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if name in seen:  # a recursive schema: its fields are already listed above
            return
        _walk(spec, deref(spec, node), path, skip, (*seen, name), table)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for part in node.get(key, []):
            _walk(spec, part, path, skip, seen, table)
    if node.get("type") == "array" and "items" in node:
        item = f"{path}[]"
        table[item] = merge(table.get(item), shape(spec, node["items"]))
        _walk(spec, node["items"], item, skip, seen, table)
    for name, prop in node.get("properties", {}).items():
        if prop.get(skip) or deref(spec, prop).get(skip):
            continue
        field = f"{path}.{name}" if path else name
        table[field] = merge(table.get(field), shape(spec, prop))
        _walk(spec, prop, field, skip, seen, table)


def _properties(spec: Spec, node: Mapping[str, Any]) -> dict[str, Any]:
    """The top-level properties of an object schema, allOf parts merged."""
    node = deref(spec, node)
    found: dict[str, Any] = {}
    for part in node.get("allOf", []):
        found.update(_properties(spec, part))
    found.update(node.get("properties", {}))
    return found


def required_fields(spec: Spec, node: Mapping[str, Any]) -> set[str]:
    node = deref(spec, node)
    required = set(node.get("required", []))
    for part in node.get("allOf", []):
        required |= required_fields(spec, part)
    return required


def fits(given: Shape, accepted: Shape, *, v1: Shape | None = None) -> bool:
    """Whether every value of the shape `given` is a value of the shape `accepted`.

    Enum values are compared where both sides list them (a side that does not is merely less precise,
    not a difference to translate). In answers (`v1` given), a v1 enum that ENUM_CHANGES describes
    may receive new values; what a v1 call sends must always fit, or be translated.
    """
    if "any" in accepted.kinds or accepted.kinds >= {"string", "number", "boolean", "array", "object"}:
        return True
    widened = set(accepted.kinds) | ({"integer"} if "number" in accepted.kinds else set())
    if not set(given.kinds) <= widened:
        return False
    if given.values is None or accepted.values is None or given.values <= accepted.values:
        return True
    return v1 is not None and v1.enum in m.ENUM_CHANGES


def describe(given: Shape) -> str:
    return "/".join(sorted(given.kinds)) + ("" if given.values is None else f" {sorted(given.values, key=str)}")


def is_under(path: str, covered: Iterable[str]) -> bool:
    """Whether `path` is one of `covered` or a field inside one of them."""
    return any(path == c or path.startswith(c + ".") or path.startswith(c + "[]") for c in covered)


def _inside_any(path: str, table: Fields) -> bool:
    return any(is_under(path, [p]) and path != p and "any" in k.kinds for p, k in table.items() if p)


def translate(path: str, renames: Mapping[str, str]) -> str:
    """`path` with the longest renamed prefix replaced; "" as a source matches every path."""
    best: tuple[int, str, str] | None = None
    for old, new in renames.items():
        if old == "" or path == old or path.startswith(old + ".") or path.startswith(old + "[]"):
            if best is None or len(old) > best[0]:
                best = (len(old), old, new)
    if best is None:
        return path
    _, old, new = best
    rest = path[len(old):]
    if old == "" and rest and new and not rest.startswith("["):
        rest = "." + rest
    joined = new + rest
    return joined[1:] if joined.startswith(".") else joined


# ---------------------------------------------------------------------------------------------------
# Shared lookups


@pytest.fixture(scope="module")
def v1_ops(v1: Spec) -> dict[str, Op]:
    return operations(v1)


@pytest.fixture(scope="module")
def v2_ops(v2: Spec) -> dict[str, Op]:
    return operations(v2)


@pytest.fixture(scope="module")
def fab_ops(fab: Spec) -> dict[str, Op]:
    return operations(fab)


def target(record: m.Route, v2_ops: dict[str, Op], fab_ops: dict[str, Op]) -> Op:
    assert record.v2 is not None
    return (fab_ops if record.base == m.FAB else v2_ops)[record.v2]


def mapped_pairs(
    v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> list[tuple[str, m.Route, Op, Op]]:
    return [
        (name, record, v1_ops[name], target(record, v2_ops, fab_ops))
        for name, record in sorted(m.ROUTES.items())
        if record.v2 is not None
    ]


def report(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} problem(s):\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------------------------------------------
# Operations and routes


def test_every_v1_operation_has_a_record(v1_ops: dict[str, Op]) -> None:
    assert len(v1_ops) == 89
    assert sorted(m.ROUTES) == sorted(v1_ops)


def test_the_v2_description_has_the_expected_size(v2: Spec, v2_ops: dict[str, Op]) -> None:
    assert len(v2_ops) == 128
    assert len(v2["components"]["schemas"]) == 163


def test_each_route_names_an_existing_operation_with_its_method_and_path(
    v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    problems = []
    for name, record in sorted(m.ROUTES.items()):
        if record.v2 is None:
            if record.route is not None or not record.none_why:
                problems.append(f"{name}: without a v2 operation it needs none_why and no route")
            continue
        if record.none_why is not None:
            problems.append(f"{name}: has a v2 operation and a none_why")
        ops, prefix = (fab_ops, FAB_PREFIX) if record.base == m.FAB else (v2_ops, V2_PREFIX)
        if record.v2 not in ops:
            problems.append(f"{name}: {record.v2} is not an operation of the {record.base} description")
            continue
        actual = ops[record.v2].relative_route(prefix)
        if record.route != actual:
            problems.append(f"{name}: route {record.route!r}, the description says {actual!r}")
        if record.dry_run_route is not None:
            dry = v2_ops.get(record.dry_run_route)
            if dry is None:
                problems.append(f"{name}: dry_run_route {record.dry_run_route} does not exist")
            elif record.dry_run_at != dry.relative_route(V2_PREFIX):
                problems.append(f"{name}: dry_run_at {record.dry_run_at!r}, expected {dry.relative_route(V2_PREFIX)!r}")
        elif record.dry_run_at is not None:
            problems.append(f"{name}: dry_run_at without dry_run_route")
        for lookup in record.lookups:
            if lookup not in ops:
                problems.append(f"{name}: lookup {lookup} does not exist")
    report(problems)


def test_dry_run_routes_are_the_dry_run_twins(v2_ops: dict[str, Op]) -> None:
    for name, record in m.ROUTES.items():
        if record.dry_run_route is not None:
            assert record.v2 is not None, name
            real, dry = v2_ops[record.v2], v2_ops[record.dry_run_route]
            assert (dry.method, dry.path) == (real.method, real.path + "/dry_run"), name
            # The dry run takes the same body and, update_mask aside, the same parameters.
            assert dry.body == real.body, name
            assert set(dry.params) - {"update_mask"} == set(real.params) - {"update_mask"}, name


def test_a_dry_run_flag_in_the_v1_body_that_v2_lacks_picks_the_route(
    v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    for name, record, old, new in mapped_pairs(v1_ops, v2_ops, fab_ops):
        old_body = flatten(old.spec, old.body, skip="readOnly") if old.body else {}
        new_body = flatten(new.spec, new.body, skip="readOnly") if new.body else {}
        if "dry_run" in old_body and "dry_run" not in new_body:
            assert record.dry_run_route is not None, name
            assert record.body is not None and "dry_run" in record.body.dropped, name
        else:
            assert record.dry_run_route is None, name


# ---------------------------------------------------------------------------------------------------
# Parameters


def _param_shape(op: Op, name: str) -> Shape:
    return shape(op.spec, op.params[name].get("schema", {}))


def _array_schema(spec: Spec, node: Mapping[str, Any]) -> Mapping[str, Any]:
    node = deref(spec, node)
    for alt in node.get("anyOf", []):
        if deref(spec, alt).get("type") == "array":
            return deref(spec, alt)
    return node


def _exploded(param: Mapping[str, Any]) -> bool:
    # OpenAPI's default for query parameters is style form, explode true.
    return bool(param.get("explode", param.get("style", "form") == "form"))


# Answer adapters that apply 2.x's limit and offset themselves, to items v2 does not page by.
PAGED_BY_ADAPTER = {"distinct_actions"}


def test_every_v1_parameter_is_accounted_for(
    v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    problems = []
    for name, record, old, new in mapped_pairs(v1_ops, v2_ops, fab_ops):
        for key in record.params:
            if key not in old.params:
                problems.append(f"{name}: params names {key}, which is no v1 parameter")
        for key in [*record.param_values, *record.dropped_why]:
            if key not in old.params:
                problems.append(f"{name}: {key} is no v1 parameter")
        for param, spec_param in old.params.items():
            renamed = record.params.get(param, param)
            if renamed is None:
                if param not in record.dropped_why:
                    problems.append(f"{name}: {param} is dropped without dropped_why")
                # Kept only when the answer step pages itself: v2's parameter counts other items.
                pages_itself = record.answer is not None and record.answer.adapter in PAGED_BY_ADAPTER
                if param in new.params and not pages_itself:
                    problems.append(f"{name}: {param} is dropped but v2 has a parameter of that name")
                continue
            if param in record.dropped_why:
                problems.append(f"{name}: {param} has a dropped_why but is not dropped")
            if renamed not in new.params:
                problems.append(f"{name}: v1 parameter {param} has no v2 parameter {renamed}; rename or drop it")
                continue
            if param != renamed and param in new.params:
                problems.append(f"{name}: {param} is renamed though v2 still has a parameter {param}")
            counterpart = new.params[renamed]
            changed = []
            if spec_param["in"] != counterpart["in"]:
                changed.append(f"moves from {spec_param['in']} to {counterpart['in']}")
            old_shape, new_shape = _param_shape(old, param), _param_shape(new, renamed)
            if not fits(old_shape, new_shape):
                changed.append(f"{describe(old_shape)} -> {describe(new_shape)}")
            if "array" in old_shape.kinds and "array" in new_shape.kinds:
                old_items = shape(old.spec, old.params[param]["schema"]["items"])
                new_items = shape(new.spec, _array_schema(new.spec, counterpart["schema"])["items"])
                if not fits(old_items, new_items):
                    changed.append(f"items {describe(old_items)} -> {describe(new_items)}")
                if _exploded(spec_param) != _exploded(counterpart):
                    changed.append("list style changes (exploded or not)")
            if changed and param not in record.param_values:
                problems.append(f"{name}: {param} {'; '.join(changed)}, but param_values says nothing")
        provided = {record.params.get(p, p) for p in old.params} - {None}
        for key in [*record.fixed, *record.from_body]:
            if key not in new.params:
                problems.append(f"{name}: fills {key}, which is no parameter of {new.id}")
            if key in provided:
                problems.append(f"{name}: fills {key}, which a v1 parameter already provides")
        for key in record.from_body.values():
            old_body = flatten(old.spec, old.body, skip="readOnly") if old.body else {}
            if key not in old_body:
                problems.append(f"{name}: from_body names {key}, no field of the v1 body")
        always = {record.params.get(p, p) for p, spec_param in old.params.items() if spec_param.get("required")}
        for param, spec_param in new.params.items():
            if spec_param.get("required") and param not in always | set(record.fixed) | set(record.from_body):
                problems.append(f"{name}: v2 requires {param}, which a v1 call may lack")
    report(problems)


def test_v2_extra_params_are_exactly_the_v2_parameters_the_v1_method_lacks(
    v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    problems = []
    unknown = set(m.V2_EXTRA_PARAMS) - {name for name, _, _, _ in mapped_pairs(v1_ops, v2_ops, fab_ops)}
    if unknown:
        problems.append(f"V2_EXTRA_PARAMS names operations without a v2 equivalent: {sorted(unknown)}")
    for name, record, old, new in mapped_pairs(v1_ops, v2_ops, fab_ops):
        provided = {record.params.get(p, p) for p in old.params} | set(record.fixed) | set(record.from_body)
        if record.answer is not None and record.answer.adapter in PAGED_BY_ADAPTER:
            provided |= set(old.params)  # the answer step pages by them
        expected = [
            p for p, spec_param in new.params.items()
            if p not in provided and not (spec_param["in"] == "header" and p.lower() == "accept")
        ]
        actual = list(m.V2_EXTRA_PARAMS.get(name, ()))
        if name in m.V2_EXTRA_PARAMS and not actual:
            problems.append(f"{name}: an empty V2_EXTRA_PARAMS entry (leave it out)")
        if sorted(actual) != sorted(expected):
            problems.append(f"{name}: V2_EXTRA_PARAMS {actual}, expected {expected}")
    report(problems)


def test_defaults_that_differ_are_sent_as_v1_had_them(
    v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    """Where both descriptions name a default and they differ, the v1 one must be sent (limit: one rule)."""
    problems = []
    for name, record, old, new in mapped_pairs(v1_ops, v2_ops, fab_ops):
        expected = {}
        for param, spec_param in old.params.items():
            renamed = record.params.get(param, param)
            if renamed is None or renamed not in new.params:
                continue
            old_default = deref(old.spec, spec_param.get("schema", {})).get("default")
            new_default = deref(new.spec, new.params[renamed].get("schema", {})).get("default")
            if old_default is None or old_default == new_default:
                continue
            if param == "limit" and (old_default, new_default) == (m.V1_LIMIT_DEFAULT, m.V2_LIMIT_DEFAULT):
                continue
            expected[renamed] = old_default
        if dict(record.defaults) != expected:
            problems.append(f"{name}: defaults {dict(record.defaults)}, expected {expected}")
        for key in record.defaults:
            if key in record.fixed:
                problems.append(f"{name}: {key} is both fixed and defaulted")
    report(problems)


def test_only_dag_runs_and_task_instances_page_by_cursor(v2_ops: dict[str, Op]) -> None:
    assert sorted(op.id for op in v2_ops.values() if "cursor" in op.params) == ["get_dag_runs", "get_task_instances"]
    assert "cursor" in m.V2_EXTRA_PARAMS["get_dag_runs"] and "cursor" in m.V2_EXTRA_PARAMS["get_task_instances"]


def test_errors_have_the_shapes_recorded(v1: Spec, v2: Spec) -> None:
    schemas = v2["components"]["schemas"]
    assert set(schemas["HTTPExceptionResponse"]["properties"]) == {"detail"}
    assert set(schemas["HTTPValidationError"]["properties"]) == {"detail"}
    assert {"loc", "msg", "type"} <= set(schemas["ValidationError"]["properties"])
    assert {"type", "title", "status", "detail", "instance"} <= set(v1["components"]["schemas"]["Error"]["properties"])
    # Every v2 operation that takes parameters or a body declares 422 for a request it refuses.
    refusing = [op for op in operations(v2).values() if op.params or op.body]
    assert refusing and all("422" in v2["paths"][op.path][op.method.lower()]["responses"] for op in refusing)


def test_limit_defaults_differ_as_recorded(
    v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    seen = 0
    for name, record, old, new in mapped_pairs(v1_ops, v2_ops, fab_ops):
        if "limit" in old.params and "limit" in new.params and record.base == m.V2:
            assert old.params["limit"]["schema"].get("default") == m.V1_LIMIT_DEFAULT, name
            assert new.params["limit"]["schema"].get("default") == m.V2_LIMIT_DEFAULT, name
            # The cap is the server's setting, not the description's.
            assert "maximum" not in new.params["limit"]["schema"], name
            seen += 1
    assert seen >= 10


# ---------------------------------------------------------------------------------------------------
# Request bodies


def test_every_writable_v1_body_field_is_accounted_for(
    v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    problems = []
    for name, record, old, new in mapped_pairs(v1_ops, v2_ops, fab_ops):
        if old.body is None:
            if record.body is not None:
                problems.append(f"{name}: a body record for an operation without a v1 body")
            continue
        if record.body is None:
            problems.append(f"{name}: the v1 body needs a body record (even an empty one)")
            continue
        if new.body is None:
            problems.append(f"{name}: v1 sends a body, {new.id} takes none")
            continue
        body = record.body
        old_fields = flatten(old.spec, old.body, skip="readOnly")
        new_fields = flatten(new.spec, new.body, skip="readOnly")
        for key in [*body.renames, *body.dropped, *body.retyped, *body.values]:
            if key not in old_fields:
                problems.append(f"{name}: body entry {key!r} is no writable field of the v1 body")
        for key in [*body.renames.values(), *body.fills]:
            if key not in new_fields:
                problems.append(f"{name}: body entry {key!r} is no field of the v2 body")
        for path, path_shape in old_fields.items():
            if path == "" or is_under(path, body.dropped):
                if path in body.dropped and translate(path, body.renames) in new_fields:
                    problems.append(f"{name}: body field {path} is dropped but v2 takes it")
                continue
            there = translate(path, body.renames)
            if there not in new_fields:
                problems.append(f"{name}: v1 body field {path} has no v2 counterpart {there!r}")
            elif not fits(path_shape, new_fields[there]) and not is_under(
                path, [*body.retyped, *body.values]
            ):
                problems.append(
                    f"{name}: body field {path} {describe(path_shape)} does not fit v2 {describe(new_fields[there])}"
                )
        # Only a field 2.x required is sure to be in a v1 call; v2's other required fields need a fill.
        always = {translate(p, body.renames) for p in required_fields(old.spec, old.body) if p not in body.dropped}
        for field in sorted(required_fields(new.spec, new.body)):
            if field not in always and field not in body.fills:
                problems.append(f"{name}: v2 requires body field {field}, which a v1 call may lack")
        for field in body.fills:
            if field in always:
                problems.append(f"{name}: fills {field}, which every v1 call already gives")
        # Where both name a default and they differ, a v1 call leaving the field out needs v1's sent.
        old_props, new_props = _properties(old.spec, old.body), _properties(new.spec, new.body)
        for field, prop in old_props.items():
            there = translate(field, body.renames)
            if field in body.dropped or there not in new_props:
                continue
            old_default = deref(old.spec, prop).get("default")
            new_default = deref(new.spec, new_props[there]).get("default")
            if old_default is not None and old_default != new_default and there not in body.fills:
                problems.append(f"{name}: body field {field} defaults to {old_default!r}, v2's to {new_default!r}")
    report(problems)


# ---------------------------------------------------------------------------------------------------
# Answers


def test_every_v1_answer_field_is_accounted_for(
    v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    problems = []
    for name, record, old, new in mapped_pairs(v1_ops, v2_ops, fab_ops):
        if old.answer is None:
            if record.answer is not None and (record.answer.renames or record.answer.absent):
                problems.append(f"{name}: field entries for an operation without a v1 answer")
            continue
        if record.answer is None:
            problems.append(f"{name}: the v1 answer needs an answer record (even an empty one)")
            continue
        if new.answer is None:
            problems.append(f"{name}: v1 answers a body, {new.id} none")
            continue
        answer = record.answer
        old_fields = flatten(old.spec, old.answer, skip="writeOnly")
        new_fields = flatten(new.spec, new.answer, skip="writeOnly")
        v1_to_v2 = {v: k for k, v in answer.renames.items()}
        for key in answer.renames:
            if key not in new_fields:
                problems.append(f"{name}: answer rename source {key!r} is no field of the v2 answer")
        for key in [*answer.renames.values(), *answer.absent, *answer.derived, *answer.retyped]:
            if key not in old_fields:
                problems.append(f"{name}: answer entry {key!r} is no field of the v1 answer")
        for key in answer.absent:
            if translate(key, v1_to_v2) in new_fields:
                problems.append(f"{name}: {key} is listed absent but v2 answers {translate(key, v1_to_v2)}")
        if (answer.absent.keys() | answer.derived.keys()) & (answer.renames.values() | answer.retyped.keys()):
            problems.append(f"{name}: a field is both absent/derived and renamed/retyped")
        if answer.derived and not answer.adapter:
            problems.append(f"{name}: derived fields need the adapter that derives them")
        for path, path_shape in old_fields.items():
            if path == "" or is_under(path, answer.absent) or is_under(path, answer.derived):
                continue
            there = translate(path, v1_to_v2)
            if _inside_any(there, new_fields):
                continue  # v2 declares the enclosing value as any JSON: nothing below it to compare
            if there not in new_fields:
                problems.append(f"{name}: v1 answer field {path} has no v2 counterpart {there!r}")
            elif not fits(new_fields[there], path_shape, v1=path_shape) and not is_under(path, answer.retyped):
                problems.append(
                    f"{name}: v2 answer field {there} {describe(new_fields[there])} does not fit v1 {path} "
                    f"{describe(path_shape)}"
                )
        if not fits(new_fields[""], old_fields[""], v1=old_fields[""]) and not answer.adapter:
            problems.append(f"{name}: the v2 answer's shape differs and no adapter is named")
    report(problems)


def test_changed_success_statuses_are_recorded(
    v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    problems = []
    for name, record, old, new in mapped_pairs(v1_ops, v2_ops, fab_ops):
        recorded = record.answer.status if record.answer else None
        if old.success != new.success:
            expected = int(new.success[0])
            if recorded != expected:
                problems.append(f"{name}: v1 answers {old.success}, v2 {new.success}; status records {recorded}")
        elif recorded is not None:
            problems.append(f"{name}: status {recorded} recorded though both answer {old.success}")
    report(problems)


# ---------------------------------------------------------------------------------------------------
# The v2 side: every operation mapped or listed, once


def test_every_v2_operation_is_mapped_or_v2_only_exactly_once(
    v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    served = Counter(r.v2 for r in m.ROUTES.values() if r.v2 is not None and r.base == m.V2)
    served.update(r.dry_run_route for r in m.ROUTES.values() if r.dry_run_route is not None)
    listed = Counter(entry.operation for entry in m.V2_ONLY)
    problems = [f"{op} is listed twice in V2_ONLY" for op, n in listed.items() if n > 1]
    problems += [f"{op} is both served and listed v2-only" for op in sorted(set(served) & set(listed))]
    problems += [f"{op} is no v2 operation" for op in sorted((set(served) | set(listed)) - set(v2_ops))]
    problems += [f"{op} is neither served nor listed" for op in sorted(set(v2_ops) - set(served) - set(listed))]
    fab_served = {r.v2 for r in m.ROUTES.values() if r.base == m.FAB}
    fab_rest = set(fab_ops) - fab_served
    if set(m.FAB_ONLY) != fab_rest:
        problems.append(f"FAB_ONLY {sorted(m.FAB_ONLY)}, the FAB operations no v1 one uses: {sorted(fab_rest)}")
    report(problems)


def test_v2_only_entries_match_the_description(v2_ops: dict[str, Op]) -> None:
    problems = []
    for entry in m.V2_ONLY:
        op = v2_ops.get(entry.operation)
        if op is None:
            continue  # reported by the test above
        if entry.route != op.relative_route(V2_PREFIX):
            problems.append(f"{entry.operation}: route {entry.route!r}, expected {op.relative_route(V2_PREFIX)!r}")
        if entry.tag != op.tags[0]:
            problems.append(f"{entry.operation}: tag {entry.tag!r}, expected {op.tags[0]!r}")
    report(problems)


def _v1_class_of(v1_ops: dict[str, Op]) -> dict[str, str]:
    """The 2.x API class holding each v1 operation, as the client exposes it."""
    found: dict[str, str] = {}
    for class_name in apis.__all__:
        cls = getattr(apis, class_name)
        for name in v1_ops:
            if callable(getattr(cls, name, None)):
                found[name] = class_name
    assert set(found) == set(v1_ops)
    return found


def expected_class(tag: str) -> str:
    """The 2.x class whose name matches the tag ("Task Instance" -> TaskInstanceApi), else a new one."""
    squeezed = tag.replace(" ", "")
    for class_name in apis.__all__:
        if class_name.lower() == squeezed.lower() + "api":
            return class_name
    return squeezed[0].upper() + squeezed[1:] + "Api"


def test_v2_only_operations_join_the_class_of_their_tag(v1_ops: dict[str, Op], v2_ops: dict[str, Op]) -> None:
    v1_class = _v1_class_of(v1_ops)
    problems = []
    for entry in m.V2_ONLY:
        if entry.api_class != expected_class(entry.tag):
            problems.append(
                f"{entry.operation}: tag {entry.tag!r} joins {expected_class(entry.tag)}, not {entry.api_class}"
            )
        taken = {name for name, class_name in v1_class.items() if class_name == entry.api_class}
        if entry.method in taken:
            problems.append(f"{entry.operation}: {entry.api_class} already has a method {entry.method}")
        if entry.method in v1_ops and entry.method not in m.SAME_NAME_OTHER_MEANING:
            problems.append(f"{entry.operation}: method {entry.method} is a v1 operation's name and is not flagged")
    report(problems)


def test_same_names_with_another_meaning_are_flagged(
    v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]
) -> None:
    problems = []
    for op in m.SAME_NAME_OTHER_MEANING:
        if op not in v1_ops or (op not in v2_ops and op not in fab_ops):
            problems.append(f"SAME_NAME_OTHER_MEANING names {op}, which is not an operationId on both sides")
    # A v2 operation carrying a v1 name but serving another v1 operation (or none) is always flagged.
    v2_ids = {*v2_ops, *(f for f in fab_ops)}
    for op in sorted(v2_ids & set(v1_ops)):
        record = m.ROUTES[op]
        if record.v2 != op and op not in m.SAME_NAME_OTHER_MEANING:
            problems.append(f"v2 {op} does not serve v1 {op} (that one goes to {record.v2}) and is not flagged")
    report(problems)


# ---------------------------------------------------------------------------------------------------
# The vocabulary


def test_enum_changes_name_v1_enums_whose_values_v2_changes(v1: Spec, v2: Spec) -> None:
    schemas = v1["components"]["schemas"]
    for name, change in m.ENUM_CHANGES.items():
        assert "enum" in schemas.get(name, {}), name
        assert change, name
    # The v1 TaskState's values against v2's TaskInstanceState: what ENUM_CHANGES says must hold.
    old = set(schemas["TaskState"]["enum"]) - {None}
    new = set(v2["components"]["schemas"]["TaskInstanceState"]["enum"])
    assert (sorted(old - new), sorted(new - old)) == (["none"], ["awaiting_input"])


def test_every_adapter_and_value_step_is_described_and_used() -> None:
    used_adapters: set[str] = set()
    used_steps: set[str] = set()
    for record in m.ROUTES.values():
        for part in (record.body, record.answer):
            if part is not None and part.adapter:
                used_adapters.add(part.adapter)
        for steps in record.param_values.values():
            used_steps.update(steps)
        if record.body is not None:
            for steps in record.body.values.values():
                used_steps.update(steps)
    assert used_adapters == set(m.ADAPTERS), sorted(used_adapters ^ set(m.ADAPTERS))
    assert used_steps == set(m.VALUE_STEPS), sorted(used_steps ^ set(m.VALUE_STEPS))


def test_the_map_is_plain_data_needing_neither_the_client_nor_yaml() -> None:
    # The generator reads the map before any client code exists for Airflow 3.
    probe = (
        "import sys, tools.airflow3_routes as m; "
        "print(len(m.ROUTES), sorted(n for n in sys.modules if n.split('.')[0] in ('airflow_client', 'yaml')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["89", "[]"]


def test_records_cannot_be_changed_after_construction() -> None:
    record = m.ROUTES["get_dag_runs"]
    with pytest.raises(AttributeError):
        record.v2 = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        record.params["fields"] = "x"  # type: ignore[index]
    with pytest.raises(TypeError):
        m.ROUTES["x"] = record  # type: ignore[index]


def test_counts(v1_ops: dict[str, Op], v2_ops: dict[str, Op], fab_ops: dict[str, Op]) -> None:
    mapped = [n for n, r in m.ROUTES.items() if r.v2 is not None]
    missing = [n for n, r in m.ROUTES.items() if r.v2 is None]
    served = {r.v2 for r in m.ROUTES.values() if r.base == m.V2 and r.v2} | {
        r.dry_run_route for r in m.ROUTES.values() if r.dry_run_route
    }
    print(
        f"\nv1 operations: {len(v1_ops)}: {len(mapped)} mapped ({sum(r.base == m.FAB for r in m.ROUTES.values())} "
        f"through the FAB auth manager API), {len(missing)} without an Airflow 3 equivalent; "
        f"v2 operations: {len(v2_ops)}: {len(served)} serve v1 ones, {len(m.V2_ONLY)} v2-only"
    )
    assert len(mapped) + len(missing) == len(v1_ops)
    assert len(served) + len(m.V2_ONLY) == len(v2_ops)
