"""Independent checks of a household's final trade list, whoever produced it.

No planner and no optimizer result reaches a person without passing these. They only read
the snapshot (data directory, ledger replay, risk model) and the policy; they never trust
the optimizer's own bookkeeping.

Two kinds of failure:

- trade-level (lots, restrictions, wash sale, cash): the failing trades are named and removed,
  and the rest is checked again from the start, since removing one trade changes the others'
  context (a dropped sale no longer funds a buy);
- portfolio-level (tracking error): nothing can be removed safely, the list is rejected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from agent.review.positions import (
    account_holdings,
    holdings_after,
    tracking_error,
)
from agent.review.proposal import ProposedTrade
from agent.review.snapshot import Snapshot
from policies import Policy
from tools.household_policy import household_policy, te_budget_of
from tools.ledger import wash_key_of
from tools.ledger.forward import ProposedTrade as ForwardTrade
from tools.ledger.forward import blocked_buys, disallowed_for_trades
from tools.models import Account, Lot
from tools.tolerances import MONEY_TOLERANCE, SHARE_EPSILON, under_a_cent

TE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class CheckOutcome:
    """One check of one trade list. ``failing`` are indices into the list checked."""

    name: str
    passed: bool
    detail: str
    numbers: dict[str, Any] = field(default_factory=dict)
    failing: dict[int, str] = field(default_factory=dict)  # trade index -> why
    removes_trades: bool = True  # False: a portfolio-level failure, the list is rejected

    def evidence(self) -> dict[str, Any]:
        """The ``check`` record's outputs (failing trades numbered from 1, as people read)."""
        return {
            "check": self.name,
            "passed": self.passed,
            "detail": self.detail,
            "numbers": self.numbers,
            "failing_trades": {str(i + 1): why for i, why in self.failing.items()},
        }


@dataclass(frozen=True)
class CheckSubject:
    """What the checks look at: the household on a snapshot, under its policy."""

    snapshot: Snapshot
    household_id: str
    policy: Policy

    @property
    def prices(self) -> pd.Series:
        return self.snapshot.data.prices_on()

    def account(self, account_id: str) -> Account | None:
        account = self.snapshot.data.accounts.get(account_id)
        if account is None or account.household_id != self.household_id:
            return None
        return account


def run_checks(subject: CheckSubject, trades: Sequence[ProposedTrade]) -> list[CheckOutcome]:
    """Every check, in order, on ``trades``; a wash-sale replay only runs on valid lots."""
    outcomes = [lot_availability(subject, trades), restrictions(subject, trades)]
    if all(outcome.passed for outcome in outcomes):
        outcomes.append(wash_sale(subject, trades))
    else:
        outcomes.append(
            CheckOutcome(
                "wash_sale",
                False,
                "not run: fix lot or restriction failures first",
                failing={},
                removes_trades=True,
            )
        )
    outcomes += [cash(subject, trades), tracking(subject, trades)]
    return outcomes


@dataclass(frozen=True)
class ExecutionRecheck:
    """Execute's re-check of approved trades on the data it loaded."""

    missing: list[str]  # traded symbols without a close (nothing was checked)
    priced: list[ProposedTrade]  # the trades at the latest close
    # Each check's evidence inputs (they name the snapshot: a replay on other data never
    # matches them) and its outcome.
    checks: list[tuple[dict[str, Any], CheckOutcome]]


def execution_recheck(
    snapshot: Snapshot, household_id: str, trades: Sequence[ProposedTrade]
) -> ExecutionRecheck:
    """``trades`` priced at ``snapshot``'s latest close, then every check: what execute
    records and ``lotwise evidence replay`` recomputes."""
    prices = snapshot.data.prices_on().dropna()
    missing = sorted({t.symbol for t in trades} - set(prices.index))
    if missing:
        return ExecutionRecheck(missing, [], [])
    priced = [t.model_copy(update={"est_price": float(prices[t.symbol])}) for t in trades]
    policy = household_policy(snapshot.data, household_id)
    outcomes = run_checks(CheckSubject(snapshot, household_id, policy), priced)
    inputs = [
        {"stage": "execute", "check": o.name, "snapshot_hash": snapshot.hash} for o in outcomes
    ]
    return ExecutionRecheck([], priced, list(zip(inputs, outcomes, strict=True)))


def lot_availability(subject: CheckSubject, trades: Sequence[ProposedTrade]) -> CheckOutcome:
    """Every sale relieves shares that are held, from lots that exist, no lot twice over."""
    failing: dict[int, str] = {}
    taken: dict[tuple[str, str], float] = {}
    for index, trade in enumerate(trades):
        if subject.account(trade.account_id) is None:
            failing[index] = f"account {trade.account_id} is not in {subject.household_id}"
            continue
        if not trade.quantity > 0 or not trade.est_price > 0:
            failing[index] = "quantity and price must be positive"
            continue
        if trade.side == "buy":
            continue
        problem = _sale_problem(subject.snapshot.lots_by_id(trade.account_id), trade, taken)
        if problem:
            failing[index] = problem
    return _trade_level(
        "lot_availability", failing, len(trades), "every sale relieves open shares of named lots"
    )


def _sale_problem(
    lots: Mapping[str, Sequence[Lot]],
    trade: ProposedTrade,
    taken: dict[tuple[str, str], float],
) -> str:
    if not trade.lots:
        return "a sale must name the lots it relieves"
    named = sum(lot.quantity for lot in trade.lots)
    if abs(named - trade.quantity) > SHARE_EPSILON * max(1.0, trade.quantity):
        return f"lots add up to {named:g} shares, the trade sells {trade.quantity:g}"
    for relief in trade.lots:
        parts = [p for p in lots.get(relief.lot_id, ()) if p.symbol == trade.symbol]
        held = sum(part.quantity for part in parts)
        key = (trade.account_id, relief.lot_id)
        wanted = taken.get(key, 0.0) + relief.quantity
        if not parts:
            return f"no open lot {relief.lot_id} of {trade.symbol} in {trade.account_id}"
        if wanted > held + SHARE_EPSILON:
            return f"lot {relief.lot_id} holds {held:g} shares, {wanted:g} would be sold"
        taken[key] = wanted
    return ""


def restrictions(subject: CheckSubject, trades: Sequence[ProposedTrade]) -> CheckOutcome:
    """No buy of an excluded or ``no_buy`` security, no sale of a ``no_sell`` one."""
    data = subject.snapshot.data
    failing: dict[int, str] = {}
    for index, trade in enumerate(trades):
        account = subject.account(trade.account_id)
        security = data.securities.get(trade.symbol)
        if account is None or security is None:
            failing[index] = f"unknown account or symbol {trade.account_id}/{trade.symbol}"
            continue
        if not account.managed:
            failing[index] = f"{account.account_id} is held away: lotwise does not trade it"
            continue
        forbidding = ("exclude", "no_buy") if trade.side == "buy" else ("no_sell",)
        for rule in data.restrictions:
            if (
                rule.kind in forbidding
                and rule.applies_to_account(account)
                and rule.matches(security)
            ):
                failing[index] = (
                    f"{rule.kind} {rule.target_type} {rule.target} "
                    f"({rule.scope} {rule.scope_id}) forbids this {trade.side}"
                )
                break
    return _trade_level(
        "restrictions", failing, len(trades), "no excluded or no-buy purchase, no no-sell sale"
    )


def wash_sale(subject: CheckSubject, trades: Sequence[ProposedTrade]) -> CheckOutcome:
    """No purchase inside a recent loss's window, and no loss the trades would get disallowed.

    IRC §1091(a): a loss is disallowed when substantially identical stock is acquired within
    30 days before or after the sale, in any account of the taxpayer or spouse (Rev. Rul.
    2008-5 for IRAs). Pending purchases count when the policy says so. A washed sale passes
    only when the policy allows charged washes (its disallowed loss is then reported).
    """
    snapshot = subject.snapshot
    as_of = snapshot.as_of
    failing: dict[int, str] = {}
    ledger = snapshot.ledger(subject.household_id)
    blocks = blocked_buys(ledger, subject.household_id, as_of)
    blocked = {symbol: block for block in blocks for symbol in block.symbols}
    for index, trade in enumerate(trades):
        block = blocked.get(trade.symbol)
        if trade.side == "buy" and block is not None:
            failing[index] = (
                f"{trade.symbol} is blocked until {block.blocked_until} by a "
                f"loss sale (IRC §1091(a))"
            )
    pending = (
        snapshot.pending_of(subject.household_id)
        if subject.policy.wash_sale.pending_purchases_count
        else ()
    )
    impact = disallowed_for_trades(
        ledger,
        subject.household_id,
        as_of,
        [
            ForwardTrade(
                account_id=t.account_id,
                symbol=t.symbol,
                side=t.side,
                quantity=t.quantity,
                lots=tuple((r.lot_id, r.quantity) for r in t.lots),
                price=t.est_price,
            )
            for t in trades
        ],
        pending,
        subject.prices.dropna().to_dict(),
    )
    charged: dict[int, float] = {}
    washed_sales: list[int] = []
    for trade_impact in impact.trades:
        if under_a_cent(trade_impact.disallowed):
            continue
        trade = trade_impact.trade
        if trade.side == "buy":
            failing.setdefault(
                trade_impact.index,
                (
                    f"buying {trade.symbol} would get ${trade_impact.disallowed:,.2f} of an "
                    "earlier loss disallowed (IRC §1091(a))"
                ),
            )
        elif subject.policy.wash_sale.allow_charged_wash:
            charged[trade_impact.index] = trade_impact.disallowed
        else:
            washed_sales.append(trade_impact.index)
    for index in washed_sales:
        _fail_washed_sale(subject, trades, index, impact.trades[index].disallowed, failing)
    numbers = {
        "blocked_symbols": sorted(blocked),
        "disallowed": impact.disallowed,
        "charged_by_trade": charged,
        "pending_counted": len(pending),
    }
    return _trade_level(
        "wash_sale", failing, len(trades), "no trade washes a loss across the household", numbers
    )


def _fail_washed_sale(
    subject: CheckSubject,
    trades: Sequence[ProposedTrade],
    index: int,
    disallowed: float,
    failing: dict[int, str],
) -> None:
    """Blame the list's own purchases of an identical security when there are any (they are
    the replacement shares, Treas. Reg. §1.1091-1(a)); otherwise the sale itself."""
    sale = trades[index]
    securities = subject.snapshot.data.securities
    key = wash_key_of(sale.symbol, securities)
    causes = [
        i
        for i, trade in enumerate(trades)
        if trade.side == "buy" and wash_key_of(trade.symbol, securities) == key
    ]
    for cause in causes:
        failing.setdefault(
            cause,
            (
                f"buying {trades[cause].symbol} with the loss sale of {sale.symbol} in the same "
                "list would wash that loss (IRC §1091(a))"
            ),
        )
    if not causes:
        failing.setdefault(
            index,
            (
                f"sale of {sale.symbol} would get ${disallowed:,.2f} of loss disallowed by a "
                "purchase within 30 days (IRC §1091(a))"
            ),
        )


def cash(subject: CheckSubject, trades: Sequence[ProposedTrade]) -> CheckOutcome:
    """No managed account spends more cash than it has after its sales and costs.

    When an account would overdraw, its buys are dropped from the last one back until the
    rest is funded; those buys are the failing trades.
    """
    failing: dict[int, str] = {}
    numbers: dict[str, Any] = {}
    for account_id in sorted({t.account_id for t in trades}):
        if subject.account(account_id) is None:
            continue
        indices = [i for i, t in enumerate(trades) if t.account_id == account_id]
        available = subject.snapshot.cash(account_id)
        flows = {i: cash_flow(trades[i], subject.policy) for i in indices}
        after = available + sum(flows.values())
        for index in reversed([i for i in indices if trades[i].side == "buy"]):
            if after >= -MONEY_TOLERANCE:  # rounding dust is not an overdraft
                break
            failing[index] = f"{account_id} cannot fund it (cash after {after:,.2f})"
            after -= flows[index]
        numbers[account_id] = {
            "cash_before": available,
            "cash_after": after,
            "costs": sum(
                trade_cost(trades[i], subject.policy) for i in indices if i not in failing
            ),
        }
    return _trade_level("cash", failing, len(trades), "every account's cash stays >= 0", numbers)


def trade_cost(trade: ProposedTrade, policy: Policy) -> float:
    """Estimated cost of the order: half the quoted spread on its value, plus commission."""
    value = trade.quantity * trade.est_price
    return value * policy.costs.spread_bps / 2.0 / 10_000.0 + policy.costs.commission_per_trade


def cash_flow(trade: ProposedTrade, policy: Policy) -> float:
    """Cash the trade brings (sale) or takes (buy), after its costs."""
    value = trade.quantity * trade.est_price
    return (value if trade.side == "sell" else -value) - trade_cost(trade, policy)


def tracking(subject: CheckSubject, trades: Sequence[ProposedTrade]) -> CheckOutcome:
    """Each traded account's ex-ante TE after the trades is within its budget.

    An account already over budget passes only when the trades do not raise its TE.
    """
    by_account = tracking_by_account(subject, trades)
    failures = [
        f"{account_id} TE {row['te_after']:.2%} above {row['limit']:.2%}"
        for account_id, row in by_account.items()
        if row["te_after"] > row["limit"] + TE_TOLERANCE
    ]
    detail = (
        "; ".join(failures)
        or ", ".join(
            f"{account_id} {row['te_before']:.2%} -> {row['te_after']:.2%} "
            f"(budget {row['te_budget']:.2%})"
            for account_id, row in by_account.items()
        )
        or "no account traded"
    )
    return CheckOutcome("tracking_error", not failures, detail, by_account, removes_trades=False)


def tracking_by_account(
    subject: CheckSubject, trades: Sequence[ProposedTrade]
) -> dict[str, dict[str, float]]:
    """TE before and after, budget and limit of every account the trades touch."""
    rows: dict[str, dict[str, float]] = {}
    prices = subject.prices
    for account_id in sorted({t.account_id for t in trades}):
        account = subject.account(account_id)
        if account is None:
            continue
        before = account_holdings(subject.snapshot, account_id)
        after = holdings_after(
            before,
            prices,
            [
                (
                    t.symbol,
                    t.quantity if t.side == "buy" else -t.quantity,
                    cash_flow(t, subject.policy),
                )
                for t in trades
                if t.account_id == account_id
            ],
        )
        budget = te_budget_of(account, subject.policy)
        te_before = tracking_error(subject.snapshot, before)
        rows[account_id] = {
            "te_before": te_before,
            "te_after": tracking_error(subject.snapshot, after),
            "te_budget": budget,
            "limit": max(budget, te_before),
        }
    return rows


def _trade_level(
    name: str,
    failing: dict[int, str],
    count: int,
    rule: str,
    numbers: dict[str, Any] | None = None,
) -> CheckOutcome:
    if failing:
        detail = f"{len(failing)} of {count} trades fail: " + "; ".join(
            f"#{index + 1} {why}" for index, why in sorted(failing.items())
        )
    else:
        detail = f"{count} trades pass: {rule}"
    return CheckOutcome(name, not failing, detail, numbers or {}, failing)
