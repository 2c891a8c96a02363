"""Plain JSON values: what may be sent, how values become JSON, how models become plain data.

Nothing here knows a model class by name: models and enums derive from `Convertible`, which tells
these helpers how to turn them into JSON (`_to_json`) or plain data (`_plain`).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timezone
from typing import Any, Callable

from airflow_client.client.exceptions import ApiTypeError, ApiValueError


class Convertible:
    """Base of the model and enum classes: values that know their JSON form and their plain form."""

    __slots__ = ()

    def _to_json(self) -> Any:
        """The request-body form."""
        raise NotImplementedError

    def _plain(self, hide_secrets: bool = False) -> Any:
        """Plain data: a dict of the fields for a model (nested values as they are), a str for an enum."""
        raise NotImplementedError


def shown(value: Any, secret: bool = False) -> str:
    """A value as error messages show it: its repr, cut to 80 characters, or hidden when secret."""
    if secret:
        return "<hidden>"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def type_name(value: Any) -> str:
    return "None" if value is None else type(value).__name__


# -- timestamps ---------------------------------------------------------------------------------------


def parse_datetime(text: str) -> datetime:
    """An ISO 8601 timestamp as an aware datetime; one without an offset is taken as UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        # Python before 3.11 rejects "Z" and odd fraction lengths; dateutil reads those.
        from dateutil.parser import isoparse  # type: ignore[import-untyped,unused-ignore]

        value = isoparse(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value


def aware(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC: Airflow stores and answers in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


# -- checking -----------------------------------------------------------------------------------------


def check_utf8(value: str, where: str, secret: bool = False) -> None:
    # A Python str may hold lone surrogates, which no request can carry.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        text = shown(value, secret)
        raise ApiValueError(f"{where}: the text holds a lone surrogate, which UTF-8 cannot encode: {text}") from None


# Nesting a caller may send in a free-form value (`conf`, `rendered_fields`): deeper is refused before
# sending. Far beyond any real configuration, and well within what Python and the server parse.
MAX_DEPTH = 200


def _at(where: str, trail: tuple[Any, ...] | None) -> str:
    """`where` followed by the keys of a trail, as `conf['a'][0]`."""
    keys: list[Any] = []
    while trail is not None:
        trail, key = trail
        keys.append(key)
    return where + "".join(f"[{key!r}]" for key in reversed(keys))


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_json(value: Any, where: str, secret: bool = False) -> None:
    """Refuse what cannot be sent as JSON, naming where it sits: sets, bytes, objects, NaN, odd keys,
    nesting deeper than MAX_DEPTH.

    Iterative, so no nesting depth can make it raise RecursionError.
    """
    # (value, depth of the container holding it, trail of keys to it); popped in document order.
    stack: list[tuple[Any, int, tuple[Any, ...] | None]] = [(value, 0, None)]
    while stack:
        value, depth, trail = stack.pop()
        if value is None or isinstance(value, (bool, int, datetime, date, Convertible)):
            continue
        if isinstance(value, str):
            if not _utf8(value):
                check_utf8(value, _at(where, trail), secret)  # raises, naming where the text sits
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ApiValueError(f"{_at(where, trail)}: expected a finite number, got {value!r}")
        elif isinstance(value, (list, tuple, dict)):
            if depth >= MAX_DEPTH:
                raise ApiValueError(
                    f"{where}: nested more than {MAX_DEPTH} levels deep (lists and objects within each other, "
                    "or one that holds itself); send a flatter value"
                )
            if isinstance(value, dict):
                for key in value:
                    if not isinstance(key, str):
                        raise ApiTypeError(
                            f"{_at(where, trail)}: keys must be str, got {type_name(key)} {shown(key, secret)}"
                        )
                    if not _utf8(key):
                        check_utf8(key, _at(where, trail), secret)
                items = [(item, depth + 1, (trail, key)) for key, item in value.items()]
            else:
                items = [(item, depth + 1, (trail, i)) for i, item in enumerate(value)]
            stack.extend(reversed(items))
        else:
            raise ApiTypeError(
                f"{_at(where, trail)}: {type_name(value)} cannot be sent as JSON: {shown(value, secret)}"
            )


# -- conversion ---------------------------------------------------------------------------------------


def rebuild(
    value: Any,
    leaf: Callable[[Any], Any],
    leaf_types: type | tuple[type, ...] = object,
    containers: tuple[type, ...] = (dict, list),
) -> Any:
    """A copy of the dicts and lists in `value` (and of any other `containers`), with `leaf` applied to
    the other values that are `leaf_types`; a leaf that returns a container has it copied in turn
    (a model becomes the dict of its fields).

    Iterative, so a value nested hundreds of levels deep converts without RecursionError. A container
    met twice is copied once, so shared and self-containing values keep their shape. Tuples, when
    listed in `containers`, become lists.
    """
    if not isinstance(value, containers):
        if not isinstance(value, leaf_types):
            return value
        value = leaf(value)
        if not isinstance(value, containers):
            return value
    top: Any = {} if isinstance(value, dict) else []
    # id of a source container -> (the source, kept alive so its id stays unique; its copy)
    copies: dict[int, tuple[Any, Any]] = {id(value): (value, top)}
    stack: list[tuple[Any, Any]] = [(value, top)]
    while stack:
        source, target = stack.pop()
        is_dict = isinstance(target, dict)
        for key, item in source.items() if isinstance(source, dict) else enumerate(source):
            if isinstance(item, leaf_types) and not isinstance(item, containers):
                item = leaf(item)
            if isinstance(item, containers):
                known = copies.get(id(item))
                if known is None:
                    inner: Any = {} if isinstance(item, dict) else []
                    copies[id(item)] = (item, inner)
                    stack.append((item, inner))
                    item = inner
                else:
                    item = known[1]
            if is_dict:
                target[key] = item
            else:
                target.append(item)
    return top


def _encode_leaf(value: Any) -> Any:
    return value._to_json() if isinstance(value, Convertible) else value.isoformat()


def encode_any(value: Any) -> Any:
    """JSON-ready form of a value whose type was not declared."""
    return rebuild(value, _encode_leaf, (Convertible, datetime, date), (dict, list, tuple))


def plain(value: Any, hide_secrets: bool = False) -> Any:
    """Models to dicts and enums to str, all the way down; everything else unchanged.

    With `hide_secrets`, the secret fields of models (passwords) read `***`.
    """
    return rebuild(value, lambda item: item._plain(hide_secrets), Convertible)


class _Ref(int):
    """The index of a container in a flattened tree (see `flatten`)."""

    __slots__ = ()


def flatten(value: dict[str, Any]) -> list[Any]:
    """A tree of dicts and lists as a flat list of shallow containers, where an inner container is
    replaced by its index in the list: pickle then never recurses deeper than two levels. A
    container met twice gets one index, so shared and self-containing values keep their shape.
    """
    nodes: list[Any] = [None]
    index_of = {id(value): 0}
    stack: list[Any] = [value]
    while stack:
        source = stack.pop()
        is_dict = type(source) is dict
        shallow: Any = {} if is_dict else []
        for key, item in source.items() if is_dict else enumerate(source):
            if type(item) is dict or type(item) is list:
                index = index_of.get(id(item))
                if index is None:
                    index = index_of[id(item)] = len(nodes)
                    nodes.append(None)
                    stack.append(item)
                item = _Ref(index)
            if is_dict:
                shallow[key] = item
            else:
                shallow.append(item)
        nodes[index_of[id(source)]] = shallow
    return nodes


def unflatten(nodes: list[Any]) -> Any:
    """The tree `flatten` took apart."""
    # Every container first, then their contents: a child is linked by reference, in any order.
    built: list[Any] = [{} if type(node) is dict else [] for node in nodes]
    for node, target in zip(nodes, built, strict=True):
        if type(node) is dict:
            for key, item in node.items():
                target[key] = built[item] if type(item) is _Ref else item
        else:
            target.extend(built[item] if type(item) is _Ref else item for item in node)
    return built[0]
