"""The `airflow3=Airflow3(...)` declaration of each 2.x endpoint, written from the route map.

`tools/airflow3_routes.py` says, for every v1 operation, where Airflow 3 serves it and what changes.
This module turns an entry into the declaration the client reads, when every change it lists is one
the client knows how to make (the steps in `airflow_client/client/translations.py`, the names its
models read under both generations). An entry that needs more is left without a declaration, and
`unsupported()` says what it lacks: calling it on Airflow 3 is then refused before sending.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from airflow_client.client.translations import ANSWER_STEPS, TEXT_STEPS, VALUE_STEPS
from tools.airflow3_routes import FAB, ROUTES, V1_LIMIT_DEFAULT, Route

# Value steps that need nothing on the way: the client already sends list values repeated.
NOTHING_TO_DO = {"exploded"}
# Body adapters whose work the declaration does by itself.
BODY_ADAPTERS = {
    "dry_run_route": "the dry_run route",
    "note_to_patch": "the PATCH body is the note itself",
}
# The route map's answer adapters under the client's step names.
ANSWER_NAMES = {"extra_links_from_mapping": "extra_links_as_airflow2"}
# Renamed answer fields every model concerned reads under both names (tools/generate.py SERVER_NAMES).
READ_UNDER_BOTH = {
    ("logical_date", "execution_date"),
    ("task_instances", "task_instances_history"),
    ("fail_login_count", "failed_login_count"),
}
# Operations whose text form (`Accept: text/plain` on Airflow 2) Airflow 3 gives only as JSON.
TEXT_FROM_JSON = {"get_log": "log_text"}


def src(value: object) -> str:
    """Python source for plain data, strings in double quotes like the rest of the generated code."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{src(k)}: {src(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(src(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(src(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


def _leaf(path: str) -> str:
    return re.sub(r"^.*[.\]]", "", path)


def unsupported(route: Route) -> list[str]:
    """What the client cannot do yet for this entry; empty when its declaration is complete."""
    missing: list[str] = []
    if route.route is None:
        return missing
    for name, steps in route.param_values.items():
        missing += [f"value step {s} ({name})" for s in steps if s not in VALUE_STEPS and s not in NOTHING_TO_DO]
    if route.from_body:
        missing.append("parameters taken from the body")
    if route.lookups:
        missing.append("look-ups before the call")
    body = route.body
    if body is not None:
        missing += [f"nested body field {k}" for k in body.renames if _leaf(k) != k]
        missing += [f"nested body field {k} dropped" for k in body.dropped if _leaf(k) != k]
        missing += [f"body field {k} retyped" for k in body.retyped]
        for name, steps in body.values.items():
            missing += [f"body value step {s} ({name})" for s in steps if s not in VALUE_STEPS]
        if body.adapter is not None and body.adapter not in BODY_ADAPTERS:
            missing.append(f"body adapter {body.adapter}")
    answer = route.answer
    if answer is not None:
        adapter = ANSWER_NAMES.get(answer.adapter or "", answer.adapter)
        if adapter is not None and adapter not in ANSWER_STEPS:
            missing.append(f"answer adapter {adapter}")
        for old, new in answer.renames.items():
            pair = (_leaf(old), _leaf(new))
            if adapter == "first_of_collection" and new == "":
                continue
            if pair not in READ_UNDER_BOTH:
                missing.append(f"answer field {old} read as {new}")
    return missing


def declaration(op_id: str, parameters: tuple[str, ...] = ()) -> str | None:
    """The `Airflow3(...)` source of a v1 operation, or None where the client cannot serve it yet.

    `parameters` are the operation's 2.x parameters: a list that takes a `limit` gets 2.x's default
    page size, where Airflow 3's is smaller.
    """
    route = ROUTES[op_id]
    if unsupported(route):
        return None
    if route.route is None:
        return f"Airflow3(unavailable={src(route.none_why)})"
    args = [src(route.route)]
    if route.base == FAB:
        args.append('api="fab"')
    if route.params:
        args.append(f"params={src(dict(route.params))}")
    values = {k: tuple(s for s in v if s in VALUE_STEPS) for k, v in route.param_values.items()}
    values = {k: v for k, v in values.items() if v}
    if values:
        args.append(f"values={src(values)}")
    if route.fixed:
        args.append(f"fixed={src(dict(route.fixed))}")
    defaults = dict(route.defaults)
    if "limit" in parameters and route.params.get("limit", "limit") == "limit":
        defaults.setdefault("limit", V1_LIMIT_DEFAULT)
    if defaults:
        args.append(f"defaults={src(defaults)}")
    body = route.body
    if body is not None and body.renames:
        args.append(f"body_renames={src(dict(body.renames))}")
    dropped = tuple(k for k in body.dropped if k != "dry_run") if body is not None else ()
    if dropped:
        args.append(f"body_drop={src(dropped)}")
    if body is not None and body.values:
        args.append(f"body_values={src({k: tuple(v) for k, v in body.values.items()})}")
    if route.dry_run_at:
        args.append(f"dry_run={src(route.dry_run_at)}")
    adapter = route.answer.adapter if route.answer is not None else None
    if adapter is not None:
        args.append(f"answer={src(ANSWER_NAMES.get(adapter, adapter))}")
    if op_id in TEXT_FROM_JSON:
        args.append(f"text={src(TEXT_FROM_JSON[op_id])}")
    assert all(t in TEXT_STEPS for t in TEXT_FROM_JSON.values())
    return "Airflow3(" + ", ".join(args) + ")"


def coverage() -> tuple[list[str], dict[str, list[str]]]:
    """The operations declared for Airflow 3, and what each of the others lacks."""
    declared = [op for op in ROUTES if declaration(op) is not None]
    lacking = {op: unsupported(ROUTES[op]) for op in ROUTES if op not in declared}
    return declared, lacking
