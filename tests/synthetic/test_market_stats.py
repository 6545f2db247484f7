"""``describe_market`` on panels whose answers are known by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tools.market_stats import TRADING_DAYS_PER_YEAR, describe_market


def _panel(values: dict[str, list[float]], start: str = "2023-01-02") -> pd.DataFrame:
    length = len(next(iter(values.values())))
    return pd.DataFrame(values, index=pd.bdate_range(start, periods=length))


def test_volatility_and_correlation_of_known_series() -> None:
    # Returns alternate +1% / -1%: daily std is known exactly.
    rising = np.cumprod(np.r_[100.0, np.tile([1.01, 0.99], 50)])
    falling = np.cumprod(np.r_[50.0, np.tile([0.99, 1.01], 50)])
    same = rising * 2.0
    close = _panel({"UP": rising, "DOWN": falling, "SAME": same})
    stats = describe_market(close)
    expected_vol = np.std(np.tile([0.01, -0.01], 50), ddof=1) * np.sqrt(TRADING_DAYS_PER_YEAR)
    assert stats.avg_stock_vol == pytest.approx(expected_vol)
    # corr(UP, SAME) = 1, corr(UP, DOWN) = corr(SAME, DOWN) = -1.
    assert stats.avg_pairwise_corr == pytest.approx((1 - 1 - 1) / 3)
    assert stats.securities == 3 and stats.trading_days == 101


def test_benchmark_uses_the_weights_and_only_its_members() -> None:
    flat = np.full(30, 10.0)
    moving = 10.0 * np.cumprod(np.r_[1.0, np.tile([1.02, 1 / 1.02], 14), 1.02])
    fund = moving * 3.0
    close = _panel({"A": flat, "B": moving, "FUND": fund})
    stats = describe_market(close, weights=pd.Series({"A": 0.75, "B": 0.25}))
    b_vol = pd.Series(moving).pct_change().std() * np.sqrt(TRADING_DAYS_PER_YEAR)
    assert stats.securities == 2
    assert stats.market_vol == pytest.approx(0.25 * b_vol)
    assert stats.avg_stock_vol == pytest.approx(b_vol / 2)
    assert stats.avg_pairwise_corr is None  # A never moves: no pair left to correlate


def test_share_down_per_calendar_year_uses_the_previous_year_end() -> None:
    index = pd.bdate_range("2022-01-03", "2024-12-31")
    years = index.year.to_numpy()
    # A ends each year higher, B lower in 2023 only, C lower every year.
    a = 100.0 * (1 + 0.0002) ** np.arange(len(index))
    b = np.where(years == 2023, 100.0 - 0.01 * (index.day_of_year.to_numpy()), 100.0)
    b = np.where(years == 2024, 99.0 + 0.001 * np.arange(len(index)) / 100, b)
    c = 100.0 * (1 - 0.0002) ** np.arange(len(index))
    stats = describe_market(pd.DataFrame({"A": a, "B": b, "C": c}, index=index))
    by_year = {year.year: year for year in stats.years}
    assert [by_year[y].full_year for y in (2022, 2023, 2024)] == [False, True, True]
    assert by_year[2023].share_down == pytest.approx(2 / 3)
    assert by_year[2024].share_down == pytest.approx(1 / 3)
    assert stats.typical_share_down == pytest.approx(0.5)


def test_adjusted_close_drives_returns_and_is_counted() -> None:
    close = _panel({"PAY": [10.0, 10.0, 9.5, 9.5], "NON": [5.0, 5.1, 5.0, 5.1]})
    adjusted = close.copy()
    adjusted.loc[adjusted.index[:2], "PAY"] = 9.5  # a 0.5 dividend went ex on day 3
    stats = describe_market(close, adjusted)
    assert stats.adjusted_securities == 1
    plain = describe_market(close)
    assert plain.adjusted_securities == 0
    assert stats.avg_stock_vol < plain.avg_stock_vol


def test_too_little_data_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 3 dates"):
        describe_market(_panel({"A": [1.0, 2.0], "B": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="fewer than 2"):
        describe_market(
            _panel({"A": [1.0, 2.0, 3.0], "B": [1.0, 2.0, 3.0]}),
            weights=pd.Series({"A": 1.0, "Z": 0.0}),
        )
