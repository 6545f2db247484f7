"""Why a security was, or was not, traded in a review run, from that run's evidence alone.

Every finding cites the evidence record (seq) it comes from: the restrictions and pending
purchases perceive saw, the optimizer's harvest candidates and skipped harvests (wash-sale
window, threshold, restriction) and the constraints that bound, the checks that blocked or
removed a trade, the proposal, the approver's dropped trades and the orders executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from agent.evidence.records import EvidenceRecord
from tools.models import Security

# perceive lists restrictions as "kind target_type target (scope scope_id)"
_RESTRICTION = re.compile(r"^(?P<kind>\S+) (?P<type>\S+) (?P<target>.+) \((?P<scope>\S+) \S+\)$")
SKIP_REASONS = {
    # IRC §1091(a): a loss sale with replacement shares bought 30 days before or after is
    # disallowed, so the optimizer does not harvest it.
    "wash_sale_window": "wash-sale window (IRC §1091(a)): replacement shares within 30 days",
    "below_threshold": "loss below the policy's harvest threshold",
    "restriction": "a restriction forbids the sale",
}


@dataclass(frozen=True)
class Finding:
    seq: int
    topic: str  # restriction, pending, candidate, skipped, optimizer, check, proposal, ...
    text: str


@dataclass(frozen=True)
class Explanation:
    run_id: str
    symbol: str
    name: str
    sector: str
    verdict: str  # traded | traded, partly dropped | dropped by the approver | not traded
    summary: str
    findings: list[Finding] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "symbol": self.symbol,
            "name": self.name,
            "sector": self.sector,
            "verdict": self.verdict,
            "summary": self.summary,
            "findings": [{"seq": f.seq, "topic": f.topic, "text": f.text} for f in self.findings],
        }


def explain(
    run_id: str, records: list[EvidenceRecord], symbol: str, security: Security | None
) -> Explanation:
    """What the run's records say about ``symbol``, in record order, and the verdict."""
    numbers = _trade_numbers(records, symbol)
    findings = [
        Finding(record.seq, topic, text)
        for record in records
        for topic, text in _read(record, symbol, security, numbers)
    ]
    proposed = [f for f in findings if f.topic == "proposal"]
    dropped = [f for f in findings if f.topic == "dropped"]
    if proposed and len(dropped) < len(proposed):
        verdict = "traded, partly dropped" if dropped else "traded"
    elif proposed:
        verdict = "dropped by the approver"
    else:
        verdict = "not traded"
    return Explanation(
        run_id=run_id,
        symbol=symbol,
        name=security.name if security else "",
        sector=security.sector if security else "",
        verdict=verdict,
        summary=_summary(verdict, findings),
        findings=findings,
    )


def _summary(verdict: str, findings: list[Finding]) -> str:
    if verdict != "not traded":
        return verdict
    topics = [f for f in findings if f.topic in ("restriction", "skipped", "blocked", "removed")]
    if topics:
        reasons = dict.fromkeys(
            f.text.split(": ")[0] if f.topic == "skipped" else f.text for f in topics
        )
        return "not traded: " + "; ".join(list(reasons)[:3])
    if any(f.topic == "candidate" for f in findings):
        return "not traded: a harvest candidate the optimizer did not sell"
    return "not traded: the optimizer proposed no trade in it"


def _trade_numbers(records: list[EvidenceRecord], symbol: str) -> set[int]:
    """The proposal's trade numbers (1-based, as approvers drop them) in ``symbol``."""
    for record in reversed(records):
        if record.kind == "proposal" and isinstance(record.outputs, dict):
            trades = record.outputs.get("trades", [])
            return {n for n, trade in enumerate(trades, 1) if trade.get("symbol") == symbol}
    return set()


def _read(
    record: EvidenceRecord, symbol: str, security: Security | None, numbers: set[int]
) -> Iterator[tuple[str, str]]:
    outputs = record.outputs if isinstance(record.outputs, dict) else {}
    if record.node == "perceive" and record.kind == "tool_call":
        yield from _perceived(outputs, symbol, security)
    elif record.node == "evaluate" and record.kind == "tool_call":
        yield from _optimized(outputs, symbol)
    elif record.kind == "error":
        if _mentions(str(outputs.get("message", "")), symbol):
            yield "error", str(outputs.get("message"))
    elif record.kind == "check":
        yield from _checked(record.node, outputs, symbol)
    elif record.kind == "proposal":
        for number, trade in enumerate(outputs.get("trades", []), 1):
            if trade.get("symbol") == symbol:
                yield "proposal", f"trade {number}: {_trade_text(trade)}"
    elif record.kind == "approval":
        for number in outputs.get("dropped_trades") or []:
            if number in numbers:
                yield "dropped", f"trade {number} dropped by {outputs.get('by')}"
    elif record.kind == "execution":
        yield from _executed(outputs, symbol)


def _perceived(
    observation: dict[str, Any], symbol: str, security: Security | None
) -> Iterator[tuple[str, str]]:
    for text in observation.get("restrictions", []):
        if security is not None and _restriction_matches(str(text), security):
            yield "restriction", f"restriction in force: {text}"
    for account in observation.get("accounts", []):
        if symbol in account.get("excluded_holdings", []):
            yield "restriction", f"{account.get('account_id')} holds it although it is excluded"
        if symbol in account.get("concentrated", []):
            yield "concentrated", f"a concentrated position in {account.get('account_id')}"
    for text in observation.get("pending", []):
        if _mentions(str(text), symbol):
            # IRC §1091(a): a purchase within 30 days after a loss sale washes that loss.
            yield "pending", f"scheduled purchase (counts for the wash-sale rule): {text}"


def _restriction_matches(text: str, security: Security) -> bool:
    parsed = _RESTRICTION.match(text)
    if parsed is None:
        return False
    target_type, target = parsed["type"], parsed["target"]
    if target_type == "symbol":
        return security.symbol == target
    if target_type == "sector":
        return security.sector == target
    if target_type == "industry":
        return security.industry == target
    try:
        return security.esg_score is not None and security.esg_score < float(target)
    except ValueError:
        return False


def _optimized(outputs: dict[str, Any], symbol: str) -> Iterator[tuple[str, str]]:
    details = outputs.get("details", {})
    trades = [t for t in outputs.get("trades", []) if t.get("symbol") == symbol]
    account = trades[0].get("account_id") if trades else None
    for candidate in details.get("harvest_candidates", []):
        if candidate.get("symbol") == symbol:
            state = "harvested" if candidate.get("harvested") else "not harvested"
            yield (
                "candidate",
                f"harvest candidate lot {candidate.get('lot_id')}: loss "
                f"{_money(candidate.get('loss'))} ({candidate.get('term')} term), {state}",
            )
    skipped = [s for s in details.get("skipped", []) if s.get("symbol") == symbol]
    by_reason: dict[str, list[dict[str, Any]]] = {}
    for item in skipped:
        by_reason.setdefault(str(item.get("reason")), []).append(item)
    for reason, items in by_reason.items():
        loss = sum(float(item.get("loss", 0.0)) for item in items)
        yield (
            "skipped",
            f"harvest skipped, {SKIP_REASONS.get(reason, reason)}: {len(items)} lot(s), loss "
            f"{_money(loss)} ({items[0].get('detail')})",
        )
    for binding in details.get("binding", []):
        if _mentions(str(binding.get("detail", "")), symbol):
            yield (
                "blocked" if "blocked" in str(binding.get("name")) else "optimizer",
                (f"binding constraint {binding.get('name')} lists it"),
            )
    for trade in trades:
        yield "optimizer", f"optimizer ({account}): {_trade_text(trade)}"


def _checked(node: str, outputs: dict[str, Any], symbol: str) -> Iterator[tuple[str, str]]:
    numbers = outputs.get("numbers", {})
    if isinstance(numbers, dict) and symbol in numbers.get("blocked_symbols", []):
        yield "blocked", f"{node} wash-sale check: buying it is blocked (a recent loss sale)"
    for number, why in outputs.get("failing_trades", {}).items():
        if _mentions(str(why), symbol):
            yield "removed", f"{node} check failed trade {number}: {why}"


def _executed(outputs: dict[str, Any], symbol: str) -> Iterator[tuple[str, str]]:
    if outputs.get("executed") is False:
        yield "execution", f"execution refused: {outputs.get('reason')}"
        return
    for order in outputs.get("orders", []):
        if order.get("symbol") == symbol:
            yield (
                "execution",
                f"order {order.get('order_id')}: {order.get('side')} {order.get('quantity'):g} "
                f"at {_money(order.get('price'))} in {order.get('account_id')}",
            )


def _trade_text(trade: dict[str, Any]) -> str:
    lots = ", ".join(str(lot.get("lot_id")) for lot in trade.get("lots", []))
    return (
        f"{trade.get('side')} {float(trade.get('quantity', 0.0)):g} in {trade.get('account_id')} "
        f"at {_money(trade.get('est_price'))} ({trade.get('reason')})"
        + (f", lots {lots}" if lots else "")
    )


def _mentions(text: str, symbol: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(symbol)}(?![\w-])", text) is not None


def _money(value: Any) -> str:
    try:
        return f"${float(value):,.2f}"
    except (TypeError, ValueError):
        return str(value)
