"""Every item of a list operation, across as many pages as it takes.

    from airflow_client.client.pagination import paginate

    for ti in paginate(ti_api.get_task_instances, "~", "~", state=["failed"], page_size=500):
        print(ti.dag_id, ti.task_id)

Pages are fetched at increasing offsets (`limit`/`offset` in the query string, or `page_limit`/
`page_offset` in the body of the batch operations) until a page comes back short or the server's
`total_entries` is reached (Airflow caps a page at its `[api] maximum_page_limit`, 100 by default,
whatever `page_size` asks for; the pages just get smaller). Offsets are positions in the server's
current ordering, so when items are added or removed between two pages an item can be seen twice
or missed; sort on a field that does not change (`order_by="start_date"` where the operation offers
it) to make that unlikely.

On Airflow 3, a page asks for at most 100 items (the server's cap), and a page without
`total_entries` ends the listing when it comes back short. An operation that takes a `cursor`
(`get_task_instances` and `get_dag_runs` from Airflow 3.3) is paged by cursor instead, unless the
call gives an `offset`: each page names the next (`next_cursor`), so items added or removed
meanwhile neither repeat nor push others out of the listing. A `cursor` given to the call is where
the listing starts.

`paginate` returns a `Paginated`: a plain iterator of the items, which also turns the items it has
not yielded yet into a pandas DataFrame (`to_pandas()`), and shows its progress when asked
(`progress=True`, see `progress.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Callable

from airflow_client.client.exceptions import ApiTypeError, ApiValueError
from airflow_client.client.model_utils import Model
from airflow_client.client.progress import Progress

if TYPE_CHECKING:
    from airflow_client.client.endpoint import Operation

# Airflow 3 answers at most this many items a page, whatever the limit asks: asking for more would
# make a full page without `total_entries` look short, and end the listing early.
AIRFLOW3_PAGE_CAP = 100


def _operation(method: Callable[..., Any]) -> Operation:
    op = getattr(method, "operation", None)
    if op is None:
        raise ApiTypeError(f"paginate() takes an API method such as api.get_task_instances, got {method!r}")
    return op  # type: ignore[no-any-return]


def _generation(method: Callable[..., Any]) -> int:
    """The Airflow generation the method's client talks to (asked once, as the first call would)."""
    api_client = getattr(getattr(method, "__self__", None), "api_client", None)
    server = getattr(api_client, "server", None)
    generation = getattr(server, "generation", 2)
    return generation if isinstance(generation, int) else 2


class Paginated(Iterator[Any]):
    """The items of a listing, read page by page as they are asked for: a plain iterator, plus
    `to_pandas()`, which reads the rest and returns it as a DataFrame."""

    def __init__(self, items: Iterator[Any], item_cls: type[Model] | None) -> None:
        self._items = items
        self.item_cls = item_cls

    def __iter__(self) -> Paginated:
        return self

    def __next__(self) -> Any:
        return next(self._items)

    def close(self) -> None:
        """Stop early: no more pages are read, and a progress line is ended (as a generator's close)."""
        close = getattr(self._items, "close", None)
        if close is not None:
            close()

    def to_pandas(self) -> Any:
        """The items not yet yielded, as a pandas DataFrame: one row per item, one column per field,
        timestamps as timezone-aware pandas timestamps. Needs pandas (`pip install pandas`)."""
        from airflow_client.client.display import frame, pandas_module

        pandas_module()  # before any request: without pandas, fail before reading every page
        return frame(self._items, self.item_cls)


def paginate(
    method: Callable[..., Any],
    *args: Any,
    page_size: int = 100,
    max_items: int | None = None,
    progress: bool = False,
    **kwargs: Any,
) -> Paginated:
    """Iterate over the items of every page of `method(*args, **kwargs)`, `page_size` at a time, up to
    `max_items`; with `progress=True`, show how many items have come (of how many, once known)."""
    op = _operation(method)
    if not isinstance(page_size, int) or isinstance(page_size, bool) or page_size < 1:
        raise ApiValueError(f"paginate(page_size): expected a positive int, got {page_size!r}")
    if max_items is not None and (not isinstance(max_items, int) or max_items < 0):
        raise ApiValueError(f"paginate(max_items): expected a non-negative int or None, got {max_items!r}")
    if not isinstance(progress, bool):
        raise ApiTypeError(f"paginate(progress): expected True or False, got {progress!r}")
    items_field = op.items_field
    if op.paging is None or items_field is None:
        raise ApiValueError(f"{op.name} is not a list operation: it takes neither limit/offset nor page_limit")
    return Paginated(_items(method, op, args, kwargs, items_field, page_size, max_items, progress),
                     _item_class(op, items_field))


def _item_class(op: Operation, items_field: str) -> type[Model] | None:
    """The model of the listing's items, from the answer's declaration (None when it is not known)."""
    from airflow_client.client.kinds import ListKind, ModelKind

    answer = op.return_kind
    kind = answer.cls._tables().get(items_field) if isinstance(answer, ModelKind) else None
    if isinstance(kind, ListKind) and isinstance(kind.item, ModelKind) and hasattr(kind.item.cls, "_tables"):
        return kind.item.cls  # type: ignore[no-any-return]
    return None


def _items(
    method: Callable[..., Any],
    op: Operation,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    items_field: str,
    page_size: int,
    max_items: int | None,
    progress: bool,
) -> Iterator[Any]:
    shown = Progress(op.name, "items", max_items) if progress else None
    try:
        if _generation(method) == 3:
            page_size = min(page_size, AIRFLOW3_PAGE_CAP)
            if "cursor" in op.annotations and kwargs.get("offset") is None:
                kwargs.pop("offset", None)
                yield from _by_cursor(method, args, kwargs, items_field, page_size, max_items, shown)
                return
        yield from _by_offset(method, op, args, kwargs, items_field, page_size, max_items, shown)
    finally:
        if shown is not None:
            shown.close()


def _page_read(shown: Progress | None, page: Any, count: int, max_items: int | None) -> None:
    """Count a page's items; the total is known once the server has said it."""
    if shown is None:
        return
    total = page.get("total_entries")
    if isinstance(total, int) and not isinstance(total, bool):
        limit = total if max_items is None else min(total, max_items)
        if shown.total != limit:
            shown.set_total(limit)
    shown.advance(count)


def _by_offset(
    method: Callable[..., Any],
    op: Operation,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    items_field: str,
    page_size: int,
    max_items: int | None,
    shown: Progress | None = None,
) -> Iterator[Any]:
    in_body = op.paging == "body"
    positional = list(args)
    body: dict[str, Any] = {}
    if in_body:
        # The batch operations take their paging inside the request body, positional or by keyword.
        assert op.body is not None
        given = kwargs.pop(op.body, None)
        where = op.positional.index(op.body)
        if given is None and len(positional) > where:
            given = positional.pop(where)
        body = given.to_dict() if isinstance(given, Model) else dict(given or {})
    offset = (body.get("page_offset") if in_body else kwargs.pop("offset", None)) or 0
    yielded = 0
    while max_items is None or yielded < max_items:
        size = page_size if max_items is None else min(page_size, max_items - yielded)
        if in_body:
            page = method(*positional, {**body, "page_offset": offset, "page_limit": size}, **kwargs)
        else:
            page = method(*positional, limit=size, offset=offset, **kwargs)
        items = page.get(items_field) or []
        _page_read(shown, page, len(items), max_items)
        yield from items
        yielded += len(items)
        offset += len(items)
        total = page.get("total_entries")
        # The server may cap a page below the size asked for ([api] maximum_page_limit), so a short
        # page alone does not mean the end when the total is known.
        if not items or (offset >= total if isinstance(total, int) else len(items) < size):
            return


def _by_cursor(
    method: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    items_field: str,
    page_size: int,
    max_items: int | None,
    shown: Progress | None = None,
) -> Iterator[Any]:
    # An empty cursor asks Airflow for the first page of a keyset listing (and for its next_cursor).
    cursor = kwargs.pop("cursor", None) or ""
    yielded = 0
    while max_items is None or yielded < max_items:
        size = page_size if max_items is None else min(page_size, max_items - yielded)
        page = method(*args, limit=size, cursor=cursor, **kwargs)
        items = page.get(items_field) or []
        _page_read(shown, page, len(items), max_items)
        yield from items
        yielded += len(items)
        following = page.get("next_cursor")
        if not items or not isinstance(following, str) or not following or following == cursor:
            return
        cursor = following
