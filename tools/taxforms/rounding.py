"""Whole-dollar rounding for tax forms (Form 8949 instructions allow whole dollars).

Amounts are rounded half up from exact cents. The wash-sale adjustment is not rounded on its
own: it is bounded by the rounded loss, so a disposal whose loss is entirely disallowed still
reports a gain of exactly $0, and an adjustment of $0 stays $0.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: float) -> Decimal:
    """Exact cents of a ledger amount (the ledger rounds to cents at its edge too)."""
    return Decimal(repr(round(float(amount) + 0.0, 2))).quantize(CENT)


def whole_dollars(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rounded_adjustment(proceeds: Decimal, cost_basis: Decimal, disallowed: Decimal) -> int:
    """The wash-sale adjustment (Form 8949 column g, code W) in whole dollars.

    Zero when nothing is disallowed; the whole rounded loss when the whole loss is
    disallowed (Treas. Reg. §1.1091-1(a): the loss is not deductible at all); otherwise the
    rounded disallowance, never more than the rounded loss.
    """
    if disallowed <= 0:
        return 0
    rounded_loss = max(whole_dollars(cost_basis) - whole_dollars(proceeds), 0)
    if disallowed >= cost_basis - proceeds:
        return rounded_loss
    return min(whole_dollars(disallowed), rounded_loss)
