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
from airflow_client.client.translations import (
    ANSWER_COPIES,
    ANSWER_LOOKUP_STEPS,
    ANSWER_STEPS,
    BODY_STEPS,
    LOOKUP_STEPS,
    RENAMING_STEPS,
    TEXT_STEPS,
    VALUE_STEPS,
)
from tools.airflow3_routes import ADAPTERS as ADAPTER_NOTES
from tools.airflow3_routes import FAB, ROUTES, V1_LIMIT_DEFAULT, Route
from tools.airflow3_routes import VALUE_STEPS as VALUE_NOTES

# Value steps that need nothing on the way: the client already sends list values repeated.
NOTHING_TO_DO = {"exploded"}
# Body adapters whose work the declaration does by itself (the others are steps in BODY_STEPS).
BODY_ADAPTERS = {
    "dry_run_route": "the dry_run route",
    "note_to_patch": "the PATCH body is the note itself",
    "state_to_patch": "the PATCH body is the state itself, update_mask fixed",
    "dataset_uri_to_asset_id": "the body value step asset_id_for_uri, then the body rename",
}
# Answer steps the client knows: plain ones, and those that ask the server for more.
KNOWN_ANSWER_STEPS = {**ANSWER_STEPS, **ANSWER_LOOKUP_STEPS}
# Answer fields an answer step renames itself (rather than copies), as (v2 leaf, v1 leaf) pairs.
RENAMED_BY_STEP = {
    "assets_as_datasets": {("assets", "datasets"), ("scheduled_dags", "consuming_dags"),
                           ("asset_events", "dataset_events"), ("asset_id", "dataset_id"), ("uri", "dataset_uri")},
    "distinct_actions": {("name", "name")},
}
# Steps a declaration's `values` and `body_values` may name.
KNOWN_VALUE_STEPS = {**VALUE_STEPS, **RENAMING_STEPS, **LOOKUP_STEPS}
# The route map's answer adapters under the client's step names.
ANSWER_NAMES = {"extra_links_from_mapping": "extra_links_as_airflow2"}
# Renamed answer fields every model concerned reads under both names (tools/generate.py SERVER_NAMES).
READ_UNDER_BOTH = {
    ("logical_date", "execution_date"),
    ("task_instances", "task_instances_history"),
    ("fail_login_count", "failed_login_count"),
    ("queued_events", "datasets"),
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
    body = route.body
    body_step = body is not None and body.adapter in BODY_STEPS
    steps = [s for names in route.param_values.values() for s in names]
    steps += [s for names in body.values.values() for s in names] if body is not None else []
    for name, names in route.param_values.items():
        missing += [f"value step {s} ({name})" for s in names if s not in KNOWN_VALUE_STEPS and s not in NOTHING_TO_DO]
    if route.from_body and not body_step:
        missing.append("parameters taken from the body")
    # A look-up is made by the look-up step or body step that needs it.
    answer_lookup = route.answer is not None and route.answer.adapter in ANSWER_LOOKUP_STEPS
    if route.lookups and not (body_step or answer_lookup or any(s in LOOKUP_STEPS for s in steps)):
        missing.append("look-ups before the call")
    if body is not None:
        missing += [f"nested body field {k}" for k in body.renames if _leaf(k) != k]
        missing += [f"nested body field {k} dropped" for k in body.dropped if _leaf(k) != k]
        missing += [f"body field {k} retyped" for k in body.retyped]
        for name, steps in body.values.items():
            missing += [f"body value step {s} ({name})" for s in steps if s not in KNOWN_VALUE_STEPS]
        if body.adapter is not None and body.adapter not in BODY_ADAPTERS and not body_step:
            missing.append(f"body adapter {body.adapter}")
    answer = route.answer
    if answer is not None:
        adapter = ANSWER_NAMES.get(answer.adapter or "", answer.adapter)
        if adapter is not None and adapter not in KNOWN_ANSWER_STEPS:
            missing.append(f"answer adapter {adapter}")
        for old, new in answer.renames.items():
            pair = (_leaf(old), _leaf(new))
            if adapter == "first_of_collection" and new == "":
                continue
            step = adapter or ""
            done_by_step = pair in ANSWER_COPIES.get(step, ()) or pair in RENAMED_BY_STEP.get(step, ())
            if pair not in READ_UNDER_BOTH and not done_by_step:
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
    values = {k: tuple(s for s in v if s in KNOWN_VALUE_STEPS) for k, v in route.param_values.items()}
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
    if body is not None and body.defaults:
        args.append(f"body_defaults={src(dict(body.defaults))}")
    if body is not None and body.adapter in BODY_STEPS:
        args.append(f"body_adapter={src(body.adapter)}")
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


def _changes(op_id: str, route: Route) -> list[str]:
    """What a call of `op_id` changes on its way to Airflow 3, in short phrases."""
    out: list[str] = []
    if route.base == FAB:
        out.append("served by the FAB auth manager's API (`/auth/fab/v1`), present only with that auth manager")
    for name, wire in route.params.items():
        why = route.dropped_why.get(name)
        out.append(f"`{name}` sent as `{wire}`" if wire else f"`{name}` not sent" + (f": {why}" if why else ""))
    for name, steps in route.param_values.items():
        out += [f"`{name}`: {VALUE_NOTES[s]}" for s in steps]
    out += [f"always sends `{k}={json.dumps(v)}`" for k, v in route.fixed.items()]
    out += [f"`{k}` defaults to `{json.dumps(v)}`" for k, v in route.defaults.items()]
    if route.dry_run_at:
        out.append(f"a dry run goes to `{route.dry_run_at}`")
    body, answer = route.body, route.answer
    if body is not None:
        out += [f"body `{a}` sent as `{b}`" for a, b in body.renames.items()]
        out += [f"body `{k}` not sent: {why}" for k, why in body.dropped.items() if k != "dry_run"]
        out += [f"body `{k}`: {VALUE_NOTES[s]}" for k, steps in body.values.items() for s in steps]
        out += [f"body `{k}` sent as `{json.dumps(v)}` when the call leaves it out" for k, v in body.defaults.items()]
        if body.adapter and body.adapter != "dry_run_route":
            out.append(ADAPTER_NOTES[body.adapter])
    if answer is not None:
        if answer.adapter:
            out.append(ADAPTER_NOTES[answer.adapter])
        out += [f"answer `{_leaf(new)}` read from `{_leaf(old)}`" for old, new in answer.renames.items()
                if new and _leaf(old) != _leaf(new)]
        out += [f"Airflow 3's `{_leaf(k)}`: {why}" for k, why in answer.retyped.items()]
        # Fields Airflow 3 has no value for stay None: one phrase per reason.
        by_reason: dict[str, list[str]] = {}
        for name, why in answer.absent.items():
            by_reason.setdefault(why, []).append(f"`{_leaf(name)}`")
        out += [f"answer {', '.join(names)} None: {why}" for why, names in by_reason.items()]
    if route.note:
        out.append(route.note)
    return list(dict.fromkeys(out))  # a rename at two depths reads the same


def render_doc(methods: dict[str, str]) -> str:
    """docs/airflow3.md: where each 2.x method goes on Airflow 3, what changes, and whether it works yet.

    `methods` maps each operation to its API class.
    """
    declared, lacking = coverage()
    unavailable = [op for op, route in ROUTES.items() if route.route is None]
    lines = [
        "# The 2.x interface on Airflow 3",
        "",
        "The same `Configuration`, API classes and methods serve Airflow 2 and Airflow 3. Point the client at",
        "the server root (`https://airflow.example.com`: it asks `/api/v2/version`, then `/api/v1/version`, once),",
        "or at the API of one generation (`.../api/v2` for Airflow 3, `.../api/v1` for Airflow 2);",
        "`ApiClient.server` says which it found. On Airflow 3 a username and password are exchanged for a token",
        "(`POST /auth/token`), renewed before it expires and once when refused; an `access_token` is sent as given.",
        "",
        f"**{len(declared)} of the {len(ROUTES)} methods are routed to Airflow 3**, each exercised against a real",
        "Airflow 3.3.2 by `test/integration3`.",
        *(["Each of the others has an Airflow 3 counterpart, listed below with what the client still lacks to",
           "reach it; called on Airflow 3, such a method is refused before anything is sent, with an error that",
           "says so."] if lacking else []),
        *([] if unavailable else ["Every 2.x method has an Airflow 3 counterpart: none is refused for want of one."]),
        "",
        "A dataset named by its URI is looked up among the assets first (Airflow 3 addresses an asset by its id):",
        "one request more, and a `NotFoundException` naming the URI when no asset has it. Users, roles and",
        "permissions exist only on a server that runs the FAB auth manager; on any other, these methods fail",
        "with an `ApiException` that names the method and says so.",
        "",
        "| method | API class | Airflow 3 route | what changes | routed on Airflow 3 |",
        "|---|---|---|---|---|",
    ]
    for op_id, route in ROUTES.items():
        where = route.route or "none"
        status = "yes" if op_id in declared else "not yet: " + "; ".join(lacking[op_id])
        changes = "; ".join(_changes(op_id, route)) or "nothing"
        cells = [f"`{op_id}`", methods.get(op_id, ""), f"`{where}`", changes, status]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    lines += [
        "",
        "Generated by `tools/generate.py` from `tools/airflow3_routes.py`, which "
        "`test/conformance/test_airflow3_routes.py` checks against both API descriptions.",
    ]
    return "\n".join(lines) + "\n"
