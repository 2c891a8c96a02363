"""What changes between Airflow 2 and 3 where a renamed field is not enough: small named steps.

An endpoint's Airflow 3 declaration (`endpoint.Airflow3`) names the steps its call needs; each is a
plain function of JSON-ready data, here, so every endpoint that needs one shares it.

- value steps turn a 2.x argument into what Airflow 3 takes (`one_item_list`: a sort key as a list);
- answer steps turn an Airflow 3 answer into the shape of the 2.x model the method returns
  (`first_of_collection`, `structured_log_to_text`, ...).
"""

from __future__ import annotations

from typing import Any, Callable


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


VALUE_STEPS: dict[str, Callable[[Any], Any]] = {
    "one_item_list": one_item_list,
    "logical_date_sort_key": logical_date_sort_key,
}


def first_of_collection(data: Any) -> Any:
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


def structured_log_to_text(data: Any) -> Any:
    """Airflow 3 answers a log as structured records; 2.x scripts print `content` as text."""
    if isinstance(data, dict) and not isinstance(data.get("content"), str):
        data["content"] = log_records_text(data.get("content"))
    return data


def extra_links_as_airflow2(data: Any) -> Any:
    """Airflow 3 answers `{"extra_links": {name: url}, ...}`; Airflow 2.11 answered `{name: url}` itself."""
    if isinstance(data, dict) and isinstance(data.get("extra_links"), dict):
        return data["extra_links"]
    return data


ANSWER_STEPS: dict[str, Callable[[Any], Any]] = {
    "first_of_collection": first_of_collection,
    "structured_log_to_text": structured_log_to_text,
    "extra_links_as_airflow2": extra_links_as_airflow2,
}
