"""The model's tools: deterministic answers, and errors it can read instead of crashes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from agent.evidence.store import EvidenceStore
from agent.llm.tools import PortfolioTools
from agent.review.runner import ReviewRunner
from tests.agent.datadir import TAXABLE, write_data_dir
from tests.llm.conftest import sold_taa_recently


def _tools(data_dir: Path, evidence: EvidenceStore | None = None) -> dict[str, object]:
    return {
        tool.name: tool for tool in PortfolioTools(data_dir, "hh-a", evidence=evidence).as_tools()
    }


def test_the_wash_sale_tool_sees_the_block_on_identical_shares(data_dir: Path) -> None:
    sold_on = sold_taa_recently(data_dir)
    tools = PortfolioTools(data_dir, "hh-a")
    for symbol in ("TAA", "TAB"):  # share classes of one company: substantially identical
        answer = tools.wash_sale_check(symbol=symbol)
        assert answer["buy_blocked_until"] == (sold_on + dt.timedelta(days=30)).isoformat()
        assert answer["blocking_loss"] > 0
    trades = tools.wash_sale_check(
        trades=[{"account_id": TAXABLE, "symbol": "TAB", "side": "buy", "quantity": 10}]
    )
    assert trades["trades_disallowed_total"] > 0


def test_tools_answer_bad_arguments_with_an_error_text(tmp_path: Path) -> None:
    data_dir = write_data_dir(tmp_path / "data")
    tools = _tools(data_dir)
    assert (
        "not an account of hh-a"
        in tools["harvest_candidates"].invoke({"account_id": "hh-b-tax"})["error"]
    )
    assert "held away" in tools["run_optimizer"].invoke({"account_id": "hh-a-ira"})["error"]
    assert "unknown symbol" in tools["wash_sale_check"].invoke({"symbol": "ZZZ"})["error"]
    assert (
        "not a symbol, sector or industry"
        in tools["run_optimizer"].invoke({"account_id": TAXABLE, "exclude": ["tobacco"]})["error"]
    )


def test_transition_and_evidence_tools(data_dir: Path) -> None:
    runner = ReviewRunner(data_dir)
    run = runner.review("hh-a", requested_by="alex")
    tools = _tools(data_dir, runner.services.evidence)
    schedule = tools["transition_schedule"].invoke(
        {"account_id": TAXABLE, "symbol": "EDD", "target_weight": 0.05}
    )
    assert schedule["symbol"] == "EDD" and schedule["weight_before"] > schedule["target_weight"]
    assert schedule["years"] and schedule["years"][0]["shares_sold"] > 0
    listing = tools["evidence_lookup"].invoke({"run_id": run.run_id, "kind": "proposal"})
    assert [r["kind"] for r in listing["records"]] == ["proposal"]
    seq = listing["records"][0]["seq"]
    record = tools["evidence_lookup"].invoke({"run_id": run.run_id, "seq": seq})
    assert record["node"] == "propose" and run.run_id in record["outputs"]
    summary = tools["ledger_summary"].invoke({"account_id": TAXABLE})
    assert summary["accounts"][0]["open_lots"] == 15
