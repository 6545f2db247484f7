"""The deterministic capabilities the model may call, as LangChain tools with pydantic schemas.

Every tool reads one household on one snapshot and returns a JSON-like dict: the numbers come
from ``tools/`` (ledger, wash-sale engine, risk model, optimizer), never from the model. Money
is rounded to cents here because this is an edge (what the model reads). A tool given an
account or symbol outside the household answers with an error text instead of raising, so
the model can correct itself within its bounded loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field

from agent.evidence.store import EvidenceStore
from agent.llm.whatif import (
    already_restricted,
    resolve_targets,
    restrictions_for,
    snapshot_with,
)
from agent.review.optimize import AccountRequest, ToolsOptimizer
from agent.review.snapshot import Snapshot, load_snapshot
from tools.errors import DataValidationError
from tools.household_policy import household_policy
from tools.ledger.forward import ProposedTrade as ForwardTrade
from tools.ledger.forward import blocked_buys, disallowed_for_trades, loss_sale_check
from tools.optimizer.build import build_input, realized_this_year
from tools.optimizer.errors import OptimizerError
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.screening import HarvestScreen, screen_harvest
from tools.optimizer.transition import TransitionTerms, plan_transition
from tools.risk.report import measure_account, measure_household, top_contributors
from tools.unrealized import value_lots

LISTED = 10  # rows of a list the model sees (it asks again for a narrower scope)
EVIDENCE_TEXT_LIMIT = 1500  # characters of one record's outputs shown to the model


class ToolInputError(ValueError):
    """The model named something outside the household; the message goes back to it."""


def _cents(amount: float) -> float:
    return round(float(amount), 2)


class AccountScope(BaseModel):
    account_id: str | None = Field(
        default=None, description="An account of the household; omit for every account."
    )


class ManagedAccount(BaseModel):
    account_id: str = Field(description="A managed account of the household.")


class TradeToCheck(BaseModel):
    account_id: str
    symbol: str
    side: Literal["buy", "sell"]
    quantity: float = Field(gt=0)


class WashSaleQuestion(BaseModel):
    symbol: str | None = Field(
        default=None, description="Is buying this symbol blocked, and would selling it wash?"
    )
    trades: list[TradeToCheck] = Field(
        default_factory=list, description="A trade list whose wash-sale effect to compute."
    )


class OptimizerSettings(BaseModel):
    account_id: str = Field(description="A managed account of the household.")
    exclude: list[str] = Field(
        default_factory=list,
        description="Extra sectors, industries or symbols to exclude for this what-if run.",
    )


class TransitionQuestion(BaseModel):
    account_id: str
    symbol: str = Field(description="The concentrated position to diversify.")
    target_weight: float | None = Field(
        default=None, ge=0, lt=1, description="Weight to diversify down to (default: benchmark)."
    )


class EvidenceQuestion(BaseModel):
    run_id: str
    seq: int | None = Field(default=None, ge=1, description="One record; omit for a listing.")
    kind: str | None = Field(default=None, description="Only records of this kind.")


class PortfolioTools:
    """The household's tools on one snapshot (``as_of`` None: the last price date)."""

    def __init__(
        self,
        data_dir: Path,
        household_id: str,
        as_of: str | None = None,
        evidence: EvidenceStore | None = None,
    ) -> None:
        self.snapshot: Snapshot = load_snapshot(data_dir, as_of)
        data = self.snapshot.data
        if household_id not in data.households:
            raise DataValidationError.single(
                "accounts.csv", None, "household_id", f"unknown household {household_id!r}"
            )
        self.household_id = household_id
        self.policy = household_policy(data, household_id)
        self.evidence = evidence
        self._optimizer = ToolsOptimizer()

    # -- the capabilities ------------------------------------------------------------------

    def ledger_summary(self, account_id: str | None = None) -> dict[str, Any]:
        """Per account: cash, lots, market value and unrealized gains by term."""
        data = self.snapshot.data
        prices = data.prices_on().dropna().to_dict()
        accounts = (
            [self._account(account_id)]
            if account_id
            else [a.account_id for a in data.accounts_of(self.household_id)]
        )
        rows = []
        for account in accounts:
            valued = value_lots(self.snapshot.open_lots(account), prices, data.as_of)
            gains = {"short": 0.0, "long": 0.0}
            for lot in valued:
                gains[lot.term] += lot.unrealized_gain
            rows.append(
                {
                    "account_id": account,
                    "managed": data.accounts[account].managed,
                    "tax_type": data.accounts[account].tax_type,
                    "cash": _cents(self.snapshot.cash(account)),
                    "open_lots": len(valued),
                    "market_value": _cents(sum(lot.market_value for lot in valued)),
                    "unrealized_short": _cents(gains["short"]),
                    "unrealized_long": _cents(gains["long"]),
                    "lots_at_a_loss": sum(1 for lot in valued if lot.unrealized_gain < 0),
                }
            )
        return {"as_of": data.as_of.isoformat(), "accounts": rows}

    def harvest_candidates(self, account_id: str) -> dict[str, Any]:
        """The optimizer's harvest screen: loss lots worth selling, and why others are not."""
        screen = self.harvest_screen(account_id).as_dict()
        candidates = screen["candidates"]
        skipped = screen["skipped"]
        assert isinstance(candidates, list) and isinstance(skipped, list)
        return {
            "account_id": account_id,
            "candidates": len(candidates),
            "best": [
                _rounded({**row, "name": self._name(str(row["symbol"]))})
                for row in candidates[:LISTED]
            ],
            "skipped": len(skipped),
            "skipped_examples": [_rounded(row) for row in skipped[:LISTED]],
        }

    def harvest_screen(self, account_id: str) -> HarvestScreen:
        """The full screen (every candidate and skipped lot) of a managed account."""
        return screen_harvest(self._inputs(account_id))

    def wash_sale_check(
        self,
        symbol: str | None = None,
        trades: Sequence[TradeToCheck | dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Whether buying ``symbol`` is blocked and whether selling its loss lots would wash;
        or, for a trade list, the loss it would get disallowed (IRC §1091(a))."""
        data = self.snapshot.data
        ledger = self.snapshot.ledger(self.household_id)
        as_of = data.as_of
        prices = data.prices_on().dropna().to_dict()
        answer: dict[str, Any] = {"as_of": as_of.isoformat()}
        if symbol:
            wanted = self._symbol(symbol)
            block = next(
                (b for b in blocked_buys(ledger, self.household_id, as_of) if wanted in b.symbols),
                None,
            )
            answer["buy_blocked_until"] = block.blocked_until.isoformat() if block else None
            answer["blocking_loss"] = _cents(block.loss) if block else 0.0
            pending = data.pending if self.policy.wash_sale.pending_purchases_count else ()
            statuses = [
                s
                for s in loss_sale_check(ledger, self.household_id, as_of, pending, prices)
                if s.symbol == wanted
            ]
            answer["loss_lots"] = [
                {
                    "account_id": s.account_id,
                    "lot_id": s.lot_id,
                    "loss": _cents(s.loss),
                    "disallowed_if_sold_today": _cents(s.disallowed),
                    "safe": s.safe,
                }
                for s in statuses[:LISTED]
            ]
        if trades:
            trades = [TradeToCheck.model_validate(trade) for trade in trades]
            for trade in trades:
                self._account(trade.account_id)
                self._symbol(trade.symbol)
            impact = disallowed_for_trades(
                ledger,
                self.household_id,
                as_of,
                [
                    ForwardTrade(
                        account_id=t.account_id,
                        symbol=t.symbol.upper(),
                        side=t.side,
                        quantity=t.quantity,
                    )
                    for t in trades
                ],
                data.pending,
                prices,
            )
            answer["trades_disallowed_total"] = _cents(impact.disallowed)
            answer["by_trade"] = [
                {"trade": i.index + 1, "disallowed": _cents(i.disallowed)} for i in impact.trades
            ]
        if not symbol and not trades:
            raise ToolInputError("give a symbol or a trade list")
        return answer

    def tracking_error(self, account_id: str | None = None) -> dict[str, Any]:
        """Ex-ante tracking error, its budget and its largest contributors."""
        data = self.snapshot.data
        model = self.snapshot.risk_model
        report = (
            measure_account(data, self._account(account_id), model)
            if account_id
            else measure_household(data, self.household_id, model)
        )
        return {
            "scope": report.scope,
            "scope_id": report.scope_id,
            "te": round(report.te, 6),
            "budget": report.budget,
            "status": report.status,
            "accounts": {
                a.account_id: {"te": round(a.te, 6), "budget": a.budget, "status": a.status}
                for a in report.accounts
            },
            "top_contributors": [
                {"kind": c.kind, "name": c.name, "share": round(c.contribution, 4)}
                for c in top_contributors(report.attribution, 3)
            ],
        }

    def run_optimizer(self, account_id: str, exclude: list[str] | None = None) -> dict[str, Any]:
        """The optimizer's trade list for the account under the policy, optionally with extra
        exclusions (a what-if: nothing is proposed or recorded as a trade)."""
        data = self.snapshot.data
        account = data.accounts[self._managed(account_id)]
        targets = resolve_targets(data, exclude or [])
        extra = restrictions_for(
            self.household_id,
            [t for t in targets if not already_restricted(data, self.household_id, t)],
            ("exclude",),
            "what-if exclusion",
        )
        try:
            result = self._optimizer.optimize(
                AccountRequest(
                    snapshot=snapshot_with(self.snapshot, extra),
                    account=account,
                    policy=self.policy,
                    actions=frozenset(),
                )
            )
        except OptimizerError as error:
            return {"account_id": account_id, "error": f"{type(error).__name__}: {error}"}
        metrics = result.details.get("metrics", {})
        return {
            "account_id": account_id,
            "excluded": [f"{t.target_type} {t.target}" for t in targets],
            "already_excluded": [
                f"{t.target_type} {t.target}"
                for t in targets
                if already_restricted(data, self.household_id, t)
            ],
            "trades": len(result.trades),
            "sample": [
                {"symbol": t.symbol, "side": t.side, "quantity": t.quantity, "reason": t.reason}
                for t in result.trades[:LISTED]
            ],
            "te_before": round(float(metrics.get("te_before", float("nan"))), 6),
            "te_after": round(float(metrics.get("te_after", float("nan"))), 6),
            "realized_gain": _cents(result.realized_gain),
            "flags": result.flags,
        }

    def transition_schedule(
        self, account_id: str, symbol: str, target_weight: float | None = None
    ) -> dict[str, Any]:
        """The multi-year sell-down of a concentrated position within the yearly gains budget."""
        inputs = self._inputs(account_id)
        wanted = self._symbol(symbol)
        if wanted not in inputs.symbols:
            raise ToolInputError(f"{account_id} does not hold {wanted}")
        security = inputs.symbols.index(wanted)
        terms = TransitionTerms(
            security=security,
            gains_budget_usd=self.policy.gains_budget.yearly_net_gain_usd,
            realized_this_year_usd=realized_this_year(
                self.snapshot.ledger(self.household_id), self.snapshot.data, self.household_id
            ),
            target_weight=float(
                inputs.benchmark_weights[security] if target_weight is None else target_weight
            ),
        )
        plan = plan_transition(inputs, terms)
        return {
            "account_id": account_id,
            "symbol": wanted,
            "weight_before": plan.weight_before,
            "target_weight": plan.target_weight,
            "years_to_target": plan.years_to_target,
            "total_tax": _cents(plan.total_tax),
            "years": [
                {
                    "year": y.year,
                    "shares_sold": y.shares_sold,
                    "realized_long": _cents(y.realized_long),
                    "tax": _cents(y.tax),
                    "te_after": round(y.te_after, 6),
                }
                for y in plan.years[:LISTED]
            ],
            "notes": plan.notes,
        }

    def evidence_lookup(
        self, run_id: str, seq: int | None = None, kind: str | None = None
    ) -> dict[str, Any]:
        """Evidence records of a run: one record in full (truncated), or a listing."""
        if self.evidence is None:
            raise ToolInputError("no evidence store is open")
        records = self.evidence.records(run_id)
        if not records:
            raise ToolInputError(f"no evidence for run {run_id}")
        if seq is not None:
            found = [r for r in records if r.seq == seq]
            if not found:
                raise ToolInputError(f"run {run_id} has no record {seq}")
            text = json.dumps(found[0].outputs, default=str)
            return {
                "seq": seq,
                "node": found[0].node,
                "kind": found[0].kind,
                "outputs": text[:EVIDENCE_TEXT_LIMIT],
            }
        chosen = [r for r in records if kind is None or r.kind == kind]
        return {
            "run_id": run_id,
            "records": [{"seq": r.seq, "node": r.node, "kind": r.kind} for r in chosen],
        }

    # -- as LangChain tools ----------------------------------------------------------------

    def as_tools(self) -> list[StructuredTool]:
        specs: list[tuple[Callable[..., dict[str, Any]], type[BaseModel]]] = [
            (self.ledger_summary, AccountScope),
            (self.harvest_candidates, ManagedAccount),
            (self.wash_sale_check, WashSaleQuestion),
            (self.tracking_error, AccountScope),
            (self.run_optimizer, OptimizerSettings),
            (self.transition_schedule, TransitionQuestion),
            (self.evidence_lookup, EvidenceQuestion),
        ]
        return [
            StructuredTool.from_function(
                func=_answering_errors(func),
                name=func.__name__,
                args_schema=schema,
                description=(func.__doc__ or func.__name__).split("\n\n")[0],
            )
            for func, schema in specs
        ]

    # -- validation of what the model names ------------------------------------------------

    def _account(self, account_id: str) -> str:
        account = self.snapshot.data.accounts.get(account_id)
        if account is None or account.household_id != self.household_id:
            known = ", ".join(
                a.account_id for a in self.snapshot.data.accounts_of(self.household_id)
            )
            raise ToolInputError(
                f"{account_id!r} is not an account of {self.household_id} (accounts: {known})"
            )
        return account_id

    def _managed(self, account_id: str) -> str:
        if not self.snapshot.data.accounts[self._account(account_id)].managed:
            raise ToolInputError(f"{account_id} is held away: lotwise does not trade it")
        return account_id

    def _symbol(self, symbol: str) -> str:
        wanted = symbol.strip().upper()
        if wanted not in self.snapshot.data.securities:
            raise ToolInputError(f"unknown symbol {symbol!r}")
        return wanted

    def _name(self, symbol: str) -> str:
        security = self.snapshot.data.securities.get(symbol)
        return security.name if security else ""

    def _inputs(self, account_id: str) -> OptimizationInput:
        return build_input(
            self.snapshot.data,
            self._managed(account_id),
            ledger=self.snapshot.ledger(self.household_id),
            model=self.snapshot.risk_model,
            policy=self.policy,
        )


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    return {key: _cents(value) if isinstance(value, float) else value for key, value in row.items()}


def _answering_errors(
    func: Callable[..., dict[str, Any]],
) -> Callable[..., dict[str, Any]]:
    """Return bad-argument errors to the model as an answer instead of raising."""

    def call(**kwargs: Any) -> dict[str, Any]:
        try:
            return func(**kwargs)
        except (ToolInputError, DataValidationError) as error:
            return {"error": str(error)}

    call.__name__ = func.__name__
    call.__doc__ = func.__doc__
    return call
