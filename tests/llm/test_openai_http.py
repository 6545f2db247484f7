"""The OpenAI HTTP path (langchain-openai's ``ChatOpenAI``), replayed from cassettes.

CI replays ``tests/cassettes/llm`` (``--record-mode=none``): no network. To record again,
``pytest tests/llm -m vcr --record-mode=rewrite`` uses the provider of ``OPENAI_API_KEY`` (and
``OPENAI_BASE_URL``) when set, else starts ``evals/llm/recording_server.py`` locally.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from pydantic import SecretStr

from agent.chat.session import ChatSession
from agent.llm.client import LLMClient, chat_model
from agent.llm.review import review_runner
from agent.llm.settings import LLMSettings
from evals.llm.recording_server import MODEL, serving
from tests.agent.datadir import AS_OF, TAXABLE
from tests.llm.conftest import CASSETTES, SECRET_HEADERS

PLAYBACK_URL = "http://127.0.0.1:8765/v1"  # never contacted: responses come from cassettes


@pytest.fixture
def http_client(request: pytest.FixtureRequest) -> Iterator[LLMClient]:
    mode = request.config.getoption("--record-mode") or "none"
    if mode == "none":
        settings = LLMSettings(
            api_key=SecretStr("playback"), base_url=PLAYBACK_URL, model=MODEL, max_retries=0
        )
        yield LLMClient(chat_model(settings), settings)
    elif os.environ.get("OPENAI_API_KEY"):
        settings = LLMSettings.from_env()
        yield LLMClient(chat_model(settings), settings)
    else:
        with serving() as url:
            settings = LLMSettings(
                api_key=SecretStr("local"), base_url=url, model=MODEL, max_retries=0
            )
            yield LLMClient(chat_model(settings), settings)


@pytest.mark.vcr
def test_a_review_plans_and_narrates_over_http(data_dir: Path, http_client: LLMClient) -> None:
    runner = review_runner(data_dir, http_client)
    run = runner.review("hh-a", requested_by="alex")
    records = runner.services.evidence.records(run.run_id)
    decision = next(r for r in records if r.kind == "planner_decision")
    assert decision.outputs["planner"] == "llm"
    assert not [r for r in records if r.kind == "error"]
    exchanges = [r for r in records if r.kind == "llm_call" and r.llm is not None]
    assert len(exchanges) >= 2
    first_prompt = str(exchanges[0].llm.prompt if exchanges[0].llm else "")
    assert f"as of {AS_OF.isoformat()}" in first_prompt
    assert any(r.kind == "tool_call" and r.node == "reason" for r in records)
    narrated = next(r for r in records if r.node == "propose" and r.kind == "llm_call")
    assert run.proposal is not None
    if narrated.outputs["accepted"]:
        assert "[#" in run.proposal["rationale"]
    else:
        assert run.proposal["rationale"].startswith("Planned:")
    assert {s["account_id"] for s in decision.outputs["steps"]} <= {TAXABLE}


@pytest.mark.vcr
def test_the_chat_reads_free_text_over_http(data_dir: Path, http_client: LLMClient) -> None:
    with ChatSession(data_dir, client=http_client) as session:
        intent = session.intent_of("Run a harvest review for hh-a without touching energy")
    assert intent.kind == "review"
    assert intent.household_id == "hh-a"
    assert [name.lower() for name in intent.avoid] == ["energy"]


def test_cassettes_hold_no_secret_and_a_fixed_as_of_date() -> None:
    cassettes = sorted(CASSETTES.glob("*.yaml"))
    assert len(cassettes) == 2
    for path in cassettes:
        text = path.read_text(encoding="utf-8")
        assert "sk-" not in text and "Bearer" not in text
        for interaction in yaml.safe_load(text)["interactions"]:
            headers = {name.lower() for name in interaction["request"]["headers"]}
            headers |= {name.lower() for name in interaction["response"]["headers"]}
            assert not headers & set(SECRET_HEADERS)
            assert (
                AS_OF.isoformat() in interaction["request"]["body"]
                or "record_intent" in interaction["request"]["body"]
            )
