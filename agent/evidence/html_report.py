"""The compliance report of one run: a single self-contained HTML file (inline CSS and PNGs).

Sections: summary, metrics, charts (TE before and after, harvested losses by sector, the
household's wash-sale calendar), trades with their reasons and lots, each check with its
evidence (seq and figures), approval records, orders executed, chain verification, and an index of
every record. Every string from the data or the records is HTML-escaped: security names,
comments and reasons may contain markup.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from agent.evidence.records import EvidenceRecord
from agent.evidence.report_facts import RunFacts, gather_facts, signed_in
from agent.evidence.report_plots import losses_by_sector_chart, te_chart, wash_calendar_chart
from agent.evidence.timeline import display_time, summarize
from agent.evidence.verify import VerificationResult
from tools.risk.atomic import write_atomically

SHORT_HASH = 16
CSS = """
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2933;
       margin: 0 auto; max-width: 1200px; padding: 24px; background: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px;
     border-bottom: 2px solid #2f6f9f; padding-bottom: 4px; }
.sub { color: #52606d; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid #d9e2ec; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .hash { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px;
              word-break: break-all; }
.pass { color: #1e7d32; font-weight: 600; } .fail { color: #b71c1c; font-weight: 600; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 10px; font-weight: 600;
         background: #e3f2fd; color: #0d47a1; }
.badge.high { background: #fdecea; color: #b71c1c; } .badge.low { background: #e8f5e9;
         color: #1b5e20; }
dl.summary { display: grid; grid-template-columns: 180px 1fr; gap: 4px 16px; margin: 0; }
dl.summary dt { color: #52606d; } dl.summary dd { margin: 0; }
.chart { margin: 8px 0 16px; } .chart img { max-width: 100%; border: 1px solid #d9e2ec; }
.note { color: #8d2f00; } pre.rationale { white-space: pre-wrap; background: #f8fafc;
        padding: 8px; border: 1px solid #d9e2ec; }
.numbers { font-size: 12px; color: #334e68; }
td.lots { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11px;
          white-space: nowrap; }
"""


def write_html_report(
    data_dir: Path, evidence_file: Path, run_id: str, destination: Path
) -> VerificationResult:
    """Write the run's report to ``destination`` (atomically) and return its verification."""
    facts = gather_facts(data_dir, evidence_file, run_id)
    write_atomically(destination, render_report(facts).encode("utf-8"))
    return facts.verification


def render_report(facts: RunFacts) -> str:
    sections = [
        _summary(facts),
        _metrics(facts.proposal.get("metrics", {})),
        _charts(facts),
        _trades(facts),
        _checks(facts),
        _approvals(facts),
        _orders(facts),
        _verification(facts.verification),
        _index(facts.records),
    ]
    title = f"Compliance report: run {facts.run_id}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1>"
        f'<div class="sub">generated from the run\'s evidence log: {len(facts.records)} '
        f'records, chain head <span class="hash">{_e(facts.records[-1].hash)}</span></div>'
        + "".join(sections)
        + "</body></html>\n"
    )


def _summary(facts: RunFacts) -> str:
    proposal = facts.proposal
    impact = str(proposal.get("impact", "?"))
    reasons = proposal.get("impact_reasons") or ["none"]
    rows = [
        ("run", _e(facts.run_id)),
        ("household", _e(proposal.get("household_id", "?"))),
        ("as of", _e(proposal.get("as_of", "?"))),
        (
            "status",
            f'<span class="badge">{_e(facts.final_status)}</span> (proposed as '
            f"{_e(proposal.get('status', '?'))})",
        ),
        ("impact", f'<span class="badge {_e(impact)}">{_e(impact)}</span>'),
        ("impact reasons", "<br>".join(_e(r) for r in reasons)),
        ("status reason", _e(proposal.get("status_reason", "")) or "-"),
        ("requested by", _e(facts.requested_by)),
        ("policy version", f'<span class="hash">{_e(proposal.get("policy_version"))}</span>'),
        ("proposal hash", f'<span class="hash">{_e(facts.proposal_hash)}</span>'),
    ]
    body = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    rationale = proposal.get("rationale")
    text = f'<h3>Rationale</h3><pre class="rationale">{_e(rationale)}</pre>' if rationale else ""
    return f'<h2>Summary</h2><dl class="summary">{body}</dl>{text}'


def _metrics(metrics: dict[str, Any]) -> str:
    if not metrics:
        return "<h2>Metrics</h2><p>No proposal was recorded.</p>"
    fractions = ("te_before", "te_after", "te_budget", "turnover")
    cells = [
        (name, _percent(value) if name in fractions else _money(value))
        for name, value in metrics.items()
    ]
    return "<h2>Metrics</h2>" + _table(
        [name for name, _ in cells], [[f'<td class="num">{v}</td>' for _, v in cells]]
    )


def _trades(facts: RunFacts) -> str:
    trades = facts.proposal.get("trades", [])
    dropped = facts.dropped_trades
    rows = []
    for number, trade in enumerate(trades, 1):
        lots = "<br>".join(
            f"{_e(lot['lot_id'])}: {lot['quantity']:g}" for lot in trade.get("lots", [])
        )
        value = trade["quantity"] * trade["est_price"]
        rows.append(
            [
                _td(number, numeric=True),
                _td(trade["account_id"]),
                _td(trade["side"]),
                _td(trade["symbol"]),
                _td(facts.name_of(trade["symbol"])),
                _td(facts.sector_of(trade["symbol"])),
                _td(f"{trade['quantity']:g}", numeric=True),
                _td(_money(trade["est_price"]), numeric=True),
                _td(_money(value), numeric=True),
                _td(trade["reason"]),
                f'<td class="lots">{lots or "-"}</td>',
                _td("dropped by the approver" if number in dropped else ""),
            ]
        )
    header = [
        "#",
        "account",
        "side",
        "symbol",
        "name",
        "sector",
        "quantity",
        "est. price",
        "value",
        "reason",
        "lots relieved",
        "approval",
    ]
    if not rows:
        return "<h2>Trades</h2><p>The run proposed no trades.</p>"
    return f"<h2>Trades ({len(rows)})</h2>" + _table(header, rows)


def _checks(facts: RunFacts) -> str:
    cited = {c.get("evidence_seq"): c for c in facts.proposal.get("checks", [])}
    rows = []
    for record in facts.of_kind("check"):
        outputs = record.outputs if isinstance(record.outputs, dict) else {}
        name = outputs.get("check") or (cited.get(record.seq) or {}).get("name", "?")
        passed = bool(outputs.get("passed"))
        failing = outputs.get("failing_trades") or {}
        failing_text = "<br>".join(f"trade {_e(k)}: {_e(v)}" for k, v in failing.items())
        rows.append(
            [
                f'<td id="seq-{record.seq}" class="num">{record.seq}</td>',
                _td(record.node),
                _td(name),
                f'<td class="{"pass" if passed else "fail"}">{"pass" if passed else "FAIL"}</td>',
                _td(outputs.get("detail", "")),
                f'<td class="numbers">{_numbers(outputs.get("numbers"))}</td>',
                f"<td>{failing_text or '-'}</td>",
                _td("cited by the proposal" if record.seq in cited else ""),
            ]
        )
    header = ["seq", "stage", "check", "result", "detail", "figures", "failing trades", "proposal"]
    return f"<h2>Checks ({len(rows)})</h2>" + _table(header, rows)


def _charts(facts: RunFacts) -> str:
    parts = ["<h2>Charts</h2>"]
    accounts = facts.accounts_te()
    if accounts:
        parts.append(_image("Tracking error before and after, per account", te_chart(accounts)))
    parts.append(
        _image(
            "Harvested losses by sector", losses_by_sector_chart(facts.harvested_losses_by_sector())
        )
    )
    calendar = facts.calendar
    if calendar is None:
        parts.append(
            f'<p class="note">Wash-sale calendar unavailable: {_e(facts.calendar_note)}</p>'
        )
    else:
        hidden = f" ({calendar.hidden} more securities not shown)" if calendar.hidden else ""
        parts.append(
            _image(
                f"Wash-sale calendar of the household, {calendar.start} to {calendar.end}{hidden}",
                wash_calendar_chart(calendar),
            )
        )
    return "".join(parts)


def _approvals(facts: RunFacts) -> str:
    rows = []
    for record in facts.of_kind("approval"):
        outputs = record.outputs if isinstance(record.outputs, dict) else {}
        seen = outputs.get("proposal_hash")
        matches = "-" if seen is None else ("yes" if seen == facts.proposal_hash else "NO")
        decision = outputs.get("status") or (
            f"refused: {outputs['refused']}" if "refused" in outputs else "?"
        )
        rows.append(
            [
                f'<td id="seq-{record.seq}" class="num">{record.seq}</td>',
                _td(" ".join(display_time(record.timestamp))),
                _td(signed_in(outputs.get("by"), outputs.get("identity"))),
                _td(decision),
                _td(outputs.get("comment", "")),
                _td(", ".join(str(n) for n in outputs.get("dropped_trades", [])) or "-"),
                f'<td class="hash">{_e(seen or "-")}</td>',
                _td(matches),
            ]
        )
    if not rows:
        return "<h2>Approval</h2><p>No decision has been recorded.</p>"
    header = [
        "seq",
        "when (UTC)",
        "who",
        "decision",
        "comment",
        "dropped trades",
        "hash of the proposal they saw",
        "matches the proposal",
    ]
    return "<h2>Approval</h2>" + _table(header, rows)


def _orders(facts: RunFacts) -> str:
    executions = facts.of_kind("execution")
    if not executions:
        return "<h2>Orders executed</h2><p>Nothing was executed.</p>"
    record = executions[-1]
    outputs = record.outputs if isinstance(record.outputs, dict) else {}
    if not outputs.get("executed"):
        return (
            f'<h2>Orders executed</h2><p class="fail">Execution refused (seq {record.seq}): '
            f"{_e(outputs.get('reason', ''))}</p>"
        )
    rows = [
        [
            _td(o["order_id"]),
            _td(o["date"]),
            _td(o["account_id"]),
            _td(o["side"]),
            _td(o["symbol"]),
            _td(f"{o['quantity']:g}", numeric=True),
            _td(_money(o["price"]), numeric=True),
            _td(o["reason"]),
            _td(", ".join(f"{lot['lot_id']}: {lot['quantity']:g}" for lot in o["lots"])),
        ]
        for o in outputs.get("orders", [])
    ]
    mode = "paper fills written to the ledger" if outputs.get("paper") else "orders only"
    intro = (
        f"<p>seq {record.seq}, {_e(' '.join(display_time(record.timestamp)))} UTC: "
        f"{len(rows)} orders ({_e(mode)}); files {_e(', '.join(outputs.get('files', [])))}"
        "</p>"
    )
    header = ["order", "date", "account", "side", "symbol", "quantity", "price", "reason", "lots"]
    return "<h2>Orders executed</h2>" + intro + _table(header, rows)


def _verification(result: VerificationResult) -> str:
    verdict = (
        '<span class="pass">intact</span>' if result.ok else '<span class="fail">FAILED</span>'
    )
    anchor = (
        "-"
        if result.anchor is None
        else (
            f'<span class="hash">{_e(result.anchor)}</span> '
            f"({'found in the chain' if result.anchor_found else 'NOT found'})"
        )
    )
    rows = [
        ("verdict", verdict),
        ("records checked", str(result.records)),
        ("chain head", f'<span class="hash">{_e(result.head)}</span>'),
        ("proposal's head hash (anchor)", anchor),
        (
            "append-only guards",
            "intact" if result.guards_intact else '<span class="fail">missing or altered</span>',
        ),
    ]
    rows += [("break", _e(b.describe())) for b in result.breaks]
    body = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return (
        '<h2>Verification</h2><dl class="summary">' + body + "</dl><p>Each record's hash "
        "is SHA-256 over the previous record's hash and the RFC 8785 JSON of the record; "
        "<code>lotwise evidence verify</code> recomputes it.</p>"
    )


def _index(records: Sequence[EvidenceRecord]) -> str:
    rows = [
        [
            _td(r.seq, numeric=True),
            _td(" ".join(display_time(r.timestamp))),
            _td(r.node),
            _td(r.kind),
            _td(summarize(r)),
            f'<td class="hash">{_e(r.hash[:SHORT_HASH])}</td>',
        ]
        for r in records
    ]
    return "<h2>Evidence records</h2>" + _table(
        ["seq", "time (UTC)", "node", "kind", "summary", "hash"], rows
    )


def _image(caption: str, png: str) -> str:
    return (
        f'<figure class="chart"><figcaption>{_e(caption)}</figcaption>'
        f'<img alt="{_e(caption)}" src="data:image/png;base64,{png}"></figure>'
    )


def _table(header: Iterable[str], rows: Iterable[list[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _td(value: Any, numeric: bool = False) -> str:
    return f'<td class="num">{_e(value)}</td>' if numeric else f"<td>{_e(value)}</td>"


def _numbers(value: Any) -> str:
    """A check's figures, flattened to ``path: value`` lines."""
    if not value:
        return "-"
    lines = [f"{_e(path)}: {_e(_figure(item))}" for path, item in _flatten(value, "")]
    return "<br>".join(lines)


def _flatten(value: Any, prefix: str) -> Iterable[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, value


def _figure(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value if isinstance(value, str) else json.dumps(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.6g}" if abs(value) < 1 else f"{value:,.2f}"


def _money(value: Any) -> str:
    if not isinstance(value, int | float):
        return str(value)
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def _percent(value: Any) -> str:
    return f"{float(value):.2%}" if isinstance(value, int | float) else str(value)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)
