"""The project's numeric tolerances, in one place: money in cents, shares in float dust.

Money. Amounts are floats on the hot paths (the ledger replays millions of rows), but tax
figures are dollars and cents (Form 8949 and its instructions; every report here rounds to
cents at the edge). Float arithmetic leaves dust far below a cent: 400 x 0.28 is
112.00000000000001, so a sale of those shares for $112 looked like a loss of 1.4e-14 dollars.
Every comparison that decides a money outcome therefore asks about cents:

- an amount is *a loss* when it rounds to at least one cent (half a cent or more). IRC §1091
  disallows losses only; a sale at its basis is no loss, so it washes nothing, and no
  replacement share absorbs it or has its basis or holding period changed
  (Treas. Reg. §1.1091-1(e), §1.1091-2, IRC §1223(3) follow only a disallowed loss);
- two amounts are *the same money* when they differ by less than half a cent
  (``MONEY_TOLERANCE``): a cash balance of -0.004 is rounding dust, not an overdraft;
- ``cents`` rounds for output and never yields -0.0, so no report prints "-0.00".

Shares. Share counts are floats too (fractional shares from reinvestments, split ratios,
pro-rata pieces of lots), and two tolerances with different jobs apply:

- ``SHARE_EPSILON``: two counts of one holding computed along a few steps (a part split in
  two and summed back, a sale of a whole lot) are the same count. The error of such steps
  on counts below 1e6 shares is below 1e-9, far below the smallest fractional share a
  custodian books (1e-6), so the test never merges two real quantities.
- ``POSITION_TOLERANCE``: a running position summed (and split-rescaled) over a whole file,
  possibly millions of rows, with vectorized sums; the error grows with the number of rows,
  so the allowance is a millionth of a share, the finest fraction custodians report.
"""

from __future__ import annotations

HALF_CENT = 0.005
# Float error on dollar amounts of this project's size (below $1e7, a few operations) is
# many orders below this; it only keeps an amount that is exactly half a cent from reading
# as 0.004999999999.
_MONEY_DUST = 1e-9
# ``basis - proceeds >= LOSS_FLOOR`` is ``is_loss`` inlined (the replay's hot path).
LOSS_FLOOR = HALF_CENT - _MONEY_DUST
MONEY_TOLERANCE = HALF_CENT

SHARE_EPSILON = 1e-9
POSITION_TOLERANCE = 1e-6


def is_loss(basis: float, proceeds: float) -> bool:
    """True when selling for ``proceeds`` shares that cost ``basis`` loses at least a cent."""
    return basis - proceeds >= LOSS_FLOOR


def under_a_cent(amount: float) -> bool:
    """True when ``amount`` rounds to zero cents (less than half a cent either way)."""
    return abs(amount) < LOSS_FLOOR


def cents(amount: float) -> float:
    """``amount`` rounded to cents for output; zero is always +0.0 (never printed -0.00)."""
    return round(float(amount), 2) + 0.0
