"""One generated data directory (default seed, the sample household plus three fleet
households) shared by the synthetic-data tests, and its independent replay."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.synthetic.replay import Replay, close_panel, read_csv, replay
from tools.synthetic import GenerationSummary, generate_data_dir

FLEET_HOUSEHOLDS = 3


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationSummary]:
    out = tmp_path_factory.mktemp("synthetic") / "data"
    return out, generate_data_dir(out, seed=7, households=FLEET_HOUSEHOLDS)


@pytest.fixture(scope="session")
def data_dir(generated: tuple[Path, GenerationSummary]) -> Path:
    return generated[0]


@pytest.fixture(scope="session")
def summary(generated: tuple[Path, GenerationSummary]) -> GenerationSummary:
    return generated[1]


@pytest.fixture(scope="session")
def closes(data_dir: Path) -> pd.DataFrame:
    return close_panel(data_dir)


@pytest.fixture(scope="session")
def prices(data_dir: Path) -> pd.DataFrame:
    """prices.csv as written (long format: date, symbol, close, adj_close)."""
    return pd.read_csv(data_dir / "prices.csv")


@pytest.fixture(scope="session")
def replayed(data_dir: Path) -> Replay:
    return replay(data_dir)


@pytest.fixture(scope="session")
def transactions(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(data_dir / "transactions.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="session")
def securities(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(
        data_dir / "securities.csv", dtype={"identical_group": str}, keep_default_na=False
    )


@pytest.fixture(scope="session")
def accounts(data_dir: Path) -> list[dict[str, str]]:
    return read_csv(data_dir / "accounts.csv")
