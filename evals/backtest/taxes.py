"""Yearly capital-gains tax of the simulated household, paid on the filing date.

Two ways of using net losses, as in the policy's ``tax.loss_usage``:

- ``unlimited``: the household has offsetting gains elsewhere (Chaudhuri, Burnham and Lo's
  assumption), so every dollar of net short-term (long-term) gain or loss is worth the
  short-term (long-term) rate, with either sign;
- ``cap_3000``: the real netting of IRC §1222 and §1211(b): short- and long-term results net
  against each other, a net loss is deductible against ordinary income up to $3,000 a year
  (at the short-term rate), and the rest carries forward keeping its character (IRC §1212(b)).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

LossUsage = Literal["unlimited", "cap_3000"]
ORDINARY_INCOME_CAP = 3000.0  # IRC §1211(b)(1)
FILING_MONTH, FILING_DAY = 4, 15  # returns (and the year's tax) are due on April 15


@dataclass(frozen=True)
class Carryforward:
    """Unused net capital loss carried into the next year (IRC §1212(b)), as positive amounts."""

    short: float = 0.0
    long: float = 0.0

    @property
    def total(self) -> float:
        return self.short + self.long


@dataclass(frozen=True)
class YearTax:
    tax: float  # owed (negative: a refund or a credit against gains elsewhere)
    carryforward: Carryforward  # into the next year


def filing_date(tax_year: int) -> dt.date:
    """When the tax of ``tax_year`` is paid: April 15 of the next year."""
    return dt.date(tax_year + 1, FILING_MONTH, FILING_DAY)


def year_tax(
    net_short: float,
    net_long: float,
    *,
    short_rate: float,
    long_rate: float,
    loss_usage: LossUsage,
    carried: Carryforward = Carryforward(),
) -> YearTax:
    """Tax on one year's net short- and long-term results (reportable, Form 8949 gains)."""
    if loss_usage == "unlimited":
        return YearTax(short_rate * net_short + long_rate * net_long, Carryforward())
    short = net_short - carried.short
    long = net_long - carried.long
    if short >= 0 and long >= 0:
        return YearTax(short_rate * short + long_rate * long, Carryforward())
    net = short + long
    if net >= 0:
        # IRC §1222(11): a net loss of one term offsets the other term's net gain first; what
        # is left keeps the character of the larger side.
        rate = short_rate if short > 0 else long_rate
        return YearTax(rate * net, Carryforward())
    deduction = min(ORDINARY_INCOME_CAP, -net)
    if short < 0 and long < 0:
        # The deduction uses short-term losses first (IRC §1212(b)(2)(A)).
        short_used = min(deduction, -short)
        left = Carryforward(short=-short - short_used, long=-long - (deduction - short_used))
    elif short < 0:
        left = Carryforward(short=-net - deduction)
    else:
        left = Carryforward(long=-net - deduction)
    return YearTax(-short_rate * deduction, left)
