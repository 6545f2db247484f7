"""ChatSession end to end on the small data directory: reviews, questions, approvals."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from agent.chat.answers import ChatReply
from agent.chat.repl import run_repl
from agent.chat.session import ChatSession
from agent.cli.main import app
from agent.llm.client import LLMClient
from agent.llm.settings import LLMSettings
from agent.review.runner import ReviewRunner
from evals.llm.fakes import ScriptedChatModel, call
from tests.agent.datadir import SECTORS, TAXABLE
from tests.identity.people import cheap_scrypt, people_of, signed_in

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


def test_approval_is_confirmed_survives_a_restart_and_keeps_four_eyes(data_dir: Path) -> None:
    with ChatSession(data_dir, user="alex", conversation_id="c-1") as chat:
        chat.send("review hh-a")
        assert "hh-a-20261120-1" in chat.send("show pending approvals").text
        question = chat.send("approve it")
        assert question.question == "Approve run hh-a-20261120-1 as alex? (yes/no)"
        assert chat.waiting
    with ChatSession(data_dir, user="alex", conversation_id="c-1") as chat:  # a new process
        refused = chat.send("yes")
        assert refused.text.startswith("Not approved: high-impact proposal requested by alex")
    with ChatSession(data_dir, user="Dana", conversation_id="c-2") as chat:
        assert chat.send("approve run hh-a-20261120-1").question is not None
        assert chat.send("no").text == "Not approved: not confirmed."
        chat.send("approve run hh-a-20261120-1")
        done = chat.send("y")
        assert not chat.waiting
        assert chat.send("show pending approvals").text == "No run is waiting for approval."
    assert done.text == "Run hh-a-20261120-1 approved by dana: now executed."
    records = ReviewRunner(data_dir).services.evidence.records("hh-a-20261120-1")
    approvals = [r.outputs for r in records if r.kind == "approval"]
    assert approvals[0]["refused"] == (
        "high-impact proposal requested by alex needs a second person to approve it"
    )
    assert approvals[0]["identity"]["typed"] == "alex"
    assert approvals[1]["identity"] == {
        "name": "dana",
        "typed": "Dana",
        "method": "caller",
        "roles": ["admin", "advisor", "approver", "compliance"],
    }
    assert any(r.kind == "execution" for r in records)


@pytest.mark.parametrize(
    "text",
    [
        "approve it as ben",
        "approve run hh-a-20261120-1 as Ben",
        "please approve hh-a-20261120-1, I'm ben",
        "approve it as \u0430na",  # a Cyrillic look-alike of ana is not ana
    ],
)
def test_the_chat_never_approves_as_someone_else(data_dir: Path, text: str) -> None:
    with ChatSession(data_dir, user="ana") as chat:
        chat.send("review hh-a")
        reply = chat.send(text)
        assert not chat.waiting  # refused before any question
        assert chat.send("show pending approvals").text.startswith("Waiting for approval:")
    assert reply.text.startswith("Not approved: this conversation acts only for ana.")
    assert "must approve in their own session" in reply.text
    records = ReviewRunner(data_dir).services.evidence.records("hh-a-20261120-1")
    assert not [r for r in records if r.kind == "approval"]


def test_the_chat_approves_as_its_own_user_when_named(data_dir: Path) -> None:
    with ChatSession(data_dir, user="ana") as chat:
        chat.send("review hh-a")
    with ChatSession(data_dir, user="ben") as chat:
        assert chat.send("approve run hh-a-20261120-1 as BEN").question == (
            "Approve run hh-a-20261120-1 as ben? (yes/no)"
        )
        assert chat.send("yes").text == "Run hh-a-20261120-1 approved by ben: now executed."


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
        ["chat", "--data", str(data_dir)],  # as the operating-system user (no users.yaml)
        input="review hh-a\nwhy wasn't HCC sold?\nquit\n",
    )
    assert result.exit_code == 0, result.output
    assert "command grammar" in result.output
    assert "Run hh-a-20261120-1: pending_approval" in result.output
    assert "HCC was not sold in run hh-a-20261120-1" in result.output


def test_the_chat_command_acts_only_as_the_signed_in_user(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap_scrypt(monkeypatch)
    tokens = people_of(data_dir)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)

    def chat(user: str, env: dict[str, str], text: str = "quit\n") -> Result:
        return CliRunner().invoke(
            app, ["chat", "--data", str(data_dir), "--user", user], input=text, env=env
        )

    impostor = chat("ben", signed_in(tokens, "ana"))
    wrong_token = chat("ben", signed_in(tokens, "ben", token_of="ana"))
    nobody = chat("ana", {"LOTWISE_USER": "", "LOTWISE_TOKEN": ""})
    ana = chat("ana", signed_in(tokens, "ana"), "review hh-a\napprove it as ben\nquit\n")

    assert impostor.exit_code == 1 and impostor.stdout == ""
    assert "--user 'ben' is not who is authenticated: you are 'ana'" in impostor.stderr
    assert wrong_token.exit_code == 1 and "authentication failed for 'ben'" in wrong_token.stderr
    assert nobody.exit_code == 1 and "set LOTWISE_USER" in nobody.stderr
    assert ana.exit_code == 0, ana.output
    assert "Not approved: this conversation acts only for ana." in ana.stdout
    run = ReviewRunner(data_dir).services.runs.get("hh-a-20261120-1")
    assert run is not None and run.status == "pending_approval"
    assert run.requester is not None and run.requester["method"] == "token"


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
            == "Reject run hh-a-20261120-1 because turnover is too high as alex? (yes/no)"
        )
        done = chat.send("yes")
    assert done.text == "Run hh-a-20261120-1 rejected by alex: turnover is too high"
    assert ReviewRunner(data_dir).services.runs.get("hh-a-20261120-1").status == "rejected"
