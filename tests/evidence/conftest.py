"""Shared fixtures: a store on a deterministic clock, runs filled with varied records, a way
to tamper with the SQLite file the way an attacker with file access would, and one real,
executed review run of the sample household."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from agent.cli import evidence_cmd
from agent.evidence import EvidenceRecord, EvidenceStore, LLMCall
from agent.evidence.schema import GUARDS
from agent.review.runner import ReviewRunner
from tools.synthetic import generate_data_dir

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


MARKUP = "<script>alert(1)</script>"


@dataclass(frozen=True)
class ReviewedRun:
    """A real review of the sample household, approved and executed (paper fills)."""

    data_dir: Path
    run_id: str
    records: list[EvidenceRecord]

    @property
    def evidence_file(self) -> Path:
        return self.data_dir / ".lotwise" / "evidence.sqlite"

    def of_kind(self, kind: str) -> list[EvidenceRecord]:
        return [record for record in self.records if record.kind == kind]

    @property
    def proposal(self) -> dict[str, Any]:
        return self.of_kind("proposal")[-1].outputs

    def copy_to(self, destination: Path) -> Path:
        """The data directory with its state, to change without touching the shared run."""
        shutil.copytree(self.data_dir, destination)
        return destination


@pytest.fixture(scope="session")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> ReviewedRun:
    """``generate_data_dir(seed=7)``, every security name carrying markup (the report must
    escape it), reviewed for "rivera" by ana and approved by ben. Shared by the evidence tests
    that read real runs: a review takes seconds."""
    data_dir = tmp_path_factory.mktemp("reviewed") / "data"
    generate_data_dir(data_dir, seed=7)
    securities = data_dir / "securities.csv"
    with securities.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    with securities.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "name": f"{row['name']} {MARKUP}"} for row in rows)
    runner = ReviewRunner(data_dir, state_dir=data_dir / ".lotwise")
    run = runner.review("rivera", requested_by="ana")
    runner.approve(run.run_id, by="ben", comment="checked <b>all</b> trades")
    with EvidenceStore(data_dir / ".lotwise" / "evidence.sqlite") as store:
        records = store.records(run.run_id)
    return ReviewedRun(data_dir=data_dir, run_id=run.run_id, records=records)
