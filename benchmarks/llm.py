"""LLM orchestration benchmark: what the LLM planner, narrator and chat add to a review.

    python -m benchmarks.llm [--repeats 3]

On the Rivera household of the synthetic data (seed 7): the p50 of a full review with the
rule planner, and with the LLM planner and narrator talking to the deterministic recording
server over HTTP (``ChatOpenAI``, localhost: the figure is lotwise's own overhead, not a
provider's latency); then the chat's answer times (command grammar, no model) for the
advisor requests of the issue, and the grammar's parsing rate.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from agent.chat.intents import parse_command
from agent.chat.session import ChatSession
from agent.llm.client import LLMClient, chat_model
from agent.llm.review import review_runner
from agent.llm.settings import LLMSettings
from agent.review.snapshot import load_snapshot
from evals.llm.recording_server import MODEL, serving
from evals.llm.requests import CASES
from tools.synthetic import generate_data_dir

HOUSEHOLD = "rivera"


def time_reviews(data_dir: Path, root: Path, client: LLMClient | None, repeats: int) -> float:
    seconds = []
    for repeat in range(repeats):
        runner = review_runner(data_dir, client, state_dir=root / f"{id(client)}-{repeat}")
        started = time.perf_counter()
        runner.review(HOUSEHOLD, requested_by="benchmark")
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        data_dir = root / "data"
        generate_data_dir(data_dir, seed=7)
        load_snapshot(data_dir).risk_model  # noqa: B018 - warm the shared caches first
        rules = time_reviews(data_dir, root, None, repeats)
        with serving() as url:
            settings = LLMSettings(api_key=SecretStr("local"), base_url=url, model=MODEL)
            llm = time_reviews(data_dir, root, LLMClient(chat_model(settings), settings), repeats)
        print(f"review p50, rule planner:                  {rules:6.2f} s")
        print(f"review p50, LLM planner + narrator (local): {llm:6.2f} s (+{llm - rules:.2f} s)")
        with ChatSession(data_dir, state_dir=root / "chat", user="benchmark") as chat:
            for text in (
                "run a harvest review for the Riveras without touching energy",
                "why wasn't QUI sold?",
                "what would TE be if we exclude energy?",
                "show pending approvals",
            ):
                started = time.perf_counter()
                chat.send(text)
                print(f"chat {text!r:<66} {time.perf_counter() - started:6.2f} s")
    households, symbols = ["rivera"], ["QUI", "FLEB"]
    started = time.perf_counter()
    rounds = 200
    for _ in range(rounds):
        for case in CASES:
            parse_command(case.text, households, symbols)
    rate = rounds * len(CASES) / (time.perf_counter() - started)
    print(f"command grammar: {rate:,.0f} requests/s")


if __name__ == "__main__":
    main()
