"""``python -m evals.llm``: intent accuracy of the chat and planner trajectories, printed.

Models: ``--model fake`` (default: lotwise's deterministic recording server over HTTP, through
``ChatOpenAI``), ``--model live`` (the endpoint of OPENAI_API_KEY / OPENAI_BASE_URL /
LOTWISE_MODEL) or ``--model none`` (the command grammar and the rule planner: the baseline).
``--cassette FILE`` records the run's HTTP traffic once and replays it afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import vcr
from pydantic import SecretStr

from agent.chat.understand import IntentReader
from agent.llm.client import LLMClient, chat_model, client_from_env
from agent.llm.settings import LLMSettings
from agent.review.snapshot import load_snapshot
from evals.llm.recording_server import MODEL, serving
from evals.llm.requests import CASES, HOUSEHOLDS, SYMBOLS
from evals.llm.scoring import intent_errors
from evals.llm.trajectories import Household, run_trajectories
from tools.synthetic import generate_data_dir


@contextlib.contextmanager
def chosen_client(kind: str) -> Iterator[LLMClient | None]:
    if kind == "none":
        yield None
    elif kind == "live":
        client = client_from_env()
        if client is None:
            sys.exit("--model live needs OPENAI_API_KEY or OPENAI_BASE_URL (and LOTWISE_MODEL)")
        yield client
    else:
        with serving() as url:
            settings = LLMSettings(
                api_key=SecretStr("local"), base_url=url, model=MODEL, max_retries=0
            )
            yield LLMClient(chat_model(settings), settings)


def score_intents(client: LLMClient | None) -> float:
    reader = IntentReader(client)
    correct = 0
    by_kind: dict[str, list[int]] = {}
    print(f"Intent reading ({'model' if client else 'command grammar'}), {len(CASES)} requests")
    for case in CASES:
        intent, note = reader.read(case.text, HOUSEHOLDS, SYMBOLS)
        errors = intent_errors(case, intent)
        correct += not errors
        by_kind.setdefault(case.kind, []).append(int(not errors))
        mark = "ok  " if not errors else "MISS"
        print(
            f"  {mark} {case.text!r}"
            + (f"  ({'; '.join(errors)})" if errors else "")
            + (f" [{note}]" if note else "")
        )
    for kind, marks in by_kind.items():
        print(f"  {kind:<16} {sum(marks)}/{len(marks)}")
    accuracy = correct / len(CASES)
    print(f"  intent accuracy: {correct}/{len(CASES)} = {accuracy:.0%}")
    return accuracy


def score_trajectories(client: LLMClient | None, data_dir: Path | None) -> float:
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        if data_dir is None:
            data_dir = root / "data"
            generate_data_dir(data_dir, seed=7)
        household = next(iter(load_snapshot(data_dir).data.households))
        outcomes = run_trajectories(Household(data_dir, household, root / "state"), client)
    print(f"Planner trajectories on {household}")
    for outcome in outcomes:
        figures = ", ".join(f"{k}={v}" for k, v in outcome.figures.items())
        print(
            f"  {'pass' if outcome.passed else 'FAIL'} {outcome.scenario:<16} "
            f"{outcome.seconds:5.1f}s  {figures}"
        )
    passed = sum(o.passed for o in outcomes) / len(outcomes)
    print(f"  scenarios passed: {sum(o.passed for o in outcomes)}/{len(outcomes)}")
    return passed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m evals.llm", description=__doc__)
    parser.add_argument("--model", choices=("fake", "live", "none"), default="fake")
    parser.add_argument("--cassette", type=Path, help="record once, then replay, this file")
    parser.add_argument("--data", type=Path, help="data directory (default: synthetic, seed 7)")
    parser.add_argument("--intents-only", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    recorder = vcr.VCR(
        record_mode="once",
        match_on=["method", "path"],
        filter_headers=["authorization", "api-key", "x-api-key", "cookie"],
    )
    replay = (
        recorder.use_cassette(str(args.cassette)) if args.cassette else contextlib.nullcontext()
    )
    with chosen_client(args.model) as client, replay:
        score_intents(client)
        if not args.intents_only:
            score_trajectories(client, args.data)
    print(f"total {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
