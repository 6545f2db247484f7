"""Lots become holdings and valued lots: values, weights, terms and missing prices."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tools.errors import DataValidationError
from tools.holdings import holdings_of
from tools.models import Lot
from tools.unrealized import value_lots

AS_OF = dt.date(2026, 3, 2)


def lot(account: str, symbol: str, quantity: float, basis: float, acquired: str) -> Lot:
    day = dt.date.fromisoformat(acquired)
    return Lot(
        account_id=account,
        symbol=symbol,
        lot_id=f"{account}-{symbol}-{acquired}",
        quantity=quantity,
        purchase_date=day,
        acquired_date=day,
        cost_basis=basis,
    )


LOTS = [
    lot("A", "AAA", 10, 800.0, "2025-03-02"),  # held exactly one year on AS_OF: short term
    lot("A", "AAA", 5, 300.0, "2025-03-01"),  # one year and a day: long term
    lot("A", "BBB", 4, 500.0, "2026-01-05"),
    lot("B", "BBB", 6, 600.0, "2026-01-05"),
]
PRICES = pd.Series({"AAA": 100.0, "BBB": 120.0})


def test_holdings_combine_accounts_and_weights_include_cash() -> None:
    one = holdings_of(LOTS, {"A": 500.0, "B": 20.0}, PRICES, ["A"])
    assert one.shares.to_dict() == {"AAA": 15.0, "BBB": 4.0}
    assert one.invested == pytest.approx(1500.0 + 480.0)
    assert one.total == pytest.approx(1980.0 + 500.0)
    assert one.weights().sum() == pytest.approx(1980.0 / 2480.0)
    assert one.weights(include_cash=False).sum() == pytest.approx(1.0)
    both = holdings_of(LOTS, {"A": 500.0, "B": 20.0}, PRICES, ["A", "B"])
    assert both.shares["BBB"] == 10.0
    assert both.cash == 520.0


def test_a_held_symbol_without_a_price_names_prices_csv() -> None:
    with pytest.raises(DataValidationError) as caught:
        holdings_of(LOTS, {}, pd.Series({"AAA": 100.0}), ["A"], "2026-03-02")
    (problem,) = caught.value.problems
    assert (problem.file, problem.column) == ("prices.csv", "close")
    assert "BBB" in problem.message and "2026-03-02" in problem.message


def test_valued_lots_gain_and_term_at_the_one_year_boundary() -> None:
    valued = value_lots(LOTS[:3], PRICES.to_dict(), AS_OF)
    assert [v.term for v in valued] == ["short", "long", "short"]  # Pub. 550: more than 1 year
    assert valued[0].unrealized_gain == pytest.approx(200.0)
    assert valued[2].unrealized_gain == pytest.approx(-20.0)
    assert valued[2].loss_fraction == pytest.approx(0.04)
    assert valued[0].loss_fraction == 0.0


def test_valuing_a_lot_with_a_nan_price_is_an_error() -> None:
    with pytest.raises(DataValidationError, match="no price for AAA"):
        value_lots(LOTS[:1], {"AAA": float("nan")}, AS_OF)
