"""The fictional universe: 500 companies in 11 sectors, made-up names and tickers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.synthetic.names import (
    REAL_TICKER_DENY_LIST,
    brand_and_ticker,
    is_allowed_ticker,
    ticker_for,
)
from tools.synthetic.sectors import SECTORS

VOWELS = set("AEIOUY")


def test_five_hundred_companies_in_eleven_sectors(securities: pd.DataFrame) -> None:
    stocks = securities[securities["sector"] != "Funds"]
    groups = stocks.loc[stocks["identical_group"] != "", "identical_group"]
    companies = len(stocks) - (len(groups) - groups.nunique())
    assert companies == 500
    assert stocks["sector"].nunique() == 11
    assert set(stocks["sector"]) == {sector.name for sector in SECTORS}
    per_sector = stocks.groupby("sector")["industry"].nunique()
    assert (per_sector >= 2).all()
    assert stocks.groupby("industry")["sector"].nunique().max() == 1
    assert stocks["esg_score"].between(0, 100).all()
    assert stocks["esg_score"].std() > 10


def test_share_class_and_fund_pairs_share_an_identical_group(securities: pd.DataFrame) -> None:
    grouped = securities[securities["identical_group"] != ""].groupby("identical_group")
    assert 2 <= grouped.ngroups <= 3
    assert (grouped.size() == 2).all()
    kinds = []
    for _, members in grouped:
        names = list(members["name"])
        if set(members["sector"]) == {"Funds"}:
            kinds.append("funds")
            assert all("500 Index" in name for name in names)
        else:
            kinds.append("classes")
            stems = {name.rsplit(" Class ", 1)[0] for name in names}
            assert len(stems) == 1
            assert members["sector"].nunique() == members["industry"].nunique() == 1
    assert "classes" in kinds


def test_tickers_and_names_are_invented_unique_and_pronounceable(
    securities: pd.DataFrame,
) -> None:
    symbols = list(securities["symbol"])
    assert len(set(symbols)) == len(symbols)
    assert securities["name"].is_unique
    for symbol in symbols:
        assert symbol.isalpha() and symbol.isupper() and 3 <= len(symbol) <= 5
        assert symbol not in REAL_TICKER_DENY_LIST
        assert VOWELS & set(symbol), symbol


def test_ticker_checks() -> None:
    assert ticker_for("Velorin", 4) == "VELO"
    assert is_allowed_ticker("VELO", set())
    assert not is_allowed_ticker("VELO", {"VELO"})
    assert not is_allowed_ticker("AAPL", set())
    assert not is_allowed_ticker("SPY", set())
    assert not is_allowed_ticker("AB", set())
    assert not is_allowed_ticker("AB1", set())


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_generated_brands_never_reuse_or_hit_real_tickers(seed: int) -> None:
    rng = np.random.default_rng(seed)
    words: set[str] = set()
    tickers: set[str] = {"TAKEN"}
    drawn = [brand_and_ticker(rng, words, tickers) for _ in range(200)]
    assert len({ticker for _, ticker in drawn}) == 200
    assert "TAKEN" not in {ticker for _, ticker in drawn}
    for word, ticker in drawn:
        assert word.upper().startswith(ticker)
        assert ticker not in REAL_TICKER_DENY_LIST
