"""The model runtime: `Model`, `ModelSimple` (enums), `ModelOneOf`, their tables and decoders.

A model is declared by its field annotations (`start_date: datetime | None`) plus, where needed,
`_required`, `_read_only` and `_secret` tuples. On first use the annotations are read into a table
of kinds (see `kinds.py`) and a decoder is compiled for the class. Decoding works in place on the
dicts `json.loads` produced: only fields that need converting (enums, nested models) are touched,
timestamps are parsed when first read, and a model is a thin shell around its dict.

The names of `kinds.py` and `json_values.py` that scripts and other modules import from here are
re-exported.
"""

from __future__ import annotations

import copy
import re
import threading
from typing import Any, Callable, ClassVar, Iterator, SupportsIndex

from airflow_client.client.exceptions import ApiAttributeError, ApiTypeError, ApiValueError
from airflow_client.client.json_values import (
    Convertible,
    aware,
    check_json,
    encode_any,
    flatten,
    parse_datetime,
    plain,
    rebuild,
    shown,
    type_name,
    unflatten,
)
from airflow_client.client.kinds import (
    DECODE_ERRORS,
    MODEL_PACKAGE,
    AnyKind,
    AnyOfKind,
    BoolKind,
    DateKind,
    DateTimeKind,
    DateTimeStr,
    DateTimeStrKind,
    DictKind,
    FloatKind,
    IntKind,
    Kind,
    ListKind,
    LiteralKind,
    MapKind,
    ModelKind,
    StrKind,
    TupleKind,
    UnionKind,
    compile_type,
    model_class,
    snake_case,
)

__all__ = [
    "MODEL_PACKAGE",
    "AnyKind",
    "AnyOfKind",
    "BoolKind",
    "DateKind",
    "DateTimeKind",
    "DateTimeStr",
    "DateTimeStrKind",
    "DictKind",
    "FloatKind",
    "IntKind",
    "Kind",
    "ListKind",
    "LiteralKind",
    "MapKind",
    "Model",
    "ModelKind",
    "ModelOneOf",
    "ModelSimple",
    "StrKind",
    "TupleKind",
    "UnionKind",
    "aware",
    "check_json",
    "compile_type",
    "encode_any",
    "model_class",
    "parse_datetime",
    "plain",
    "snake_case",
]

# -- models ----------------------------------------------------------------------------------------------

_CALL_OPTIONS = frozenset(
    {"_check_type", "_spec_property_naming", "_path_to_item", "_configuration", "_visited_composed_classes"}
)
# Reentrant: building a class's datetime variant first builds the class itself.
_build_lock = threading.RLock()


class Model(Convertible):
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
    # True on the subclass that answers decode to when `Configuration.timestamps_as_datetime` is set
    # (see `_datetime_variant`); its `_lazy` covers the timestamps kept as text by default too.
    _as_datetime: ClassVar[bool] = False
    _decode: ClassVar[Callable[[Any], Any]]  # a JSON object in, the model out (see _compile_decoder)
    _variant: ClassVar[type[Model]]  # built on first use by _datetime_variant

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
        for name, value in zip(required, args, strict=False):
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
    def _server_decoder(cls, as_datetime: bool = False) -> Callable[[Any], Any]:
        """The function that turns a JSON object from the server into this model."""
        if as_datetime:
            cls = cls._datetime_variant()
        # Once the class's tables exist, its compiled decoder skips a call; until then (tables are
        # built lazily, and building here could recurse through models that refer to each other)
        # the class method builds them on first use.
        compiled = cls.__dict__.get("_decode")
        return compiled if compiled is not None else cls._from_server

    @classmethod
    def _datetime_variant(cls) -> type[Model]:
        """The subclass answers decode to when every timestamp is to be a datetime.

        A subclass rather than a flag on each object keeps the default mode's decoding as it is:
        the mode lives in the class's tables (which fields are parsed on first read). It has the
        same name and module, and `isinstance(obj, cls)` holds.
        """
        if cls._as_datetime:
            return cls
        variant: type[Model] | None = cls.__dict__.get("_variant")
        if variant is None:
            with _build_lock:
                variant = cls.__dict__.get("_variant")
                if variant is None:
                    namespace = {
                        "__slots__": (),
                        "__module__": cls.__module__,
                        "__qualname__": cls.__qualname__,
                        "__doc__": cls.__doc__,
                        "_as_datetime": True,
                    }
                    variant = type(cls.__name__, (cls,), namespace)
                    cls._variant = variant
        return variant

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
            f"{where}: expected {cls.__name__} (or a dict of its fields), got {type_name(value)} {shown(value)}"
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
        if name == "_data_store":
            raise ApiAttributeError(
                f"{type(self).__name__}._data_store is read-only, a copy of the fields; set a field as an "
                "attribute or item instead",
                [name],
            )
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
        """The fields as plain data: nested models as dicts, enums as str, timestamps as their fields hold them.

        A new dict all the way down; values nested any depth convert (no recursion).
        """
        return plain(self)  # type: ignore[no-any-return]

    def _plain(self, hide_secrets: bool = False) -> dict[str, Any]:
        return self._shown_dict() if hide_secrets else dict(self._python_items())

    @property
    def _data_store(self) -> dict[str, Any]:
        """The fields by their Python names, nested models as models: a new dict, so writing to it
        changes nothing (set fields as attributes or items)."""
        return dict(self._python_items())

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
        """`to_dict()` pretty-printed over several lines, secrets hidden; what `str()` and `print` show."""
        import pprint  # only for display; most scripts never call it

        return pprint.pformat(_printable(plain(self, hide_secrets=True)))

    def __str__(self) -> str:
        return self.to_str()

    def __repr__(self) -> str:
        # One line: each value's repr is cut, so a large conf or a long log does not flood a console.
        fields = ", ".join(f"{k}={shown(v)}" for k, v in self._shown_dict().items())
        return f"{type(self).__name__}({fields})"

    # -- notebooks (display.py, imported only when a notebook or a script asks) -------------------

    def _repr_html_(self) -> str:
        """An HTML table: a collection's items one per row, another model's fields one per row."""
        from airflow_client.client.display import html_of

        return html_of(self)

    def to_pandas(self) -> Any:
        """A pandas DataFrame of a collection's items (one row each, one column per field); of one
        row for another model. Needs pandas (`pip install pandas`)."""
        from airflow_client.client.display import collection_frame

        return collection_frame(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model) or _declared(type(other)) is not _declared(type(self)):
            return NotImplemented
        return bool(self._materialized() == other._materialized())

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]  # mutable

    # Copies and pickles never recurse into the values, so a conf nested hundreds of levels deep
    # copies and pickles as well as a flat one.

    def __copy__(self) -> Model:
        obj = _new(type(self))
        _set_data(obj, dict(self._data))
        return obj

    def __deepcopy__(self, memo: dict[int, Any]) -> Model:
        obj = _new(type(self))
        memo[id(self)] = obj
        data = rebuild(self._data, lambda value: value if type(value) in _ATOMIC else copy.deepcopy(value, memo))
        _set_data(obj, data)
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        cls = type(self)
        data = self._materialized()
        if any(type(value) is dict or type(value) is list for value in data.values()):
            data = flatten(data)  # type: ignore[assignment]
        return (_rebuild, (_declared(cls), data, cls._as_datetime))


_set_data = Model._data.__set__  # type: ignore[attr-defined]
_new = object.__new__


def _declared(cls: type[Model]) -> type[Model]:
    """The generated class of a model class: itself, or the class a datetime variant derives from."""
    return cls.__base__ if cls._as_datetime else cls  # type: ignore[return-value]


def _rebuild(cls: type[Model], data: dict[str, Any] | list[Any], as_datetime: bool = False) -> Model:
    """A model from a pickle: its fields as a dict, or flattened (see `json_values.flatten`)."""
    if isinstance(data, list):
        data = unflatten(data)
    if as_datetime:
        cls = cls._datetime_variant()
    cls._tables()
    obj = _new(cls)
    _set_data(obj, data)
    return obj


# Values a deep copy may share: immutable, with nothing inside.
_ATOMIC = frozenset({str, int, float, bool, type(None)})

# Levels of nesting `str(model)` lays out over lines; deeper values are shown on one line each.
_PRINT_DEPTH = 50


class _Shown:
    """A value pprint shows by a repr made beforehand."""

    __slots__ = ("text",)

    def __init__(self, value: Any) -> None:
        self.text = repr(value)  # a repr of plain data: recursion in C, not in Python frames

    def __repr__(self) -> str:
        return self.text


def _printable(value: Any) -> Any:
    """Plain data whose containers below _PRINT_DEPTH are replaced by their one-line repr: pprint
    recurses through Python frames, a few per level, and would hit the recursion limit on a conf
    nested a few hundred levels deep."""
    stack = [(value, 0)] if isinstance(value, (dict, list)) else []
    seen = set()  # a container that holds itself is walked once; pprint marks the recursion
    while stack:
        container, depth = stack.pop()
        seen.add(id(container))
        pairs = list(container.items()) if isinstance(container, dict) else list(enumerate(container))
        for key, item in pairs:
            if isinstance(item, (dict, list)) and id(item) not in seen:
                if depth + 1 >= _PRINT_DEPTH:
                    container[key] = _Shown(item)
                else:
                    stack.append((item, depth + 1))
    return value


class ModelOneOf(Model):
    """A schema that is one of several models, told apart by a discriminator field.

    Decoding returns the variant the discriminator names (a `TimeDelta` for `"__type": "TimeDelta"`);
    an unknown variant stays an instance of this class with every field kept.
    """

    __slots__ = ()
    _discriminator: ClassVar[str] = ""
    _variants: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def _server_decoder(cls, as_datetime: bool = False) -> Callable[[Any], Any]:
        # The variant is chosen per value.
        return cls._datetime_variant()._from_server if as_datetime else cls._from_server

    @classmethod
    def _from_server(cls, data: Any) -> Any:
        if type(data) is dict:
            name = data.get(cls._discriminator)
            if name in cls._variants:
                return model_class(name)._server_decoder(cls._as_datetime)(data)
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
                f"got {shown(name)}"
            )
        raise ApiTypeError(f"{where}: expected one of {', '.join(cls._variants)}, got {type_name(value)}")


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
    as_datetime = cls._as_datetime
    if as_datetime:
        kinds = _declared(cls)._tables()  # the same fields; only the decoding differs
    else:
        kinds = {}
        for klass in reversed(cls.__mro__):
            if issubclass(klass, Model):
                for name, text in _own_annotations(klass).items():
                    kinds[cls._wire_names.get(name, name)] = compile_type(text)
    # Timestamps parsed on first read: those typed datetime, and in the datetime variant also those
    # kept as text by default.
    lazy_kinds = (DateTimeKind, DateTimeStrKind) if as_datetime else (DateTimeKind,)
    lazy = frozenset(name for name, kind in kinds.items() if type(kind) in lazy_kinds)
    cls._lazy = lazy
    decoders = []
    for name, kind in kinds.items():
        convert = kind.decoder(as_datetime)
        if convert is not None and name not in lazy:
            decoders.append((name, convert))
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
    namespace: dict[str, Any] = {"_errors": DECODE_ERRORS, "_cls": cls, "_new": _new, "_set_data": _set_data}
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


class ModelSimple(str, Convertible):
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
                raise ApiTypeError(f"{where}: expected {cls.__name__} (a str), got {type_name(value)} {shown(value)}")
            if cls._pattern is not None and re.search(cls._pattern, value) is None:
                raise ApiValueError(f"{where}: {value!r} is not a valid {cls.__name__}; it must match {cls._pattern}")
            return cls._table()[value]
        allowed = ", ".join(map(repr, cls._allowed))
        if not isinstance(value, str):
            raise ApiTypeError(f"{where}: expected one of {allowed}, got {type_name(value)} {shown(value)}")
        table = cls._table()
        if value not in table:  # `in` does not call __missing__: unknown values are refused here
            raise ApiValueError(f"{where}: {value!r} is not a valid {cls.__name__}; expected one of {allowed}")
        return table[value]

    @classmethod
    def _from_server(cls, value: Any) -> Any:
        return cls._table()[value]

    @classmethod
    def _server_decoder(cls, as_datetime: bool = False) -> Callable[[Any], Any]:
        return cls._table().__getitem__

    @property
    def value(self) -> str:
        return str.__str__(self)

    @property
    def _data_store(self) -> dict[str, Any]:
        """`{"value": ...}`, as scripts written for the official client read it."""
        return {"value": str.__str__(self)}

    def __getitem__(self, key: SupportsIndex | slice | str) -> str:
        # `state["value"]` is the plain value, as on the official enum models; indexes and slices
        # are those of the str.
        if key == "value" and isinstance(key, str):
            return str.__str__(self)
        return str.__getitem__(self, key)  # type: ignore[index]

    def _to_json(self) -> str:
        return str.__str__(self)

    def _plain(self, hide_secrets: bool = False) -> str:
        return str.__str__(self)

    def to_str(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str.__repr__(self)})"

    def _repr_html_(self) -> str:
        import html

        return f"<code>{html.escape(str.__str__(self))}</code>"

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
