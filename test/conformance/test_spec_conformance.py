"""The client against Airflow 2.11.2's own OpenAPI description, read from the installed package.

The description is read at test time from `apache-airflow==2.11.2` in the test harness's Airflow
virtualenv (built if missing), never from a copy in this repository. Expectations are derived here,
independently of tools/generate.py, and compared with what the client exposes at run time: API
classes and their endpoint declarations, models and their compiled field tables.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from airflow_client.client import apis, models
from airflow_client.client import model_utils as mu
from tools.local_airflow import ensure_airflow_venv

METHODS = ("get", "post", "put", "patch", "delete")
# Schemas Airflow 3's description defines too: one model each, whose field types may be widened to
# hold Airflow 3's values as well (a union with the Airflow 2 type among its members).
SHARED = {"Config", "ConfigOption", "ConfigSection", "TimeDelta", "VersionInfo"}
INLINE = {"get_dag_source": "InlineResponse200", "get_log": "InlineResponse2001"}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    venv = ensure_airflow_venv()
    [path] = Path(venv).glob("lib/python3*/site-packages/airflow/api_connexion/openapi/v1.yaml")
    return yaml.safe_load(path.read_text())


def deref(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = spec["components"][section][name]
    return node


def ref(node: dict[str, Any]) -> str | None:
    return node["$ref"].rsplit("/", 1)[1] if "$ref" in node else None


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                op = item[method]
                params = [deref(spec, p) for p in shared + op.get("parameters", [])]
                found.append({"path": path, "method": method.upper(), "op": op, "params": params})
    return found


def flat_properties(spec: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    props: dict[str, Any] = {}
    required: set[str] = set()
    for part in schema.get("allOf", []):
        p, r = flat_properties(spec, deref(spec, part))
        props.update(p)
        required |= r
    props.update(schema.get("properties", {}))
    return props, required | set(schema.get("required", []))


def kind_problem(spec: dict[str, Any], kind: mu.Kind, node: dict[str, Any], nullable: bool = False) -> str | None:
    """Why `kind` does not implement the schema `node`, or None when it does."""
    name = ref(node)
    if name is not None:
        nullable = nullable or bool(spec["components"]["schemas"][name].get("nullable"))
        if not isinstance(kind, mu.ModelKind) or kind.name != name:
            return f"expected the model {name}, found {kind.name}"
    else:
        nullable = nullable or bool(node.get("nullable"))
        t, fmt = node.get("type"), node.get("format")
        expected: type[mu.Kind] = {
            "integer": mu.IntKind, "number": mu.FloatKind, "boolean": mu.BoolKind, "array": mu.ListKind,
        }.get(t, mu.AnyKind)
        if t == "string" and "enum" in node:
            expected = mu.LiteralKind
            if type(kind) is expected and kind.values != tuple(v for v in node["enum"] if v is not None):  # type: ignore[attr-defined]
                return f"allowed values {kind.values} != {node['enum']}"  # type: ignore[attr-defined]
        elif t == "string":
            # OpenAPI knows `date-time`; `datetime` (a misspelling in Airflow's spec) is no format,
            # so apache-airflow-client types those fields `str`: a timestamp kept as text.
            by_format = {"date-time": mu.DateTimeKind, "datetime": mu.DateTimeStrKind, "date": mu.DateKind}
            expected = by_format.get(fmt, mu.StrKind)
        elif t == "object":
            extra = node.get("additionalProperties")
            expected = mu.MapKind if isinstance(extra, dict) and extra else mu.DictKind
        if type(kind) is not expected:
            return f"expected {expected.__name__}, found {type(kind).__name__}"
        if expected is mu.ListKind:
            inner = kind_problem(spec, kind.item, node["items"])  # type: ignore[attr-defined]
            if inner:
                return f"items: {inner}"
        if expected is mu.AnyKind:
            return None
    if kind.nullable != nullable:
        return f"nullable should be {nullable}, is {kind.nullable}"
    return None


def api_method(tag: str, op_id: str) -> Any:
    module = importlib.import_module(f"airflow_client.client.api.{snake(tag)}_api")
    cls = getattr(module, f"{tag}Api")
    assert getattr(apis, f"{tag}Api") is cls, f"apis does not re-export {tag}Api"
    return cls.__dict__.get(op_id)


def test_every_operation_is_a_method_of_its_tags_class(spec, capsys):
    ops = operations(spec)
    missing = [f"{o['op']['tags'][0]}Api.{o['op']['operationId']}" for o in ops
               if api_method(o["op"]["tags"][0], o["op"]["operationId"]) is None]
    assert missing == []
    declared = {(o["op"]["tags"][0], o["op"]["operationId"]) for o in ops}
    extra = []
    for tag in {t for t, _ in declared}:
        cls = getattr(apis, f"{tag}Api")
        for name, value in vars(cls).items():
            # Methods of operations only Airflow 3 has are checked against its description (test_spec3_conformance).
            if hasattr(value, "operation") and value.operation.airflow2 and (tag, name) not in declared:
                extra.append(f"{tag}Api.{name}")
    assert extra == [], "methods the spec does not have"
    airflow2_classes = [n for n in apis.__all__
                        if any(getattr(v, "operation", None) and v.operation.airflow2
                               for v in vars(getattr(apis, n)).values())]
    assert len(airflow2_classes) == len({t for t, _ in declared})
    with capsys.disabled():
        print(f"\nconformance: {len(ops)}/{len(ops)} operations have a method on the right class "
              f"({len(airflow2_classes)} API classes)")


def test_every_parameter_matches_in_name_place_type_and_requiredness(spec, capsys):
    problems: list[str] = []
    checked = 0
    for o in operations(spec):
        op_id = o["op"]["operationId"]
        method = api_method(o["op"]["tags"][0], op_id)
        declared = method.operation
        where = f"{op_id}"
        if (declared.method, declared.path) != (o["method"], o["path"]):
            problems.append(f"{where}: route {declared.method} {declared.path} != {o['method']} {o['path']}")
        required = [p["name"] for p in o["params"] if p.get("required") or p["in"] == "path"]
        optional = [p["name"] for p in o["params"] if not (p.get("required") or p["in"] == "path")]
        body = o["op"].get("requestBody")
        if body:
            schema_name = ref(body["content"]["application/json"]["schema"])
            (required if body.get("required") else optional).append(snake(schema_name))
            if declared.body != snake(schema_name):
                problems.append(f"{where}: body parameter {declared.body} != {snake(schema_name)}")
            if tuple(body["content"]) != declared.content_types:
                problems.append(f"{where}: body content types {declared.content_types}")
            kind = declared.kinds[snake(schema_name)]
            if not isinstance(kind, mu.ModelKind) or kind.name != schema_name:
                problems.append(f"{where}: body type {kind.name} != {schema_name}")
        elif declared.body is not None:
            problems.append(f"{where}: declares a body the spec does not have")
        if list(declared.positional) != required:
            problems.append(f"{where}: positional {list(declared.positional)} != required {required}")
        # Beyond these, parameters only Airflow 3 takes (refused on Airflow 2): test_spec3_conformance.
        airflow3_only = set(declared.airflow3.new) if declared.airflow3 is not None else set()
        if set(declared.optional) - airflow3_only != set(optional) or airflow3_only & set(optional):
            problems.append(f"{where}: optional {sorted(declared.optional)} != {sorted(optional)}")
        for p in o["params"]:
            name = p["name"]
            checked += 1
            location = "path" if name in declared.path_params else "query" if name in declared.query_params else "?"
            if location != p["in"]:
                problems.append(f"{where}({name}): sent in {location}, spec says {p['in']}")
            if name in declared.kinds:
                # An optional parameter also takes None, meaning "not sent".
                problem = kind_problem(spec, declared.kinds[name], p["schema"], nullable=name in optional)
                if problem:
                    problems.append(f"{where}({name}): {problem}")
    assert problems == []
    with capsys.disabled():
        print(f"conformance: {checked} parameters matched in name, place, type and requiredness")


def test_every_success_answer_decodes_to_the_declared_type(spec, capsys):
    problems = []
    ops = operations(spec)
    for o in ops:
        op_id = o["op"]["operationId"]
        declared = api_method(o["op"]["tags"][0], op_id).operation
        answer = next(a for s, a in o["op"]["responses"].items() if str(s).startswith("2"))
        content = answer.get("content", {})
        expected: set[str] = set()
        if "application/json" in content:
            schema = content["application/json"]["schema"]
            if ref(schema):
                expected = {ref(schema)}
            elif {"anyOf", "oneOf", "allOf"} & set(schema):
                # Composed inline, it has no model: the JSON object is returned as received, as the
                # official client declares such answers free-form.
                expected = {"dict"}
            else:
                expected = {INLINE[op_id]}
        kind = declared.return_kind
        found = set() if kind is None else {o.name for o in getattr(kind, "options", [kind])}
        if found != expected:
            problems.append(f"{op_id}: answers {found or 'nothing'}, spec says {expected or 'nothing'}")
        if tuple(content) != declared.accept:
            problems.append(f"{op_id}: accepts {declared.accept}, spec answers in {tuple(content)}")
    assert problems == []
    with capsys.disabled():
        print(f"conformance: {len(ops)}/{len(ops)} success answers decode to the declared type")


def test_every_model_an_operation_names_can_be_imported_from_its_api_module(spec):
    """Parameters, body and every answer, errors included: the names scripts import from the API module."""
    problems = []
    for o in operations(spec):
        module = importlib.import_module(f"airflow_client.client.api.{snake(o['op']['tags'][0])}_api")
        nodes = [p["schema"] for p in o["params"]]
        nodes += [c["schema"] for c in o["op"].get("requestBody", {}).get("content", {}).values()]
        for answer in o["op"]["responses"].values():
            nodes += [c["schema"] for c in deref(spec, answer).get("content", {}).values()]
        named = set()
        for node in nodes:
            for part in [node, node.get("items", {}), *node.get("anyOf", []), *node.get("allOf", [])]:
                if ref(part):
                    named.add(ref(part))
        for name in sorted(named):
            if getattr(module, name, None) is not getattr(models, name):
                problems.append(f"{module.__name__}.{name}")
    assert problems == []


def test_every_schema_has_a_model_with_matching_fields(spec, capsys):
    schemas = spec["components"]["schemas"]
    problems = []
    fields_checked = 0
    for name, schema in schemas.items():
        module = importlib.import_module(f"airflow_client.client.model.{snake(name)}")
        cls = getattr(module, name, None)
        if cls is None:
            problems.append(f"{name}: no model")
            continue
        assert getattr(models, name) is cls
        if schema.get("type") == "string":
            if not issubclass(cls, mu.ModelSimple):
                problems.append(f"{name}: should be a string model")
            elif tuple(v for v in schema.get("enum", []) if v is not None) != cls._allowed:
                problems.append(f"{name}: values {cls._allowed} != {schema.get('enum')}")
            elif schema.get("pattern") != cls._pattern:
                problems.append(f"{name}: pattern {cls._pattern} != {schema.get('pattern')}")
            continue
        if "anyOf" in schema or "oneOf" in schema:
            variants = tuple(ref(v) for v in schema.get("anyOf") or schema["oneOf"])
            if not issubclass(cls, mu.ModelOneOf) or cls._variants != variants:
                problems.append(f"{name}: should be one of {variants}")
            continue
        props, required = flat_properties(spec, schema)
        kinds = cls._tables()
        if set(kinds) != set(props):
            problems.append(f"{name}: fields {sorted(kinds)} != {sorted(props)}")
            continue
        to_wire = cls._wire_names
        if {to_wire.get(f, f) for f in cls._required} != required:
            problems.append(f"{name}: required {cls._required} != {sorted(required)}")
        if {to_wire.get(f, f) for f in cls._read_only} != {f for f, n in props.items() if n.get("readOnly")}:
            problems.append(f"{name}: read-only {cls._read_only}")
        for field, node in props.items():
            fields_checked += 1
            kind = kinds[field]
            candidates = kind.members if name in SHARED and isinstance(kind, mu.AnyOfKind) else [kind]
            found = [kind_problem(spec, k, node, nullable=kind.nullable and k is not kind) for k in candidates]
            if all(found):
                problems.append(f"{name}.{field}: {found[0]}")
    assert problems == []
    with capsys.disabled():
        print(f"conformance: {len(schemas)}/{len(schemas)} schemas have a model; "
              f"{fields_checked} fields matched in type, nullability, requiredness and read-only flag")


def test_inline_answers_have_their_models(spec):
    for name in INLINE.values():
        cls = getattr(models, name)
        assert set(cls._tables()) >= {"content"}
