"""Reading back the HTML of a rendered page, as a browser would, and checking it against the items it shows.

Used by the unit tests (loopback answers) and the integration tests (real Airflow 2 and 3).
"""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from typing import Any

import pytest

from airflow_client.client.json_values import parse_datetime


class Page(HTMLParser):
    """What a browser would see of the HTML: tables as rows of cell texts, elements with their attributes."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.rows: list[list[str]] = []
        self.cells: list[dict[str, Any]] = []  # per td/th: its text and the attributes of what it holds
        self._cell: dict[str, Any] | None = None
        self.scripts = 0
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self.scripts += 1
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = {"text": "", "inner": []}
        elif self._cell is not None:
            self._cell["inner"].append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(self._cell["text"])
            self.cells.append(self._cell)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data

    @property
    def header(self) -> list[str]:
        return self.rows[0]

    def column(self, name: str) -> list[str]:
        i = self.header.index(name)
        return [row[i] for row in self.rows[1:]]

    def bars(self) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.elements if tag == "div" and "data-width" in attrs]


def bar_geometry(page: Page) -> list[tuple[float, float]]:
    out = []
    for attrs in page.bars():
        style = dict(part.split(":", 1) for part in attrs["style"].split(";") if part)
        left, width = float(style["left"].rstrip("%")), float(style["width"].rstrip("%"))
        assert (f"{left:.2f}", f"{width:.2f}") == (attrs["data-left"], attrs["data-width"])
        out.append((left, width))
    return out


def expected_bars(items: list[Any]) -> list[tuple[float, float]]:
    """Where each started item's bar should be, in percent of the axis from the first start to the last end,
    computed from the items' own timestamps (text or datetime)."""

    def moment(value: Any) -> datetime | None:
        return None if value is None else value if isinstance(value, datetime) else parse_datetime(value)

    spans = [(moment(item.get("start_date")), moment(item.get("end_date"))) for item in items]
    moments = [m for span in spans for m in span if m is not None]
    first, last = min(moments), max(moments)
    whole = (last - first).total_seconds()
    return [
        (round((start - first).total_seconds() / whole * 100, 2),
         round(((end or last) - start).total_seconds() / whole * 100, 2))
        for start, end in spans if start is not None
    ]


def check_rendered_page(page_model: Any) -> Page:
    """The HTML of a real page of task instances: one row per item, the ids and states as the server sent
    them, one bar per started item where its timestamps put it. Returns the page for more checks."""
    items = list(page_model.task_instances)
    assert items, "the page holds no task instances"
    page = Page(page_model._repr_html_())
    assert page.scripts == 0
    assert len(page.rows) == 1 + len(items)
    assert page.column("task_id") == [item.task_id for item in items]
    assert page.column("state") == [str(item.state or "") for item in items]
    assert page.column("map_index") == [str(item.map_index) for item in items]
    assert bar_geometry(page) == [
        (pytest.approx(left, abs=0.011), pytest.approx(width, abs=0.011))
        for left, width in expected_bars(items)
    ]
    return page


def check_frame(frame: Any, items: list[Any]) -> None:
    """A DataFrame of real task instances: a row each, timestamps as timezone-aware pandas timestamps (rows
    matched to items by task id and map index, whatever order they came in)."""
    import pandas as pd

    assert len(frame) == len(items)
    for name in ("start_date", "end_date"):
        assert isinstance(frame[name].dtype, pd.DatetimeTZDtype), (name, frame[name].dtype)
        assert str(frame[name].dtype.tz) == "UTC"
    rows = {(row.task_id, row.map_index): row for row in frame.itertuples()}
    for item in items:
        row = rows[(item.task_id, item.map_index)]
        start = item.start_date
        assert row.start_date == pd.Timestamp(start if isinstance(start, datetime) else parse_datetime(start))
