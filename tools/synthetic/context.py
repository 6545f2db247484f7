"""What every household builder shares: the market and the growing output."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.synthetic.book import AccountBook
from tools.synthetic.prices import PricePanel
from tools.synthetic.records import AccountSpec
from tools.synthetic.rows import RowBuffer
from tools.synthetic.universe import Universe


@dataclass
class BuildContext:
    universe: Universe
    panel: PricePanel
    rows: RowBuffer = field(default_factory=RowBuffer)
    accounts: list[AccountSpec] = field(default_factory=list)  # file order = book index

    def open_account(self, spec: AccountSpec, reinvest_dividends: bool = False) -> AccountBook:
        """Register ``spec`` (its position is the book's account index) and return its book."""
        self.accounts.append(spec)
        return AccountBook(
            len(self.accounts) - 1,
            self.panel,
            self.universe.group,
            self.rows,
            reinvest_dividends=reinvest_dividends,
        )

    def dry_run_book(self) -> AccountBook:
        """A book that records nothing, for sizing a strategy before playing it for real."""
        return AccountBook(-1, self.panel, self.universe.group, None)
