"""What accounts do over time: contributions invested in the most underweight names of an
index target, loss harvesting, trimming of winners, and fixed purchases (for held-away
accounts), run in date order with corporate actions applied at the start of each day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tools.synthetic.book import MICRO_PER_CENT, AccountBook
from tools.synthetic.calendar import monthly_days, yearly_days


class Activity(Protocol):
    def run(self, book: AccountBook, day: int) -> None: ...


@dataclass(frozen=True)
class IndexTarget:
    """A direct-indexing target: the names an account tracks and their weights."""

    securities: np.ndarray  # (M,) universe indices
    weights: np.ndarray  # (M,) target weights, summing to 1
    names_per_buy: int  # how many of the most underweight names one investment buys
    min_trade_cents: int = 5_000
    cash_buffer_cents: int = 100  # kept uninvested so rounding can never overdraw

    @classmethod
    def cap_weighted(
        cls, caps: np.ndarray, securities: np.ndarray, names_per_buy: int
    ) -> IndexTarget:
        """Track ``securities`` at weights proportional to ``caps`` (N,) (their index weights)."""
        securities = np.sort(securities)
        return cls(
            securities=securities,
            weights=caps[securities] / caps[securities].sum(),
            names_per_buy=names_per_buy,
        )


def invest_cash(book: AccountBook, day: int, target: IndexTarget) -> None:
    """Spend the cash on the names furthest below target weight (pro rata to the shortfall),
    skipping names whose repurchase is blocked after a recent sale."""
    securities, weights = target.securities, target.weights
    values = book.value_micro(day, securities).astype(float)
    investable = values.sum() + book.cash_micro
    shortfall = np.maximum(weights * investable - values, 0.0)
    shortfall[book.blocked(day, securities)] = 0.0
    spendable = book.cash_micro - target.cash_buffer_cents * MICRO_PER_CENT
    chosen = np.argsort(-shortfall, kind="stable")[: target.names_per_buy]
    chosen = np.sort(chosen[shortfall[chosen] > 0])
    if spendable <= 0 or len(chosen) == 0:
        return
    budget = np.floor(spendable * shortfall[chosen] / shortfall[chosen].sum()).astype(np.int64)
    keep = budget >= target.min_trade_cents * MICRO_PER_CENT
    book.buy(day, securities[chosen][keep], budget[keep])


@dataclass(frozen=True)
class Contribution:
    """Deposit ``cents`` and invest the account's cash in its index target."""

    cents: int
    target: IndexTarget

    def run(self, book: AccountBook, day: int) -> None:
        if self.cents > 0:
            book.deposit(day, self.cents)
        invest_cash(book, day, self.target)


@dataclass(frozen=True)
class HarvestLosses:
    """Sell whole positions showing at least ``loss_threshold`` loss on average cost.

    Positions bought in the last 30 days are skipped (the purchase would wash the loss,
    IRC §1091(a)), and so is anything outside ``sellable`` (names that related accounts
    buy, or that restrictions protect).
    """

    sellable: np.ndarray  # (K,) universe indices this account may sell
    loss_threshold: float
    max_names: int

    def run(self, book: AccountBook, day: int) -> None:
        held = self.sellable[book.units[self.sellable] > 0]
        if len(held) == 0:
            return
        loss = 1.0 - book.value_micro(day, held) / book.cost_micro[held]
        loss[book.bought_recently(day, held) | (loss < self.loss_threshold)] = -np.inf
        order = np.argsort(-loss, kind="stable")[: self.max_names]
        picked = np.sort(held[order[np.isfinite(loss[order])]])
        book.sell(day, picked, book.units[picked].copy())


@dataclass(frozen=True)
class TrimWinners:
    """Sell a fraction of the positions that grew far above their target weight at a gain."""

    target: IndexTarget
    sellable: np.ndarray  # (M,) bool, aligned with ``target.securities``
    overweight_ratio: float = 1.5
    fraction: float = 0.25
    max_names: int = 3

    def run(self, book: AccountBook, day: int) -> None:
        securities = self.target.securities
        values = book.value_micro(day, securities).astype(float)
        total = values.sum() + book.cash_micro
        ratio = values / (self.target.weights * total)
        gain = values > book.cost_micro[securities]
        eligible = self.sellable & gain & ~book.bought_recently(day, securities)
        ratio[~eligible | (ratio < self.overweight_ratio)] = -np.inf
        order = np.argsort(-ratio, kind="stable")[: self.max_names]
        picked = np.sort(securities[order[np.isfinite(ratio[order])]])
        book.sell(day, picked, (book.units[picked] * self.fraction).astype(np.int64))


@dataclass(frozen=True)
class FixedPurchase:
    """Deposit the total and buy fixed dollar amounts (held-away plans, IRA contributions)."""

    securities: np.ndarray  # (K,) universe indices
    cents: np.ndarray  # (K,) dollars to spend on each, in cents

    def run(self, book: AccountBook, day: int) -> None:
        book.deposit(day, int(self.cents.sum()))
        book.buy(day, self.securities, self.cents * MICRO_PER_CENT)


def direct_index_schedule(
    day_ordinals: np.ndarray,
    open_day: int,
    contribution: Contribution,
    harvest: HarvestLosses,
    trim: TrimWinners,
) -> dict[int, list[Activity]]:
    """A monthly contribution from ``open_day`` on; every third month a loss harvest and
    every sixth a trim run first, so the contribution can replace what they sold."""
    first = dt.date.fromordinal(int(day_ordinals[open_day]))
    schedule: dict[int, list[Activity]] = {}
    for month, day in enumerate(monthly_days(day_ordinals, first).tolist()):
        activities: list[Activity] = []
        if month % 3 == 2:
            activities.append(harvest)
        if month % 6 == 5:
            activities.append(trim)
        activities.append(contribution)
        schedule[day] = activities
    return schedule


def retirement_schedule(
    day_ordinals: np.ndarray,
    target: IndexTarget,
    open_day: int,
    opening_cents: int,
    yearly_cents: int,
) -> dict[int, list[Activity]]:
    """An IRA sleeve: a rollover or conversion at opening, then a contribution each January."""
    schedule: dict[int, list[Activity]] = {open_day: [Contribution(opening_cents, target)]}
    for day in yearly_days(day_ordinals, month=1, after=open_day):
        schedule[day] = [Contribution(yearly_cents, target)]
    return schedule


def run_account(book: AccountBook, schedule: Mapping[int, Sequence[Activity]]) -> None:
    """Play an account's activities in day order, corporate actions first on each day."""
    if not schedule:
        return
    first = min(schedule)
    corporate = book.panel.corporate_action_days
    days = np.union1d(np.fromiter(schedule, dtype=np.int64), corporate[corporate >= first])
    for day in days.tolist():
        book.apply_corporate_actions(day)
        for activity in schedule.get(day, ()):
            activity.run(book, day)
