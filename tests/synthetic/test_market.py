"""The simulated market meets its calibration and its corporate actions are consistent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.synthetic.replay import parse_csv
from tools.market_stats import MarketStats, describe_market
from tools.synthetic import DEFAULT_AS_OF, build_dataset
from tools.synthetic.writer import render


def _stats_from_files(root: Path, prices: pd.DataFrame) -> MarketStats:
    dated = prices.assign(date=pd.to_datetime(prices["date"]))
    close = dated.pivot(index="date", columns="symbol", values="close")
    adjusted = dated.pivot(index="date", columns="symbol", values="adj_close")
    benchmark = pd.read_csv(root / "benchmark.csv").set_index("symbol")["weight"]
    return describe_market(close, adjusted, benchmark)


def _assert_calibrated(stats: MarketStats) -> None:
    assert 0.14 <= stats.market_vol <= 0.18, stats.market_vol
    assert 0.25 <= stats.avg_stock_vol <= 0.30, stats.avg_stock_vol
    assert stats.avg_pairwise_corr is not None
    assert 0.25 <= stats.avg_pairwise_corr <= 0.35, stats.avg_pairwise_corr
    assert 0.30 <= stats.typical_share_down <= 0.52, stats.typical_share_down


def test_default_market_meets_the_calibration(data_dir: Path, prices: pd.DataFrame) -> None:
    stats = _stats_from_files(data_dir, prices)
    _assert_calibrated(stats)
    assert stats.securities == 502
    assert stats.last_date == DEFAULT_AS_OF
    assert stats.first_date == dt.date(2021, 11, 22)
    assert sum(year.full_year for year in stats.years) == 4


@settings(max_examples=4, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_any_seed_meets_the_calibration(seed: int) -> None:
    dataset = build_dataset(seed=seed)
    close, adjusted = dataset.price_frames()
    _assert_calibrated(describe_market(close, adjusted, dataset.benchmark_weights()))


def test_five_years_of_business_days(closes: pd.DataFrame) -> None:
    dates = pd.to_datetime(closes.index)
    assert (dates.day_of_week < 5).all()
    assert dates[-1].date() == DEFAULT_AS_OF
    assert 1300 <= len(dates) <= 1310
    assert (dates[-1] - dates[0]).days in range(1820, 1830)
    assert not closes.isna().to_numpy().any()


def test_adjusted_close_ends_at_close_and_moves_only_for_payers_and_the_split(
    prices: pd.DataFrame, transactions: pd.DataFrame
) -> None:
    ratio = (prices["adj_close"] / prices["close"]).groupby(prices["symbol"])
    last = prices.groupby("symbol").tail(1)
    assert np.allclose(last["adj_close"], last["close"], atol=5e-5)
    moving = set(ratio.max()[(ratio.max() - ratio.min()) > 1e-4].index)
    split_symbols = set(transactions.loc[transactions["action"] == "split", "symbol"])
    dividend_symbols = set(transactions.loc[transactions["action"] == "dividend", "symbol"])
    assert split_symbols <= moving
    assert dividend_symbols <= moving
    assert 20 <= len(moving) <= 120


def test_two_for_one_split_halves_close_and_keeps_adjusted_close_continuous(
    prices: pd.DataFrame, transactions: pd.DataFrame
) -> None:
    splits = transactions[transactions["action"] == "split"]
    assert set(splits["quantity"]) == {"2"}
    assert splits["symbol"].nunique() == 1 and splits["date"].nunique() == 1
    symbol, date = splits["symbol"].iloc[0], splits["date"].iloc[0]
    series = prices[prices["symbol"] == symbol].set_index("date")
    position = series.index.get_loc(date)
    before, on = series.iloc[position - 1], series.iloc[position]
    assert 0.35 < on["close"] / before["close"] < 0.65
    assert abs(on["adj_close"] / before["adj_close"] - 1.0) < 0.15

    earlier = transactions[(transactions["date"] < date) & (transactions["symbol"] == symbol)]
    signed = earlier["quantity"].map(Decimal) * earlier["action"].map(
        {"buy": 1, "reinvest": 1, "transfer_in": 1, "sell": -1}
    )
    held = signed.groupby(earlier["account_id"]).sum()
    assert set(held[held > 0].index) == set(splits["account_id"])
    assert "rivera-joint" in set(splits["account_id"])


def test_dividends_match_the_price_drop_and_the_shares_held(
    prices: pd.DataFrame, transactions: pd.DataFrame
) -> None:
    close = prices.pivot(index="date", columns="symbol", values="close")
    factor = prices.pivot(index="date", columns="symbol", values="adj_close") / close
    joint = transactions[transactions["account_id"] == "rivera-joint"]
    dividends = joint[joint["action"] == "dividend"]
    assert len(dividends) > 50
    checked = 0
    for _, row in dividends.iterrows():
        earlier = joint[(joint["date"] < row["date"]) & (joint["symbol"] == row["symbol"])]
        signs = earlier["action"].map({"buy": 1, "sell": -1, "transfer_in": 1})
        shares = float((earlier["quantity"].astype(float) * signs).sum())
        position = close.index.get_loc(row["date"])
        previous = close[row["symbol"]].iloc[position - 1]
        kept = factor[row["symbol"]].iloc[position - 1] / factor[row["symbol"]].iloc[position]
        per_share = previous * (1.0 - kept)
        assert abs(float(row["quantity"]) - per_share * shares) <= 0.01 + shares * 2e-4
        checked += 1
    assert checked == len(dividends)


def test_as_of_ends_the_history_on_the_last_business_day_before_it() -> None:
    sunday = dt.date(2025, 6, 15)
    dataset = build_dataset(seed=3, households=1, as_of=sunday)
    assert dataset.as_of == dt.date(2025, 6, 13)
    assert dataset.panel.dates[0].date() == dt.date(2020, 6, 16)
    rows = parse_csv(render(dataset, "transactions.csv"))
    assert max(row["date"] for row in rows) <= "2025-06-13"
    pending = parse_csv(render(dataset, "pending.csv"))
    assert pending
    for row in pending:
        ahead = (dt.date.fromisoformat(row["date"]) - dataset.as_of).days
        assert 0 < ahead <= 30
