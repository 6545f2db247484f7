from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli.main import app
from tests.importers.household import write_household


@pytest.fixture
def household(tmp_path: Path) -> Path:
    return write_household(tmp_path / "data")


class Run:
    """Invoke ``lotwise`` in-process: (exit code, stdout, stderr)."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str | Path) -> tuple[int, str, str]:
        result = self.runner.invoke(app, [str(arg) for arg in args])
        return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def lotwise() -> Run:
    return Run()
