"""An optimizer stand-in that returns fixed trades, so graph tests control what is proposed.

The review must not trust its optimizer: whatever this returns still goes through the
independent checks, which is what several tests rely on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent.review.optimize import AccountRequest, AccountTrades
from agent.review.proposal import LotRelief, ProposedTrade
from agent.review.snapshot import load_snapshot
from tests.agent.datadir import FALLING, TAXABLE, close_on

REPLACEMENT = {"TAA": "TCC", "HAA": "HBB", "EAA": "EBB"}  # same sector, not identical


@dataclass
class ScriptedOptimizer:
    trades: dict[str, list[ProposedTrade]] = field(default_factory=dict)
    name: str = "scripted"

    def optimize(self, request: AccountRequest) -> AccountTrades:
        trades = self.trades.get(request.account.account_id, [])
        return AccountTrades(trades=list(trades), details={"scripted": len(trades)})


def harvest_trades(root: Path, symbols: tuple[str, ...] = FALLING) -> list[ProposedTrade]:
    """Sell the summer lots of ``symbols`` (at a loss) and buy a same-sector replacement."""
    snapshot = load_snapshot(root)
    summer = max(lot.purchase_date for lot in snapshot.open_lots(TAXABLE))
    trades: list[ProposedTrade] = []
    for symbol in symbols:
        lots = [
            lot
            for lot in snapshot.open_lots(TAXABLE)
            if lot.symbol == symbol and lot.purchase_date == summer
        ]
        quantity = sum(lot.quantity for lot in lots)
        price = close_on(root, symbol)
        trades.append(
            ProposedTrade(
                account_id=TAXABLE,
                symbol=symbol,
                side="sell",
                quantity=quantity,
                est_price=price,
                reason="harvest",
                lots=[LotRelief(lot_id=lot.lot_id, quantity=lot.quantity) for lot in lots],
            )
        )
        replacement = REPLACEMENT[symbol]
        replacement_price = close_on(root, replacement)
        trades.append(
            ProposedTrade(
                account_id=TAXABLE,
                symbol=replacement,
                side="buy",
                quantity=round(quantity * price / replacement_price * 0.99, 4),
                est_price=replacement_price,
                reason="replacement",
            )
        )
    return trades
