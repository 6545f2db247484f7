"""A household's tilt bands in policy.yaml reach the review's optimizer."""

from __future__ import annotations

from pathlib import Path

from agent.review.positions import account_holdings, holdings_after
from agent.review.runner import ReviewRunner
from agent.review.snapshot import load_snapshot
from tests.agent.datadir import SECTORS, TAXABLE, write_data_dir

BAND = {"sector": "Energy", "active_weight": -0.03, "tolerance": 0.01}
ROUNDING = 0.001  # whole shares and the checks' own tolerance


def _energy_active_weight(root: Path) -> tuple[float, float]:
    """Energy's weight in the taxable account less its benchmark weight, before and after
    the trades hh-a's review proposes there."""
    run = ReviewRunner(root).review("hh-a", requested_by="alice")
    assert run.proposal is not None
    snapshot = load_snapshot(root)
    prices = snapshot.data.prices_on()
    benchmark = snapshot.data.benchmark_weights()
    energy = list(SECTORS["Energy"])
    target = float(benchmark.reindex(energy).fillna(0.0).sum() / benchmark.sum())
    before = account_holdings(snapshot, TAXABLE)
    after = holdings_after(
        before,
        prices,
        (
            (t["symbol"], t["quantity"] * (1 if t["side"] == "buy" else -1), 0.0)
            for t in run.proposal["trades"]
            if t["account_id"] == TAXABLE
        ),
    )
    return tuple(  # type: ignore[return-value]
        float(h.values.reindex(energy).fillna(0.0).sum()) / before.total - target
        for h in (before, after)
    )


def test_the_review_moves_the_sector_into_the_households_band(tmp_path: Path) -> None:
    plain_before, plain_after = _energy_active_weight(write_data_dir(tmp_path / "plain"))
    root = write_data_dir(
        tmp_path / "banded", policy={"households": {"hh-a": {"tilts": {"sectors": [BAND]}}}}
    )
    before, after = _energy_active_weight(root)

    assert before == plain_before
    assert abs(plain_after - BAND["active_weight"]) > BAND["tolerance"]  # the band must bind
    assert abs(after - BAND["active_weight"]) <= BAND["tolerance"] + ROUNDING
