"""Models in notebooks: HTML tables (`_repr_html_`) and pandas data frames (`to_pandas`).

Nothing here runs while answers are decoded: a page is turned into a table or a frame only when a
notebook shows it or a script asks for a frame. pandas is imported by `to_pandas` alone, and only
when installed; the HTML is plain markup with inline styles (no script), so it renders wherever a
notebook is viewed, exported pages included.

A collection is a model with a list of models among its fields (`task_instances`, `dag_runs`,
`dags`, ...): it renders as a table of its items, one row each, with the columns `COLUMNS` names for
the item type, or else the first `FALLBACK_COLUMNS` scalar fields. Task instances and DAG runs get a
bar from start to end on a time axis shared by the rows. Every value from the server is escaped, and
a value longer than `MAX_TEXT` characters is cut, its whole text in the cell's tooltip.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from airflow_client.client.json_values import Convertible, parse_datetime, plain
from airflow_client.client.kinds import (
    BoolKind,
    DateKind,
    DateTimeKind,
    FloatKind,
    IntKind,
    Kind,
    ListKind,
    ModelKind,
    StrKind,
)

if TYPE_CHECKING:
    from airflow_client.client.model_utils import Model

# Rows a table shows; a longer page says how many rows it left out (`to_pandas` has them all).
MAX_ROWS = 200
# Characters a cell shows; longer values are cut, the whole value in the cell's tooltip.
MAX_TEXT = 60
# Columns a table shows for an item type `COLUMNS` does not name: its first scalar fields.
FALLBACK_COLUMNS = 8

# The most useful columns per item type. A tuple names alternatives: the first an item has is shown
# (2.x names first; the answers of Airflow 3 carry the newer names).
COLUMNS: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "TaskInstance": ("dag_id", "dag_run_id", "task_id", "map_index", "state", "try_number",
                     ("execution_date", "logical_date"), "start_date", "end_date", "duration", "operator"),
    "TaskInstanceResponse": ("dag_id", "dag_run_id", "task_id", "map_index", "state", "try_number",
                             "logical_date", "start_date", "end_date", "duration", "operator_name"),
    "TaskInstanceHistory": ("dag_id", "dag_run_id", "task_id", "map_index", "try_number", "state",
                            "start_date", "end_date", "duration"),
    "TaskInstanceHistoryResponse": ("dag_id", "dag_run_id", "task_id", "map_index", "try_number", "state",
                                    "start_date", "end_date", "duration"),
    "DAGRun": ("dag_id", "dag_run_id", "state", "run_type", ("logical_date", "execution_date"),
               "start_date", "end_date", "note"),
    "DAGRunResponse": ("dag_id", "dag_run_id", "state", "run_type", "logical_date", "run_after",
                       "start_date", "end_date", "note"),
    "DAG": ("dag_id", "is_paused", ("is_active", "is_stale"), "owners", "tags", "timetable_description",
            "next_dagrun", "has_import_errors"),
    "DAGResponse": ("dag_id", "is_paused", "is_stale", "owners", "tags", "timetable_summary",
                    "next_dagrun_logical_date", "has_import_errors"),
    "EventLog": ("when", "event", "dag_id", "task_id", "run_id", "try_number", "owner", "extra"),
    "EventLogResponse": ("when", "event", "dag_id", "task_id", "run_id", "try_number", "owner", "extra"),
    "ImportError": ("timestamp", "filename", "stack_trace"),
    "ImportErrorResponse": ("timestamp", "filename", "bundle_name", "stack_trace"),
    "XComCollectionItem": ("dag_id", "dag_run_id", "task_id", "map_index", "key", "timestamp"),
    "XComResponse": ("dag_id", "run_id", "task_id", "map_index", "key", "timestamp"),
    "Pool": ("name", "slots", "occupied_slots", "running_slots", "queued_slots", "open_slots", "description"),
    "PoolResponse": ("name", "slots", "occupied_slots", "running_slots", "queued_slots", "open_slots",
                     "description"),
}

# Item types whose rows get a bar from start_date to end_date.
TIMELINES = frozenset({
    "TaskInstance", "TaskInstanceResponse", "TaskInstanceHistory", "TaskInstanceHistoryResponse",
    "DAGRun", "DAGRunResponse",
})

# Bar colours by state, close to those of Airflow's own UI.
STATE_COLOURS = {
    "success": "#2e8b57", "failed": "#d9534f", "running": "#5cb85c", "queued": "#9e9e9e",
    "up_for_retry": "#f0ad4e", "up_for_reschedule": "#40e0d0", "upstream_failed": "#ff8c00",
    "skipped": "#e91e63", "removed": "#bdbdbd", "scheduled": "#d2b48c", "deferred": "#9370db",
    "restarting": "#ee82ee",
}
_DEFAULT_COLOUR = "#607d8b"

_SCALAR_KINDS = (StrKind, IntKind, FloatKind, BoolKind, DateTimeKind, DateKind)
_TIMESTAMP_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

# One style sheet per table, scoped by a class name; the bars keep inline styles, which every
# notebook viewer honours, since their place and width are the point.
_STYLE = (
    "<style>"
    ".airflow-client-table{border-collapse:collapse;font-size:12px}"
    ".airflow-client-table th,.airflow-client-table td{border:1px solid #ddd;padding:2px 6px;text-align:left;"
    "vertical-align:top;white-space:nowrap}"
    ".airflow-client-table th{background:#f3f3f3}"
    ".airflow-client-caption{font-size:12px;margin:2px 0}"
    "</style>"
)
_TABLE = '<table class="airflow-client-table">'
_AXIS = "position:relative;width:240px;height:14px;background:#f7f7f7"


# -- what a model holds -----------------------------------------------------------------------------------


def items_field(cls: type[Model]) -> str | None:
    """The field of a collection that holds its items (a list of models); None for other models."""
    for name, kind in cls._tables().items():
        if isinstance(kind, ListKind) and isinstance(kind.item, ModelKind):
            item_cls = kind.item.cls
            if hasattr(item_cls, "_tables"):  # a model, not an enum
                return name
    return None


def _declared_name(obj: Any) -> str:
    return type(obj).__name__


def _columns(items: Sequence[Any]) -> list[str]:
    """The columns of a table of `items`: those COLUMNS names that some item has, else the first scalars."""
    first = items[0]
    wanted = COLUMNS.get(_declared_name(first))
    if wanted is not None:
        found = []
        for choice in wanted:
            names = (choice,) if isinstance(choice, str) else choice
            # Of alternatives, the first with a value somewhere; else the first the items have at all.
            filled = [n for n in names if any(item.get(n) is not None for item in items)]
            present = filled or [n for n in names if any(n in item for item in items)]
            if present:
                found.append(present[0])
        if found:
            return found
    return _scalar_fields(items)[:FALLBACK_COLUMNS]


def _scalar_fields(items: Sequence[Any]) -> list[str]:
    """Fields holding one value each (text, numbers, flags, timestamps, enums): declared ones first."""
    first = items[0]
    kinds: dict[str, Kind] = type(first)._tables() if hasattr(type(first), "_tables") else {}
    names = [name for name, kind in kinds.items() if _scalar_kind(kind)]
    seen = set(names)
    for item in items[:20]:  # fields the class does not declare, as the server sent them
        for name in item:
            if name not in seen and _scalar_value(item.get(name)):
                names.append(name)
                seen.add(name)
    return [name for name in names if any(name in item for item in items)]


def _scalar_kind(kind: Kind) -> bool:
    if isinstance(kind, _SCALAR_KINDS):
        return True
    return isinstance(kind, ModelKind) and issubclass(kind.cls, str)  # an enum


def _scalar_value(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, datetime, date))


def _timestamp_fields(cls: type[Model]) -> set[str]:
    return {name for name, kind in cls._tables().items() if isinstance(kind, DateTimeKind)}


# -- HTML ---------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell's value as text: timestamps in ISO form, nested data as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, Convertible):
        value = plain(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(plain(value), default=str, ensure_ascii=False)
    return str(value)


def cell(value: Any, limit: int | None = None) -> str:
    """One value as escaped HTML: cut to `limit` characters, the whole value in a tooltip when cut."""
    limit = MAX_TEXT if limit is None else limit
    text = _text(value)
    if len(text) <= limit:
        return html.escape(text)
    return f'<span title="{html.escape(text, quote=True)}">{html.escape(text[: limit - 1])}&hellip;</span>'


def _moment(value: Any) -> datetime | None:
    """A timestamp field's value (a datetime or its text) as an aware datetime; None when it is no time."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str) and value:
        try:
            return parse_datetime(value)
        except (ValueError, OverflowError):
            return None
    return None


def _bars(items: Sequence[Any]) -> list[str]:
    """Per item, a bar from start to end on the axis the items share (an empty cell without a start).

    An item started but not ended (still running) reaches the axis's end, drawn open (dashed).
    """
    spans = [(_moment(item.get("start_date")), _moment(item.get("end_date"))) for item in items]
    moments = [m for span in spans for m in span if m is not None]
    if not moments:
        return ["" for _ in items]
    first, last = min(moments), max(moments)
    whole = (last - first).total_seconds()
    out = []
    for item, (start, end) in zip(items, spans, strict=True):
        if start is None:
            out.append("")
            continue
        left = 0.0 if whole <= 0 else (start - first).total_seconds() / whole * 100
        stop = end if end is not None else last
        width = 100.0 if whole <= 0 else max((stop - start).total_seconds(), 0.0) / whole * 100
        state = _text(item.get("state"))
        colour = STATE_COLOURS.get(state, _DEFAULT_COLOUR)
        border = "border:1px dashed #333;" if end is None else ""
        seconds = "still running" if end is None else f"{(end - start).total_seconds():g} s"
        tip = html.escape(f"{start.isoformat()} to {end.isoformat() if end else 'now'} ({seconds})", quote=True)
        out.append(
            f'<div style="{_AXIS}"><div title="{tip}" data-left="{left:.2f}" data-width="{width:.2f}" '
            f'style="position:absolute;left:{left:.2f}%;width:{width:.2f}%;min-width:1px;height:100%;'
            f'{border}background:{colour}"></div></div>'
        )
    return out


def collection_html(model: Model, field: str) -> str:
    """A collection as an HTML table of its items."""
    raw = model.get(field) or []
    # Models, and objects kept as received (dicts) when they did not decode; anything else has no fields.
    items = [item for item in raw if hasattr(item, "get") and hasattr(item, "__iter__")]
    caption = [f"{type(model).__name__}: {len(raw)} {field}"]
    total = model.get("total_entries")
    if isinstance(total, int) and not isinstance(total, bool):
        caption.append(f"of {total}")
    head = f'<div class="airflow-client-caption">{html.escape(" ".join(caption))}</div>'
    if not items:
        return f"<div>{_STYLE}{head}</div>"
    shown = items[:MAX_ROWS]
    columns = _columns(shown)
    timeline = _declared_name(shown[0]) in TIMELINES and any(item.get("start_date") for item in shown)
    bars = _bars(shown) if timeline else []
    rows = ["<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns)]
    if timeline:
        rows[0] += "<th>start &rarr; end</th>"
    rows[0] += "</tr>"
    for i, item in enumerate(shown):
        cells = "".join(f"<td>{cell(item.get(c))}</td>" for c in columns)
        if timeline:
            cells += f"<td>{bars[i]}</td>"
        rows.append(f"<tr>{cells}</tr>")
    more = ""
    if len(items) > len(shown):
        left_out = len(items) - len(shown)
        more = f'<div class="airflow-client-caption">&hellip; {left_out} more rows (to_pandas() has them all)</div>'
    return f'<div>{_STYLE}{head}{_TABLE}{"".join(rows)}</table>{more}</div>'


def model_html(model: Model) -> str:
    """One model as a table of two columns: field and value (secrets hidden)."""
    rows = [
        f"<tr><th>{html.escape(name)}</th><td>{cell(value)}</td></tr>" for name, value in model._shown_dict().items()
    ]
    head = f'<div class="airflow-client-caption">{html.escape(type(model).__name__)}</div>'
    return f'<div>{_STYLE}{head}{_TABLE}{"".join(rows)}</table></div>'


def html_of(model: Model) -> str:
    field = items_field(type(model))
    return collection_html(model, field) if field is not None else model_html(model)


# -- pandas -------------------------------------------------------------------------------------------------


def pandas_module() -> Any:
    try:
        import pandas  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise ImportError("to_pandas() needs pandas, which is not installed: pip install pandas") from None
    return pandas


def frame(items: Iterable[Any], item_cls: type[Model] | None = None) -> Any:
    """A pandas DataFrame: one row per item, one column per field; timestamps as aware pandas timestamps.

    Columns come in the order the item class declares its fields, then fields it does not declare. A
    timestamp column whose values do not all read as timestamps is kept as received, unconverted.
    """
    pandas = pandas_module()
    rows = list(items)
    if item_cls is None and rows and hasattr(type(rows[0]), "_tables"):
        item_cls = type(rows[0])
    declared: list[str] = list(item_cls._tables()) if item_cls is not None else []
    timestamps = _timestamp_fields(item_cls) if item_cls is not None else set()
    records = [plain(item) if isinstance(item, Convertible) else item for item in rows]
    names = [n for n in declared if any(n in r for r in records if isinstance(r, dict))] if rows else declared
    seen = set(names)
    for record in records:
        if isinstance(record, dict):
            for name in record:
                if name not in seen:
                    names.append(name)
                    seen.add(name)
    columns: dict[str, Any] = {}
    for name in names:
        values = [record.get(name) if isinstance(record, dict) else None for record in records]
        columns[name] = _column(pandas, values, name in timestamps)
    return pandas.DataFrame(columns, columns=names)


def _column(pandas: Any, values: list[Any], timestamp: bool) -> Any:
    present = [v for v in values if v is not None]
    if not present:
        return pandas.Series(values, dtype="datetime64[ns, UTC]" if timestamp else object)
    # A field the class does not declare a timestamp, but whose every value is ISO text, is one too:
    # Airflow 3's answers carry newer timestamps (run_after) under the 2.x models.
    if timestamp or all(isinstance(v, str) and _TIMESTAMP_TEXT.match(v) for v in present):
        moments = [_moment(v) for v in values]
        if all(m is not None for m, v in zip(moments, values, strict=True) if v is not None):
            return pandas.to_datetime(pandas.Series(moments, dtype=object), utc=True)
    return pandas.Series(values, dtype=object) if any(isinstance(v, (dict, list)) for v in present) else values


def collection_frame(model: Model) -> Any:
    """A collection's items as a DataFrame; a single model as a frame of one row."""
    field = items_field(type(model))
    if field is None:
        return frame([model], type(model))
    kind = type(model)._tables()[field]
    assert isinstance(kind, ListKind) and isinstance(kind.item, ModelKind)
    return frame(model.get(field) or [], kind.item.cls)
