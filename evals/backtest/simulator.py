"""The day loop: one household, one taxable account, one strategy, over a market's history.

Each trading day, in order: pay last year's tax on the filing date (April 15), apply the
month's contribution or withdrawal, let the strategy decide, fill its orders at the close,
and mark the account. Taxes come out of (or, as a credit against gains elsewhere, go into)
the account's cash, so the after-tax figures are the account's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from evals.backtest.books import Books
from evals.backtest.config import BacktestConfig
from evals.backtest.context import DayContext
from evals.backtest.market import Market
from evals.backtest.orders import Fill, Order
from evals.backtest.taxes import Carryforward, YearTax, filing_date, year_tax
from tools.ledger import Disposal, LedgerEngine
from tools.ledger.holding import term_of
from tools.models import Account, Lot

HOUSEHOLD_ID = "backtest"
ACCOUNT_ID = "backtest-taxable"


class Strategy(Protocol):
    name: str

    def decide(self, ctx: DayContext) -> list[Order]: ...


@dataclass(frozen=True, eq=False)
class BacktestRun:
    strategy: str
    market: str
    config: BacktestConfig
    dates: list[dt.date]
    value: np.ndarray  # (T,) account value (holdings + cash) at each close
    after_tax_value: np.ndarray  # (T,) value less the tax accrued on realized results unpaid
    flows: np.ndarray  # (T,) contributions (+) and withdrawals (-)
    taxes_paid: np.ndarray  # (T,) tax paid (+) or credited (-) on filing dates
    harvested: np.ndarray  # (T,) cumulative losses claimed (positive)
    net_realized: np.ndarray  # (T,) cumulative net gain claimed (negative: net losses)
    benchmark: np.ndarray  # (T,) the benchmark fund's value with the same flows
    liquidation_tax: float  # tax if everything were sold at the last close (and unpaid tax)
    fills: list[Fill]
    disposals: list[Disposal]
    counters: dict[str, int] = field(default_factory=dict)  # strategy diagnostics


def simulate(market: Market, strategy: Strategy, config: BacktestConfig) -> BacktestRun:
    account = Account(
        account_id=ACCOUNT_ID,
        household_id=HOUSEHOLD_ID,
        owner="investor",
        tax_type="taxable",
        managed=True,
        te_budget=config.te_budget,
    )
    engine = LedgerEngine(
        {ACCOUNT_ID: account}, market.securities, config.short_rate, config.long_rate
    )
    books = Books(engine, account, config.spread_bps / 2.0 / 10_000.0)
    dates = market.trading_dates
    size = len(dates)
    series = {
        name: np.zeros(size)
        for name in ("value", "after_tax", "flows", "taxes", "harvested", "net", "benchmark")
    }
    carried = Carryforward()
    unsettled = dates[0].year
    fund_units = 0.0
    index = market.benchmark_index().to_numpy(float)
    for i, date in enumerate(dates):
        day = market.start + i
        prices = market.prices.iloc[day]
        while filing_date(unsettled) <= date:
            due = _tax_for(engine.disposals, unsettled, config, carried)
            carried = due.carryforward
            _pay(books, market, day, date, due.tax)
            series["taxes"][i] += due.tax
            unsettled += 1
        flow = config.initial_value if i == 0 else _monthly_flow(config, dates, i)
        if flow > 0:
            books.move_cash(date, flow)
        elif flow < 0:
            _pay(books, market, day, date, -flow)
        series["flows"][i] = flow
        fund_units += flow / index[i]
        ctx = DayContext(
            day=day,
            date=date,
            market=market,
            engine=engine,
            transactions=books.transactions,
            account=account,
            policy_overrides=config.policy_overrides(carried),
            decision=i % config.decision_every_days == 0,
            month_start=i > 0 and dates[i - 1].month != date.month,
            purchases=books.purchases,
        )
        books.execute(date, strategy.decide(ctx), prices)
        series["value"][i] = books.value(prices)
        accrued = _accrued(engine.disposals, unsettled, date.year, config, carried)
        series["after_tax"][i] = series["value"][i] - accrued
        claimed = [d.gain for d in engine.disposals]
        series["harvested"][i] = -sum(g for g in claimed if g < 0)
        series["net"][i] = sum(claimed)
        series["benchmark"][i] = fund_units * index[i]
    last_prices = market.prices.iloc[-1]
    return BacktestRun(
        strategy=strategy.name,
        market=market.name,
        config=config,
        dates=dates,
        value=series["value"],
        after_tax_value=series["after_tax"],
        flows=series["flows"],
        taxes_paid=series["taxes"],
        harvested=series["harvested"],
        net_realized=series["net"],
        benchmark=series["benchmark"],
        liquidation_tax=_liquidation_tax(
            engine,
            books,
            last_prices,
            first_year=unsettled,
            last=dates[-1],
            config=config,
            carried=carried,
        ),
        fills=books.fills,
        disposals=list(engine.disposals),
        counters=dict(getattr(strategy, "counters", {})),
    )


def _monthly_flow(config: BacktestConfig, dates: list[dt.date], i: int) -> float:
    return config.monthly_flow_usd if dates[i - 1].month != dates[i].month else 0.0


def _year_results(disposals: Iterable[Disposal], year: int) -> tuple[float, float]:
    """Net short- and long-term reportable gains of the year (IRC §1222)."""
    short = long = 0.0
    for disposal in disposals:
        if disposal.sell_date.year == year and disposal.taxable:
            if disposal.term == "short":
                short += disposal.gain
            else:
                long += disposal.gain
    return short, long


def _tax_for(
    disposals: list[Disposal], year: int, config: BacktestConfig, carried: Carryforward
) -> YearTax:
    short, long = _year_results(disposals, year)
    return year_tax(
        short,
        long,
        short_rate=config.short_rate,
        long_rate=config.long_rate,
        loss_usage=config.loss_usage,
        carried=carried,
    )


def _accrued(
    disposals: list[Disposal],
    first_year: int,
    this_year: int,
    config: BacktestConfig,
    carried: Carryforward,
) -> float:
    """Tax on realized results of years not yet filed (negative: a credit still to come)."""
    total = 0.0
    for year in range(first_year, this_year + 1):
        due = _tax_for(disposals, year, config, carried)
        total += due.tax
        carried = due.carryforward
    return total


def _liquidation_tax(
    engine: LedgerEngine,
    books: Books,
    prices: pd.Series,
    *,
    first_year: int,
    last: dt.date,
    config: BacktestConfig,
    carried: Carryforward,
) -> float:
    """Unpaid tax plus the tax of selling every lot at the last close (after the spread)."""
    short = long = 0.0
    for lot in engine.open_lots(ACCOUNT_ID):
        gain = lot.quantity * float(prices[lot.symbol]) * (1.0 - books.half_spread) - lot.cost_basis
        if term_of(lot.acquired_date.toordinal(), last.toordinal()) == "long":  # IRC §1222(3)
            long += gain
        else:
            short += gain
    accrued = 0.0
    for year in range(first_year, last.year):
        due = _tax_for(engine.disposals, year, config, carried)
        accrued += due.tax
        carried = due.carryforward
    realized_short, realized_long = _year_results(engine.disposals, last.year)
    final = year_tax(
        realized_short + short,
        realized_long + long,
        short_rate=config.short_rate,
        long_rate=config.long_rate,
        loss_usage=config.loss_usage,
        carried=carried,
    )
    return accrued + final.tax


def _pay(books: Books, market: Market, day: int, date: dt.date, amount: float) -> None:
    """Pay ``amount`` out of the account (negative: receive it), selling shares pro rata,
    highest-basis lots first, when the cash is short."""
    if amount <= 0:
        books.move_cash(date, -amount)
        return
    shortfall = amount - books.cash
    if shortfall > 0:
        prices = market.prices.iloc[day]
        books.execute(date, _raise_cash(books, prices, shortfall), prices)
    books.move_cash(date, -min(amount, books.cash))


def _raise_cash(books: Books, prices: pd.Series, amount: float) -> list[Order]:
    holdings = books.value(prices) - books.cash
    if holdings <= 0:
        return []
    fraction = min(1.0, amount * (1.0 + 2 * books.half_spread) / holdings)
    orders = []
    by_symbol: dict[str, list[Lot]] = {}
    for lot in books.engine.open_lots(ACCOUNT_ID):
        if lot.quantity > 0:
            by_symbol.setdefault(lot.symbol, []).append(lot)
    for symbol, lots in sorted(by_symbol.items()):
        needed = sum(lot.quantity for lot in lots) * fraction
        relieved = []
        for lot in sorted(lots, key=lambda lot: -lot.cost_basis / lot.quantity):
            if needed <= 0:
                break
            take = min(lot.quantity, needed)
            relieved.append((lot.lot_id, take))
            needed -= take
        if relieved:
            orders.append(
                Order(symbol, "sell", sum(q for _, q in relieved), "cash", lots=tuple(relieved))
            )
    return orders
