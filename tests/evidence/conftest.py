"""Shared fixtures: a store on a deterministic clock, runs filled with varied records, and a
way to tamper with the SQLite file the way an attacker with file access would."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from agent.cli import evidence_cmd
from agent.evidence import EvidenceRecord, EvidenceStore, LLMCall
from agent.evidence.schema import GUARDS

START = dt.datetime(2025, 1, 2, 14, 30, tzinfo=dt.UTC)
CODE_VERSION = "0.1.0+gtest"
POLICY_VERSION = "f" * 64
NODES_AND_KINDS = (
    ("perceive", "input_snapshot"),
    ("reason", "planner_decision"),
    ("evaluate", "tool_call"),
    ("evaluate", "check"),
    ("propose", "proposal"),
)


class StepClock:
    """START, START + 1 s, START + 2 s, ... (the evidence clock under test)."""

    def __init__(self, start: dt.datetime = START, step: dt.timedelta = dt.timedelta(seconds=1)):
        self.now = start
        self.step = step

    def __call__(self) -> dt.datetime:
        current = self.now
        self.now += self.step
        return current


@pytest.fixture(autouse=True)
def _default_state_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the data directory's own ``.lotwise`` even if the caller's shell moved it."""
    monkeypatch.delenv("LOTWISE_STATE_DIR", raising=False)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / ".lotwise" / "evidence.sqlite"


@pytest.fixture
def store(store_path: Path) -> Iterator[EvidenceStore]:
    with EvidenceStore(store_path, clock=StepClock(), code_version=CODE_VERSION) as opened:
        yield opened


def fill_run(store: EvidenceStore, run_id: str, count: int) -> list[EvidenceRecord]:
    """``count`` records cycling through the review nodes, with numbers, text and nesting."""
    records = []
    for index in range(count):
        node, kind = NODES_AND_KINDS[index % len(NODES_AND_KINDS)]
        records.append(
            store.append(
                run_id,
                node,
                kind,
                inputs={"run": run_id, "step": index, "symbols": ["AAPL", "MSFT"]},
                outputs={
                    "step": index,
                    "amount": 1234.5 + index,
                    "passed": index % 2 == 0,
                    "detail": f"check {index} of {run_id}",
                    "lots": [{"lot_id": f"L{index}"}],
                },
                policy_version=POLICY_VERSION,
                checkpoint_id=f"checkpoint-{index}",
                llm=LLMCall(model="test-model", prompt=f"step {index}", response="ok")
                if kind == "planner_decision"
                else None,
            )
        )
    return records


def tamper(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Drop the append-only guards, as an attacker with the file would, and run SQL."""
    conn = sqlite3.connect(path)
    try:
        for name in GUARDS:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql, args in statements:
            conn.execute(sql, args)
        conn.commit()
    finally:
        conn.close()


def stored_body(path: Path, run_id: str, seq: int) -> str:
    conn = sqlite3.connect(path)
    try:
        (body,) = conn.execute(
            "SELECT body FROM evidence WHERE run_id = ? AND seq = ?", (run_id, seq)
        ).fetchone()
    finally:
        conn.close()
    return str(body)


def run_cli(*args: str) -> tuple[int, str, str]:
    """``lotwise evidence ARGS``: exit code, stdout and stderr."""
    app = typer.Typer()
    evidence_cmd.register(app)

    @app.callback()
    def main() -> None:
        """Stands in for the lotwise root command."""

    result = CliRunner().invoke(app, ["evidence", *args])
    return result.exit_code, result.stdout, result.stderr


def mentions(text: str, phrase: str) -> bool:
    """``phrase`` occurs in ``text``, ignoring whitespace (rich wraps stderr at 80 columns
    off a terminal, breaking lines inside long paths or at spaces)."""
    return "".join(phrase.split()) in "".join(text.split())
