"""Plain JSON values: what may be sent, how values become JSON, how models become plain data.

Nothing here knows a model class by name: models and enums derive from `Convertible`, which tells
these helpers how to turn them into JSON (`_to_json`) or plain data (`_plain`).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timezone
from typing import Any

from airflow_client.client.exceptions import ApiTypeError, ApiValueError


class Convertible:
    """Base of the model and enum classes: values that know their JSON form and their plain form."""

    __slots__ = ()

    def _to_json(self) -> Any:
        """The request-body form."""
        raise NotImplementedError

    def _plain(self) -> Any:
        """Plain data: a dict for a model, a str for an enum."""
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


def check_json(value: Any, where: str, secret: bool = False) -> None:
    """Refuse what cannot be sent as JSON, naming where it sits: sets, bytes, objects, NaN, odd keys."""
    if value is None or isinstance(value, (bool, int, datetime, date, Convertible)):
        return
    if isinstance(value, str):
        check_utf8(value, where, secret)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ApiValueError(f"{where}: expected a finite number, got {value!r}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            check_json(item, f"{where}[{i}]", secret)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ApiTypeError(f"{where}: keys must be str, got {type_name(key)} {shown(key, secret)}")
            check_utf8(key, where, secret)
            check_json(item, f"{where}[{key!r}]", secret)
    else:
        raise ApiTypeError(f"{where}: {type_name(value)} cannot be sent as JSON: {shown(value, secret)}")


# -- conversion ---------------------------------------------------------------------------------------


def encode_any(value: Any) -> Any:
    """JSON-ready form of a value whose type was not declared."""
    if isinstance(value, Convertible):
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
    if isinstance(value, Convertible):
        return value._plain()
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value

