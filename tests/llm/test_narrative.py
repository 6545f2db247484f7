"""The narrator: accepted only with the proposal's own figures and real citations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import BaseMessage

from agent.llm.narrative import check_numbers
from agent.llm.review import review_runner
from agent.review.proposal import EvidenceRef, Proposal, ProposalMetrics, ProposedTrade
from evals.llm.fakes import submit
from tests.agent.datadir import TAXABLE

STEPS = [
    {"action": "harvest", "account_id": TAXABLE, "why": "losses"},
    {"action": "transition", "account_id": TAXABLE, "why": "concentrated"},
]


def _proposal(te_before: float = 0.0123, harvested: float = 58952.38) -> Proposal:
    return Proposal(
        run_id="hh-a-20261120-1",
        household_id="hh-a",
        as_of="2026-11-20",
        policy_version="p",
        status="pending_approval",
        impact="high",
        impact_reasons=[],
        trades=[
            ProposedTrade(
                account_id=TAXABLE,
                symbol="EAA",
                side="sell",
                quantity=910.28,
                est_price=31.5,
                reason="harvest",
            )
        ],
        metrics=ProposalMetrics(
            te_before=te_before,
            te_after=0.0299,
            te_budget=0.03,
            realized_short=-harvested,
            realized_long=0.0,
            harvested_losses=harvested,
            disallowed_loss=0.0,
            est_tax_savings=27000.19,
            turnover=0.1403,
        ),
        checks=[],
        evidence=EvidenceRef(run_id="hh-a-20261120-1", head_hash=None),
    )


@pytest.mark.parametrize(
    "text",
    [
        "Selling 910.28 EAA at $31.50 harvests $58,952.38 of losses [#12].",
        "It realizes a short-term loss of -$58,952 and saves about $27,000.19 in tax [#3].",
        "TE goes from 1.23% to 2.99% within a 3.00% budget; turnover 14.03% [#12].",
        "One trade in hh-a-tax on 2026-11-20 for run hh-a-20261120-1 [#3].",
        "No rebuy within 30 days, as IRC §1091(a) and Treas. Reg. §1.1091-1(h) require [#3].",
    ],
)
def test_texts_with_only_proposal_figures_are_accepted(text: str) -> None:
    check = check_numbers(text, _proposal(), record_seqs=range(1, 20))
    assert check.accepted, check


@pytest.mark.parametrize(
    "text, unsupported",
    [
        ("This saves $31,000 in tax [#3].", ["$31,000"]),
        ("TE goes from 1.5% to 2.99% [#3].", ["1.5%"]),
        ("It harvests $58,952.38 of losses, 12 lots in all [#3].", ["12"]),
    ],
)
def test_an_invented_number_is_rejected(text: str, unsupported: list[str]) -> None:
    check = check_numbers(text, _proposal(), record_seqs=range(1, 20))
    assert not check.accepted
    assert check.unsupported == unsupported


def test_citations_must_exist_and_be_present() -> None:
    assert check_numbers("Harvests losses [#99].", _proposal(), range(1, 20)).unknown_citations == [
        99
    ]
    assert not check_numbers("Harvests losses.", _proposal(), range(1, 20)).accepted


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False).filter(lambda v: abs(v) > 1))
def test_a_figure_of_the_proposal_is_accepted_in_dollars_and_cents(harvested: float) -> None:
    text = f"It harvests ${abs(harvested):,.2f} of losses [#1]."
    assert check_numbers(text, _proposal(harvested=harvested), [1]).accepted


def _narration(template: str) -> Callable[[list[BaseMessage]], str]:
    """A narrator answer built from the proposal the model was shown."""

    def write(messages: list[BaseMessage]) -> str:
        shown = str(messages[-1].content)
        assert '<data name="proposal">' in shown and '<data name="evidence">' in shown
        return template

    return write


def _run(data_dir: Path, make_client: Callable[..., Any], *narration: Any) -> tuple[Any, Any]:
    client, _ = make_client([submit(STEPS), *narration])
    runner = review_runner(data_dir, client)
    run = runner.review("hh-a", requested_by="alex")
    return run, runner.services.evidence.records(run.run_id)


def test_a_narrative_with_an_invented_number_is_replaced_by_the_template(
    data_dir: Path, make_client: Callable[..., Any]
) -> None:
    run, records = _run(
        data_dir, make_client, _narration("These trades save $123,456.78 in tax [#1].")
    )
    narrated = [r for r in records if r.node == "propose" and r.kind == "llm_call"]
    assert narrated[0].outputs["accepted"] is False
    assert narrated[0].outputs["unsupported_numbers"] == ["$123,456.78"]
    assert narrated[0].llm is not None
    assert run.proposal["rationale"].startswith("Planned: harvest in hh-a-tax")
    assert "123,456.78" not in run.proposal["rationale"]


def test_an_accepted_narrative_becomes_the_rationale_and_the_chain_stays_linked(
    data_dir: Path, make_client: Callable[..., Any]
) -> None:
    text = "The plan harvests losses in hh-a-tax; every check passed [#2]."
    run, records = _run(data_dir, make_client, _narration(text))
    assert run.proposal["rationale"] == text
    narrated = next(r for r in records if r.node == "propose" and r.kind == "llm_call")
    assert narrated.outputs == {"accepted": True, "cited": [2]}
    proposal_record = next(r for r in records if r.kind == "proposal")
    assert proposal_record.seq == narrated.seq + 1
    assert run.proposal["evidence"]["head_hash"] == narrated.hash == proposal_record.prev_hash


def test_an_unavailable_narrator_leaves_the_template_and_records_why(
    data_dir: Path, make_client: Callable[..., Any]
) -> None:
    run, records = _run(data_dir, make_client, *[TimeoutError("read timed out")] * 3)
    failure = next(r for r in records if r.node == "propose" and r.kind == "error")
    assert failure.outputs["narrative"] == "templated"
    assert failure.outputs["reason"] == (
        "the model endpoint did not answer after 3 attempts (TimeoutError: read timed out)"
    )
    assert run.proposal["rationale"].startswith("Planned: harvest in hh-a-tax")


def test_the_narrator_shares_the_review_budget_with_the_planner(
    data_dir: Path, make_client: Callable[..., Any]
) -> None:
    costly_plan = submit(STEPS).model_copy(
        update={"usage_metadata": {"input_tokens": 900, "output_tokens": 200, "total_tokens": 1100}}
    )
    client, model = make_client([costly_plan, "never asked [#1]."], token_budget=1000)
    runner = review_runner(data_dir, client)
    run = runner.review("hh-a", requested_by="alex")
    records = runner.services.evidence.records(run.run_id)
    failure = next(r for r in records if r.node == "propose" and r.kind == "error")
    assert failure.outputs["reason"] == "token budget spent: 1100 of 1000 tokens"
    assert len(model.prompts) == 1
    assert run.proposal["rationale"].startswith("Planned:")
