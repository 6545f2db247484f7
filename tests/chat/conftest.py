"""Fixtures of the chat tests: the small review data directory (two households)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.agent.datadir import write_data_dir


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_data_dir(tmp_path / "data")
