"""evaluate: the optimizer proposes trades per planned account, the independent checks decide.

Each account's optimization is recorded as a ``tool_call`` (or an ``error`` when it fails: the
account then contributes no trades and the failure becomes a flag a person sees). The
household's combined list then goes through ``screen_trades``: every round of every check is
a ``check`` record with its figures. The result is stored in the run store.
"""

from __future__ import annotations

from collections.abc import Sequence

from langgraph.runtime import Runtime

from agent.evidence.chain import digest
from agent.evidence.jsonable import to_jsonable
from agent.planners.base import Observation, Plan
from agent.review.checks import CheckOutcome, CheckSubject
from agent.review.context import ReviewContext
from agent.review.evaluation import AccountTracking, Evaluation, RemovedTrade
from agent.review.metrics import proposal_metrics
from agent.review.optimize import AccountRequest
from agent.review.proposal import ProposedTrade
from agent.review.screen import screen_trades
from agent.review.services import ReviewServices, review_services
from agent.review.snapshot import Snapshot
from agent.review.state import ReviewState
from tools.household_policy import household_policy
from tools.ledger import wash_key_of
from tools.optimizer.errors import OptimizerError


def evaluate(state: ReviewState, runtime: Runtime[ReviewContext]) -> ReviewState:
    services = review_services(runtime.context)
    run_id = state["run_id"]
    household_id = state["household_id"]
    version = state.get("policy_version")
    snapshot = services.snapshot(state["as_of"])
    policy = household_policy(snapshot.data, household_id)
    plan = Plan.model_validate(state["plan"])
    observation = Observation.model_validate(state["observation"])

    subject = CheckSubject(snapshot, household_id, policy)
    proposed, flags = _optimize_planned_accounts(
        services, runtime.context, state, subject, plan=plan, observation=observation
    )

    def record(round_number: int, outcome: CheckOutcome, checked: Sequence[ProposedTrade]) -> int:
        return services.record_once(
            run_id,
            "evaluate",
            "check",
            {
                "stage": "evaluate",
                "round": round_number,
                "check": outcome.name,
                "trades_digest": _trades_digest(checked),
            },
            outcome.evidence(),
            policy_version=version,
        ).seq

    screened = screen_trades(subject, proposed, record)
    accounts = _tracking(observation, screened.numbers.get("tracking_error", {}))
    charged = {
        int(index): amount
        for index, amount in screened.numbers.get("wash_sale", {})
        .get("charged_by_trade", {})
        .items()
    }
    concentrated = {a.account_id: set(a.concentrated) for a in observation.accounts}
    evaluation = Evaluation(
        trades=screened.kept,
        removed=[RemovedTrade(trade=r.trade, check=r.check, why=r.why) for r in screened.removed],
        checks=screened.checks,
        metrics=proposal_metrics(
            snapshot,
            policy,
            screened.kept,
            disallowed=charged,
            accounts=accounts,
            household_value=sum(a.market_value for a in observation.accounts),
        ),
        accounts=accounts,
        flags=flags,
        concentrated_traded=sorted(
            {t.symbol for t in screened.kept if t.symbol in concentrated.get(t.account_id, set())}
        ),
        costs=sum(
            screened.numbers.get("cash", {}).get(a, {}).get("costs", 0.0)
            for a in {t.account_id for t in screened.kept}
        ),
    )
    services.runs.save_evaluation(run_id, evaluation.model_dump(mode="json"))
    return {"checks_passed": evaluation.passed}


def _optimize_planned_accounts(
    services: ReviewServices,
    context: ReviewContext,
    state: ReviewState,
    subject: CheckSubject,
    *,
    plan: Plan,
    observation: Observation,
) -> tuple[list[ProposedTrade], list[str]]:
    """The optimizer's trades for every account the plan names, and the flags it raised.

    Accounts are optimized one at a time, taxable ones first (that is where losses are
    harvested). What earlier accounts do constrains the later ones: their net gains count
    against the household's gains budget, and what they sell at a loss may not be bought.
    """
    run_id, household_id = state["run_id"], state["household_id"]
    version = state.get("policy_version")
    snapshot, policy = subject.snapshot, subject.policy
    optimizer = context.optimizer
    proposed: list[ProposedTrade] = []
    flags: list[str] = []
    realized_so_far = 0.0
    loss_keys: set[str] = set()
    concentrated = {a.account_id: tuple(a.concentrated) for a in observation.accounts}
    planned = list(dict.fromkeys(step.account_id for step in plan.steps))
    accounts = snapshot.data.accounts
    for account_id in sorted(planned, key=lambda a: a in accounts and accounts[a].is_ira_type):
        account = accounts.get(account_id)
        actions = sorted(plan.actions_for(account_id))
        inputs = {"tool": optimizer.name, "account_id": account_id, "actions": actions}
        if account is None or account.household_id != household_id or not account.managed:
            flags.append(f"the plan names {account_id}, not a managed account of the household")
            continue
        try:
            result = optimizer.optimize(
                AccountRequest(
                    snapshot=snapshot,
                    account=account,
                    policy=policy,
                    actions=frozenset(actions),
                    realized_elsewhere_usd=realized_so_far,
                    blocked_wash_keys=frozenset(loss_keys),
                    concentrated=concentrated.get(account_id, ()),
                )
            )
        except OptimizerError as error:
            flags.append(f"{account_id}: the optimizer produced no trades ({error})")
            services.record_once(
                run_id,
                "evaluate",
                "error",
                inputs,
                {"error": type(error).__name__, "message": str(error)},
                policy_version=version,
            )
            continue
        services.record_once(
            run_id,
            "evaluate",
            "tool_call",
            inputs,
            {"trades": [t.model_dump() for t in result.trades], "details": result.details},
            policy_version=version,
        )
        proposed += result.trades
        flags += result.flags
        realized_so_far += result.realized_gain
        loss_keys |= _sold_at_a_loss(snapshot, result.trades)
    return proposed, flags


def _sold_at_a_loss(snapshot: Snapshot, trades: Sequence[ProposedTrade]) -> set[str]:
    """Wash keys of the securities some sale of ``trades`` relieves at a loss."""
    keys: set[str] = set()
    for trade in trades:
        if trade.side != "sell":
            continue
        parts = [
            part
            for relief in trade.lots
            for part in snapshot.lots_by_id(trade.account_id).get(relief.lot_id, ())
        ]
        if any(part.cost_basis > part.quantity * trade.est_price for part in parts):
            keys.add(wash_key_of(trade.symbol, snapshot.data.securities))
    return keys


def _tracking(
    observation: Observation, after: dict[str, dict[str, float]]
) -> dict[str, AccountTracking]:
    """TE before and after of every managed account (unchanged where nothing is traded)."""
    return {
        account.account_id: AccountTracking(
            te_before=account.te,
            te_after=after.get(account.account_id, {}).get("te_after", account.te),
            te_budget=account.te_budget,
        )
        for account in observation.accounts
    }


def _trades_digest(trades: Sequence[ProposedTrade]) -> str:
    return digest(to_jsonable([trade.model_dump() for trade in trades]))
