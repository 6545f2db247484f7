"""Small builders for ledger tests: accounts and transaction histories made in code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from tools.ledger import Ledger, replay_ledger
from tools.models import Account, Lot, ReliefMethod, Security, TaxType, Transaction

SHORT_RATE = 0.458  # 37% + 5% state + 3.8% NIIT
LONG_RATE = 0.288  # 20% + 5% state + 3.8% NIIT


def account(
    account_id: str,
    tax_type: TaxType = "taxable",
    *,
    household: str = "H1",
    owner: str = "taxpayer",
    relief: ReliefMethod = "fifo",
    managed: bool = True,
) -> Account:
    return Account(
        account_id=account_id,
        household_id=household,
        owner=owner,
        tax_type=tax_type,
        managed=managed,
        relief_method=relief,
    )


def accounts(*items: Account) -> dict[str, Account]:
    return {item.account_id: item for item in items}


def security(symbol: str, group: str | None = None) -> Security:
    return Security(
        symbol=symbol,
        name=f"{symbol} Corp",
        sector="Technology",
        industry="Software",
        identical_group=group,
    )


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class History:
    """Transactions in file order; ``row`` is the 1-based data row, as the loader sets it."""

    def __init__(self) -> None:
        self.rows: list[Transaction] = []

    def _add(self, **fields: object) -> Transaction:
        txn = Transaction.model_validate({"row": len(self.rows) + 1, **fields})
        self.rows.append(txn)
        return txn

    def _trade(  # noqa: PLR0917 - the three public wrappers pass their arguments through
        self,
        action: str,
        date: str,
        account_id: str,
        symbol: str,
        quantity: float,
        price: float,
        lot_id: str | None = None,
        fees: float = 0.0,
    ) -> Transaction:
        return self._add(
            date=day(date),
            account_id=account_id,
            action=action,
            symbol=symbol,
            quantity=quantity,
            price=price,
            lot_id=lot_id,
            fees=fees,
        )

    def buy(
        self,
        date: str,
        account_id: str,
        symbol: str,
        quantity: float,
        price: float,
        *,
        lot_id: str | None = None,
        fees: float = 0.0,
    ) -> str:
        txn = self._trade("buy", date, account_id, symbol, quantity, price, lot_id, fees)
        return lot_id or f"row-{txn.row}"

    def reinvest(
        self, date: str, account_id: str, symbol: str, quantity: float, price: float
    ) -> str:
        return f"row-{self._trade('reinvest', date, account_id, symbol, quantity, price).row}"

    def sell(
        self,
        date: str,
        account_id: str,
        symbol: str,
        quantity: float,
        price: float,
        *,
        lot_id: str | None = None,
        fees: float = 0.0,
    ) -> int:
        return self._trade("sell", date, account_id, symbol, quantity, price, lot_id, fees).row

    def split(self, date: str, account_id: str, symbol: str, ratio: float) -> None:
        self._add(
            date=day(date), account_id=account_id, action="split", symbol=symbol, quantity=ratio
        )

    def transfer_in(
        self,
        date: str,
        account_id: str,
        symbol: str,
        quantity: float,
        *,
        acquired: str,
        cost_basis: float,
        lot_id: str | None = None,
    ) -> str:
        txn = self._add(
            date=day(date),
            account_id=account_id,
            action="transfer_in",
            symbol=symbol,
            quantity=quantity,
            acquired_date=day(acquired),
            cost_basis=cost_basis,
            lot_id=lot_id,
        )
        return lot_id or f"row-{txn.row}"

    def cash(
        self, date: str, account_id: str, action: str, amount: float, symbol: str | None = None
    ) -> None:
        self._add(
            date=day(date), account_id=account_id, action=action, symbol=symbol, quantity=amount
        )

    def replay(
        self,
        accounts_by_id: Mapping[str, Account],
        securities: Mapping[str, Security] | None = None,
        as_of: str | None = None,
    ) -> Ledger:
        return replay_ledger(
            self.rows,
            accounts_by_id,
            securities,
            SHORT_RATE,
            LONG_RATE,
            as_of=day(as_of) if as_of else None,
        )


def lots_of(ledger: Ledger, lot_id: str) -> list[Lot]:
    return [lot for lot in ledger.open_lots() if lot.lot_id == lot_id]
