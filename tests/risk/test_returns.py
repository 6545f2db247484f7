"""daily_returns: windows, missing days inside a history, new listings, bad prices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tools.risk import RiskInputError, daily_returns
from tools.risk.returns import panel_from_returns


def _prices() -> pd.DataFrame:
    dates = pd.bdate_range("2024-01-01", periods=6)
    return pd.DataFrame(
        {
            "OLD": [100.0, 101.0, 102.01, 99.0, 100.0, 110.0],
            "GAP": [50.0, 51.0, np.nan, np.nan, 52.02, 52.02],
            "NEW": [np.nan, np.nan, np.nan, 20.0, 21.0, 21.0],
        },
        index=dates,
    )


def test_window_ends_at_as_of_and_keeps_lookback_days() -> None:
    prices = _prices()
    panel = daily_returns(prices, prices.index[4], lookback=3)
    assert list(panel.returns.index) == list(prices.index[2:5])
    assert panel.returns.loc[prices.index[4], "OLD"] == pytest.approx(100.0 / 99.0 - 1.0)


def test_interior_gap_is_carried_forward_keeping_the_cumulative_return() -> None:
    prices = _prices()
    panel = daily_returns(prices, prices.index[-1])
    gap = panel.returns["GAP"]
    assert gap.loc[prices.index[2]] == 0.0 and gap.loc[prices.index[3]] == 0.0
    assert (1.0 + gap).prod() == pytest.approx(52.02 / 50.0)
    assert panel.observed["GAP"].all()
    assert any("carried forward" in note and "GAP (2 missing days)" in note for note in panel.notes)


def test_new_listing_is_filled_with_the_days_cross_sectional_mean_and_noted() -> None:
    prices = _prices()
    panel = daily_returns(prices, prices.index[-1])
    assert panel.observed["NEW"].sum() == 2
    first_day = prices.index[1]
    assert np.isnan(panel.returns.loc[first_day, "NEW"])
    mean_of_others = panel.returns.loc[first_day, ["OLD", "GAP"]].mean()
    assert panel.filled.loc[first_day, "NEW"] == pytest.approx(mean_of_others)
    assert not panel.filled.isna().any().any()
    assert any("NEW (2 days observed)" in note for note in panel.notes)


def test_days_without_any_price_are_not_trading_days() -> None:
    prices = _prices()
    prices.loc[prices.index[2]] = np.nan
    panel = daily_returns(prices, prices.index[-1])
    assert prices.index[2] not in panel.returns.index
    assert len(panel.returns) == 4


def test_non_positive_prices_and_too_short_windows_are_errors() -> None:
    prices = _prices()
    prices.loc[prices.index[3], "OLD"] = 0.0
    with pytest.raises(RiskInputError, match="positive: OLD"):
        daily_returns(prices, prices.index[-1])
    with pytest.raises(RiskInputError, match="two return days"):
        daily_returns(_prices(), _prices().index[1])


def test_a_day_where_nobody_has_a_return_is_filled_with_zero() -> None:
    returns = pd.DataFrame({"A": [np.nan, 0.01, 0.02], "B": [np.nan, np.nan, 0.04]})
    panel = panel_from_returns(returns)
    assert panel.filled.iloc[0].tolist() == [0.0, 0.0]
    assert panel.filled.loc[1, "B"] == pytest.approx(0.01)
