"""execute: re-check on the latest data, then write the orders (and paper fills).

The data directory may have changed since the proposal (a purchase in a held-away account, a
new restriction): the approved trades (minus any the approver dropped) are checked again on
a fresh snapshot, at the latest prices. Any failure stops the execution: the run is
``rejected`` with the reason, nothing is written.

Saving the orders in the run store is the commit point: a resumed node that finds them does
not check again (its own fills would now be in the ledger) and only repeats the idempotent
writes.
"""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.review.checks import execution_recheck
from agent.review.context import ReviewContext
from agent.review.orders import append_fills, build_orders, write_order_files
from agent.review.proposal import Proposal, ProposedTrade
from agent.review.services import ReviewServices, review_services
from agent.review.state import ReviewState


def execute(state: ReviewState, runtime: Runtime[ReviewContext]) -> ReviewState:
    services = review_services(runtime.context)
    run_id = state["run_id"]
    run = services.runs.get(run_id)
    assert run is not None and run.proposal is not None
    proposal = Proposal.model_validate(run.proposal)
    decision = services.runs.decision(run_id)
    dropped = set(decision["drop"]) if decision else set()
    trades = [t for n, t in enumerate(proposal.trades, 1) if n not in dropped]
    version = proposal.policy_version
    if not services.runs.orders(run_id):
        failure = _recheck_and_commit(services, run_id, proposal.household_id, trades, version)
        if failure:
            services.record_once(
                run_id,
                "execute",
                "execution",
                {"trades": len(trades)},
                {"executed": False, "reason": failure},
                policy_version=version,
            )
            services.runs.set_status(run_id, "rejected", failure)
            return {"status": "rejected", "error": failure}
    orders = services.runs.orders(run_id)
    files = write_order_files(runtime.context.state_dir, run_id, orders, services.evidence.tip())
    fills = append_fills(runtime.context.data_dir, orders) if runtime.context.paper else 0
    services.record_once(
        run_id,
        "execute",
        "execution",
        {"orders": [o["order_id"] for o in orders]},
        {
            "executed": True,
            "orders": orders,
            "files": [path.name for path in files],
            "paper": runtime.context.paper,
            "fill_rows_added": fills,
            "dropped_trades": sorted(dropped),
        },
        policy_version=version,
    )
    services.runs.set_status(run_id, "executed", f"{len(orders)} orders written")
    return {"status": "executed"}


def _recheck_and_commit(
    services: ReviewServices,
    run_id: str,
    household_id: str,
    trades: list[ProposedTrade],
    version: str,
) -> str:
    """Check ``trades`` on the latest snapshot; save the orders when they pass.

    Returns why execution must not happen, or "" once the orders are saved.
    """
    snapshot = services.snapshot(None)
    recheck = execution_recheck(snapshot, household_id, trades)
    if recheck.missing:
        return f"no latest price for {', '.join(recheck.missing)}"
    priced = recheck.priced
    for inputs, outcome in recheck.checks:
        services.record_once(
            run_id, "execute", "check", inputs, outcome.evidence(), policy_version=version
        )
    failed = [outcome for _, outcome in recheck.checks if not outcome.passed]
    if failed:
        return "execution re-check on the latest data failed: " + "; ".join(
            f"{o.name}: {o.detail}" for o in failed
        )
    services.runs.save_orders(
        run_id,
        build_orders(run_id, priced, {t.symbol: t.est_price for t in priced}, snapshot.as_of),
    )
    return ""
