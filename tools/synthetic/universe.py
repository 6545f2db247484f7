"""The fictional US-large-cap-like universe: 500 companies, two with a second share class,
and one pair of index funds tracking the same index.

Securities sharing an ``identical_group`` are "substantially identical" for the wash-sale
rule (IRC §1091; IRS Pub. 550 treats share classes and funds on one index this way in
practice), which is exactly what the sample households need to exercise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.synthetic.names import brand_and_ticker, company_name, is_allowed_ticker
from tools.synthetic.sectors import FUND_INDUSTRY, FUND_SECTOR, SECTORS

COMPANIES = 500
SHARE_CLASS_COMPANIES = 2
INDEX_FUND_GROUP = "500-index-funds"
# Lognormal market capitalisations: median about $35B with a wide spread, so the largest names
# weigh a few percent of the index and the smallest a few basis points.
CAP_MEDIAN_USD = 35e9
CAP_LOG_SIGMA = 1.15
DIVIDEND_COHORTS = 3  # payers go ex-dividend in Jan/Apr/Jul/Oct, Feb/May/Aug/Nov or Mar/Jun/...


@dataclass(frozen=True)
class Universe:
    """Every security of the synthetic market, one entry per security (N of them)."""

    symbols: tuple[str, ...]  # (N,) tickers, file order
    names: tuple[str, ...]  # (N,)
    sectors: tuple[str, ...]  # (N,)
    industries: tuple[str, ...]  # (N,)
    esg: np.ndarray  # (N,) float, 0-100, one decimal
    identical_groups: tuple[str, ...]  # (N,) "" when the security stands alone
    company: np.ndarray  # (N,) int, company index; both share classes share it; -1 for funds
    group: np.ndarray  # (N,) int, wash-sale group index (share classes and funds merged)
    is_fund: np.ndarray  # (N,) bool
    cap_usd: np.ndarray  # (N,) float, market capitalisation of each listed line (0 for funds)
    sector_index: np.ndarray  # (N,) int into SECTORS; -1 for funds
    dividend_yield: np.ndarray  # (N,) float, annual yield; 0 for non-payers
    dividend_cohort: np.ndarray  # (N,) int 0..2; -1 for non-payers

    @property
    def size(self) -> int:
        return len(self.symbols)

    @property
    def stocks(self) -> np.ndarray:
        """Indices of the listed stocks (the benchmark constituents)."""
        return np.flatnonzero(~self.is_fund)

    @property
    def share_class_lines(self) -> np.ndarray:
        """(N,) bool: the security is one of several share classes of a company."""
        counts = np.bincount(self.company[self.company >= 0], minlength=COMPANIES)
        return (self.company >= 0) & (counts[np.maximum(self.company, 0)] > 1)


def build_universe(rng: np.random.Generator) -> Universe:
    """Draw the 500 companies, their share classes and the index-fund pair."""
    taken_words: set[str] = set()
    taken_tickers: set[str] = set()
    symbols: list[str] = []
    names: list[str] = []
    sectors: list[str] = []
    industries: list[str] = []
    esg: list[float] = []
    sector_index: list[int] = []
    for position, sector in enumerate(SECTORS):
        shares = np.array([industry.share for industry in sector.industries])
        picks = rng.choice(len(shares), size=sector.companies, p=shares / shares.sum())
        for pick in picks:
            brand, ticker = brand_and_ticker(rng, taken_words, taken_tickers)
            symbols.append(ticker)
            names.append(company_name(rng, brand, sector.suffixes))
            sectors.append(sector.name)
            industries.append(sector.industries[int(pick)].name)
            esg.append(float(np.clip(rng.normal(sector.esg_mean, 15.0), 0.0, 100.0)))
            sector_index.append(position)

    caps = CAP_MEDIAN_USD * np.exp(CAP_LOG_SIGMA * rng.standard_normal(COMPANIES))
    yields, cohorts = _dividends(rng, np.array(sector_index))
    company = list(range(COMPANIES))
    groups = [""] * COMPANIES
    cap_lines = list(caps)

    # Two large companies list a second share class (class A keeps the ticker + "A",
    # class C the ticker + "C", like the dual listings of some mega caps).
    large = rng.permutation(np.argsort(-caps, kind="stable")[5:60])
    dual = sorted(
        [
            int(i)
            for i in large
            if is_allowed_ticker(symbols[i] + "A", taken_tickers)
            and is_allowed_ticker(symbols[i] + "C", taken_tickers)
        ][:SHARE_CLASS_COMPANIES]
    )
    for index in dual:
        base = symbols[index]
        class_a, class_c = base + "A", base + "C"
        taken_tickers.update({class_a, class_c})
        split = float(rng.uniform(0.45, 0.55))
        symbols[index] = class_a
        names[index] = f"{names[index]} Class A"
        groups[index] = f"{base}-classes"
        cap_lines[index] = caps[index] * split
        yields[index], cohorts[index] = 0.0, -1
        symbols.append(class_c)
        names.append(names[index].removesuffix(" Class A") + " Class C")
        sectors.append(sectors[index])
        industries.append(industries[index])
        esg.append(esg[index])
        sector_index.append(sector_index[index])
        company.append(index)
        groups.append(f"{base}-classes")
        cap_lines.append(caps[index] * (1.0 - split))
        yields = np.append(yields, 0.0)
        cohorts = np.append(cohorts, -1)

    # Two index funds on the same 500-name index: an ETF and a mutual fund share class.
    etf_brand, etf_ticker = brand_and_ticker(rng, taken_words, taken_tickers)
    fund_brand, fund_word_ticker = brand_and_ticker(rng, taken_words, taken_tickers)
    fund_ticker = fund_word_ticker[:4].ljust(4, "X") + "X"
    while not is_allowed_ticker(fund_ticker, taken_tickers):
        fund_brand, fund_word_ticker = brand_and_ticker(rng, taken_words, taken_tickers)
        fund_ticker = fund_word_ticker[:4].ljust(4, "X") + "X"
    taken_tickers.add(fund_ticker)
    stock_caps = np.array(cap_lines)
    index_esg = float(np.dot(stock_caps, esg) / stock_caps.sum())
    for brand, ticker, kind in (
        (etf_brand, etf_ticker, "500 Index ETF"),
        (fund_brand, fund_ticker, "500 Index Fund Investor Class"),
    ):
        symbols.append(ticker)
        names.append(f"{brand} {kind}")
        sectors.append(FUND_SECTOR)
        industries.append(FUND_INDUSTRY)
        esg.append(index_esg)
        sector_index.append(-1)
        company.append(-1)
        groups.append(INDEX_FUND_GROUP)
        cap_lines.append(0.0)
        yields = np.append(yields, 0.0)
        cohorts = np.append(cohorts, -1)

    group_index = _group_indices(groups)
    return Universe(
        symbols=tuple(symbols),
        names=tuple(names),
        sectors=tuple(sectors),
        industries=tuple(industries),
        esg=np.round(np.array(esg), 1),
        identical_groups=tuple(groups),
        company=np.array(company, dtype=np.int64),
        group=group_index,
        is_fund=np.array([s == FUND_SECTOR for s in sectors]),
        cap_usd=np.array(cap_lines, dtype=float),
        sector_index=np.array(sector_index, dtype=np.int64),
        dividend_yield=yields,
        dividend_cohort=cohorts.astype(np.int64),
    )


def _dividends(rng: np.random.Generator, sector_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which companies pay quarterly dividends, at what yield, and in which quarterly cycle."""
    probability = np.array([SECTORS[s].payer_probability for s in sector_index])
    mean_yield = np.array([SECTORS[s].mean_yield for s in sector_index])
    pays = rng.random(len(sector_index)) < probability
    yields = np.where(pays, mean_yield * rng.uniform(0.5, 1.5, len(sector_index)), 0.0)
    cohorts = np.where(pays, rng.integers(0, DIVIDEND_COHORTS, len(sector_index)), -1)
    return yields, cohorts


def _group_indices(groups: list[str]) -> np.ndarray:
    """One integer per wash-sale group: named groups merge, every other security is alone."""
    named: dict[str, int] = {}
    result = np.empty(len(groups), dtype=np.int64)
    next_index = 0
    for position, group in enumerate(groups):
        if group and group in named:
            result[position] = named[group]
            continue
        result[position] = next_index
        if group:
            named[group] = next_index
        next_index += 1
    return result
