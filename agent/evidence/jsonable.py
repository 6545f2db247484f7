"""Turn what the graph hands us (models, numpy values, dates, frames) into plain JSON values.

RFC 8785 canonical JSON only admits I-JSON values (RFC 7493): finite IEEE-754 numbers and
integers within +/-(2**53 - 1). Conversions that could otherwise be ambiguous are fixed here,
once, so that the same input always yields the same bytes and the same hash:

- NaN, +inf and -inf become the strings ``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` (the
  ECMAScript names), not ``null``, so a missing value and an undefined one stay distinct;
- integers outside the exact double range become decimal strings, and so do ``Decimal``
  values (which keep their exact digits rather than being rounded through a float);
- dates, datetimes and times become ISO-8601 strings, timedeltas become seconds;
- sets become lists sorted by the canonical JSON of their members;
- mapping keys become strings (non-string keys use their JSON text, as ``json.dumps`` does).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import sys
import uuid
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import numpy as np
import rfc8785
from pydantic import BaseModel

JsonValue = None | bool | int | float | str | list[Any] | dict[str, Any]

MAX_EXACT_INT = 2**53 - 1
NAN_TEXT = "NaN"
POSITIVE_INFINITY_TEXT = "Infinity"
NEGATIVE_INFINITY_TEXT = "-Infinity"


def to_jsonable(value: Any) -> JsonValue:
    """The JSON value that represents ``value`` in evidence; raises TypeError if unsupported."""
    kind = type(value)  # exact built-in types first: they are nearly all of it, and cheap
    if kind is str or kind is bool or value is None:
        return value
    if kind is dict:
        return _mapping(value)
    if kind is list:
        return [to_jsonable(item) for item in value]
    return _general(value)


def _general(value: Any) -> JsonValue:
    """Everything else, converted to exact built-in types (redaction relies on it)."""
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, float | np.floating):
        return _float(float(value))
    if isinstance(value, int | np.integer):
        return _integer(int(value))
    if isinstance(value, Mapping):
        return _mapping(value)
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, set | frozenset):
        items = [to_jsonable(item) for item in value]
        return sorted(items, key=rfc8785.dumps)
    if isinstance(value, BaseModel):
        return to_jsonable(value.model_dump())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: to_jsonable(getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
    return _other(value)


def _float(number: float) -> float | str:
    if math.isnan(number):
        return NAN_TEXT
    if math.isinf(number):
        return POSITIVE_INFINITY_TEXT if number > 0 else NEGATIVE_INFINITY_TEXT
    return number


def _integer(number: int) -> int | str:
    return number if -MAX_EXACT_INT <= number <= MAX_EXACT_INT else str(number)


def _mapping(mapping: Mapping[Any, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in mapping.items():
        name = _key(key)
        if name in result:
            raise ValueError(f"two keys of one mapping both become the JSON key {name!r}")
        result[name] = to_jsonable(item)
    return result


def _key(key: Any) -> str:
    if isinstance(key, str):
        return str.__str__(key)
    converted = to_jsonable(key)
    return converted if isinstance(converted, str) else json.dumps(converted)


def _other(value: Any) -> JsonValue:
    """Leaf types that are not JSON natively."""
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(np.datetime_as_string(value))
    if isinstance(value, np.bool_):
        return bool(value)
    pandas_value = _pandas(value)
    if pandas_value is not _NOT_PANDAS:
        return pandas_value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _float(value.total_seconds())
    if isinstance(value, Decimal):
        return _decimal(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    raise TypeError(f"cannot record {type(value).__qualname__!r} values as evidence JSON")


def _decimal(number: Decimal) -> str:
    if number.is_nan():
        return NAN_TEXT
    if number.is_infinite():
        return POSITIVE_INFINITY_TEXT if number > 0 else NEGATIVE_INFINITY_TEXT
    return str(number)


_NOT_PANDAS = object()


def _pandas(value: Any) -> Any:
    """Frames, series and pandas' missing markers; a pandas object implies pandas is imported."""
    pandas = sys.modules.get("pandas")
    if pandas is None:
        return _NOT_PANDAS
    if value is pandas.NaT or value is pandas.NA:
        return None
    if isinstance(value, pandas.DataFrame):
        return to_jsonable(value.to_dict(orient="records"))
    if isinstance(value, pandas.Series):
        return to_jsonable(value.to_dict())
    return _NOT_PANDAS
