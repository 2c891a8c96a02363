"""Kinds: how each declared type is checked, decoded and encoded.

A model's field annotations, and an endpoint's parameter annotations, are read once, as text,
into small *kinds*, one per type name (str, int, datetime, list[...], a model, an enum). Each
kind knows three things:

- ``decode``: server data to Python, tolerant: anything unexpected is kept as received;
- ``check``: caller data to Python, strict: a wrong value raises before any request is sent;
- ``encode``: Python to JSON-ready data.

A kind that refers to a model names it; the class is imported on first use, so reading an
annotation imports nothing and no module here imports the model engine.
"""

from __future__ import annotations

import importlib
import math
import re
from datetime import date, datetime
from typing import Any, Callable

from airflow_client.client.exceptions import ApiTypeError, ApiValueError, OpenApiException
from airflow_client.client.json_values import (
    Convertible,
    aware,
    check_json,
    check_utf8,
    encode_any,
    parse_datetime,
    shown,
    type_name,
)

MODEL_PACKAGE = "airflow_client.client.model"
# The annotation of the timestamps that apache-airflow-client 2.x types as `str` (the spec marks them
# `format: datetime`, not `date-time`): type checkers see `str`, and `compile_type` reads the name as
# a timestamp kept as text unless `Configuration.timestamps_as_datetime` is set.
DateTimeStr = str

# What a failed conversion of server data may raise: the value is then kept as received.
DECODE_ERRORS = (TypeError, ValueError, OverflowError, AttributeError, KeyError, OpenApiException)


def snake_case(name: str) -> str:
    """Module name of a model class: `TaskInstance` -> `task_instance`, `SLAMiss` -> `sla_miss`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def model_class(name: str) -> Any:
    """The model class called `name`, imported on first use."""
    return getattr(importlib.import_module(f"{MODEL_PACKAGE}.{snake_case(name)}"), name)


class Kind:
    """How one declared type is checked, decoded and encoded."""

    name = "value"
    _decoder: Callable[[Any], Any] | None = None  # None: server data is used as it is

    def decoder(self, as_datetime: bool = False) -> Callable[[Any], Any] | None:
        """Server data to Python, None when the data is used as it is.

        `as_datetime` is `Configuration.timestamps_as_datetime`: whether timestamps that are text
        by default become datetimes too. Kinds that hold no timestamp ignore it.
        """
        return self._decoder

    @property
    def decode(self) -> Callable[[Any], Any] | None:
        """The decoder of the default mode."""
        return self.decoder(False)

    def __init__(self, nullable: bool = False) -> None:
        self.nullable = nullable

    def check(self, value: Any, where: str, secret: bool = False) -> Any:
        if value is None:
            if self.nullable:
                return None
            raise ApiTypeError(f"{where}: expected {self.name}, got None", valid_classes=())
        return self.check_value(value, where, secret)

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        return value

    def encode(self, value: Any) -> Any:
        return value

    def wrong(self, value: Any, where: str, secret: bool) -> ApiTypeError:
        return ApiTypeError(f"{where}: expected {self.name}, got {type_name(value)} {shown(value, secret)}")


class AnyKind(Kind):
    name = "any JSON value"

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        check_json(value, where, secret)
        return value

    def encode(self, value: Any) -> Any:
        return encode_any(value)


class StrKind(Kind):
    name = "str"

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if not isinstance(value, str):
            raise self.wrong(value, where, secret)
        check_utf8(value, where, secret)
        return value

    def encode(self, value: Any) -> Any:
        return str(value) if type(value) is not str else value


class LiteralKind(StrKind):
    """A string limited to a few values, declared inline (`Literal["success", "failed"]`)."""

    def __init__(self, values: tuple[str, ...], nullable: bool = False) -> None:
        super().__init__(nullable)
        self.values = values
        self.name = "one of " + ", ".join(map(repr, values))

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if not isinstance(value, str):
            raise self.wrong(value, where, secret)
        if value not in self.values:
            raise ApiValueError(f"{where}: {value!r} is not allowed; expected {self.name}")
        return value


class IntKind(Kind):
    name = "int"

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.wrong(value, where, secret)
        return value


class FloatKind(Kind):
    name = "float"

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise self.wrong(value, where, secret)
        if not math.isfinite(value):
            raise ApiValueError(f"{where}: expected a finite number, got {value!r}")
        return value


class BoolKind(Kind):
    name = "bool"

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if not isinstance(value, bool):
            raise self.wrong(value, where, secret)
        return value


class DictKind(Kind):
    name = "dict"

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if not isinstance(value, dict):
            raise self.wrong(value, where, secret)
        check_json(value, where, secret)
        return value

    def encode(self, value: Any) -> Any:
        return encode_any(value)


class DateTimeKind(Kind):
    name = "datetime (or an ISO 8601 string)"

    def __init__(self, nullable: bool = False) -> None:
        super().__init__(nullable)
        self._decoder = parse_datetime

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if isinstance(value, datetime):
            return aware(value)
        if isinstance(value, str):
            try:
                return parse_datetime(value)
            except (ValueError, OverflowError):
                raise ApiValueError(f"{where}: expected an ISO 8601 timestamp, got {shown(value)}") from None
        raise self.wrong(value, where, secret)

    def encode(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value


class DateTimeStrKind(DateTimeKind):
    """A timestamp typed `str` by default (`DateTimeStr`): kept as the server's text unless
    `Configuration.timestamps_as_datetime` is set. Callers may give text or a datetime; both are
    checked as ISO 8601 and kept as text, so the field holds the type it declares.
    """

    name = "str (an ISO 8601 timestamp) or datetime"

    def decoder(self, as_datetime: bool = False) -> Callable[[Any], Any] | None:
        return parse_datetime if as_datetime else None

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if isinstance(value, datetime):
            return aware(value).isoformat()
        if isinstance(value, str):
            try:
                parse_datetime(value)
            except (ValueError, OverflowError):
                raise ApiValueError(f"{where}: expected an ISO 8601 timestamp, got {shown(value)}") from None
            check_utf8(value, where, secret)
            return value
        raise self.wrong(value, where, secret)


class DateKind(Kind):
    name = "date (or an ISO 8601 date string)"

    def __init__(self, nullable: bool = False) -> None:
        super().__init__(nullable)
        self._decoder = date.fromisoformat

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ApiValueError(f"{where}: expected an ISO 8601 date, got {shown(value)}") from None
        raise self.wrong(value, where, secret)

    def encode(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value


class _ContainerKind(Kind):
    """A list or a map of one kind of item: decoded item by item, in the mode the answer asks for."""

    def __init__(self, item: Kind, name: str, nullable: bool = False) -> None:
        super().__init__(nullable)
        self.item = item
        self.name = name

    def decoder(self, as_datetime: bool = False) -> Callable[[Any], Any] | None:
        if self.item.decoder(as_datetime) is None:
            return None
        return self._decode_as_datetime if as_datetime else self._decode

    def _decode(self, value: Any) -> Any:
        return self._decode_with(value, self.item.decoder(False))

    def _decode_as_datetime(self, value: Any) -> Any:
        return self._decode_with(value, self.item.decoder(True))

    @staticmethod
    def _decode_with(value: Any, convert: Callable[[Any], Any] | None) -> Any:
        raise NotImplementedError


class ListKind(_ContainerKind):
    def __init__(self, item: Kind, nullable: bool = False) -> None:
        super().__init__(item, f"list of {item.name}", nullable)

    @staticmethod
    def _decode_with(value: Any, convert: Callable[[Any], Any] | None) -> Any:
        # The item's decoder is asked once per list, not once per class: a model's compiled
        # decoder, built on its first use, replaces the slower path from then on.
        if type(value) is not list:
            raise TypeError("not a list")
        assert convert is not None
        try:
            return [convert(element) for element in value]
        except DECODE_ERRORS:
            pass
        # Some element does not fit: convert element by element and keep the misfits as they are.
        # Elements already converted above are left alone by a second conversion.
        out = []
        for element in value:
            try:
                out.append(convert(element) if element is not None else None)
            except DECODE_ERRORS:
                out.append(element)
        return out

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if isinstance(value, str):
            # Refused rather than split into characters or sent as one comma-joined value.
            example = "" if secret else f", e.g. {[part.strip() for part in value.split(',')]!r}"
            raise ApiTypeError(
                f"{where}: expected {self.name}, got {type_name(value)} {shown(value, secret)}; pass a list{example}"
            )
        if not isinstance(value, (list, tuple)):
            raise self.wrong(value, where, secret)
        item = self.item
        return [item.check(v, f"{where}[{i}]", secret) for i, v in enumerate(value)]

    def encode(self, value: Any) -> Any:
        item = self.item
        return [None if v is None else item.encode(v) for v in value]


class MapKind(_ContainerKind):
    def __init__(self, item: Kind, nullable: bool = False) -> None:
        super().__init__(item, f"dict of str to {item.name}", nullable)

    @staticmethod
    def _decode_with(value: Any, convert: Callable[[Any], Any] | None) -> Any:
        if type(value) is not dict:
            raise TypeError("not an object")
        assert convert is not None
        for key, element in value.items():
            if element is not None:
                try:
                    value[key] = convert(element)
                except DECODE_ERRORS:
                    pass
        return value

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if not isinstance(value, dict):
            raise self.wrong(value, where, secret)
        item = self.item
        out: dict[str, Any] = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise ApiTypeError(f"{where}: keys must be str, got {type_name(key)} {shown(key)}", key_type=True)
            out[key] = item.check(v, f"{where}[{key!r}]", secret)
        return out

    def encode(self, value: Any) -> Any:
        item = self.item
        return {k: None if v is None else item.encode(v) for k, v in value.items()}


class ModelKind(Kind):
    """A reference to a model or enum class, resolved on first use so modules import lazily."""

    def __init__(self, class_name: str, nullable: bool = False) -> None:
        super().__init__(nullable)
        self.name = class_name
        self._cls: Any = None

    @property
    def cls(self) -> Any:
        if self._cls is None:
            self._cls = model_class(self.name)
        return self._cls

    def decoder(self, as_datetime: bool = False) -> Callable[[Any], Any]:
        return self.cls._server_decoder(as_datetime)  # type: ignore[no-any-return]

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        return self.cls._from_user(value, where)

    def encode(self, value: Any) -> Any:
        if isinstance(value, Convertible):
            return value._to_json()
        return encode_any(value)


class UnionKind(Kind):
    """One of several models: an answer whose shape depends on the request (a dry run or not), or
    a list item that may be any of a few actions.

    Where every model declares one field with a single fixed value (`action: Literal["create"]`),
    that field tells them apart; otherwise the model whose declared fields cover most of the
    answer's keys is chosen.
    """

    def __init__(self, options: list[ModelKind], nullable: bool = False) -> None:
        super().__init__(nullable)
        self.options = options
        self.name = " or ".join(o.name for o in options)
        self._tags: tuple[str, dict[str, ModelKind]] | None = None

    def decoder(self, as_datetime: bool = False) -> Callable[[Any], Any]:
        return self._decode_as_datetime if as_datetime else self._decode

    def _decode(self, value: Any) -> Any:
        return self._best(value).decoder(False)(value)

    def _decode_as_datetime(self, value: Any) -> Any:
        return self._best(value).decoder(True)(value)

    @property
    def tags(self) -> tuple[str, dict[str, ModelKind]]:
        """The field whose fixed value names the model ("" when there is none), and value -> model."""
        if self._tags is None:
            found: tuple[str, dict[str, ModelKind]] = ("", {})
            tables = [o.cls._tables() if hasattr(o.cls, "_tables") else {} for o in self.options]
            for field in tables[0] if tables else ():
                kinds = [t.get(field) for t in tables]
                if all(isinstance(k, LiteralKind) and len(k.values) == 1 for k in kinds):
                    values = [k.values[0] for k in kinds]
                    if len(set(values)) == len(values):
                        found = (field, dict(zip(values, self.options, strict=True)))
                        break
            self._tags = found
        return self._tags

    def _best(self, value: Any) -> ModelKind:
        if type(value) is not dict:
            raise TypeError("not an object")
        field, by_value = self.tags
        if field:
            tagged = by_value.get(str(value.get(field)))
            if tagged is not None:
                return tagged
        keys = value.keys()
        return max(self.options, key=lambda o: len(keys & o.cls._tables().keys()))

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        for option in self.options:
            if isinstance(value, option.cls):
                return value
        if isinstance(value, dict):
            field, by_value = self.tags
            if field:
                tagged = by_value.get(str(value.get(field)))
                if tagged is None:
                    raise ApiValueError(
                        f"{where}: the {field!r} field must be one of {', '.join(map(repr, by_value))} "
                        f"(for {self.name}), got {shown(value.get(field))}"
                    )
                return tagged.check(value, where, secret)
            for option in self.options:
                try:
                    return option.check(value, where, secret)
                except (ApiTypeError, ApiValueError):
                    continue
        raise self.wrong(value, where, secret)

    def encode(self, value: Any) -> Any:
        return encode_any(value)


class TupleKind(Kind):
    """A JSON array of a fixed length whose items each have their own type (`tuple[str, int]`)."""

    def __init__(self, items: list[Kind], nullable: bool = False) -> None:
        super().__init__(nullable)
        self.items = items
        self.name = "tuple[" + ", ".join(i.name for i in items) + "]"

    def decoder(self, as_datetime: bool = False) -> Callable[[Any], Any] | None:
        return self._decode

    def _decode(self, value: Any) -> Any:
        if type(value) is not list or len(value) != len(self.items):
            raise TypeError("not an array of the declared length")
        return tuple(value)

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if not isinstance(value, (list, tuple)) or len(value) != len(self.items):
            raise ApiTypeError(
                f"{where}: expected {self.name} ({len(self.items)} items), "
                f"got {type_name(value)} {shown(value, secret)}"
            )
        pairs = enumerate(zip(self.items, value, strict=True))
        return tuple(kind.check(v, f"{where}[{i}]", secret) for i, (kind, v) in pairs)

    def encode(self, value: Any) -> Any:
        return [None if v is None else k.encode(v) for k, v in zip(self.items, value, strict=True)]


def _json_types(kind: Kind) -> tuple[type, ...] | None:
    """The Python types `json.loads` gives for values of `kind`; None when any value fits."""
    if isinstance(kind, (StrKind, DateTimeKind, DateKind)):
        return (str,)
    if isinstance(kind, BoolKind):
        return (bool,)
    if isinstance(kind, IntKind):
        return (int,)
    if isinstance(kind, FloatKind):
        return (int, float)
    if isinstance(kind, (ListKind, TupleKind)):
        return (list,)
    if isinstance(kind, (DictKind, MapKind, UnionKind)):
        return (dict,)
    if isinstance(kind, ModelKind):
        return (str,) if issubclass(kind.cls, str) else (dict,)  # an enum, or an object
    return None


def _fits(kind: Kind, value: Any) -> bool:
    """Whether a value from `json.loads` has the JSON shape of `kind` (a list by its first item)."""
    types = _json_types(kind)
    if types is None:
        return True
    if type(value) not in types:
        return False
    if isinstance(kind, ListKind) and value:
        return _fits(kind.item, value[0])
    if isinstance(kind, TupleKind):
        return len(value) == len(kind.items)
    return True


class AnyOfKind(Kind):
    """A value of one of several types that are not all models (`str | dict[str, Any]`,
    `list[StructuredLogMessage] | list[str]`, `datetime | Literal["default"]`).

    A value given by a caller is checked against each member in turn and taken by the first that
    accepts it; a value from the server is decoded by the first member whose JSON type it has.
    """

    def __init__(self, members: list[Kind], nullable: bool = False) -> None:
        super().__init__(nullable)
        self.members = members
        self.name = " or ".join(m.name for m in members)

    def decoder(self, as_datetime: bool = False) -> Callable[[Any], Any] | None:
        if all(isinstance(m, (StrKind, IntKind, FloatKind, BoolKind, DictKind, AnyKind)) for m in self.members):
            return None  # plain JSON values: nothing to convert
        return self._decode_as_datetime if as_datetime else self._decode

    def _decode(self, value: Any) -> Any:
        return self._decode_with(value, False)

    def _decode_as_datetime(self, value: Any) -> Any:
        return self._decode_with(value, True)

    def _decode_with(self, value: Any, as_datetime: bool) -> Any:
        for member in self.members:
            if _fits(member, value):
                convert = member.decoder(as_datetime)
                return value if convert is None else convert(value)
        return value

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        refusals = []
        for member in self.members:
            try:
                return member.check(value, where, secret)
            except (ApiTypeError, ApiValueError) as exc:
                refusals.append((member, exc))
        # A value of one member's JSON shape (a dict for the one model) was meant for that member: its
        # own refusal names what is wrong inside the value.
        shaped = [exc for member, exc in refusals if _json_types(member) is not None and _fits(member, value)]
        if len(shaped) == 1:
            raise shaped[0]
        raise self.wrong(value, where, secret)

    def encode(self, value: Any) -> Any:
        for member in self.members:
            if isinstance(member, TupleKind) and isinstance(value, tuple):
                return member.encode(value)
        return encode_any(value)


_PRIMITIVES: dict[str, type[Kind]] = {
    "str": StrKind,
    "int": IntKind,
    "float": FloatKind,
    "bool": BoolKind,
    "datetime": DateTimeKind,
    "DateTimeStr": DateTimeStrKind,
    "date": DateKind,
    "Any": AnyKind,
    "object": AnyKind,
}


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` where it is not inside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def compile_type(annotation: str) -> Kind:
    """Read a type annotation written as text (`list[TaskState] | None`) into a kind.

    `X | str` where X is a timestamp or a date, and `X | dict[str, Any]` where X is a model, mean
    "X, also given as text or as a dict of its fields": X's kind accepts those forms, so the
    alternative adds nothing. Other alternatives make a union: of models (`UnionKind`), or of any
    kinds (`AnyOfKind`).
    """
    alternatives = [a for a in _split_top(annotation, "|")]
    nullable = "None" in alternatives
    alternatives = [a for a in alternatives if a != "None"]
    if len(alternatives) > 1:
        if "str" in alternatives and any(a in _TEXT_FORMS for a in alternatives):
            alternatives = [a for a in alternatives if a != "str"]
        models = [a for a in alternatives if a.isidentifier() and a[0].isupper()]
        if "dict[str, Any]" in alternatives and models and len(models) == len(alternatives) - 1:
            alternatives = models
    if len(alternatives) > 1 and all(a.isidentifier() and a[0].isupper() for a in alternatives):
        return UnionKind([ModelKind(a) for a in alternatives], nullable)
    if len(alternatives) > 1:
        return AnyOfKind([compile_type(a) for a in alternatives], nullable)
    if len(alternatives) != 1:
        raise ValueError(f"unsupported annotation {annotation!r}")
    text = alternatives[0]
    if text.startswith("Literal[") and text.endswith("]"):
        import ast  # only models with inline enums need it, when their tables are first built

        values = ast.literal_eval(f"({text[8:-1]},)")
        return LiteralKind(tuple(values), nullable)
    if text.startswith("list[") and text.endswith("]"):
        return ListKind(compile_type(text[5:-1]), nullable)
    if text.startswith("tuple[") and text.endswith("]"):
        return TupleKind([compile_type(t) for t in _split_top(text[6:-1], ",")], nullable)
    if text.startswith("dict[") and text.endswith("]"):
        key, value = _split_top(text[5:-1], ",")
        if key != "str":
            raise ValueError(f"unsupported annotation {annotation!r}")
        return DictKind(nullable) if value == "Any" else MapKind(compile_type(value), nullable)
    if text in _PRIMITIVES:
        return _PRIMITIVES[text](nullable)
    if text.isidentifier() and text[0].isupper():
        return ModelKind(text, nullable)
    raise ValueError(f"unsupported annotation {annotation!r}")


# Types that a caller may also give as text (`datetime | str`): their kinds read ISO 8601 strings.
_TEXT_FORMS = frozenset({"datetime", "DateTimeStr", "date"})
