"""Which open shares a sale relieves: fifo, hifo, specific identification or min_tax.

Treas. Reg. §1.1012-1(c)(1): shares not adequately identified are relieved first in, first
out; an account may instead give a standing order (§1.1012-1(c)(8)): highest basis first, or
the order that minimizes tax. A sale naming a ``lot_id`` is specific identification whatever
the method.
The ordering works on parts, so shares of one lot with different bases (some carrying a
wash-sale adjustment) are ranked on their own basis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tools.ledger.holding import term_of
from tools.ledger.lots import LotPart
from tools.models import ReliefMethod

_SHORT_LOSS, _LONG_LOSS, _GAIN = 0, 1, 2


def relief_order(
    parts: Sequence[LotPart],
    method: ReliefMethod,
    price: float,
    sell_day: int,
    *,
    short_rate: float,
    long_rate: float,
) -> list[LotPart]:
    """The candidate parts in the order the method relieves them (``parts`` in share order)."""
    if method == "hifo":
        # Basis per share, computed in one pass; the sort then calls no Python code per item.
        # A stable sort in reverse keeps share order among equal bases.
        per_share = [part.cost_basis / part.quantity for part in parts]
        ranked = sorted(range(len(per_share)), key=per_share.__getitem__, reverse=True)
        return [parts[index] for index in ranked]
    if method == "min_tax":
        return sorted(parts, key=_tax_rank_at(price, sell_day, short_rate, long_rate))
    return list(parts)


def _tax_rank_at(
    price: float, sell_day: int, short_rate: float, long_rate: float
) -> Callable[[LotPart], tuple[int, float]]:
    """The ``min_tax`` sort key of a part sold at ``price`` on ``sell_day``."""

    def tax_rank(part: LotPart) -> tuple[int, float]:
        """Losses first (short-term before long-term, largest loss per share first), then
        gains by the tax they cost per dollar of proceeds (gain per share x marginal rate of
        its term).
        """
        gain_per_share = price - part.cost_basis / part.quantity
        long_term = term_of(part.acquired_day, sell_day) == "long"
        if gain_per_share < 0.0:
            return (_LONG_LOSS if long_term else _SHORT_LOSS, gain_per_share)
        return (_GAIN, gain_per_share * (long_rate if long_term else short_rate))

    return tax_rank
