"""The running state of one account while its history is generated.

Everything is in exact integer units (see ``rows``): share quantities in 1/10,000 shares,
cash in micro-dollars (share units x price cents), so no sale can exceed what is held and a
managed account's cash can be checked never to go negative. Besides positions, the book
remembers what the trade rules need: an average cost per position (for choosing what to
harvest or trim), the highest price paid per share (so "holds a lot at a loss" can be
answered without a ledger), and per wash-sale group the last purchase and the end of any
post-sale block, in calendar days (IRC §1091(a) counts 30 calendar days each side).
"""

from __future__ import annotations

import numpy as np

from tools.synthetic.prices import PricePanel
from tools.synthetic.rows import NONE, SHARE_UNITS, Action, RowBuffer

MICRO_PER_CENT = 10_000
WASH_WINDOW_DAYS = 30  # IRC §1091(a)
REPURCHASE_BUFFER_DAYS = 1  # one spare day past the window, like the default policy
NEVER = np.iinfo(np.int64).min // 2


class AccountBook:
    def __init__(
        self,
        account: int,
        panel: PricePanel,
        groups: np.ndarray,
        rows: RowBuffer | None,
        reinvest_dividends: bool = False,
    ) -> None:
        """``groups`` (N,) maps securities to wash-sale groups; ``rows`` None = dry run."""
        n_securities = panel.close_cents.shape[1]
        n_groups = int(groups.max()) + 1
        self.account = account
        self.panel = panel
        self.groups = groups
        self.rows = rows
        self.reinvest_dividends = reinvest_dividends
        self.units = np.zeros(n_securities, dtype=np.int64)
        self.cost_micro = np.zeros(n_securities, dtype=np.int64)
        self.max_price_paid = np.zeros(n_securities)  # dollars per current share
        self.ever_sold = np.zeros(n_securities, dtype=bool)
        self.cash_micro = 0
        self.last_purchase = np.full(n_groups, NEVER, dtype=np.int64)
        self.blocked_until = np.full(n_groups, NEVER, dtype=np.int64)
        self.lots = 0

    # --- valuation -----------------------------------------------------------------------

    def prices(self, day: int, securities: np.ndarray) -> np.ndarray:
        return self.panel.close_cents[day, securities]

    def value_micro(self, day: int, securities: np.ndarray) -> np.ndarray:
        return self.units[securities] * self.prices(day, securities)

    def total_value_micro(self, day: int) -> int:
        held = np.flatnonzero(self.units)
        return int(self.value_micro(day, held).sum()) + self.cash_micro

    def ordinal(self, day: int) -> int:
        return int(self.panel.day_ordinals[day])

    def bought_recently(self, day: int, securities: np.ndarray) -> np.ndarray:
        """Bought (any security of the same group) within the last 30 calendar days."""
        return self.last_purchase[self.groups[securities]] >= self.ordinal(day) - WASH_WINDOW_DAYS

    def blocked(self, day: int, securities: np.ndarray) -> np.ndarray:
        return self.blocked_until[self.groups[securities]] >= self.ordinal(day)

    # --- cash ------------------------------------------------------------------------------

    def deposit(self, day: int, cents: int) -> None:
        self.cash_micro += cents * MICRO_PER_CENT
        self._record(day, Action.DEPOSIT, NONE, cents)

    # --- trades ----------------------------------------------------------------------------

    def buy(
        self,
        day: int,
        securities: np.ndarray,
        budget_micro: np.ndarray,
        action: Action = Action.BUY,
    ) -> None:
        """Buy as many 1/10,000 shares as each budget allows at the day's close, one new lot
        per security. Raises if the account cannot pay (a generation bug, not bad data)."""
        prices = self.prices(day, securities)
        units = budget_micro // prices
        keep = units > 0
        securities, units, prices = securities[keep], units[keep], prices[keep]
        spent = int((units * prices).sum())
        if spent > self.cash_micro:
            raise RuntimeError(f"account {self.account} would overdraw on day {day}")
        self.cash_micro -= spent
        self.units[securities] += units
        self.cost_micro[securities] += units * prices
        self.max_price_paid[securities] = np.maximum(self.max_price_paid[securities], prices / 100)
        self.last_purchase[self.groups[securities]] = self.ordinal(day)
        lots = self.lots + 1 + np.arange(len(securities))
        self.lots += len(securities)
        self._record(day, action, securities, units, price_cents=prices, lot=lots)

    def sell(self, day: int, securities: np.ndarray, units: np.ndarray) -> None:
        """Sell ``units`` of each security at the day's close (the account's relief method
        picks the lots); blocks repurchase of the group for the 30 days after the sale (and a
        spare day), so a generated loss sale is never washed by the account's own buys."""
        keep = units > 0
        securities, units = securities[keep], units[keep]
        if np.any(units > self.units[securities]):
            raise RuntimeError(f"account {self.account} would oversell on day {day}")
        prices = self.prices(day, securities)
        self.cash_micro += int((units * prices).sum())
        self.cost_micro[securities] -= self.cost_micro[securities] * units // self.units[securities]
        self.units[securities] -= units
        self.ever_sold[securities] = True
        self.blocked_until[self.groups[securities]] = (
            self.ordinal(day) + WASH_WINDOW_DAYS + REPURCHASE_BUFFER_DAYS
        )
        self._record(day, Action.SELL, securities, units, price_cents=prices)

    def transfer_in(
        self, day: int, security: int, units: int, *, acquired_ordinal: int, cost_basis_cents: int
    ) -> None:
        """An existing lot moves in (not a purchase: IRC §1091 needs an acquisition by
        purchase, so it starts no wash-sale window)."""
        self.units[security] += units
        self.cost_micro[security] += cost_basis_cents * MICRO_PER_CENT
        self.lots += 1
        self._record(
            day,
            Action.TRANSFER_IN,
            security,
            units,
            lot=self.lots,
            acquired_ordinal=acquired_ordinal,
            cost_basis_cents=cost_basis_cents,
        )

    # --- corporate actions ---------------------------------------------------------------

    def apply_corporate_actions(self, day: int) -> None:
        """Split, then dividends (to holders at the previous close), then reinvestment."""
        split = self.panel.split
        if day == split.day and self.units[split.security] > 0:
            self.units[split.security] *= split.ratio
            self.max_price_paid[split.security] /= split.ratio
            self._record(day, Action.SPLIT, split.security, split.ratio)
        payers, cents = self.panel.dividends_on(day)
        if len(payers) == 0:
            return
        held = self.units[payers] > 0
        payers, cents = payers[held], cents[held]
        amounts = (self.units[payers] * cents + SHARE_UNITS // 2) // SHARE_UNITS
        paid = amounts > 0
        payers, amounts = payers[paid], amounts[paid]
        self.cash_micro += int(amounts.sum()) * MICRO_PER_CENT
        if not self.reinvest_dividends:
            self._record(day, Action.DIVIDEND, payers, amounts)
            return
        for payer, amount in zip(payers, amounts, strict=True):
            self._record(day, Action.DIVIDEND, payer, amount)
            self.buy(
                day, np.array([payer]), np.array([int(amount) * MICRO_PER_CENT]), Action.REINVEST
            )

    def _record(
        self,
        day: int,
        action: Action,
        security: np.ndarray | int,
        quantity: np.ndarray | int,
        *,
        price_cents: np.ndarray | int = NONE,
        lot: np.ndarray | int = NONE,
        acquired_ordinal: int = NONE,
        cost_basis_cents: int = NONE,
    ) -> None:
        if self.rows is not None:
            self.rows.append(
                day=day,
                account=self.account,
                action=action,
                security=security,
                quantity=quantity,
                price_cents=price_cents,
                lot=lot,
                acquired_ordinal=acquired_ordinal,
                cost_basis_cents=cost_basis_cents,
            )
