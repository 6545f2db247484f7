"""Fixtures of the review tests: a small data directory and runners with a scripted optimizer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agent.paths import STATE_ENV
from agent.review.proposal import ProposedTrade
from agent.review.runner import ReviewRunner
from tests.agent.datadir import TAXABLE, write_data_dir
from tests.agent.scripted import ScriptedOptimizer, harvest_trades

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _state_beside_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test keeps its state in its own data directory's ``.lotwise``."""
    monkeypatch.delenv(STATE_ENV, raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_data_dir(tmp_path / "data")


@pytest.fixture
def make_runner(data_dir: Path) -> Callable[..., ReviewRunner]:
    """A runner whose optimizer proposes ``trades`` (default: the harvest of hh-a-tax)."""

    def make(trades: dict[str, list[ProposedTrade]] | None = None) -> ReviewRunner:
        script = trades if trades is not None else {TAXABLE: harvest_trades(data_dir)}
        return ReviewRunner(data_dir, optimizer=ScriptedOptimizer(script))

    return make


@dataclass(frozen=True)
class PendingReview:
    """hh-a reviewed by alice (the harvest of hh-a-tax), waiting for approval."""

    data_dir: Path
    run_id: str

    def copy_to(self, destination: Path) -> Path:
        """The data directory with its state, to act on without touching the shared one."""
        return shutil.copytree(self.data_dir, destination)


@pytest.fixture(scope="session")
def pending_review(tmp_path_factory: pytest.TempPathFactory) -> PendingReview:
    """One pending review shared by the tests that approve it in their own copy."""
    data_dir = write_data_dir(tmp_path_factory.mktemp("pending") / "data")
    runner = ReviewRunner(
        data_dir, optimizer=ScriptedOptimizer({TAXABLE: harvest_trades(data_dir)})
    )
    run = runner.review("hh-a", requested_by="alice")
    assert run.status == "pending_approval"
    return PendingReview(data_dir, run.run_id)


def run_cli(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``lotwise`` in a new process (a person acting later, elsewhere)."""
    return run_python("-m", "agent.cli.main", *args, **kwargs)


def run_python(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop(STATE_ENV, None)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=120,
        check=False,
        **kwargs,
    )
