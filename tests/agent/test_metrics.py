"""Proposal metrics: realized figures come from taxable sales only."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.review.metrics import realized_by_term
from agent.review.proposal import LotRelief, ProposedTrade
from agent.review.rationale import tax_effect
from agent.review.snapshot import load_snapshot
from tests.agent.datadir import IRA, close_on
from tests.agent.scripted import harvest_trades


def test_taxable_harvest_realizes_its_losses(data_dir: Path) -> None:
    snapshot = load_snapshot(data_dir)
    sells = [t for t in harvest_trades(data_dir) if t.side == "sell"]
    realized = realized_by_term(snapshot, sells, {})
    expected = sum(
        lot.cost_basis - lot.quantity * trade.est_price
        for trade in sells
        for lot in snapshot.open_lots(trade.account_id)
        if lot.lot_id in {relief.lot_id for relief in trade.lots}
    )
    assert realized.losses == pytest.approx(expected)
    assert realized.short + realized.long == pytest.approx(-expected)


def test_sales_inside_an_ira_realize_nothing(data_dir: Path) -> None:
    """IRC §408(e)(1): an IRA is exempt, so selling inside it is neither taxed nor harvested."""
    snapshot = load_snapshot(data_dir)
    (lot, *_) = snapshot.open_lots(IRA)
    price = close_on(data_dir, lot.symbol)
    sale = ProposedTrade(
        account_id=IRA,
        symbol=lot.symbol,
        side="sell",
        quantity=lot.quantity,
        est_price=price,
        reason="rebalance",
        lots=[LotRelief(lot_id=lot.lot_id, quantity=lot.quantity)],
    )
    realized = realized_by_term(snapshot, [sale], {})
    assert (realized.short, realized.long, realized.losses) == (0.0, 0.0, 0.0)


def test_a_negative_tax_saving_reads_as_a_cost() -> None:
    assert tax_effect(1234.5) == ("estimated tax savings", "$1,234.50")
    assert tax_effect(-29953.364) == ("estimated tax cost", "$29,953.36")
    assert tax_effect(0.0) == ("estimated tax savings", "$0.00")
