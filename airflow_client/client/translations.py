"""What changes between Airflow 2 and 3 where a renamed field is not enough: small named steps.

An endpoint's Airflow 3 declaration (`endpoint.Airflow3`) names the steps its call needs; each is a
plain function of JSON-ready data, here, so every endpoint that needs one shares it.

- value steps turn a 2.x argument or body field into what Airflow 3 takes (`one_item_list`: a sort
  key as a list); a renaming step also reads the declaration's body renames (`body_renames`);
- body steps complete a 2.x request body, and the call's parameters, where Airflow 3 wants more of
  it than 2.x did (`complete_pool_patch`);
- answer steps turn an Airflow 3 answer into the shape of the 2.x model the method returns
  (`first_of_collection`, `structured_log_to_text`, ...); they also get the call's arguments, by
  their 2.x names, for the steps that finish work Airflow 3 no longer does (`page_locally`), and a
  `fetch` that sends the call again with other query parameters, for the answer Airflow 3 pages
  where 2.x did not (`every_page`);
- text steps give the text a 2.x call asked for with `Accept: text/plain` where Airflow 3 answers
  only JSON.
"""

from __future__ import annotations

from typing import Any, Callable

# The call sent again with these query parameters set (the others kept): its JSON answer.
Fetch = Callable[[dict[str, Any]], Any]


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


def val_as_value(value: Any) -> Any:
    """Airflow 2.11.2 knew a variable's value as `val` in update_mask (and refused `value`); Airflow 3
    takes `value` and would skip `val` without a word."""
    if isinstance(value, list):
        return ["value" if v == "val" else v for v in value]
    return value


VALUE_STEPS: dict[str, Callable[[Any], Any]] = {
    "comma_split": comma_split,
    "comma_joined": comma_joined,
    "one_item_list": one_item_list,
    "logical_date_sort_key": logical_date_sort_key,
    "none_as_null": none_as_null,
    "val_as_value": val_as_value,
}


def body_renames(value: Any, renames: dict[str, str]) -> Any:
    """A list of body field names (an update_mask) under the names the renamed body gives them."""
    if isinstance(value, list):
        return [renames.get(v, v) if isinstance(v, str) else v for v in value]
    return value


# Value steps that also read the declaration's body renames.
RENAMING_STEPS: dict[str, Callable[[Any, dict[str, str]], Any]] = {"body_renames": body_renames}


def complete_pool_patch(body: dict[str, Any], values: dict[str, Any]) -> None:
    """Airflow 3 checks every pool PATCH body as a whole pool (name, slots and include_deferred), even
    with an update_mask; 2.x took any subset. The fields 2.x left out are filled, and kept out of the
    change: a call without a mask gets one naming the fields it sent, as 2.x wrote those and kept the
    others. The name is never in that mask: Airflow 3 takes it only when it is the path's."""
    if not values.get("update_mask"):  # 2.x read an empty mask as none
        sent = [k for k in body if k != "name"]
        if not sent:
            return  # nothing to write: the body goes as it is, and Airflow 3 says what it lacks
        values["update_mask"] = sent
    mask = set(values["update_mask"])
    # The path's name is the only one Airflow 3 takes, so writing it changes nothing; slots and
    # include_deferred are placeholders that the mask leaves unwritten.
    body.setdefault("name", values.get("pool_name"))
    for field, filler in (("slots", 0), ("include_deferred", False)):
        if field not in body and field not in mask:
            body[field] = filler


BODY_STEPS: dict[str, Callable[[dict[str, Any], dict[str, Any]], None]] = {
    "complete_pool_patch": complete_pool_patch,
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


# At most this many pages make one answer: a bound on the calls, whatever totals a server reports.
MOST_PAGES = 100


def every_page(data: Any, args: dict[str, Any], fetch: Fetch) -> Any:
    """Airflow 3 pages a list that 2.x answered whole: the following pages are asked for, one call
    each from the offset reached, and joined into the first (at most MOST_PAGES in all)."""
    if not isinstance(data, dict) or not isinstance(data.get("total_entries"), int):
        return data
    field = next((k for k, v in data.items() if isinstance(v, list)), None)
    if field is None:
        return data
    items = data[field]
    pages = 1
    while len(items) < data["total_entries"] and pages < MOST_PAGES:
        page = fetch({"offset": len(items)})
        more = page.get(field) if isinstance(page, dict) else None
        if not isinstance(more, list) or not more:
            break  # the list shrank meanwhile: what was read is the answer
        items.extend(more)
        pages += 1
    return data


ANSWER_STEPS: dict[str, Callable[[Any, dict[str, Any], Fetch], Any]] = {
    "first_of_collection": first_of_collection,
    "structured_log_to_text": structured_log_to_text,
    "extra_links_as_airflow2": extra_links_as_airflow2,
    "page_locally": page_locally,
    "every_page": every_page,
}


def log_text(data: Any) -> str:
    """The text of a log answer, for a 2.x call that asked for `text/plain`."""
    return log_records_text(data.get("content") if isinstance(data, dict) else data)


TEXT_STEPS: dict[str, Callable[[Any], str]] = {"log_text": log_text}
