"""Tracking error of an account or a household of a data directory, ready to print.

An account's portfolio is its open lots valued at the as-of close plus cash (cash is a
position with no risk and no benchmark weight). A household's portfolio is its managed
accounts combined, so each account counts by its value; held-away accounts are not managed
to the benchmark and are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from tools.dataset import ACCOUNTS_FILE, PRICES_FILE, PortfolioData
from tools.errors import DataValidationError, Problem
from tools.holdings import Holdings, holdings_of
from tools.household_policy import household_policy, te_budget_of
from tools.risk.alerts import Alert, AlertStatus, Contributor, classify
from tools.risk.fundamental import estimate_fundamental_model
from tools.risk.history import benchmark_returns, replay_with_history
from tools.risk.model import FactorModel, RiskInputError
from tools.risk.pca import estimate_pca_model
from tools.risk.returns import daily_returns
from tools.risk.tracking import Attribution, ex_post_te, te_attribution

ModelKind = Literal["pca", "fundamental"]
MODEL_KINDS: tuple[str, ...] = ("pca", "fundamental")
EX_POST_WINDOWS = (63, 252)
CONTRIBUTORS_PER_KIND = 3  # how many securities, sectors and factors an alert remembers
TRANSACTIONS_FILE = "transactions.csv"


@dataclass(frozen=True, eq=False)
class AccountRisk:
    account_id: str
    value: float  # lots at the as-of close plus cash
    te: float  # annualized ex-ante tracking error (fraction)
    budget: float
    status: AlertStatus
    top_contributors: tuple[Contributor, ...]

    def alert(self, as_of: dt.date) -> Alert:
        return Alert(
            account_id=self.account_id,
            date=as_of,
            te=self.te,
            budget=self.budget,
            status=self.status,
            top_contributors=self.top_contributors,
        )


@dataclass(frozen=True, eq=False)
class RiskReport:
    scope: Literal["account", "household"]
    scope_id: str  # the account id or the household id
    household_id: str
    as_of: dt.date
    model: ModelKind
    value: float
    cash: float
    te: float  # annualized ex-ante tracking error of the scope's portfolio (fraction)
    budget: float
    warn_fraction: float
    status: AlertStatus
    ex_post: dict[int, float]  # window (days) -> realized TE; NaN when the history is shorter
    attribution: Attribution
    sectors: dict[str, str]  # symbol -> sector, for the attribution's securities
    accounts: tuple[AccountRisk, ...]  # the managed accounts measured (the account itself)
    notes: tuple[str, ...]  # what the risk model filled or assumed, accounts left out

    def alerts(self) -> list[Alert]:
        """One alert per account measured (alerts are kept per account)."""
        return [account.alert(self.as_of) for account in self.accounts]


@dataclass(frozen=True)
class _Scope:
    kind: Literal["account", "household"]
    scope_id: str
    household_id: str
    account_ids: tuple[str, ...]
    budget: float
    warn_fraction: float


def build_risk_model(data: PortfolioData, kind: ModelKind = "pca") -> FactorModel:
    """The risk model of every priced symbol of ``data`` as of its as-of date."""
    try:
        panel = daily_returns(data.adj_close, data.as_of)
        if kind == "fundamental":
            return estimate_fundamental_model(
                panel, data.securities, data.benchmark_weights(data.as_of)
            )
        return estimate_pca_model(panel)
    except RiskInputError as error:
        raise DataValidationError.single(PRICES_FILE, None, "adj_close", str(error)) from error


def measure_account(
    data: PortfolioData, account_id: str, model: FactorModel, kind: ModelKind = "pca"
) -> RiskReport:
    """TE, budget status, attribution and ex-post TE of one account (managed or not)."""
    if account_id not in data.accounts:
        raise DataValidationError.single(
            ACCOUNTS_FILE, None, "account_id", f"unknown account {account_id!r}"
        )
    account = data.accounts[account_id]
    warn_fraction = household_policy(data, account.household_id).tracking_error.warn_fraction
    scope = _Scope(
        "account",
        account_id,
        account.household_id,
        (account_id,),
        account_budget(data, account_id),
        warn_fraction,
    )
    return _measure(data, model, kind, scope)


def measure_household(
    data: PortfolioData, household_id: str, model: FactorModel, kind: ModelKind = "pca"
) -> RiskReport:
    """TE of the household's managed accounts combined, with each account's own TE."""
    if household_id not in data.households:
        raise DataValidationError.single(
            ACCOUNTS_FILE, None, "household_id", f"unknown household {household_id!r}"
        )
    managed = [a.account_id for a in data.accounts_of(household_id) if a.managed]
    if not managed:
        raise DataValidationError.single(
            ACCOUNTS_FILE, None, "managed", f"household {household_id!r} has no managed account"
        )
    tracking = household_policy(data, household_id).tracking_error
    scope = _Scope(
        "household",
        household_id,
        household_id,
        tuple(managed),
        tracking.budget,
        tracking.warn_fraction,
    )
    return _measure(data, model, kind, scope)


def account_budget(data: PortfolioData, account_id: str) -> float:
    """The account's ``te_budget`` from accounts.csv, else its household policy's budget."""
    account = data.accounts[account_id]
    return te_budget_of(account, household_policy(data, account.household_id))


def _measure(data: PortfolioData, model: FactorModel, kind: ModelKind, scope: _Scope) -> RiskReport:
    ledger, history = replay_with_history(data, scope.account_ids, max(EX_POST_WINDOWS) + 1)
    prices = data.prices_on(data.as_of)
    lots = ledger.open_lots()
    benchmark = data.benchmark_weights(data.as_of)
    sectors = {symbol: security.sector for symbol, security in data.securities.items()}
    label = data.as_of.isoformat()
    combined = holdings_of(lots, ledger.cash, prices, scope.account_ids, label)
    if combined.total <= 0:
        raise DataValidationError.single(
            TRANSACTIONS_FILE,
            None,
            "account_id",
            f"{scope.kind} {scope.scope_id} holds nothing on {label}: no tracking error to measure",
        )
    _check_covered(model, [*combined.shares.index, *benchmark.index])
    attribution = te_attribution(model, combined.weights(), benchmark, sectors)
    accounts = []
    notes = list(model.notes)
    for account_id in scope.account_ids:
        own = holdings_of(lots, ledger.cash, prices, [account_id], label)
        if own.total <= 0:
            notes.append(f"account {account_id} holds nothing on {label}: not measured")
            continue
        own_attribution = (
            attribution
            if scope.kind == "account"
            else te_attribution(model, own.weights(), benchmark, sectors)
        )
        budget = scope.budget if scope.kind == "account" else account_budget(data, account_id)
        accounts.append(
            _account_risk(account_id, own, own_attribution, budget, scope.warn_fraction)
        )
    realized = history.returns()
    market = benchmark_returns(data, history.values.index)
    return RiskReport(
        scope=scope.kind,
        scope_id=scope.scope_id,
        household_id=scope.household_id,
        as_of=data.as_of,
        model=kind,
        value=combined.total,
        cash=combined.cash,
        te=attribution.total,
        budget=scope.budget,
        warn_fraction=scope.warn_fraction,
        status=classify(attribution.total, scope.budget, scope.warn_fraction),
        ex_post={w: ex_post_te(realized, market, w) for w in EX_POST_WINDOWS},
        attribution=attribution,
        sectors=sectors,
        accounts=tuple(accounts),
        notes=tuple(notes),
    )


def _account_risk(
    account_id: str,
    holdings: Holdings,
    attribution: Attribution,
    budget: float,
    warn_fraction: float,
) -> AccountRisk:
    return AccountRisk(
        account_id=account_id,
        value=holdings.total,
        te=attribution.total,
        budget=budget,
        status=classify(attribution.total, budget, warn_fraction),
        top_contributors=top_contributors(attribution, CONTRIBUTORS_PER_KIND),
    )


def top_contributors(attribution: Attribution, per_kind: int) -> tuple[Contributor, ...]:
    """The largest contributions (by size) of each kind: securities, sectors, factors."""
    found: list[Contributor] = []
    kinds: tuple[tuple[Literal["security", "sector", "factor"], pd.Series], ...] = (
        ("security", attribution.by_security),
        ("sector", attribution.by_sector),
        ("factor", attribution.by_factor),
    )
    for kind, contributions in kinds:
        largest = contributions[contributions != 0].abs().sort_values(ascending=False)
        found.extend(
            Contributor(kind=kind, name=str(name), contribution=float(contributions[name]))
            for name in largest.index[:per_kind]
        )
    return tuple(found)


def _check_covered(model: FactorModel, symbols: Sequence[str]) -> None:
    known = set(model.symbols)
    missing = sorted({s for s in symbols if s not in known})
    if missing:
        raise DataValidationError(
            [
                Problem(PRICES_FILE, None, "symbol", f"no price history for {symbol}")
                for symbol in missing
            ]
        )
