"""The engine behind every model and every endpoint argument: types, checking, decoding, encoding.

A model is declared by its field annotations (`start_date: datetime | None`) plus, where needed,
`_required`, `_read_only` and `_secret` tuples. The annotations are read once per class, as text,
into a table of small *kinds*, one per type name (str, int, datetime, list[...], a model, an enum).
Each kind knows three things:

- ``decode``: server data to Python, tolerant: anything unexpected is kept as received;
- ``check``: caller data to Python, strict: a wrong value raises before any request is sent;
- ``encode``: Python to JSON-ready data.

Decoding works in place on the dicts `json.loads` produced: only fields that need converting
(enums, nested models) are touched, timestamps are parsed when first read, and a model is a thin
shell around its dict.
"""

from __future__ import annotations

import ast
import importlib
import math
import re
import threading
from datetime import date, datetime, timezone
from typing import Any, Callable, ClassVar, Iterator

from airflow_client.client.exceptions import (
    ApiAttributeError,
    ApiTypeError,
    ApiValueError,
    OpenApiException,
)

MODEL_PACKAGE = "airflow_client.client.model"
_DECODE_ERRORS = (TypeError, ValueError, OverflowError, AttributeError, KeyError, OpenApiException)


def snake_case(name: str) -> str:
    """Module name of a model class: `TaskInstance` -> `task_instance`, `SLAMiss` -> `sla_miss`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def model_class(name: str) -> Any:
    """The model class called `name`, imported on first use."""
    return getattr(importlib.import_module(f"{MODEL_PACKAGE}.{snake_case(name)}"), name)


def _shown(value: Any, secret: bool = False) -> str:
    if secret:
        return "<hidden>"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _type_name(value: Any) -> str:
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


def _check_utf8(value: str, where: str, secret: bool = False) -> None:
    # A Python str may hold lone surrogates, which no request can carry.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        shown = _shown(value, secret)
        raise ApiValueError(f"{where}: the text holds a lone surrogate, which UTF-8 cannot encode: {shown}") from None


def check_json(value: Any, where: str, secret: bool = False) -> None:
    """Refuse what cannot be sent as JSON, naming where it sits: sets, bytes, objects, NaN, odd keys."""
    if value is None or isinstance(value, (bool, int, datetime, date, Model, ModelSimple)):
        return
    if isinstance(value, str):
        _check_utf8(value, where, secret)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ApiValueError(f"{where}: expected a finite number, got {value!r}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            check_json(item, f"{where}[{i}]", secret)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ApiTypeError(f"{where}: keys must be str, got {_type_name(key)} {_shown(key, secret)}")
            _check_utf8(key, where, secret)
            check_json(item, f"{where}[{key!r}]", secret)
    else:
        raise ApiTypeError(f"{where}: {_type_name(value)} cannot be sent as JSON: {_shown(value, secret)}")


# -- kinds ---------------------------------------------------------------------------------------------


class Kind:
    """How one declared type is checked, decoded and encoded."""

    name = "value"
    _decoder: Callable[[Any], Any] | None = None  # None: server data is used as it is

    @property
    def decode(self) -> Callable[[Any], Any] | None:
        """Server data to Python; None when the data is used as it is."""
        return self._decoder

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
        return ApiTypeError(f"{where}: expected {self.name}, got {_type_name(value)} {_shown(value, secret)}")


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
        _check_utf8(value, where, secret)
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
                raise ApiValueError(f"{where}: expected an ISO 8601 timestamp, got {_shown(value)}") from None
        raise self.wrong(value, where, secret)

    def encode(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value


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
                raise ApiValueError(f"{where}: expected an ISO 8601 date, got {_shown(value)}") from None
        raise self.wrong(value, where, secret)

    def encode(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value


class ListKind(Kind):
    def __init__(self, item: Kind, nullable: bool = False) -> None:
        super().__init__(nullable)
        self.item = item
        self.name = f"list of {item.name}"
        if item.decode is not None:
            self._decoder = self._decode

    def _decode(self, value: Any) -> Any:
        if type(value) is not list:
            raise TypeError("not a list")
        convert = self.item.decode
        assert convert is not None
        try:
            return [convert(element) for element in value]
        except _DECODE_ERRORS:
            pass
        # Some element does not fit: convert element by element and keep the misfits as they are.
        # Elements already converted above are left alone by a second conversion.
        out = []
        for element in value:
            try:
                out.append(convert(element) if element is not None else None)
            except _DECODE_ERRORS:
                out.append(element)
        return out

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        # A lone string is refused rather than split into characters.
        if not isinstance(value, (list, tuple)):
            raise self.wrong(value, where, secret)
        item = self.item
        return [item.check(v, f"{where}[{i}]", secret) for i, v in enumerate(value)]

    def encode(self, value: Any) -> Any:
        item = self.item
        return [None if v is None else item.encode(v) for v in value]


class MapKind(Kind):
    def __init__(self, item: Kind, nullable: bool = False) -> None:
        super().__init__(nullable)
        self.item = item
        self.name = f"dict of str to {item.name}"
        if item.decode is not None:
            self._decoder = self._decode

    def _decode(self, value: Any) -> Any:
        if type(value) is not dict:
            raise TypeError("not an object")
        convert = self.item.decode
        assert convert is not None
        for key, element in value.items():
            if element is not None:
                try:
                    value[key] = convert(element)
                except _DECODE_ERRORS:
                    pass
        return value

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        if not isinstance(value, dict):
            raise self.wrong(value, where, secret)
        item = self.item
        out: dict[str, Any] = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise ApiTypeError(f"{where}: keys must be str, got {_type_name(key)} {_shown(key)}", key_type=True)
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

    @property
    def decode(self) -> Callable[[Any], Any]:
        cls = self.cls
        if issubclass(cls, ModelSimple):
            return cls._table().__getitem__  # type: ignore[no-any-return]
        # Once the class's tables exist, its compiled decoder skips a call; until then (tables are
        # built lazily, and building here could recurse through models that refer to each other)
        # the class method builds them on first use.
        compiled = None if issubclass(cls, ModelOneOf) else cls.__dict__.get("_decode")
        return compiled if compiled is not None else cls._from_server  # type: ignore[no-any-return]

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        return self.cls._from_user(value, where)

    def encode(self, value: Any) -> Any:
        if isinstance(value, (Model, ModelSimple)):
            return value._to_json()
        return encode_any(value)


class UnionKind(Kind):
    """One of several models, for answers whose shape depends on the request (a dry run or not).

    The model whose declared fields cover most of the answer's keys is chosen.
    """

    def __init__(self, options: list[ModelKind], nullable: bool = False) -> None:
        super().__init__(nullable)
        self.options = options
        self.name = " or ".join(o.name for o in options)
        self._decoder = self._decode

    def _decode(self, value: Any) -> Any:
        if type(value) is not dict:
            raise TypeError("not an object")
        keys = value.keys()
        best = max(self.options, key=lambda o: len(keys & o.cls._tables().keys()))
        return best.decode(value)

    def check_value(self, value: Any, where: str, secret: bool) -> Any:
        for option in self.options:
            if isinstance(value, option.cls):
                return value
        raise self.wrong(value, where, secret)

    def encode(self, value: Any) -> Any:
        return encode_any(value)


_PRIMITIVES: dict[str, type[Kind]] = {
    "str": StrKind,
    "int": IntKind,
    "float": FloatKind,
    "bool": BoolKind,
    "datetime": DateTimeKind,
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

    `X | str` where X is a timestamp, an enum or a model means "X, also given as a string or a
    dict": the kind of X accepts those forms, so the alternative adds nothing.
    """
    alternatives = [a for a in _split_top(annotation, "|")]
    nullable = "None" in alternatives
    alternatives = [a for a in alternatives if a != "None"]
    if len(alternatives) > 1:
        alternatives = [a for a in alternatives if a not in ("str", "dict[str, Any]")] or alternatives
    if len(alternatives) > 1 and all(a.isidentifier() and a[0].isupper() for a in alternatives):
        return UnionKind([ModelKind(a) for a in alternatives], nullable)
    if len(alternatives) != 1:
        raise ValueError(f"unsupported annotation {annotation!r}")
    text = alternatives[0]
    if text.startswith("Literal[") and text.endswith("]"):
        values = ast.literal_eval(f"({text[8:-1]},)")
        return LiteralKind(tuple(values), nullable)
    if text.startswith("list[") and text.endswith("]"):
        return ListKind(compile_type(text[5:-1]), nullable)
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


def encode_any(value: Any) -> Any:
    """JSON-ready form of a value whose type was not declared."""
    if isinstance(value, (Model, ModelSimple)):
        return value._to_json()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: encode_any(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode_any(v) for v in value]
    return value


def plain(value: Any) -> Any:
    """Models to dicts and enums to str, all the way down; everything else unchanged."""
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, ModelSimple):
        return str.__str__(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


# -- models ----------------------------------------------------------------------------------------------

_CALL_OPTIONS = frozenset(
    {"_check_type", "_spec_property_naming", "_path_to_item", "_configuration", "_visited_composed_classes"}
)
_build_lock = threading.Lock()


class Model:
    """Base of every object schema: a thin shell around the dict of its fields.

    Fields are read as attributes (`ti.state`) or items (`ti["state"]`); fields the server sent
    but this class does not declare are kept and reachable the same way. A declared field the
    server left out raises `ApiAttributeError` (an `AttributeError`), so `getattr(ti, "note", None)`
    and `ti.get("note")` both work.
    """

    __slots__ = ("_data",)

    _required: ClassVar[tuple[str, ...]] = ()
    _read_only: ClassVar[tuple[str, ...]] = ()
    _secret: ClassVar[tuple[str, ...]] = ()
    # Python name -> name on the wire, for the few fields whose JSON name is no identifier (`__type`).
    _wire_names: ClassVar[dict[str, str]] = {}
    # Name a real server sends -> the spec's name, where the two disagree; both stay readable.
    _server_names: ClassVar[dict[str, str]] = {}
    # Built from the annotations on first use: field name -> kind, and the fields to decode.
    _kinds: ClassVar[dict[str, Kind]]
    # Timestamp fields: parsed on first read, since most listings are scanned for a few fields and
    # parsing every timestamp up front would be most of the cost of decoding a page.
    _lazy: ClassVar[frozenset[str]] = frozenset()
    _decode: ClassVar[Callable[[Any], Any]]  # a JSON object in, the model out (see _compile_decoder)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        _set_data(self, {})
        self._fill(args, kwargs, type(self).__name__)

    # -- construction -------------------------------------------------------------------------------

    @classmethod
    def _tables(cls) -> dict[str, Kind]:
        kinds = cls.__dict__.get("_kinds")
        if kinds is None:
            with _build_lock:
                kinds = cls.__dict__.get("_kinds")
                if kinds is None:
                    kinds = _build_tables(cls)
        return kinds

    def _fill(self, args: tuple[Any, ...], kwargs: dict[str, Any], where: str, options: bool = True) -> None:
        cls = type(self)
        kinds = cls._tables()
        check = True
        if options:  # constructor options; a dict of fields from a caller is data, never options
            check = kwargs.pop("_check_type", True)
            for option in _CALL_OPTIONS.intersection(kwargs):
                del kwargs[option]
        required = cls._required
        if len(args) > len(required):
            raise ApiTypeError(
                f"{where}() takes {len(required)} positional argument(s) ({', '.join(required) or 'none'}), "
                f"got {len(args)}; pass optional fields by keyword"
            )
        for name, value in zip(required, args):
            if name in kwargs:
                raise ApiTypeError(f"{where}() got field {name!r} both by position and by keyword")
            kwargs[name] = value
        missing = [name for name in required if name not in kwargs]
        if missing:
            raise ApiTypeError(f"{where}() is missing required field(s): {', '.join(missing)}")
        data = self._data
        secret = cls._secret
        wire_names = cls._wire_names
        for name, value in kwargs.items():
            key = wire_names.get(name, name)
            kind = kinds.get(key)
            if kind is None:
                raise ApiTypeError(
                    f"{where}() got an unknown field {name!r}; its fields are: {', '.join(cls._field_names())}"
                )
            data[key] = kind.check(value, f"{where}.{name}", name in secret) if check else value

    @classmethod
    def _field_names(cls) -> list[str]:
        """Declared fields by their Python names."""
        to_python = {wire: name for name, wire in cls._wire_names.items()}
        return [to_python.get(key, key) for key in cls._tables()]

    @classmethod
    def _from_server(cls, data: Any) -> Any:
        """Wrap a decoded JSON object in place; values that do not convert are kept as received."""
        decode = cls.__dict__.get("_decode")
        if decode is None:
            cls._tables()
            decode = cls.__dict__["_decode"]
        return decode(data)

    @classmethod
    def _from_user(cls, value: Any, where: str) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, dict):
            obj = _new(cls)
            _set_data(obj, {})
            obj._fill((), dict(value), where, options=False)
            return obj
        raise ApiTypeError(
            f"{where}: expected {cls.__name__} (or a dict of its fields), got {_type_name(value)} {_shown(value)}"
        )

    def _to_json(self) -> dict[str, Any]:
        """The request-body form; refuses fields that only the server may set."""
        cls = type(self)
        kinds = cls._tables()
        read_only = cls._read_only
        out: dict[str, Any] = {}
        for name, value in self._materialized().items():
            if name in read_only:
                raise ApiValueError(
                    f"{cls.__name__}.{name} is read-only: the server sets it, so it cannot be sent; "
                    "leave it out of the request"
                )
            kind = kinds.get(name)
            if value is None:
                out[name] = None
            elif kind is not None:
                out[name] = kind.encode(value)
            else:
                out[name] = encode_any(value)
        return out

    # -- reading ------------------------------------------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        if name[:1] == "_":  # private and dunder look-ups (copy, pickle) never mean a field
            raise AttributeError(name)
        try:
            return self._value(type(self)._wire_names.get(name, name))
        except KeyError:
            raise self._not_set(name) from None

    def _value(self, key: str) -> Any:
        value = self._data[key]
        if type(value) is str and key in type(self)._lazy:
            return self._parse_timestamp(key, value)
        return value

    def _parse_timestamp(self, key: str, value: str) -> Any:
        try:
            parsed = parse_datetime(value)
        except (ValueError, OverflowError):
            return value  # not a timestamp after all: kept as received
        self._data[key] = parsed
        return parsed

    def _materialized(self) -> dict[str, Any]:
        """The field dict with every timestamp parsed, for whole-object views."""
        data: dict[str, Any] = self._data
        for key in type(self)._lazy:
            value = data.get(key)
            if type(value) is str:
                self._parse_timestamp(key, value)
        return data

    def _not_set(self, name: str) -> ApiAttributeError:
        cls = type(self)
        if name in cls._field_names():
            return ApiAttributeError(f"{cls.__name__}.{name} is not set", [name])
        return ApiAttributeError(f"{cls.__name__} has no field {name!r}", [name])

    def __getitem__(self, name: str) -> Any:
        try:
            return self._value(type(self)._wire_names.get(name, name))
        except KeyError:
            raise _MissingField(str(self._not_set(name)), [name]) from None

    def get(self, name: str, default: Any = None) -> Any:
        key = type(self)._wire_names.get(name, name)
        return self._value(key) if key in self._data else default

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return type(self)._wire_names.get(name, name) in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(type(self)._field_names()) | set(self._data))

    # -- writing ------------------------------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "_data":
            _set_data(self, value)
            return
        self._set(name, value)

    def __setitem__(self, name: str, value: Any) -> None:
        self._set(name, value)

    def _set(self, name: str, value: Any) -> None:
        cls = type(self)
        key = cls._wire_names.get(name, name)
        kind = cls._tables().get(key)
        if kind is None:
            raise ApiAttributeError(f"{cls.__name__} has no field {name!r}", [name])
        self._data[key] = kind.check(value, f"{cls.__name__}.{name}", name in cls._secret)

    # -- conversion ---------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The fields as plain data: nested models as dicts, enums as str, timestamps as datetime."""
        return {k: plain(v) for k, v in self._python_items()}

    def _python_items(self) -> Iterator[tuple[str, Any]]:
        wire_names = type(self)._wire_names
        data = self._materialized()
        if not wire_names:
            return iter(data.items())
        to_python = {wire: name for name, wire in wire_names.items()}
        return ((to_python.get(k, k), v) for k, v in data.items())

    def _shown_dict(self) -> dict[str, Any]:
        secret = type(self)._secret
        return {k: ("***" if k in secret and v is not None else v) for k, v in self._python_items()}

    def to_str(self) -> str:
        import pprint  # only for display; most scripts never call it

        return pprint.pformat(plain(self._shown_dict()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self._shown_dict().items())
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self._materialized() == other._materialized())

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self._materialized()))


_set_data = Model._data.__set__  # type: ignore[attr-defined]
_new = object.__new__


def _rebuild(cls: type[Model], data: dict[str, Any]) -> Model:
    cls._tables()
    obj = _new(cls)
    _set_data(obj, data)
    return obj


class ModelOneOf(Model):
    """A schema that is one of several models, told apart by a discriminator field.

    Decoding returns the variant the discriminator names (a `TimeDelta` for `"__type": "TimeDelta"`);
    an unknown variant stays an instance of this class with every field kept.
    """

    __slots__ = ()
    _discriminator: ClassVar[str] = ""
    _variants: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def _from_server(cls, data: Any) -> Any:
        if type(data) is dict:
            name = data.get(cls._discriminator)
            if name in cls._variants:
                return model_class(name)._from_server(data)
        return super()._from_server(data)

    @classmethod
    def _from_user(cls, value: Any, where: str) -> Any:
        variants = tuple(model_class(name) for name in cls._variants)
        if isinstance(value, (cls, *variants)):
            return value
        if isinstance(value, dict):
            name = value.get(cls._discriminator, value.get("type"))
            if name in cls._variants:
                return model_class(name)._from_user(value, where)
            raise ApiValueError(
                f"{where}: the {cls._discriminator!r} field must name one of {', '.join(cls._variants)}, "
                f"got {_shown(name)}"
            )
        raise ApiTypeError(f"{where}: expected one of {', '.join(cls._variants)}, got {_type_name(value)}")


class _MissingField(ApiAttributeError, KeyError):
    """Item access to an unset field: catchable as KeyError and as ApiAttributeError."""

    def __str__(self) -> str:
        return str(self.args[0])


def _own_annotations(cls: type) -> dict[str, str]:
    return {
        name: text if isinstance(text, str) else getattr(text, "__name__", str(text))
        for name, text in cls.__dict__.get("__annotations__", {}).items()
        if not name.startswith("_")
    }


def _build_tables(cls: type[Model]) -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    for klass in reversed(cls.__mro__):
        if issubclass(klass, Model):
            for name, text in _own_annotations(klass).items():
                kinds[cls._wire_names.get(name, name)] = compile_type(text)
    lazy = frozenset(name for name, kind in kinds.items() if type(kind) is DateTimeKind)
    cls._lazy = lazy
    decoders = [(name, kind.decode) for name, kind in kinds.items() if kind.decode is not None and name not in lazy]
    decode = _compile_decoder(cls, decoders, cls._server_names)
    cls._decode = staticmethod(decode)
    cls._kinds = kinds  # set last: its presence means the tables are complete
    return kinds


def _compile_decoder(
    cls: type[Model], decoders: list[tuple[str, Callable[[Any], Any]]], server_names: dict[str, str]
) -> Callable[[Any], Any]:
    """One straight-line function per model: converts, in place, the fields that need it, then wraps.

    Decoding is the hot path of every list call; unrolling the per-field loop into plain statements
    roughly halves its cost compared with iterating over a table. Timestamps are not here: they are
    parsed when first read (see `Model._lazy`).
    """
    class_name = cls.__name__
    namespace: dict[str, Any] = {"_errors": _DECODE_ERRORS, "_cls": cls, "_new": _new, "_set_data": _set_data}
    lines = [f"def decode_{class_name}(data):"]
    lines += ["    if type(data) is not dict:", "        raise TypeError('not an object')"]
    for sent, declared in server_names.items():
        lines += [f"    if {sent!r} in data and {declared!r} not in data:"]
        lines += [f"        data[{declared!r}] = data[{sent!r}]"]
    for i, (name, convert) in enumerate(decoders):
        namespace[f"_convert{i}"] = convert
        lines += [
            f"    value = data.get({name!r})",
            "    if value is not None:",
            "        try:",
            f"            data[{name!r}] = _convert{i}(value)",
            "        except _errors:",
            "            pass",
        ]
    for sent, declared in server_names.items():
        lines += [f"    if {sent!r} in data and data[{sent!r}] is not data.get({declared!r}):"]
        lines += [f"        data[{sent!r}] = data[{declared!r}]"]
    lines += ["    obj = _new(_cls)", "    _set_data(obj, data)", "    return obj"]
    exec("\n".join(lines), namespace)
    return namespace[f"decode_{class_name}"]  # type: ignore[no-any-return]


class ModelSimple(str):
    """Base of the enum schemas: a str that is also one of the allowed values.

    `TaskState("failed") == "failed"` and `.value` is the plain string. A value the server sends
    that this version does not know (a state added by a newer Airflow) is kept, unchecked.
    """

    __slots__ = ()
    _allowed: ClassVar[tuple[str, ...]] = ()  # empty: any string (that matches _pattern, if set)
    _pattern: ClassVar[str | None] = None
    _by_value: ClassVar[dict[str, Any]]

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        for option in _CALL_OPTIONS.intersection(kwargs):
            del kwargs[option]
        if "value" in kwargs:
            args = (*args, kwargs.pop("value"))
        if len(args) != 1 or kwargs:
            raise ApiTypeError(f"{cls.__name__}() takes exactly one value")
        return cls._from_user(args[0], cls.__name__)

    @classmethod
    def _table(cls) -> dict[str, Any]:
        table = cls.__dict__.get("_by_value")
        if table is None:
            table = _EnumTable(cls)
            cls._by_value = table
        return table

    @classmethod
    def _from_user(cls, value: Any, where: str) -> Any:
        if not cls._allowed:
            if not isinstance(value, str):
                raise ApiTypeError(f"{where}: expected {cls.__name__} (a str), got {_type_name(value)} {_shown(value)}")
            if cls._pattern is not None and re.search(cls._pattern, value) is None:
                raise ApiValueError(f"{where}: {value!r} is not a valid {cls.__name__}; it must match {cls._pattern}")
            return cls._table()[value]
        allowed = ", ".join(map(repr, cls._allowed))
        if not isinstance(value, str):
            raise ApiTypeError(f"{where}: expected one of {allowed}, got {_type_name(value)} {_shown(value)}")
        table = cls._table()
        if value not in table:  # `in` does not call __missing__: unknown values are refused here
            raise ApiValueError(f"{where}: {value!r} is not a valid {cls.__name__}; expected one of {allowed}")
        return table[value]

    @classmethod
    def _from_server(cls, value: Any) -> Any:
        return cls._table()[value]

    @property
    def value(self) -> str:
        return str.__str__(self)

    def _to_json(self) -> str:
        return str.__str__(self)

    def to_str(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self)._from_server, (str.__str__(self),))


class _EnumTable(dict):  # type: ignore[type-arg]
    """The instances of one enum by value; a value it does not know becomes an unchecked instance.

    Server values are looked up here with one dict access (`table[value]` is the decoder), and the
    allowed ones are shared instances, so decoding a state costs no allocation.
    """

    def __init__(self, cls: type[ModelSimple]) -> None:
        super().__init__((v, str.__new__(cls, v)) for v in cls._allowed)
        self.cls = cls

    def __missing__(self, value: Any) -> Any:
        if type(value) is not str:
            raise TypeError("not a string")
        return str.__new__(self.cls, value)
