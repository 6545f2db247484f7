"""Fixtures of the LLM tests: small data directories, scripted models, recorded HTTP."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from agent.llm.client import LLMClient
from agent.llm.settings import LLMSettings
from evals.llm.fakes import Reply, ScriptedChatModel
from tests.agent.datadir import TAXABLE, append_transaction, write_data_dir

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "llm"
SECRET_HEADERS = [
    "authorization",
    "api-key",
    "x-api-key",
    "openai-organization",
    "openai-project",
    "cookie",
    "set-cookie",
]
SUMMER_TAA_LOT = "row-15"  # the summer purchase of TAA (see tests/agent/datadir.py)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_data_dir(tmp_path / "data")


@pytest.fixture
def make_client() -> Callable[..., tuple[LLMClient, ScriptedChatModel]]:
    """A client over a scripted model; no sleeping between retries."""

    def make(script: list[Reply], **settings: Any) -> tuple[LLMClient, ScriptedChatModel]:
        model = ScriptedChatModel(script)
        return LLMClient(model, LLMSettings(**settings), sleep=lambda _: None), model

    return make


def sold_taa_recently(root: Path, days_ago: int = 5) -> dt.date:
    """Sell the summer TAA lot at a loss ``days_ago`` business days before the as-of date."""
    prices = pd.read_csv(root / "prices.csv")
    dates = sorted(prices["date"].unique())
    day = dates[-1 - days_ago]
    close = float(prices[(prices["date"] == day) & (prices["symbol"] == "TAA")]["close"].iloc[0])
    rows = list(csv.DictReader((root / "transactions.csv").open(encoding="utf-8")))
    quantity = rows[int(SUMMER_TAA_LOT.split("-")[1]) - 1]["quantity"]
    append_transaction(
        root,
        {
            "date": day,
            "account_id": TAXABLE,
            "action": "sell",
            "symbol": "TAA",
            "quantity": quantity,
            "price": f"{close:.2f}",
            "lot_id": SUMMER_TAA_LOT,
        },
    )
    return dt.date.fromisoformat(day)


def rename_security(root: Path, symbol: str, name: str) -> None:
    path = root / "securities.csv"
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    for row in rows:
        if row["symbol"] == symbol:
            row["name"] = name
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def vcr_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Replay only (``--record-mode=none``) unless asked otherwise on the command line; secret
    headers never reach a cassette; requests are matched in order by method and path (the
    bodies carry floats whose last digits may differ between machines)."""
    return {
        "record_mode": request.config.getoption("--record-mode") or "none",
        "filter_headers": SECRET_HEADERS,
        "before_record_request": _without_client_details,
        "before_record_response": _without_secret_headers,
        "match_on": ["method", "path"],
        "decode_compressed_response": True,
    }


@pytest.fixture
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


def _without_client_details(request: Any) -> Any:
    """Drop headers describing this machine (OS, architecture, runtime versions)."""
    for name in list(request.headers):
        if name.lower().startswith("x-stainless") or name.lower() == "user-agent":
            del request.headers[name]
    return request


def _without_secret_headers(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]
    return response
