"""Harvest screening: thresholds net of costs, wash-sale and restriction skips, ranking."""

from __future__ import annotations

import pytest

from tests.optimizer.instances import (
    LONG_RATE,
    SHORT_RATE,
    LotSpec,
    make_input,
    with_tax,
    with_trading,
)
from tools.optimizer.inputs import HarvestTerms, OptimizationInput
from tools.optimizer.screening import screen_harvest


def three_losses(**overrides: object) -> OptimizationInput:
    """S0: a $2,000 long-term loss; S1: a $1,000 short-term loss; S2: a $100 loss; one gain."""
    lots = [
        LotSpec(0, 100, 120.0),
        LotSpec(1, 100, 60.0, long_term=False),
        LotSpec(2, 100, 41.0),
        LotSpec(2, 50, 20.0),
    ]
    options: dict[str, object] = {
        "prices": [100.0, 50.0, 40.0],
        "benchmark": [0.4, 0.3, 0.3],
        "lots": lots,
        "cash": 1_000.0,
        "harvest": HarvestTerms(min_loss_usd=250.0, min_loss_pct=0.05),
    }
    options.update(overrides)
    return make_input(**options)  # type: ignore[arg-type]


def test_candidates_are_ranked_by_tax_value_and_small_losses_are_skipped() -> None:
    screen = screen_harvest(three_losses())
    assert [c.lot_id for c in screen.candidates] == ["L0", "L1"]
    long, short = screen.candidates
    cost = 2 * 2.5e-4 * 5_000.0
    assert short.tax_value == pytest.approx(SHORT_RATE * 1_000.0 - cost)
    assert long.tax_value == pytest.approx(LONG_RATE * 2_000.0 - 2 * 2.5e-4 * 10_000.0)
    assert short.term == "short" and long.term == "long"
    (skipped,) = screen.skipped
    assert (skipped.lot_id, skipped.reason) == ("L2", "below_threshold")
    assert "does not exceed" in skipped.detail


def test_thresholds_apply_to_the_loss_net_of_round_trip_costs() -> None:
    # S1's loss is $1,000; its round trip costs $2.50 in spread, plus two commissions.
    inp = three_losses(harvest=HarvestTerms(min_loss_usd=980.0, min_loss_pct=0.05))
    assert "L1" in {c.lot_id for c in screen_harvest(inp).candidates}
    costly = with_trading(inp, commission_per_trade=10.0)
    assert "L1" not in {c.lot_id for c in screen_harvest(costly).candidates}


def test_a_washed_lot_is_skipped_unless_the_policy_charges_it() -> None:
    lots = [
        LotSpec(0, 100, 120.0, disallowed=1_000.0),
        LotSpec(1, 100, 60.0, long_term=False),
        LotSpec(2, 100, 41.0),
        LotSpec(2, 50, 20.0),
    ]
    inp = three_losses(lots=lots)
    skipped = {s.lot_id: s for s in screen_harvest(inp).skipped}
    assert skipped["L0"].reason == "wash_sale_window"
    assert "1,000.00" in skipped["L0"].detail
    charged = screen_harvest(with_tax(inp, allow_charged_wash=True))
    candidate = next(c for c in charged.candidates if c.lot_id == "L0")
    assert candidate.disallowed == pytest.approx(1_000.0)
    assert candidate.tax_value == pytest.approx(LONG_RATE * 1_000.0 - 2 * 2.5e-4 * 10_000.0)


def test_a_no_sell_restriction_skips_the_lot_first() -> None:
    screen = screen_harvest(three_losses(no_sell=[0]))
    reasons = {s.lot_id: s.reason for s in screen.skipped}
    assert reasons["L0"] == "restriction"
    assert [c.lot_id for c in screen.candidates] == ["L1"]


def test_no_candidate_without_tax_value() -> None:
    screen = screen_harvest(with_tax(three_losses(), short_rate=0.0, long_rate=0.0))
    assert screen.candidates == ()
    assert {s.reason for s in screen.skipped} == {"below_threshold"}
