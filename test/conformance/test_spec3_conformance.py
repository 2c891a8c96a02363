"""The client against Airflow 3.3.2's own OpenAPI description (REST API v2), read from the installed package.

The description is read at test time from `apache-airflow-core==3.3.2` in the test harness's Airflow 3
virtualenv (built if missing), never from a copy in this repository; Airflow 2.11.2's is read the same
way, to know which operations the 2.x interface already has. Expectations are derived here,
independently of tools/generate.py, and compared with what the client exposes at run time.

- An operation Airflow 2 has too is the 2.x method of the same name, on its 2.x class; each of its v2
  query parameters is reached by a parameter of that method, under its own name or one its Airflow 3
  declaration (or, while it is not routed yet, the route map) sends under that name.
- An operation only Airflow 3 has is a method of the API class of its tag, declared with no Airflow 2
  route and its v2 route: path parameters by position in route order, then the required query and
  header parameters and the required body; every optional one by keyword; its answer decodes to the
  declared model.
- Every schema is a model under its own name and under its name without `_` (`BulkBody_PoolBody_`,
  `BulkBodyPoolBody`), with every field and the field's type, nullability, requiredness and read-only flag.
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
from test.conformance.test_spec_conformance import operations as v1_operations
from test.conformance.test_spec_conformance import ref
from tools.airflow3_routes import ROUTES
from tools.local_airflow import ensure_airflow_venv
from tools.local_airflow3 import AIRFLOW_3

METHODS = ("get", "post", "put", "patch", "delete")
PREFIX = "/api/v2"
# The decision of which API class each tag of the v2 description joins (the class of the 2.x interface
# on the same subject, or a new one).
TAG_CLASSES = {
    "Task Instance": "TaskInstanceApi", "Extra Links": "TaskInstanceApi", "DagRun": "DAGRunApi",
    "experimental": "DAGRunApi", "DAG": "DAGApi", "Task": "DAGApi", "DagSource": "DAGApi",
    "DAG Parsing": "DAGApi", "Connection": "ConnectionApi", "Pool": "PoolApi", "Variable": "VariableApi",
    "XCom": "XComApi", "Config": "ConfigApi", "Event Log": "EventLogApi", "Import Error": "ImportErrorApi",
    "Plugin": "PluginApi", "Provider": "ProviderApi", "DagStats": "DagStatsApi", "DagWarning": "DagWarningApi",
    "Monitor": "MonitoringApi", "Version": "MonitoringApi", "Asset": "AssetApi", "Backfill": "BackfillApi",
    "DagVersion": "DagVersionApi", "Job": "JobApi", "Login": "LoginApi", "Task State Store": "TaskStateStoreApi",
    "Asset State Store": "AssetStateStoreApi",
}
# The schemas Airflow 2's description defines too: one model each, with the fields of both; their
# requiredness and read-only flags are Airflow 2's (the 2.x interface), their types may be widened.
SHARED = {"Config", "ConfigOption", "ConfigSection", "TimeDelta", "VersionInfo"}
# Parameters sent as headers, by the Python name of their parameter; `accept` of an operation Airflow 2
# has too is given through the `_headers` call option, as on Airflow 2.
HEADER_NAMES = {"Airflow-Connection-Test-Token": "airflow_connection_test_token", "accept": "accept"}
ANY_SCHEMAS = {"JsonValue"}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def clean(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", name)


def _spec_in(venv: Path, relative: str) -> dict[str, Any]:
    found = sorted(venv.glob(f"lib/python3*/site-packages/{relative}"))
    assert len(found) == 1, f"expected one {relative} under {venv}, found {found}"
    return yaml.safe_load(found[0].read_text())  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    venv = Path(ensure_airflow_venv(AIRFLOW_3))  # type: ignore[arg-type, unused-ignore]
    return _spec_in(venv, "airflow/api_fastapi/core_api/openapi/v2-rest-api-generated.yaml")


@pytest.fixture(scope="module")
def v1_classes() -> dict[str, str]:
    """Operation id -> the 2.x API class, for every operation of Airflow 2's description."""
    v1 = _spec_in(Path(ensure_airflow_venv()), "airflow/api_connexion/openapi/v1.yaml")
    return {op["operationId"]: f"{op['tags'][0]}Api"
            for item in v1["paths"].values() for m, op in item.items() if m in METHODS}


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The v2 operations with paths relative to the API root and their ids."""
    return [{**op, "path": op["path"].removeprefix(PREFIX), "id": op["op"]["operationId"]}
            for op in v1_operations(spec)]


def method_of(class_name: str, op_id: str) -> Any:
    cls = getattr(apis, class_name)
    module = importlib.import_module(f"airflow_client.client.api.{snake(class_name[:-3])}_api")
    assert getattr(module, class_name) is cls, f"{class_name} is not importable from its module"
    return cls.__dict__.get(op_id)


def kind_problem(spec: dict[str, Any], kind: mu.Kind, node: dict[str, Any], nullable: bool = False) -> str | None:
    """Why `kind` does not implement the v2 schema `node`, or None when it does."""
    name = ref(node)
    if name is not None and name in ANY_SCHEMAS:
        return None if isinstance(kind, mu.AnyKind) else f"expected any JSON value, found {kind.name}"
    if name is not None:
        if not isinstance(kind, mu.ModelKind) or kind.name != clean(name):
            return f"expected the model {clean(name)}, found {kind.name}"
    elif "anyOf" in node or "oneOf" in node:
        members = node.get("anyOf") or node["oneOf"]
        nullable = nullable or any(m.get("type") == "null" for m in members)
        members = [m for m in members if m.get("type") != "null"]
        if len(members) == 1:
            return kind_problem(spec, kind, members[0], nullable)
        found = kind.options if isinstance(kind, mu.UnionKind) else getattr(kind, "members", None)
        if found is None or len(found) != len(members):
            return f"expected a union of {len(members)}, found {kind.name}"
        for member, inner in zip(members, found, strict=True):
            problem = kind_problem(spec, inner, member)
            if problem:
                return f"union member: {problem}"
    else:
        t, fmt = node.get("type"), node.get("format")
        expected: type[mu.Kind] = {
            "integer": mu.IntKind, "number": mu.FloatKind, "boolean": mu.BoolKind, "array": mu.ListKind,
        }.get(t, mu.AnyKind)
        if t == "string":
            expected = {"date-time": mu.DateTimeKind, "date": mu.DateKind}.get(fmt, mu.StrKind)
            allowed = [node["const"]] if "const" in node else node.get("enum")
            if allowed is not None:
                expected = mu.LiteralKind
                if type(kind) is expected and kind.values != tuple(allowed):  # type: ignore[attr-defined]
                    return f"allowed values {kind.values} != {allowed}"  # type: ignore[attr-defined]
        elif t == "array" and "prefixItems" in node:
            expected = mu.TupleKind
        elif t == "object":
            extra = node.get("additionalProperties")
            # Values of any JSON type (`true`, or the JsonValue schema) need no map of a kind.
            typed = isinstance(extra, dict) and extra and ref(extra) not in ANY_SCHEMAS
            expected = mu.MapKind if typed else mu.DictKind
        if type(kind) is not expected:
            return f"expected {expected.__name__}, found {type(kind).__name__}"
        if expected is mu.ListKind:
            inner = kind_problem(spec, kind.item, node["items"])  # type: ignore[attr-defined]
            if inner:
                return f"items: {inner}"
        if expected is mu.TupleKind:
            items = kind.items  # type: ignore[attr-defined]
            if len(items) != len(node["prefixItems"]):
                return f"expected {len(node['prefixItems'])} items, found {len(items)}"
            for item, inner_node in zip(items, node["prefixItems"], strict=True):
                inner = kind_problem(spec, item, inner_node)
                if inner:
                    return f"pair item: {inner}"
        if expected is mu.MapKind:
            inner = kind_problem(spec, kind.item, node["additionalProperties"])  # type: ignore[attr-defined]
            if inner:
                return f"values: {inner}"
        if expected is mu.AnyKind:
            return None
    if kind.nullable != nullable:
        return f"nullable should be {nullable}, is {kind.nullable}"
    return None


def test_every_v2_operation_is_a_method_on_its_class_with_its_route(spec, v1_classes, capsys):
    problems = []
    ops = operations(spec)
    shared = only3 = 0
    for o in ops:
        op_id, tag = o["id"], o["op"]["tags"][0]
        class_name = v1_classes.get(op_id) or TAG_CLASSES[tag]
        method = method_of(class_name, op_id)
        if method is None:
            problems.append(f"{class_name}.{op_id}: missing")
            continue
        declared = method.operation
        a3 = declared.airflow3
        if op_id in v1_classes:
            shared += 1
            if not declared.airflow2:
                problems.append(f"{op_id}: lost its Airflow 2 route")
            # Where it is routed, the route is the v2 one (path parameters may keep their 2.x names).
            if a3 is not None and a3.route is not None and a3.api == "v2":
                shape = re.sub(r"{\w+}", "{}", a3.route)
                if a3.dry_run is None and shape != re.sub(r"{\w+}", "{}", f"{o['method']} {o['path']}"):
                    problems.append(f"{op_id}: routed to {a3.route}, v2 has {o['method']} {o['path']}")
        else:
            only3 += 1
            if declared.airflow2:
                problems.append(f"{op_id}: declares an Airflow 2 route, Airflow 2 has no such operation")
            route = f"{o['method']} {o['path']}"
            if a3 is None or a3.route != route or (declared.method, declared.path) != (o["method"], o["path"]):
                problems.append(f"{op_id}: route {a3.route if a3 else None}, v2 has {route}")
    classes = {TAG_CLASSES[o["op"]["tags"][0]] for o in ops if o["id"] not in v1_classes}
    for class_name in classes:
        assert getattr(apis, class_name).__module__ == f"airflow_client.client.api.{snake(class_name[:-3])}_api"
    assert problems == []
    with capsys.disabled():
        print(f"\nconformance v2: {len(ops)}/{len(ops)} operations are methods ({shared} of the 2.x interface, "
              f"{only3} only Airflow 3 has) with their routes")


def _reached_names(declared: Any, op_id: str) -> set[str]:
    """The v2 query names the parameters of a 2.x method are sent under on Airflow 3."""
    a3 = declared.airflow3
    params = dict(ROUTES[op_id].params)
    if a3 is not None and a3.route is not None:
        params = {**params, **a3.params}
    fixed = set(ROUTES[op_id].fixed) | (set(a3.fixed) if a3 is not None else set())
    return {params.get(n, n) for n in declared.parameters} | fixed


def test_every_v2_parameter_is_reachable_with_its_type_and_requiredness(spec, v1_classes, capsys):
    problems = []
    checked = 0
    for o in operations(spec):
        op_id, tag = o["id"], o["op"]["tags"][0]
        declared = method_of(v1_classes.get(op_id) or TAG_CLASSES[tag], op_id).operation
        body = o["op"].get("requestBody")
        if op_id in v1_classes:
            new = set(declared.airflow3.new) if declared.airflow3 is not None else set()
            reached = _reached_names(declared, op_id)
            for p in o["params"]:
                checked += 1
                if p["in"] == "header":
                    if p["name"] != "accept":
                        problems.append(f"{op_id}({p['name']}): a header parameter no argument sends")
                    continue  # sent as `_headers={"Accept": ...}`, as on Airflow 2
                if p["in"] == "path":
                    continue  # the 2.x path parameters fill it: test_airflow3_routes checks their names
                if p["name"] not in reached:
                    problems.append(f"{op_id}({p['name']}): no parameter reaches it")
                elif p["name"] in new:
                    problem = kind_problem(spec, declared.kinds[p["name"]], p["schema"], nullable=True)
                    if problem:
                        problems.append(f"{op_id}({p['name']}): {problem}")
            for name in new:
                if name not in {p["name"] for p in o["params"] if p["in"] == "query"}:
                    problems.append(f"{op_id}({name}): only Airflow 3 takes it, yet v2 has no such parameter")
                if name not in declared.optional:
                    problems.append(f"{op_id}({name}): a parameter only Airflow 3 takes must be a keyword")
            continue
        path_order = sorted((p for p in o["params"] if p["in"] == "path"),
                            key=lambda p: o["path"].index("{" + p["name"] + "}"))
        names = {p["name"]: HEADER_NAMES.get(p["name"], p["name"]) for p in o["params"]}
        others = [p for p in o["params"] if p["in"] != "path"]
        required = [names[p["name"]] for p in path_order] + [names[p["name"]] for p in others if p.get("required")]
        optional = [names[p["name"]] for p in others if not p.get("required")]
        if body:
            schema = body["content"]["application/json"]["schema"]
            [body_schema] = [ref(s) for s in [schema, *schema.get("anyOf", [])] if ref(s)]
            body_name = snake(clean(body_schema))
            (required if body.get("required") else optional).append(body_name)
            if declared.body != body_name:
                problems.append(f"{op_id}: body parameter {declared.body} != {body_name}")
            kind = declared.kinds.get(body_name)
            if not isinstance(kind, mu.ModelKind) or kind.name != clean(body_schema):
                problems.append(f"{op_id}: body type {getattr(kind, 'name', None)} != {clean(body_schema)}")
            if tuple(body["content"]) != declared.content_types:
                problems.append(f"{op_id}: body content types {declared.content_types}")
        elif declared.body is not None:
            problems.append(f"{op_id}: declares a body v2 does not have")
        if list(declared.positional) != required:
            problems.append(f"{op_id}: positional {list(declared.positional)} != required {required}")
        if list(declared.optional) != optional:
            problems.append(f"{op_id}: keywords {list(declared.optional)} != optional {optional}")
        for p in o["params"]:
            checked += 1
            name = names[p["name"]]
            place = ("path" if name in declared.path_params else "header" if name in declared.headers
                     else "query" if name in declared.query_params else "?")
            if place != p["in"] or (place == "header" and declared.headers[name] != p["name"]):
                problems.append(f"{op_id}({name}): sent in {place}, v2 says {p['in']} {p['name']}")
            if name not in declared.kinds:
                continue
            schema = p["schema"]
            if p["in"] == "path":
                # A path segment is never null, and a path of any value is text.
                kinds = [m for m in schema.get("anyOf", [schema]) if m.get("type") != "null"]
                typed = any(k in kinds[0] for k in ("type", "$ref", "anyOf", "oneOf"))
                schema = kinds[0] if typed else {"type": "string"}
            problem = kind_problem(spec, declared.kinds[name], schema, nullable=name in optional)
            if problem:
                problems.append(f"{op_id}({name}): {problem}")
    assert problems == []
    with capsys.disabled():
        print(f"conformance v2: {checked} parameters reachable, in their place, with their type and requiredness")


def test_every_v2_answer_decodes_to_the_declared_type(spec, v1_classes, capsys):
    problems = []
    only3 = [o for o in operations(spec) if o["id"] not in v1_classes]
    for o in only3:
        op_id = o["id"]
        declared = method_of(TAG_CLASSES[o["op"]["tags"][0]], op_id).operation
        answer = next(a for s, a in o["op"]["responses"].items() if str(s).startswith("2"))
        content = answer.get("content", {})
        if tuple(content) != declared.accept:
            problems.append(f"{op_id}: accepts {declared.accept}, v2 answers in {tuple(content)}")
        kind = declared.return_kind
        if "application/json" not in content:
            if kind is not None:
                problems.append(f"{op_id}: decodes an answer v2 gives no content")
            continue
        schema = content["application/json"]["schema"]
        if "application/x-ndjson" in content and not schema:
            # A stream of JSON lines: the list of them.
            if not (isinstance(kind, mu.ListKind) and isinstance(kind.item, mu.DictKind)):
                problems.append(f"{op_id}: an NDJSON answer should be a list of objects, is {kind}")
            continue
        problem = kind_problem(spec, kind, schema) if kind is not None else "no decoding declared"
        if problem:
            problems.append(f"{op_id}: {problem}")
        if declared.redirect != any(str(s).startswith("3") for s in o["op"]["responses"]):
            problems.append(f"{op_id}: a redirect answer is {'not ' if not declared.redirect else ''}declared")
    assert problems == []
    with capsys.disabled():
        print(f"conformance v2: {len(only3)}/{len(only3)} answers of operations only Airflow 3 has decode "
              "to the declared type")


def test_every_v2_schema_is_a_model_with_every_field_and_its_type(spec, capsys):
    schemas = spec["components"]["schemas"]
    problems = []
    fields_checked = 0
    for raw, schema in schemas.items():
        name = clean(raw)
        module = importlib.import_module(f"airflow_client.client.model.{snake(name)}")
        cls = getattr(module, name, None)
        if cls is None or getattr(models, raw) is not cls or getattr(models, name) is not cls:
            problems.append(f"{raw}: no model under both spellings")
            continue
        if raw in ANY_SCHEMAS:
            if cls is not Any:
                problems.append(f"{raw}: should be any JSON value")
            continue
        if schema.get("type") == "string":
            if not issubclass(cls, mu.ModelSimple) or tuple(schema.get("enum", [])) != cls._allowed:
                problems.append(f"{raw}: should be the enum {schema.get('enum')}")
            continue
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        kinds = cls._tables()
        to_wire = cls._wire_names
        if name in SHARED:
            if not set(props) <= set(kinds):
                problems.append(f"{raw}: lacks fields {sorted(set(props) - set(kinds))}")
                continue
        else:
            if set(kinds) != set(props):
                problems.append(f"{raw}: fields {sorted(kinds)} != {sorted(props)}")
                continue
            if {to_wire.get(f, f) for f in cls._required} != required:
                problems.append(f"{raw}: required {cls._required} != {sorted(required)}")
            if {to_wire.get(f, f) for f in cls._read_only} != {f for f, n in props.items() if n.get("readOnly")}:
                problems.append(f"{raw}: read-only {cls._read_only}")
        for field, node in props.items():
            fields_checked += 1
            kind = kinds[field]
            candidates = [kind, *kind.members] if name in SHARED and isinstance(kind, mu.AnyOfKind) else [kind]
            found = [kind_problem(spec, k, node) for k in candidates]
            if all(found):
                problems.append(f"{raw}.{field}: {found[0]}")
    assert problems == []
    with capsys.disabled():
        print(f"conformance v2: {len(schemas)}/{len(schemas)} schemas have a model; {fields_checked} fields "
              "matched in type, nullability, requiredness and read-only flag")
