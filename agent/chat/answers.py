"""The chat's answers: each request runs the review or the deterministic tools.

No answer is computed by a model: reviews go through ``ReviewRunner`` (its checks decide),
"why wasn't X sold" reads the run's evaluation, evidence and the harvest screen, and what-if
questions run the optimizer with the extra exclusion. Texts cite evidence as ``[#seq]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.chat.intents import ENABLE_FREE_TEXT, GRAMMAR_HELP, Intent
from agent.evidence.records import EvidenceRecord
from agent.identity import Identity, IdentityError
from agent.llm.client import LLMClient
from agent.llm.review import review_runner
from agent.llm.tools import PortfolioTools
from agent.llm.whatif import resolve_targets, restrictions_for
from agent.review.decision import DecisionRefusedError
from agent.review.rationale import tax_effect
from agent.review.runner import NotPendingError, ReviewRunner, UnknownRunError
from agent.review.runs import RunRecord
from agent.review.snapshot import load_snapshot
from tools.errors import DataValidationError


@dataclass(frozen=True)
class ChatReply:
    text: str
    data: dict[str, Any] | None = None
    question: str | None = None  # set when the chat waits for an answer (who approves)
    run_id: str | None = None  # the run the answer is about, for "approve it"


@dataclass
class Desk:
    """Everything one conversation may do, on one data directory."""

    data_dir: Path
    state_dir: Path | None = None
    client: LLMClient | None = None
    as_of: str | None = None
    user: Identity | None = None  # the session's person: every request is made as them
    _runner: ReviewRunner | None = field(default=None, repr=False)

    @property
    def runner(self) -> ReviewRunner:
        if self._runner is None:
            self._runner = review_runner(self.data_dir, None, state_dir=self.state_dir)
        return self._runner

    def households(self) -> list[str]:
        return list(load_snapshot(self.data_dir, self.as_of).data.households)

    def symbols(self) -> list[str]:
        return list(load_snapshot(self.data_dir, self.as_of).data.securities)

    # -- dispatch --------------------------------------------------------------------------

    def answer(self, intent: Intent, confirmed: bool = False) -> ChatReply:
        """The reply to ``intent``; an approval or rejection is carried out only when the
        session's person ``confirmed`` it."""
        try:
            return self._answer(intent, confirmed)
        except DataValidationError as error:
            return ChatReply("I cannot do that: " + "; ".join(str(p) for p in error.problems))
        except IdentityError as error:
            return ChatReply(f"I cannot do that: {error}")

    @property
    def person(self) -> Identity:
        if self.user is None:
            raise IdentityError("this conversation has no user: nothing can be done as nobody")
        return self.user

    def _answer(self, intent: Intent, confirmed: bool) -> ChatReply:
        if intent.kind == "help":
            return ChatReply(GRAMMAR_HELP + ("" if self.client else "\n" + ENABLE_FREE_TEXT))
        if intent.kind == "unknown":
            text = "I did not understand that.\n" + GRAMMAR_HELP
            return ChatReply(text + ("" if self.client else "\n" + ENABLE_FREE_TEXT))
        if intent.kind == "pending":
            return self.pending()
        if intent.kind in ("approve", "reject"):
            if not intent.run_id:
                return ChatReply("Which run? Say 'show pending approvals' to list them.")
            if intent.kind == "reject" and not (intent.reason or "").strip():
                return ChatReply(
                    "A rejection needs a reason: 'reject run <id> because ...'.",
                    run_id=intent.run_id,
                )
            if not confirmed:
                return ChatReply(f"Not {intent.kind}d: not confirmed.", run_id=intent.run_id)
            if intent.kind == "approve":
                return self.approve(intent.run_id)
            return self.reject(intent.run_id, intent.reason or "")
        household = self._household(intent)
        if household is None:
            return ChatReply("Which household? Known: " + ", ".join(self.households()))
        if intent.kind == "review":
            return self.review(household, intent)
        if intent.kind == "why_not_sold":
            if not intent.symbol:
                return ChatReply("Which symbol do you mean?")
            return self.why_not_sold(household, intent.symbol)
        return self.what_if(household, intent.exclude)

    def _household(self, intent: Intent) -> str | None:
        known = self.households()
        if intent.household_id in known:
            return intent.household_id
        return known[0] if len(known) == 1 else None

    # -- reviews and decisions -------------------------------------------------------------

    def review(self, household: str, intent: Intent) -> ChatReply:
        data = load_snapshot(self.data_dir, self.as_of).data
        avoid = restrictions_for(
            household,
            resolve_targets(data, intent.avoid),
            ("no_buy", "no_sell"),
            "the advisor asked to leave it alone",
        )
        runner = review_runner(
            self.data_dir,
            self.client,
            state_dir=self.state_dir,
            focus=frozenset(intent.focus),
            avoid=avoid,
        )
        run = runner.review(
            household,
            self.as_of,
            requested_by=self.person,
            force=bool(intent.focus or intent.avoid),
        )
        return ChatReply(_run_summary(run), data=run.proposal, run_id=run.run_id)

    def pending(self) -> ChatReply:
        runs = self.runner.pending()
        if not runs:
            return ChatReply("No run is waiting for approval.")
        lines = [
            f"{run.run_id}: {run.household_id}, {_impact(run)} impact, "
            f"{len((run.proposal or {}).get('trades', []))} trades, requested by "
            f"{run.requested_by}"
            for run in runs
        ]
        return ChatReply(
            "Waiting for approval:\n" + "\n".join(lines),
            data={"pending": [run.run_id for run in runs]},
            run_id=runs[-1].run_id,
        )

    def approve(self, run_id: str) -> ChatReply:
        by = self.person.name
        try:
            run = self.runner.approve(run_id, by=self.person, comment="approved in chat")
        except (DecisionRefusedError, NotPendingError, UnknownRunError, ValueError) as error:
            return ChatReply(f"Not approved: {error}", run_id=run_id)
        return ChatReply(
            f"Run {run_id} approved by {by}: now {run.status}.", data=run.proposal, run_id=run_id
        )

    def reject(self, run_id: str, reason: str) -> ChatReply:
        by = self.person.name
        try:
            run = self.runner.reject(run_id, by=self.person, reason=reason)
        except (DecisionRefusedError, NotPendingError, UnknownRunError, ValueError) as error:
            return ChatReply(f"Not rejected: {error}", run_id=run_id)
        return ChatReply(
            f"Run {run_id} rejected by {by}: {reason}", data=run.proposal, run_id=run_id
        )

    # -- questions -------------------------------------------------------------------------

    def why_not_sold(self, household: str, symbol: str) -> ChatReply:
        symbol = symbol.upper()
        tools = PortfolioTools(self.data_dir, household, self.as_of, self.runner.services.evidence)
        data = tools.snapshot.data
        if symbol not in data.securities:
            return ChatReply(f"{symbol} is not a security of this data directory.")
        runs = self.runner.services.runs.list(household_id=household)
        run = runs[-1] if runs else None
        reasons: list[str] = []
        if run is not None and run.proposal is not None:
            sold = [
                t for t in run.proposal["trades"] if t["symbol"] == symbol and t["side"] == "sell"
            ]
            if sold:
                text = "; ".join(
                    f"{t['quantity']:g} shares in {t['account_id']} ({t['reason']})" for t in sold
                )
                return ChatReply(
                    f"{symbol} is sold in run {run.run_id}: {text}.", run_id=run.run_id
                )
            reasons += self._removed_sales(run, symbol)
        managed = [a.account_id for a in data.accounts_of(household) if a.managed]
        holders = [
            a for a in managed if any(lot.symbol == symbol for lot in tools.snapshot.open_lots(a))
        ]
        if not holders:
            return ChatReply(f"{symbol} is not held in any managed account of {household}.")
        for rule in data.restrictions:
            if (
                rule.kind == "no_sell"
                and rule.matches(data.securities[symbol])
                and any(rule.applies_to_account(data.accounts[a]) for a in holders)
            ):
                reasons.append(
                    f"a no_sell restriction ({rule.target_type} {rule.target}) forbids selling it"
                )
        for account in holders:
            reasons += self._screen_reasons(tools, account, symbol, run)
        wash = tools.wash_sale_check(symbol=symbol)
        washed = [lot for lot in wash.get("loss_lots", []) if not lot["safe"]]
        if washed:
            reasons.append(
                "selling its loss lots today would have "
                f"${sum(lot['disallowed_if_sold_today'] for lot in washed):,.2f} "
                "disallowed by recent purchases (IRC §1091(a))"
            )
        where = f" in run {run.run_id}" if run is not None else " (no review has run yet)"
        return ChatReply(
            f"{symbol} was not sold{where}: " + "; ".join(reasons) + ".",
            run_id=run.run_id if run else None,
        )

    def _removed_sales(self, run: RunRecord, symbol: str) -> list[str]:
        evaluation = self.runner.services.runs.evaluation(run.run_id) or {}
        failed = [
            r
            for r in self.runner.services.evidence.find(run.run_id, kind="check")
            if isinstance(r.outputs, dict) and not r.outputs.get("passed", True)
        ]
        reasons = []
        for removed in evaluation.get("removed", []):
            trade = removed["trade"]
            if trade["symbol"] == symbol and trade["side"] == "sell":
                seq = _first_seq(failed, removed["why"])
                reasons.append(
                    f"the {removed['check']} check removed its sale: {removed['why']}{seq}"
                )
        return reasons

    def _screen_reasons(
        self, tools: PortfolioTools, account: str, symbol: str, run: RunRecord | None
    ) -> list[str]:
        screen = tools.harvest_screen(account)
        candidates = [c for c in screen.candidates if c.symbol == symbol]
        skipped = [s for s in screen.skipped if s.symbol == symbol]
        reasons = [
            f"in {account}, lot {s.lot_id} ({s.reason.replace('_', ' ')}): {s.detail}"
            for s in skipped
        ]
        if candidates:
            loss = sum(c.loss for c in candidates)
            reasons.append(
                f"in {account}, {len(candidates)} lots are harvest candidates "
                f"(${loss:,.2f} of losses) but the optimizer kept them"
                + self._binding(run, account)
            )
        if not candidates and not skipped:
            reasons.append(
                f"in {account} its lots are at a gain: selling would realize "
                "gains, not harvest losses"
            )
        return reasons

    def _binding(self, run: RunRecord | None, account: str) -> str:
        if run is None:
            return ""
        for record in self.runner.services.evidence.find(
            run.run_id, kind="tool_call", node="evaluate"
        ):
            outputs = record.outputs if isinstance(record.outputs, dict) else {}
            if _account_of(outputs) == account:
                binding = outputs.get("details", {}).get("binding", [])
                if binding:
                    return (
                        ", within binding limits: "
                        + "; ".join(b.get("detail", b.get("name", "")) for b in binding)
                        + f" [#{record.seq}]"
                    )
        return ""

    def what_if(self, household: str, exclude: list[str]) -> ChatReply:
        if not exclude:
            return ChatReply("Exclude what? Name a sector, an industry or a symbol.")
        tools = PortfolioTools(self.data_dir, household, self.as_of)
        today = tools.tracking_error()
        lines = [f"TE today for {household}: {today['te']:.2%} (budget {today['budget']:.2%})."]
        results = []
        for account in [
            a.account_id for a in tools.snapshot.data.accounts_of(household) if a.managed
        ]:
            result = tools.run_optimizer(account, exclude)
            results.append(result)
            if "error" in result:
                lines.append(f"{account}: the optimizer found no trade list ({result['error']}).")
                continue
            note = (
                f" ({', '.join(result['already_excluded'])} already excluded)"
                if result["already_excluded"]
                else ""
            )
            lines.append(
                f"{account}: excluding {', '.join(result['excluded'])}{note}, the optimizer "
                f"reaches TE {result['te_after']:.2%} (from {result['te_before']:.2%}) with "
                f"{result['trades']} trades and ${result['realized_gain']:,.2f} of net "
                "realized gains."
            )
        return ChatReply("\n".join(lines), data={"today": today, "accounts": results})


def _first_seq(records: list[EvidenceRecord], why: str) -> str:
    """`` [#seq]`` of the first failed check record giving ``why`` for a trade."""
    for record in records:
        failing = record.outputs.get("failing_trades", {})
        if why in failing.values():
            return f" [#{record.seq}]"
    return ""


def _account_of(outputs: dict[str, Any]) -> str:
    """The account of an optimizer record (from its trades: the record keeps no inputs)."""
    trades = outputs.get("trades") or []
    return str(trades[0]["account_id"]) if trades else ""


def _impact(run: RunRecord) -> str:
    return str((run.proposal or {}).get("impact", "?"))


def _run_summary(run: RunRecord) -> str:
    proposal = run.proposal
    if proposal is None:
        return f"Run {run.run_id} is {run.status}."
    metrics = proposal["metrics"]
    effect, amount = tax_effect(metrics["est_tax_savings"])
    text = (
        f"Run {run.run_id}: {proposal['status']} ({proposal['impact']} impact), "
        f"{len(proposal['trades'])} trades. TE {metrics['te_before']:.2%} -> "
        f"{metrics['te_after']:.2%} (budget {metrics['te_budget']:.2%}); harvested losses "
        f"${metrics['harvested_losses']:,.2f}; {effect} {amount}."
    )
    if proposal.get("rationale"):
        text += "\n" + proposal["rationale"]
    if proposal["status"] == "pending_approval":
        text += f"\nTo approve: approve run {run.run_id}"
    return text
