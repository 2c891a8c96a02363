"""What changes between Airflow 2 and 3 where a renamed field is not enough: small named steps.

An endpoint's Airflow 3 declaration (`endpoint.Airflow3`) names the steps its call needs; each is a
plain function of JSON-ready data, here, so every endpoint that needs one shares it.

- value steps turn a 2.x argument or body field into what Airflow 3 takes (`one_item_list`: a sort
  key as a list);
- answer steps turn an Airflow 3 answer into the shape of the 2.x model the method returns
  (`first_of_collection`, `structured_log_to_text`, ...); they also get the call's arguments, by
  their 2.x names, for the steps that finish work Airflow 3 no longer does (`page_locally`);
- look-up steps are value steps that must ask the server first (`asset_id_for_uri`: Airflow 3
  addresses an asset by its id, 2.x by its URI); they get a `fetch` that GETs a path of the call's API
  and answers its decoded JSON (or raises the `ApiException` of an error answer). Answer steps get the
  same `fetch`, for the answers whose 2.x shape needs more than the one answer (`distinct_actions`);
- text steps give the text a 2.x call asked for with `Accept: text/plain` where Airflow 3 answers
  only JSON.
"""

from __future__ import annotations

from typing import Any, Callable

from airflow_client.client.exceptions import ApiValueError, NotFoundException

# GET `path` (relative to the call's API root, already percent-encoded) with the query parameters
# given (a list value sent repeated): the decoded JSON answer; an error answer raises its ApiException.
Fetch = Callable[[str, dict[str, Any]], Any]


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


# Items per look-up request: the most Airflow 3 answers at once by default ([api] maximum_page_limit).
_PAGE = 100


def _every_item(fetch: Fetch, path: str, field: str, query: dict[str, Any]) -> list[Any]:
    """Every item of a v2 list, page by page; stops at `total_entries` or at an empty page."""
    items: list[Any] = []
    while True:
        page = fetch(path, {**query, "limit": _PAGE, "offset": len(items)})
        more = page.get(field) if isinstance(page, dict) else None
        if not isinstance(more, list) or not more:
            return items
        items += more
        total = page.get("total_entries")
        if not isinstance(total, int) or len(items) >= total:
            return items


def asset_id_for_uri(value: Any, fetch: Fetch) -> Any:
    """Airflow 3 addresses an asset by its id; a 2.x call names the dataset by its URI.

    `uri_pattern` matches part of the URI regardless of case, so the exact URI is picked from the
    matches. Airflow 3 tells assets apart by name and URI together: two assets may share a URI.
    """
    if not isinstance(value, str):
        return value
    matches = [a for a in _every_item(fetch, "/assets", "assets", {"uri_pattern": value})
               if isinstance(a, dict) and a.get("uri") == value]
    if len(matches) == 1:
        return matches[0].get("id")
    if not matches:
        error = NotFoundException(status=404, reason="Not Found")
        error.title = "Dataset not found"
        error.detail = (f"no asset has the URI {value!r} on this Airflow 3 server (a 2.x dataset is an Airflow 3 "
                        "asset; it exists once a DAG that uses it has been parsed)")
        raise error
    named = ", ".join(f"{a.get('name')!r} (id {a.get('id')})" for a in matches)
    raise ApiValueError(f"{len(matches)} assets have the URI {value!r} on this Airflow 3 server, which tells "
                        f"assets apart by name: {named}; a 2.x call by URI cannot choose between them")


LOOKUP_STEPS: dict[str, Callable[[Any, Fetch], Any]] = {
    "asset_id_for_uri": asset_id_for_uri,
}


def first_of_collection(data: Any, args: dict[str, Any], fetch: Fetch) -> Any:
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


def structured_log_to_text(data: Any, args: dict[str, Any], fetch: Fetch) -> Any:
    """Airflow 3 answers a log as structured records; 2.x scripts print `content` as text."""
    if isinstance(data, dict) and not isinstance(data.get("content"), str):
        data["content"] = log_records_text(data.get("content"))
    return data


def extra_links_as_airflow2(data: Any, args: dict[str, Any], fetch: Fetch) -> Any:
    """Airflow 3 answers `{"extra_links": {name: url}, ...}`; Airflow 2.11 answered `{name: url}` itself."""
    if isinstance(data, dict) and isinstance(data.get("extra_links"), dict):
        return data["extra_links"]
    return data


def page_locally(data: Any, args: dict[str, Any], fetch: Fetch) -> Any:
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


def _rename(item: Any, names: dict[str, str]) -> None:
    if isinstance(item, dict):
        for old, new in names.items():
            if old in item and new not in item:
                item[new] = item.pop(old)


_ASSET_FIELDS = {"scheduled_dags": "consuming_dags"}
_EVENT_FIELDS = {"asset_id": "dataset_id", "uri": "dataset_uri"}


def assets_as_datasets(data: Any, args: dict[str, Any], fetch: Fetch) -> Any:
    """An asset, an asset event, or a list of either, under the names 2.x gave datasets and their events."""
    if not isinstance(data, dict):
        return data
    if isinstance(data.get("assets"), list):
        data["datasets"] = data.pop("assets")
        for asset in data["datasets"]:
            _rename(asset, _ASSET_FIELDS)
    elif isinstance(data.get("asset_events"), list):
        data["dataset_events"] = data.pop("asset_events")
        for event in data["dataset_events"]:
            _rename(event, _EVENT_FIELDS)
    elif "asset_id" in data:
        _rename(data, _EVENT_FIELDS)
    else:
        _rename(data, _ASSET_FIELDS)
    return data


def queued_events_with_uri(data: Any, args: dict[str, Any], fetch: Fetch) -> Any:
    """Airflow 3 names the asset of a queued event by its id; 2.x by the dataset's URI.

    A call by URI knows it; the events of a DAG get theirs from the assets that DAG uses.
    """
    if not isinstance(data, dict):
        return data
    events = data.get("queued_events")
    uri = args.get("uri")
    if not isinstance(events, list):
        if uri is not None and "uri" not in data:
            data["uri"] = uri
        return data
    uris: dict[Any, Any] = {}
    if uri is None:
        wanted = {e.get("asset_id") for e in events if isinstance(e, dict) and "uri" not in e}
        if wanted:
            used = _every_item(fetch, "/assets", "assets", {"dag_ids": [args.get("dag_id")]})
            uris = {a.get("id"): a.get("uri") for a in used if isinstance(a, dict)}
            for asset_id in wanted - set(uris):
                if isinstance(asset_id, int):  # an asset the DAG no longer uses
                    uris[asset_id] = fetch(f"/assets/{asset_id}", {}).get("uri")
    for event in events:
        if isinstance(event, dict) and "uri" not in event:
            event["uri"] = uri if uri is not None else uris.get(event.get("asset_id"))
    return data


def distinct_actions(data: Any, args: dict[str, Any], fetch: Fetch) -> Any:
    """The FAB auth manager lists (action, resource) pairs; 2.x listed the action names, paged.

    Every pair is read (the first page is the answer), the names kept once each in the order they
    first appear, and the call's offset and limit applied to that list.
    """
    if not isinstance(data, dict) or not isinstance(data.get("actions"), list):
        return data
    pairs = list(data["actions"])
    total = data.get("total_entries")
    while isinstance(total, int) and len(pairs) < total:
        page = fetch("/permissions", {"limit": _PAGE, "offset": len(pairs)})
        more = page.get("actions") if isinstance(page, dict) else None
        if not isinstance(more, list) or not more:
            break
        pairs += more
    names: dict[str, None] = {}
    for pair in pairs:
        action = pair.get("action") if isinstance(pair, dict) else None
        name = action.get("name") if isinstance(action, dict) else None
        if isinstance(name, str):
            names[name] = None
    offset = args.get("offset") or 0
    limit = args.get("limit")
    listed = list(names)
    shown = listed[offset:] if limit is None else listed[offset : offset + limit]
    return {"actions": [{"name": n} for n in shown], "total_entries": len(listed)}


ANSWER_STEPS: dict[str, Callable[[Any, dict[str, Any], Fetch], Any]] = {
    "assets_as_datasets": assets_as_datasets,
    "queued_events_with_uri": queued_events_with_uri,
    "distinct_actions": distinct_actions,
    "first_of_collection": first_of_collection,
    "structured_log_to_text": structured_log_to_text,
    "extra_links_as_airflow2": extra_links_as_airflow2,
    "page_locally": page_locally,
}


def log_text(data: Any) -> str:
    """The text of a log answer, for a 2.x call that asked for `text/plain`."""
    return log_records_text(data.get("content") if isinstance(data, dict) else data)


TEXT_STEPS: dict[str, Callable[[Any], str]] = {"log_text": log_text}
