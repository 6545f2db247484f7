"""Everything the graph may hand to the evidence log becomes plain, finite, canonical JSON."""

from __future__ import annotations

import datetime as dt
import enum
import math
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath

import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel

from agent.evidence import canonical_json, redact, to_jsonable


class Side(enum.Enum):
    BUY = "buy"


class Trade(BaseModel):
    symbol: str
    quantity: float
    side: Side
    trade_date: dt.date


@dataclass(frozen=True)
class Lot:
    lot_id: str
    basis: np.float64
    acquired: dt.datetime


def test_non_finite_floats_become_their_ecmascript_names() -> None:
    value = [math.nan, math.inf, -math.inf, np.float32("nan"), np.float64("-inf"), 1.5]
    assert to_jsonable(value) == ["NaN", "Infinity", "-Infinity", "NaN", "-Infinity", 1.5]
    assert to_jsonable(Decimal("NaN")) == "NaN"
    assert to_jsonable(Decimal("-Infinity")) == "-Infinity"


def test_integers_beyond_the_exact_double_range_become_strings() -> None:
    assert to_jsonable([2**53 - 1, 2**53, -(2**60)]) == [2**53 - 1, str(2**53), str(-(2**60))]
    assert to_jsonable(np.int64(2**62)) == str(2**62)


def test_numpy_values_and_arrays() -> None:
    converted = to_jsonable(
        {
            "i": np.int32(7),
            "f": np.float32(0.5),
            "b": np.bool_(True),
            "a": np.array([[1.0, np.nan], [2.0, 3.0]]),
            "d": np.datetime64("2025-01-02"),
            "nat": np.datetime64("NaT"),
        }
    )
    assert converted == {
        "i": 7,
        "f": 0.5,
        "b": True,
        "a": [[1.0, "NaN"], [2.0, 3.0]],
        "d": "2025-01-02",
        "nat": None,
    }
    assert type(converted["i"]) is int and type(converted["b"]) is bool


def test_models_dataclasses_dates_and_leaf_types() -> None:
    trade = Trade(symbol="AAPL", quantity=3.0, side=Side.BUY, trade_date=dt.date(2025, 1, 2))
    lot = Lot("L1", np.float64(100.25), dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC))
    assert to_jsonable(trade) == {
        "symbol": "AAPL",
        "quantity": 3.0,
        "side": "buy",
        "trade_date": "2025-01-02",
    }
    assert to_jsonable(lot) == {
        "lot_id": "L1",
        "basis": 100.25,
        "acquired": "2024-05-06T07:08:09+00:00",
    }
    assert to_jsonable(dt.timedelta(days=1, seconds=1)) == 86401.0
    assert to_jsonable(Decimal("0.10")) == "0.10"
    assert to_jsonable(uuid.UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert to_jsonable(PurePosixPath("a/b.csv")) == "a/b.csv"
    assert to_jsonable(b"\x00\xff") == "00ff"
    assert to_jsonable((1, "x")) == [1, "x"]


def test_pandas_frames_and_series() -> None:
    frame = pd.DataFrame({"symbol": ["A", "B"], "weight": [0.25, np.nan]})
    series = pd.Series([1.0, 2.0], index=pd.to_datetime(["2025-01-02", "2025-01-03"]))
    assert to_jsonable(frame) == [{"symbol": "A", "weight": 0.25}, {"symbol": "B", "weight": "NaN"}]
    assert to_jsonable(series) == {"2025-01-02T00:00:00": 1.0, "2025-01-03T00:00:00": 2.0}
    assert to_jsonable([pd.NaT, pd.NA, pd.Timestamp("2025-01-02")]) == [
        None,
        None,
        "2025-01-02T00:00:00",
    ]


def test_sets_are_sorted_so_their_hash_is_stable() -> None:
    assert to_jsonable({"MSFT", "AAPL", "GOOG"}) == ["AAPL", "GOOG", "MSFT"]
    assert canonical_json(to_jsonable(frozenset({3, 1, 2}))) == b"[1,2,3]"


def test_non_string_keys_become_json_text() -> None:
    assert to_jsonable({1: "a", dt.date(2025, 1, 2): "b", None: "c", 2.5: "d"}) == {
        "1": "a",
        "2025-01-02": "b",
        "null": "c",
        "2.5": "d",
    }
    with pytest.raises(ValueError, match="both become the JSON key '1'"):
        to_jsonable({1: "a", "1": "b"})


def test_unsupported_values_are_refused_by_name() -> None:
    class Opaque:
        pass

    with pytest.raises(TypeError, match=r"cannot record .*Opaque"):
        to_jsonable({"nested": [Opaque()]})


def test_subclasses_become_exact_builtins_so_redaction_sees_them() -> None:
    class Secretish(enum.StrEnum):
        KEY = "api_key=abc123"

    class Note(str):
        pass

    converted = to_jsonable(OrderedDict(a=Secretish.KEY, b=Note("x"), c=Side.BUY))
    assert converted == {"a": "api_key=abc123", "b": "x", "c": "buy"}
    assert [type(item) for item in converted.values()] == [str, str, str]
    assert type(converted) is dict
    assert redact(converted)["a"] == "api_key=[REDACTED]"


def test_every_converted_value_canonicalizes() -> None:
    converted = to_jsonable({"x": [math.nan, 2**70, np.float64(1e-7), Decimal("1e400")]})
    assert canonical_json(converted) == b'{"x":["NaN","1180591620717411303424",1e-7,"1E+400"]}'
