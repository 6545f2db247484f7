"""perceive: load the data, replay the ledger, measure TE and alerts, list what changed.

What changed is measured against the observation recorded by the household's previous run
(read back from the evidence log), so a re-run of this node computes the same answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from langgraph.runtime import Runtime

from agent.planners.base import AccountObservation, Observation
from agent.review.context import ReviewContext
from agent.review.positions import account_holdings, tracking_error
from agent.review.services import ReviewServices, review_services
from agent.review.snapshot import Snapshot
from agent.review.state import ReviewState
from policies import Policy, policy_version_hash
from tools.household_policy import household_policy, te_budget_of
from tools.ledger.forward import loss_sale_check
from tools.ledger.washsale import WINDOW_DAYS
from tools.models import Account, PendingPurchase
from tools.optimizer.build import realized_this_year
from tools.risk.alerts import Alert, AlertStore, classify

CONCENTRATION_WEIGHT = 0.10  # a single name above this share of an account is concentrated
MOVE_WORTH_NOTING = 0.02  # market value or cash moves smaller than 2% are not listed


def perceive(state: ReviewState, runtime: Runtime[ReviewContext]) -> ReviewState:
    services = review_services(runtime.context)
    snapshot = services.snapshot(state["as_of"])
    household_id = state["household_id"]
    policy = household_policy(snapshot.data, household_id)
    version = policy_version_hash(policy)
    data = snapshot.data
    run_id = state["run_id"]
    services.record_once(
        run_id,
        "perceive",
        "input_snapshot",
        {"as_of": state["as_of"], "household_id": household_id},
        {
            "snapshot_hash": snapshot.hash,
            "files": data.file_digests,
            "as_of_prices_digest": _prices_digest(snapshot),
            "requested_by": state.get("requested_by"),
            "requester": state.get("requester"),
        },
        policy_version=version,
    )
    accounts = [a for a in data.accounts_of(household_id) if a.managed]
    losses = _safe_losses(snapshot, household_id, policy)
    observations = [
        _observe(snapshot, account, policy, losses.get(account.account_id, []))
        for account in accounts
    ]
    AlertStore.in_state_dir(runtime.context.state_dir).record(
        Alert(
            account_id=o.account_id,
            date=data.as_of,
            te=o.te,
            budget=o.te_budget,
            status=o.te_status,
        )
        for o in observations
    )
    previous = _previous_observation(services, household_id, state["as_of"], run_id)
    restrictions = _restrictions(snapshot, household_id)
    pending = _pending(snapshot, household_id, policy)
    observation = Observation(
        household_id=household_id,
        as_of=state["as_of"],
        first_run=previous is None,
        accounts=observations,
        changes=_changes(previous, observations, restrictions, pending),
        gains_budget_left=_gains_budget_left(snapshot, household_id, policy),
        restrictions=restrictions,
        pending=pending,
    )
    services.record_once(
        run_id,
        "perceive",
        "tool_call",
        {"tool": "observe"},
        observation.model_dump(),
        policy_version=version,
    )
    return {
        "snapshot_hash": snapshot.hash,
        "policy_version": version,
        "observation": observation.model_dump(),
    }


def _observe(
    snapshot: Snapshot, account: Account, policy: Policy, candidates: list[float]
) -> AccountObservation:
    holdings = account_holdings(snapshot, account.account_id)
    budget = te_budget_of(account, policy)
    te = tracking_error(snapshot, holdings)
    weights = holdings.weights()
    total = holdings.total
    securities = snapshot.data.securities
    excluded = sorted(
        symbol
        for symbol in holdings.shares.index
        if any(
            r.kind == "exclude" and r.applies_to_account(account) and r.matches(securities[symbol])
            for r in snapshot.data.restrictions
        )
    )
    cash_fraction = holdings.cash / total if total > 0 else 0.0
    return AccountObservation(
        account_id=account.account_id,
        market_value=total,
        cash=holdings.cash,
        te=te,
        te_budget=budget,
        te_status=classify(te, budget, policy.tracking_error.warn_fraction),
        harvest_candidates=len(candidates),
        harvestable_loss=sum(candidates),
        excluded_holdings=excluded,
        concentrated=sorted(weights[weights > CONCENTRATION_WEIGHT].index),
        cash_fraction=cash_fraction,
        cash_above_band=cash_fraction > policy.cash.max_fraction,
    )


def _safe_losses(snapshot: Snapshot, household_id: str, policy: Policy) -> dict[str, list[float]]:
    """Losses of the lot parts past both harvest thresholds whose sale today keeps the loss,
    by account (taxable accounts only: IRA-type accounts recognize no losses).

    IRC §1091(a): a sale is unsafe when replacement shares were acquired in the 30 days
    before it or will be (pending purchases) in the 30 days after.
    """
    statuses = loss_sale_check(
        snapshot.ledger(household_id),
        household_id,
        snapshot.as_of,
        _counted_pending(snapshot, household_id, policy),
        snapshot.data.prices_on().dropna().to_dict(),
    )
    thresholds = policy.harvest
    found: dict[str, list[float]] = {}
    for status in statuses:
        if (
            status.safe
            and status.loss > thresholds.min_loss_usd
            and status.loss > thresholds.min_loss_pct * status.cost_basis
        ):
            found.setdefault(status.account_id, []).append(status.loss)
    return found


def _counted_pending(
    snapshot: Snapshot, household_id: str, policy: Policy
) -> tuple[PendingPurchase, ...]:
    return snapshot.pending_of(household_id) if policy.wash_sale.pending_purchases_count else ()


def _restrictions(snapshot: Snapshot, household_id: str) -> list[str]:
    accounts = snapshot.data.accounts_of(household_id)
    return sorted(
        f"{r.kind} {r.target_type} {r.target} ({r.scope} {r.scope_id})"
        for r in snapshot.data.restrictions
        if any(r.applies_to_account(account) for account in accounts)
    )


def _pending(snapshot: Snapshot, household_id: str, policy: Policy) -> list[str]:
    """Scheduled purchases of the household in [as_of, as_of + 30] (IRC §1091(a) window)."""
    horizon = snapshot.as_of + dt.timedelta(days=WINDOW_DAYS)
    return [
        f"{p.date.isoformat()} {p.action} {p.quantity:g} {p.symbol} in {p.account_id}"
        for p in _counted_pending(snapshot, household_id, policy)
        if snapshot.as_of <= p.date <= horizon
    ]


def _previous_observation(
    services: ReviewServices, household_id: str, as_of: str, run_id: str
) -> Observation | None:
    """The observation of the household's latest earlier run (by as-of, then attempt)."""
    earlier = [
        run
        for run in services.runs.list(household_id=household_id)
        if run.run_id != run_id and run.as_of <= as_of
    ]
    for run in sorted(earlier, key=lambda r: (r.as_of, r.attempt), reverse=True):
        records = services.evidence.find(run.run_id, kind="tool_call", node="perceive")
        if records:
            return Observation.model_validate(records[-1].outputs)
    return None


def _changes(
    previous: Observation | None,
    current: list[AccountObservation],
    restrictions: list[str],
    pending: list[str],
) -> list[str]:
    if previous is None:
        return ["first review of this household"]
    before = {account.account_id: account for account in previous.accounts}
    changes: list[str] = []
    for account in current:
        old = before.get(account.account_id)
        if old is None:
            changes.append(f"{account.account_id}: newly managed")
            continue
        changes += _account_changes(old, account)
    changes += [f"new restriction: {r}" for r in restrictions if r not in previous.restrictions]
    changes += [f"restriction lifted: {r}" for r in previous.restrictions if r not in restrictions]
    changes += [f"pending purchase: {p}" for p in pending if p not in previous.pending]
    return changes


def _account_changes(old: AccountObservation, new: AccountObservation) -> list[str]:
    changes = []
    if old.market_value > 0:
        move = new.market_value / old.market_value - 1.0
        if abs(move) >= MOVE_WORTH_NOTING:
            changes.append(f"{new.account_id}: market value {move:+.1%}")
    cash_change = new.cash - old.cash
    if abs(cash_change) >= MOVE_WORTH_NOTING * max(new.market_value, 1.0):
        changes.append(f"{new.account_id}: cash {cash_change:+,.2f}")
    if old.te_status != new.te_status:
        changes.append(
            f"TE alert {new.account_id}: {old.te_status} -> {new.te_status} "
            f"(TE {new.te:.2%}, budget {new.te_budget:.2%})"
        )
    added = sorted(set(new.excluded_holdings) - set(old.excluded_holdings))
    if added:
        changes.append(f"{new.account_id}: now holds excluded {', '.join(added)}")
    return changes


def _gains_budget_left(snapshot: Snapshot, household_id: str, policy: Policy) -> float:
    """This year's net realized gain budget minus what taxable accounts realized so far."""
    realized = realized_this_year(snapshot.ledger(household_id), snapshot.data, household_id)
    return max(policy.gains_budget.yearly_net_gain_usd - realized, 0.0)


def _prices_digest(snapshot: Snapshot) -> str:
    closes = snapshot.data.prices_on().dropna().sort_index()
    text = "\n".join(f"{symbol}:{price!r}" for symbol, price in closes.items())
    return hashlib.sha256(text.encode()).hexdigest()
