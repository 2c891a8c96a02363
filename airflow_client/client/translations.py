"""What changes between Airflow 2 and 3 where a renamed field is not enough: small named steps.

An endpoint's Airflow 3 declaration (`endpoint.Airflow3`) names the steps its call needs; each is a
plain function of JSON-ready data, here, so every endpoint that needs one shares it.

- value steps turn a 2.x argument or body field into what Airflow 3 takes (`one_item_list`: a sort
  key as a list);
- answer steps turn an Airflow 3 answer into the shape of the 2.x model the method returns
  (`first_of_collection`, `structured_log_to_text`, ...); they also get the call's arguments, by
  their 2.x names, for the steps that finish work Airflow 3 no longer does (`page_locally`);
- text steps give the text a 2.x call asked for with `Accept: text/plain` where Airflow 3 answers
  only JSON;
- look-up steps are value steps that must ask the server first (the DAG behind a file token): they
  get a `Get`, one GET through the calling client, and are named in a declaration's `values` and
  `body_values` as any value step is;
- body steps reshape a whole request body and may move some of its fields into the path or query
  (`set_state_to_patch`); they get the call's arguments and a `Get` as well.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import timedelta
from typing import Any, Callable
from urllib.parse import quote

from airflow_client.client.exceptions import ApiValueError, NotFoundException

Get = Callable[[str, dict[str, Any]], Any]
"""One GET under the Airflow 3 API root (`/dags`, `{"bundle_name": "x"}`: a list value is sent
repeated), made by the client of the call being prepared, with its credentials; answers the decoded
JSON and raises its `ApiException` on an error answer."""


def one_item_list(value: Any) -> Any:
    """Airflow 3 takes several sort keys where 2.x took one."""
    return [value] if isinstance(value, str) else value


def logical_date_sort_key(value: Any) -> Any:
    """A sort on `execution_date` is a sort on `logical_date` in Airflow 3 (a leading `-` kept)."""
    def rename(key: Any) -> Any:
        if isinstance(key, str) and key.lstrip("-") == "execution_date":
            return key.replace("execution_date", "logical_date")
        return key
    return [rename(v) for v in value] if isinstance(value, list) else rename(value)


def none_as_null(value: Any) -> Any:
    """2.x named "no state" `"none"`; Airflow 3 takes null for it."""
    if isinstance(value, list):
        return [None if v == "none" else v for v in value]
    return None if value == "none" else value


def comma_split(value: Any) -> Any:
    """2.x took several values comma-joined in one parameter; Airflow 3 takes the parameter repeated."""
    return [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else value


def comma_joined(value: Any) -> Any:
    """The FAB auth manager's API takes its field list comma-joined in one parameter."""
    return ",".join(str(v) for v in value) if isinstance(value, list) else value


VALUE_STEPS: dict[str, Callable[[Any], Any]] = {
    "comma_split": comma_split,
    "comma_joined": comma_joined,
    "one_item_list": one_item_list,
    "logical_date_sort_key": logical_date_sort_key,
    "none_as_null": none_as_null,
}


def not_found(detail: str) -> NotFoundException:
    """What a look-up that finds nothing raises: the 404 Airflow 2 answered for the same call."""
    error = NotFoundException(404, "Not Found")
    error.detail = detail
    return error


def _token_payload(token: str) -> dict[str, Any]:
    """The unsigned payload of a file token (`base64(JSON).signature`), or {} when it has none."""
    head = token.split(".", 1)[0]
    try:
        payload = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, binascii.Error):
        return {}
    return payload if isinstance(payload, dict) else {}


def dag_id_for_file_token(value: Any, get: Get) -> Any:
    """Airflow 3 serves a DAG's source by DAG id: the DAG whose `file_token` is the one given.

    The token names its bundle, which narrows the look-up to that bundle's DAGs; pages are read
    until the DAG is found (one page for up to 100 DAGs in the bundle).
    """
    if not isinstance(value, str):
        return value
    query: dict[str, Any] = {"limit": 100, "exclude_stale": False}
    bundle = _token_payload(value).get("bundle_name")
    if isinstance(bundle, str):
        query["bundle_name"] = bundle
    offset = 0
    while True:
        page = get("/dags", {**query, "offset": offset})
        dags = page.get("dags") if isinstance(page, dict) else None
        if not isinstance(dags, list):
            break
        for dag in dags:
            if isinstance(dag, dict) and dag.get("file_token") == value:
                return dag.get("dag_id")
        offset += len(dags)
        total = page.get("total_entries")
        if not dags or not isinstance(total, int) or offset >= total:
            break
    raise not_found(f"no DAG the caller may read has the file token {value!r}")


LOOKUP_STEPS: dict[str, Callable[[Any, Get], Any]] = {
    "dag_id_for_file_token": dag_id_for_file_token,
}


def logical_date_or_null(body: dict[str, Any], args: dict[str, Any], get: Get) -> dict[str, Any]:
    """Airflow 3 requires `logical_date` in a trigger, null for a run without one (2.x used the current
    time); a 2.x body may name it `execution_date`."""
    execution_date = body.pop("execution_date", None)
    if body.get("logical_date") is None:
        body["logical_date"] = execution_date
    return {}


def set_state_to_patch(body: dict[str, Any], args: dict[str, Any], get: Get) -> dict[str, Any]:
    """2.x named the run and the task in the body; Airflow 3 PATCHes the task instance, which its path
    names. A run given by its logical date (`execution_date`) is looked up among the DAG's runs."""
    where = "post_set_task_instances_state(update_task_instances_state)"
    task_id = body.pop("task_id", None)
    run_id = body.pop("dag_run_id", None)
    execution_date = body.pop("execution_date", None)
    if not task_id:
        raise ApiValueError(f"{where}: task_id is needed to name the task whose state is set")
    if run_id is None and execution_date is None:
        raise ApiValueError(f"{where}: dag_run_id or execution_date is needed to name the run")
    if run_id is None:
        dag_id = args["dag_id"]
        page = get(f"/dags/{quote(str(dag_id), safe='')}/dagRuns",
                   {"logical_date_gte": execution_date, "logical_date_lte": execution_date, "limit": 2})
        runs = page.get("dag_runs") if isinstance(page, dict) else None
        if not runs:
            raise not_found(f"DAG {dag_id!r} has no run with the logical date {execution_date}")
        run_id = runs[0].get("dag_run_id")
    return {"dag_run_id": run_id, "task_id": task_id}


BODY_STEPS: dict[str, Callable[[dict[str, Any], dict[str, Any], Get], dict[str, Any]]] = {
    "logical_date_or_null": logical_date_or_null,
    "set_state_to_patch": set_state_to_patch,
}


def first_of_collection(data: Any, args: dict[str, Any]) -> Any:
    """Airflow 3 answers a PATCH of a task instance with the collection of those it changed."""
    if isinstance(data, dict):
        items = data.get("task_instances")
        if isinstance(items, list):
            return items[0] if items and isinstance(items[0], dict) else {}
    return data


def _log_line(record: Any) -> str:
    if not isinstance(record, dict):
        return str(record)
    event = record.get("event", "")
    parts = []
    if record.get("timestamp"):
        parts.append(f"[{record['timestamp']}]")
    if record.get("level"):
        parts.append(str(record["level"]).upper())
    if record.get("logger"):
        parts.append(f"{record['logger']}:")
    parts.append(str(event))
    return " ".join(parts)


def log_records_text(content: Any) -> str:
    """Structured log records as the lines of text a person reads: `[time] LEVEL logger: event`."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return "" if content is None else str(content)
    return "".join(_log_line(record) + "\n" for record in content)


def structured_log_to_text(data: Any, args: dict[str, Any]) -> Any:
    """Airflow 3 answers a log as structured records; 2.x scripts print `content` as text."""
    if isinstance(data, dict) and not isinstance(data.get("content"), str):
        data["content"] = log_records_text(data.get("content"))
    return data


def extra_links_as_airflow2(data: Any, args: dict[str, Any]) -> Any:
    """Airflow 3 answers `{"extra_links": {name: url}, ...}`; Airflow 2.11 answered `{name: url}` itself."""
    if isinstance(data, dict) and isinstance(data.get("extra_links"), dict):
        return data["extra_links"]
    return data


def page_locally(data: Any, args: dict[str, Any]) -> Any:
    """Airflow 3 answers every try at once: the call's order_by, offset and limit are applied here."""
    if not isinstance(data, dict) or not isinstance(data.get("task_instances"), list):
        return data
    items = data["task_instances"]
    key = args.get("order_by")
    if isinstance(key, str) and key.lstrip("-"):
        name = key.lstrip("-")
        # Items lacking the field, or holding None, sort last either way, as SQL puts NULLs.
        present = [i for i in items if isinstance(i, dict) and i.get(name) is not None]
        missing = [i for i in items if not (isinstance(i, dict) and i.get(name) is not None)]
        try:
            present.sort(key=lambda i: i[name], reverse=key.startswith("-"))
        except TypeError:
            pass  # values that do not compare: the server's order is kept
        items = present + missing
    offset = args.get("offset") or 0
    limit = args.get("limit")
    data["task_instances"] = items[offset:] if limit is None else items[offset : offset + limit]
    data["total_entries"] = len(items)
    return data


# Fields Airflow 3 renamed, copied under their 2.x names by the answer steps below (Airflow 3's name
# stays readable too): (Airflow 3 name, 2.x name).
_DAG_NAMES = (("next_dagrun_logical_date", "next_dagrun"), ("next_dagrun_run_after", "next_dagrun_create_after"))
_RUN_NAMES = (("logical_date", "execution_date"),)
ANSWER_COPIES: dict[str, tuple[tuple[str, str], ...]] = {
    "dag_v1_fields": _DAG_NAMES,
    "dag_detail_v1_fields": (*_DAG_NAMES, ("asset_expression", "dataset_expression")),
    "dag_run_v1_fields": _RUN_NAMES,
}
# Run types started from outside the schedule: 2.x's `external_trigger`.
_EXTERNAL_RUN_TYPES = frozenset({"manual", "operator_triggered"})


def _copy_names(item: dict[str, Any], names: tuple[tuple[str, str], ...]) -> None:
    for new, old in names:
        if new in item and old not in item:
            item[old] = item[new]


def _each(data: Any, key: str, fix: Callable[[dict[str, Any]], None]) -> Any:
    """`fix` applied to each item of the list `key` of a collection, or to the one object answered."""
    if isinstance(data, dict):
        items = data.get(key)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict):
                    fix(item)
        else:
            fix(data)
    return data


def _dag_v1(dag: dict[str, Any]) -> None:
    _copy_names(dag, _DAG_NAMES)
    stale = dag.get("is_stale")
    if "is_active" not in dag and isinstance(stale, bool):
        dag["is_active"] = not stale  # a stale DAG is one whose file is gone: 2.x's inactive DAG


def dag_v1_fields(data: Any, args: dict[str, Any]) -> Any:
    """A DAG, or each DAG of a collection, with 2.x's `is_active`, `next_dagrun` and `next_dagrun_create_after`."""
    return _each(data, "dags", _dag_v1)


_DURATION = re.compile(
    r"(-)?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)


def duration_as_time_delta(text: str) -> dict[str, Any] | None:
    """An ISO 8601 duration (`PT1H30M`, `P2DT5S`, `-PT1S`) as 2.x's TimeDelta object, or None if it is not one."""
    match = _DURATION.fullmatch(text)
    if match is None or not any(match.groups()[1:]):
        return None
    weeks, days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups()[1:])
    total = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    if match.group(1):
        total = -total
    return {"__type": "TimeDelta", "days": total.days, "seconds": total.seconds, "microseconds": total.microseconds}


def dag_detail_v1_fields(data: Any, args: dict[str, Any]) -> Any:
    """A DAG's details as 2.x read them: the DAG's 2.x fields, `dataset_expression`, and `dag_run_timeout`
    as a TimeDelta where Airflow 3 answers an ISO 8601 duration."""
    if isinstance(data, dict):
        _dag_v1(data)
        _copy_names(data, (("asset_expression", "dataset_expression"),))
        timeout = data.get("dag_run_timeout")
        if isinstance(timeout, str):
            as_delta = duration_as_time_delta(timeout)
            if as_delta is not None:
                data["dag_run_timeout"] = as_delta
    return data


def _task_v1(task: dict[str, Any]) -> None:
    links = task.get("extra_links")
    if isinstance(links, list):
        # Airflow 3 names each link; 2.x gave the link's class, whose module Airflow 3 no longer says.
        task["extra_links"] = [{"class_ref": {"class_name": link, "module_path": None}} if isinstance(link, str)
                               else link for link in links]


def task_v1_fields(data: Any, args: dict[str, Any]) -> Any:
    """A task, or each task of a collection, with `extra_links` in 2.x's shape."""
    return _each(data, "tasks", _task_v1)


def _run_v1(run: dict[str, Any]) -> None:
    _copy_names(run, _RUN_NAMES)
    run_type = run.get("run_type")
    if "external_trigger" not in run and isinstance(run_type, str):
        run["external_trigger"] = run_type in _EXTERNAL_RUN_TYPES


def dag_run_v1_fields(data: Any, args: dict[str, Any]) -> Any:
    """A DAG run, or each run of a collection, with 2.x's `execution_date` and `external_trigger`; the
    task instances a dry-run clear answers get `execution_date` as well."""
    if isinstance(data, dict) and isinstance(data.get("task_instances"), list):
        return _each(data, "task_instances", _run_v1)
    return _each(data, "dag_runs", _run_v1)


ANSWER_STEPS: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
    "first_of_collection": first_of_collection,
    "structured_log_to_text": structured_log_to_text,
    "extra_links_as_airflow2": extra_links_as_airflow2,
    "page_locally": page_locally,
    "dag_v1_fields": dag_v1_fields,
    "dag_detail_v1_fields": dag_detail_v1_fields,
    "task_v1_fields": task_v1_fields,
    "dag_run_v1_fields": dag_run_v1_fields,
}


def log_text(data: Any) -> str:
    """The text of a log answer, for a 2.x call that asked for `text/plain`."""
    return log_records_text(data.get("content") if isinstance(data, dict) else data)


TEXT_STEPS: dict[str, Callable[[Any], str]] = {"log_text": log_text}
