"""``lotwise evidence why``: traded, wash-blocked, excluded and approver-dropped securities."""

from __future__ import annotations

import json

from agent.evidence import EvidenceStore
from agent.evidence.why import explain
from tests.evidence.conftest import ReviewedRun, mentions, run_cli
from tools.loading.securities import load_securities
from tools.models import Security

RUN = "hh-1-20250102-1"


def _why(reviewed: ReviewedRun, symbol: str) -> dict:
    code, out, _ = run_cli(
        "why", reviewed.run_id, symbol, "--data", str(reviewed.data_dir), "--format", "json"
    )
    assert code == 0
    return json.loads(out)


def _seq(reviewed: ReviewedRun, node: str, kind: str) -> set[int]:
    return {r.seq for r in reviewed.records if r.node == node and r.kind == kind}


def test_a_traded_symbol_cites_proposal_and_order(reviewed: ReviewedRun) -> None:
    trade = reviewed.proposal["trades"][0]
    document = _why(reviewed, trade["symbol"])
    assert document["verdict"] == "traded"
    cited = {(f["topic"], f["seq"]) for f in document["findings"]}
    proposal_seq = reviewed.of_kind("proposal")[-1].seq
    execution_seq = reviewed.of_kind("execution")[-1].seq
    assert ("proposal", proposal_seq) in cited and ("execution", execution_seq) in cited
    assert any(
        f["topic"] == "optimizer" and f["seq"] in _seq(reviewed, "evaluate", "tool_call")
        for f in document["findings"]
    )


def test_a_wash_blocked_symbol_names_the_window(reviewed: ReviewedRun) -> None:
    traded = {t["symbol"] for t in reviewed.proposal["trades"]}
    optimized = [r for r in reviewed.records if r.node == "evaluate" and r.kind == "tool_call"]
    blocked = sorted(
        {
            s["symbol"]
            for r in optimized
            for s in r.outputs["details"]["skipped"]
            if s["reason"] == "wash_sale_window"
        }
        - traded
    )
    assert blocked, "the sample household holds losses inside a wash-sale window"
    document = _why(reviewed, blocked[0])
    assert document["verdict"] == "not traded"
    assert "wash-sale window (IRC §1091(a))" in document["summary"]
    skipped = [f for f in document["findings"] if f["topic"] == "skipped"]
    assert skipped and {f["seq"] for f in skipped} <= {r.seq for r in optimized}


def test_an_excluded_symbol_names_the_restriction(reviewed: ReviewedRun) -> None:
    securities = load_securities(reviewed.data_dir / "securities.csv")
    excluded = sorted(s for s, security in securities.items() if security.industry == "Tobacco")
    assert excluded
    document = _why(reviewed, excluded[0])
    assert document["verdict"] == "not traded"
    assert (
        "restriction in force: exclude industry Tobacco (household rivera)" in (document["summary"])
    )
    perceive_seq = _seq(reviewed, "perceive", "tool_call")
    assert any(
        f["topic"] == "restriction" and f["seq"] in perceive_seq for f in document["findings"]
    )


def test_table_output_and_unknown_symbol(reviewed: ReviewedRun) -> None:
    symbol = reviewed.proposal["trades"][0]["symbol"]
    code, out, _ = run_cli("why", reviewed.run_id, symbol, "--data", str(reviewed.data_dir))
    assert code == 0
    assert out.startswith(f"{symbol} (") and f"in run {reviewed.run_id}: traded" in out
    code, out, err = run_cli("why", reviewed.run_id, "NOSUCH", "--data", str(reviewed.data_dir))
    assert code == 2 and out == ""
    assert mentions(err, "securities.csv, column symbol: unknown symbol 'NOSUCH'")


def test_a_trade_dropped_by_the_approver(store: EvidenceStore) -> None:
    trade = {
        "account_id": "a1",
        "symbol": "XYZ",
        "side": "sell",
        "quantity": 3.0,
        "est_price": 10.0,
        "reason": "harvest",
        "lots": [{"lot_id": "L1", "quantity": 3.0}],
    }
    other = {**trade, "symbol": "ABC", "lots": []}
    store.append(RUN, "propose", "proposal", {}, {"trades": [other, trade]})
    store.append(
        RUN, "approval", "approval", {}, {"status": "approved", "by": "ben", "dropped_trades": [2]}
    )
    security = Security(symbol="XYZ", name="X <b>Y</b> Z", sector="Energy", industry="Oil")
    records = store.records(RUN)
    dropped = explain(RUN, records, "XYZ", security)
    assert dropped.verdict == "dropped by the approver"
    assert [(f.seq, f.topic) for f in dropped.findings] == [(1, "proposal"), (2, "dropped")]
    assert dropped.findings[1].text == "trade 2 dropped by ben"
    kept = explain(RUN, records, "ABC", None)
    assert kept.verdict == "traded" and [f.topic for f in kept.findings] == ["proposal"]
