"""ChatSession end to end on the small data directory: reviews, questions, approvals."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from agent.chat.answers import ChatReply
from agent.chat.repl import run_repl
from agent.chat.session import ChatSession
from agent.cli.main import app
from agent.llm.client import LLMClient
from agent.llm.settings import LLMSettings
from agent.review.runner import ReviewRunner
from evals.llm.fakes import ScriptedChatModel, call
from tests.agent.datadir import SECTORS, TAXABLE

ENERGY = set(SECTORS["Energy"])


def test_a_harvest_review_without_energy_trades_no_energy(data_dir: Path) -> None:
    with ChatSession(data_dir, user="alex") as chat:
        reply = chat.send("run a harvest review for hh-a without touching energy")
    assert reply.run_id == "hh-a-20261120-1"
    assert reply.data is not None
    traded = {trade["symbol"] for trade in reply.data["trades"]}
    assert traded and not traded & ENERGY
    assert {trade["reason"] for trade in reply.data["trades"]} <= {"harvest", "replacement"}
    records = ReviewRunner(data_dir).services.evidence.records(reply.run_id)
    plan = next(r for r in records if r.kind == "planner_decision").outputs
    assert [step["action"] for step in plan["steps"]] == ["harvest"]
    assert "To approve: approve run hh-a-20261120-1" in reply.text


def test_why_a_symbol_was_not_sold_cites_the_screen_and_the_evidence(data_dir: Path) -> None:
    with ChatSession(data_dir, user="alex") as chat:
        chat.send("run a harvest review for hh-a without touching energy")
        energy = chat.send("why wasn't EAA sold?")  # the household of the conversation
        small = chat.send("why wasn't HCC sold?")
        gain = chat.send("why wasn't TDD sold?")
        unheld = chat.send("why wasn't EAA sold for hh-b?")
    assert "EAA was not sold in run hh-a-20261120-1" in energy.text
    assert "harvest candidates" in energy.text and "[#" in energy.text
    assert "lot row-8 (below threshold)" in small.text
    assert "at a gain" in gain.text
    assert unheld.text == "EAA is not held in any managed account of hh-b."


def test_what_if_an_exclusion_runs_the_optimizer(data_dir: Path) -> None:
    with ChatSession(data_dir) as chat:
        reply = chat.send("what would TE be if we exclude health care for hh-a?")
        unknown = chat.send("what would TE be if we exclude tobacco?")
    assert reply.data is not None
    result = reply.data["accounts"][0]
    assert result["excluded"] == ["sector Health Care"]
    assert result["te_after"] > 0 and result["trades"] > 0
    assert f"{TAXABLE}: excluding sector Health Care" in reply.text
    assert "'tobacco' is not a symbol, sector or industry" in unknown.text


def test_approval_asks_who_survives_a_restart_and_keeps_four_eyes(data_dir: Path) -> None:
    with ChatSession(data_dir, user="alex", conversation_id="c-1") as chat:
        chat.send("review hh-a")
        assert "hh-a-20261120-1" in chat.send("show pending approvals").text
        question = chat.send("approve it")
        assert question.question == "Who approves run hh-a-20261120-1?"
        assert chat.waiting
    with ChatSession(data_dir, user="alex", conversation_id="c-1") as chat:  # a new process
        refused = chat.send("alex")
        assert refused.text.startswith("Not approved: high-impact proposal requested by alex")
        chat.send("approve it")
        done = chat.send("Dana")
        assert not chat.waiting
        assert chat.send("show pending approvals").text == "No run is waiting for approval."
    assert done.text == "Run hh-a-20261120-1 approved by Dana: now executed."
    records = ReviewRunner(data_dir).services.evidence.records("hh-a-20261120-1")
    approvals = [r.outputs for r in records if r.kind == "approval"]
    assert approvals[0] == {
        "refused": "high-impact proposal requested by alex needs a second person to approve it"
    }
    assert any(r.kind == "execution" for r in records)


def test_without_an_llm_the_chat_says_how_to_enable_free_text(data_dir: Path) -> None:
    with ChatSession(data_dir) as chat:
        reply = chat.send("could you have a look at my clients?")
    assert reply.text.startswith("I did not understand that.")
    assert "OPENAI_API_KEY" in reply.text and "LOTWISE_MODEL" in reply.text


def test_with_an_llm_free_text_is_read_into_an_intent(data_dir: Path) -> None:
    model = ScriptedChatModel(
        [
            call("record_intent", {"kind": "pending"}),
            RuntimeError("model crashed"),
        ]
    )
    with ChatSession(data_dir, client=LLMClient(model, LLMSettings(max_retries=0))) as chat:
        pending = chat.send("anything I need to sign off on?")
        fallback = chat.send("show pending approvals")
    assert pending.text == "No run is waiting for approval."
    assert '<data name="request">"anything I need to sign off on?"</data>' in model.prompt_text()
    assert fallback.text.startswith("(the model could not read the request")
    assert fallback.text.endswith("No run is waiting for approval.")


def test_the_chat_command_converses_over_stdin(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(
        app,
        ["chat", "--data", str(data_dir), "--user", "alex"],
        input="review hh-a\nwhy wasn't HCC sold?\nquit\n",
    )
    assert result.exit_code == 0, result.output
    assert "command grammar" in result.output
    assert "Run hh-a-20261120-1: pending_approval" in result.output
    assert "HCC was not sold in run hh-a-20261120-1" in result.output


def test_the_repl_prints_evidence_citations_literally() -> None:
    class Stub:
        free_text = True
        waiting = False
        conversation_id = "c-9"

        def send(self, text: str) -> ChatReply:
            return ChatReply(f"{text}: see [#12] and [bold]")

    console = Console(record=True, width=100)
    lines = iter(["why", "quit"])
    assert run_repl(Stub(), console, read=lambda _: next(lines)) == 1  # type: ignore[arg-type]
    assert "why: see [#12] and [bold]" in console.export_text()


def test_the_chat_command_refuses_a_missing_data_directory(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["chat", "--data", str(tmp_path / "missing")], input="")
    assert result.exit_code == 2
    assert "no such data directory" in result.stderr
    assert result.stdout == ""


def test_a_rejection_needs_a_reason_then_asks_who(data_dir: Path) -> None:
    with ChatSession(data_dir, user="alex") as chat:
        chat.send("review hh-a")
        assert chat.send("reject it").text.startswith("A rejection needs a reason")
        assert (
            chat.send("reject it because turnover is too high").question
            == "Who rejects run hh-a-20261120-1?"
        )
        done = chat.send("Dana")
    assert done.text == "Run hh-a-20261120-1 rejected by Dana: turnover is too high"
    assert ReviewRunner(data_dir).services.runs.get("hh-a-20261120-1").status == "rejected"


def test_a_review_that_fails_is_answered_in_one_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: object, request: object) -> object:
        raise RuntimeError("solver crashed")

    monkeypatch.setattr("agent.review.optimize.ToolsOptimizer.optimize", broken)
    with ChatSession(data_dir, user="alex") as chat:
        reply = chat.send("run a harvest review for hh-a")

    assert reply.text == (
        "That did not complete: run hh-a-20261120-1 failed: RuntimeError: solver crashed"
    )
    (run,) = ReviewRunner(data_dir).services.runs.list()
    assert run.status == "failed"
