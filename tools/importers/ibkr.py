"""Interactive Brokers Flex Query statements (XML) into transactions.csv rows, via ``ibflex``.

What is read, per statement (one account):

- Trades at execution level: buys become ``buy`` rows whose ``lot_id`` is IBKR's
  transaction id; sells become one ``sell`` row per closed lot (the Flex "Closed Lots" detail),
  naming the lot they relieve (specific identification, Treas. Reg. §1.1012-1(c)).
- Lots held before the statement begins (open-position lots and closed lots opened before
  ``fromDate``) become ``transfer_in`` rows carrying their acquired date and total cost basis,
  so the holding period and basis survive (IRC §1012, §1223). A lot without a cost basis or an
  open date is an incomplete lot: reported as blocking, never guessed.
- Corporate actions: forward and reverse splits become ``split`` rows; every other kind is
  reported as an unsupported corporate action (blocking: the positions would be wrong).
- Cash: dividends (and payments in lieu) become ``dividend`` rows, deposits and withdrawals
  ``deposit``/``withdraw`` rows; other cash lines are reported as not imported.

Only US-dollar stock and ETF (``STK``) records are imported; other asset classes are reported
and left out.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ibflex import parser

from tools.errors import DataValidationError
from tools.importers.flex_lines import FlexLines
from tools.importers.rows import ImportedRow, ParsedSource
from tools.loading.source_file import read_source_file

_SPLIT_RATIO = re.compile(r"SPLIT\s+(\d+(?:\.\d+)?)\s+FOR\s+(\d+(?:\.\d+)?)", re.IGNORECASE)
_LOT_DETAIL = {"LOT", "CLOSED_LOT"}


@dataclass
class _LotPiece:
    """Shares of one pre-statement lot seen in the statement (closed or still open)."""

    line: int | None
    symbol: str
    opened: dt.date | None
    quantity: Decimal
    cost: Decimal | None


@dataclass
class _OpeningLot:
    lot_id: str
    pieces: list[_LotPiece] = field(default_factory=list)


@dataclass
class _Buy:
    row: ImportedRow
    remaining: Decimal


def parse_flex(path: Path, statement_account: str | None = None) -> ParsedSource:
    """Read one Flex XML file; raise ``DataValidationError`` when it cannot be read at all."""
    source, problems = read_source_file(path, required=True, tabular=False)
    if source is None or problems:
        raise DataValidationError(problems)
    if source.is_blank:
        raise DataValidationError.single(source.name, None, None, "file is empty")
    lines = FlexLines(source.name, source.data)
    response = _parse_response(source.name, source.data)
    statements = list(response.FlexStatements)
    index = _pick_statement(source.name, statements, statement_account)
    return _Statement(source.name, statements[index], index, lines).rows()


def _parse_response(name: str, data: bytes) -> Any:
    with warnings.catch_warnings():
        # Flex adds attributes over time; ibflex warns and skips the ones it does not know.
        warnings.simplefilter("ignore")
        try:
            return parser.parse(data)
        except (parser.FlexParserError, ValueError, TypeError) as error:
            raise DataValidationError.single(
                name, None, None, f"not a Flex Query statement ibflex can read: {error}"
            ) from error


def _pick_statement(name: str, statements: Sequence[Any], wanted: str | None) -> int:
    accounts = [statement.accountId for statement in statements]
    if wanted is not None:
        if wanted not in accounts:
            raise DataValidationError.single(
                name, None, None, f"no statement for IBKR account {wanted!r} (has {accounts})"
            )
        return accounts.index(wanted)
    if len(accounts) != 1:
        raise DataValidationError.single(
            name,
            None,
            None,
            f"the file holds {len(accounts)} statements ({', '.join(accounts) or 'none'}); "
            "choose one with --statement-account",
        )
    return 0


class _Statement:
    def __init__(self, name: str, statement: Any, index: int, lines: FlexLines) -> None:
        self.statement = statement
        self.index = index
        self.lines = lines
        self.account = str(statement.accountId)
        self.start: dt.date = statement.fromDate
        self.parsed = ParsedSource(name, "ibkr")
        self.opening: dict[str, _OpeningLot] = {}
        self.buys: dict[str, list[_Buy]] = defaultdict(list)

    def rows(self) -> ParsedSource:
        trades = list(self._numbered(self.statement.Trades))
        for line, position in self._numbered(self.statement.OpenPositions):
            self._open_position(line, position)
        self._trades(trades)
        self._opening_rows()
        self._corporate_actions()
        self._cash()
        self.parsed.rows.sort(key=lambda row: (row.date, row.action != "transfer_in"))
        return self.parsed

    def _numbered(self, elements: Sequence[Any]) -> Iterator[tuple[int | None, Any]]:
        """Each element with the line it starts on (ibflex keeps document order)."""
        seen: dict[str, int] = defaultdict(int)
        for element in elements:
            tag = type(element).__name__
            yield self.lines.line(self.index, tag, seen[tag]), element
            seen[tag] += 1

    def _importable(self, line: int | None, element: Any, what: str) -> bool:
        """US-dollar stock records only; anything else is reported and left out."""
        category = getattr(element.assetCategory, "value", element.assetCategory)
        if category != "STK":
            self.parsed.skip(
                line, "assetCategory", f"{what} of {category} {element.symbol} not imported"
            )
            return False
        if element.currency not in (None, "USD"):
            self.parsed.block(
                line,
                "currency",
                f"{what} of {element.symbol} in {element.currency}: only US-dollar "
                "records can be imported",
            )
            return False
        return True

    # -- lots held before the statement ---------------------------------------------------

    def _open_position(self, line: int | None, position: Any) -> None:
        if position.levelOfDetail != "LOT" or not self._importable(line, position, "position"):
            return
        opened = position.openDateTime.date() if position.openDateTime else None
        if opened is not None and opened >= self.start:
            return  # bought during the statement: its buy row is the lot
        key = position.originatingTransactionID or f"{position.symbol}-{opened}"
        piece = _LotPiece(line, position.symbol, opened, abs(position.position or 0), None)
        if position.costBasisMoney is not None:
            piece.cost = abs(position.costBasisMoney)
        self._opening_lot(key).pieces.append(piece)

    def _opening_lot(self, key: str) -> _OpeningLot:
        if key not in self.opening:
            self.opening[key] = _OpeningLot(f"ibkr-{key}")
        return self.opening[key]

    def _opening_rows(self) -> None:
        for lot in self.opening.values():
            first = lot.pieces[0]
            quantity = sum((piece.quantity for piece in lot.pieces), Decimal(0))
            incomplete = [piece for piece in lot.pieces if piece.cost is None]
            if first.opened is None:
                self.parsed.block(
                    first.line,
                    "openDateTime",
                    f"incomplete lot {lot.lot_id} of {first.symbol}: no open date, so no "
                    "holding period (add it at the custodian; lotwise does not guess)",
                )
                continue
            if incomplete:
                self.parsed.block(
                    incomplete[0].line,
                    "costBasisMoney",
                    f"incomplete lot {lot.lot_id} of {first.symbol}: no cost basis "
                    "(lotwise does not guess a basis)",
                )
                continue
            cost = sum((piece.cost or Decimal(0) for piece in lot.pieces), Decimal(0))
            self.parsed.rows.append(
                ImportedRow(
                    source_id=f"ibkr:{self.account}:lot:{lot.lot_id}",
                    source_row=first.line,
                    date=first.opened,
                    action="transfer_in",
                    symbol=first.symbol,
                    quantity=quantity,
                    lot_id=lot.lot_id,
                    acquired_date=first.opened,
                    cost_basis=cost,
                    opening=True,
                )
            )

    # -- trades ---------------------------------------------------------------------------

    def _trades(self, trades: list[tuple[int | None, Any]]) -> None:
        """Executions in order, each sell with the closed lots that follow it."""
        position = 0
        while position < len(trades):
            line, trade = trades[position]
            position += 1
            closed: list[tuple[int | None, Any]] = []
            while position < len(trades) and trades[position][1].levelOfDetail == "CLOSED_LOT":
                closed.append(trades[position])
                position += 1
            if trade.levelOfDetail in _LOT_DETAIL or type(trade).__name__ != "Trade":
                continue
            if not self._importable(line, trade, "trade"):
                continue
            side = getattr(trade.buySell, "value", trade.buySell)
            if side == "BUY" and trade.openCloseIndicator != "C":
                self._buy(line, trade)
            elif side == "SELL" and trade.openCloseIndicator != "O":
                self._sell(line, trade, closed)
            else:
                self.parsed.block(
                    line,
                    "buySell",
                    f"{side} {trade.symbol} ({trade.openCloseIndicator}): cancelled trades "
                    "and short positions are not supported",
                )

    def _trade_id(self, trade: Any) -> str:
        return str(trade.transactionID or trade.tradeID)

    def _buy(self, line: int | None, trade: Any) -> None:
        trade_id = self._trade_id(trade)
        row = ImportedRow(
            source_id=f"ibkr:{self.account}:trade:{trade_id}",
            source_row=line,
            date=trade.tradeDate,
            action="buy",
            symbol=trade.symbol,
            quantity=abs(trade.quantity),
            price=trade.tradePrice,
            fees=abs(trade.ibCommission or 0),
            lot_id=f"ibkr-{trade_id}",
        )
        self.parsed.rows.append(row)
        self.buys[trade.symbol].append(_Buy(row, row.quantity))

    def _sell(self, line: int | None, trade: Any, closed: list[tuple[int | None, Any]]) -> None:
        trade_id = self._trade_id(trade)
        quantity = abs(trade.quantity)
        fees = abs(trade.ibCommission or 0)
        if not closed:
            self.parsed.skip(
                line,
                "levelOfDetail",
                f"sell of {quantity} {trade.symbol} has no closed-lot detail: the account's "
                "relief method will choose the lots (add Closed Lots to the Flex query)",
            )
            closed = [(line, None)]
        for number, (lot_line, lot) in enumerate(closed, start=1):
            lot_quantity = quantity if lot is None else abs(lot.quantity)
            lot_id = "" if lot is None else self._relieved_lot(lot_line, trade, lot)
            self.parsed.rows.append(
                ImportedRow(
                    source_id=f"ibkr:{self.account}:trade:{trade_id}:{number}",
                    source_row=lot_line,
                    date=trade.tradeDate,
                    action="sell",
                    symbol=trade.symbol,
                    quantity=lot_quantity,
                    price=trade.tradePrice,
                    fees=fees * lot_quantity / quantity if quantity else Decimal(0),
                    lot_id=lot_id,
                )
            )

    def _relieved_lot(self, line: int | None, trade: Any, lot: Any) -> str:
        """The lot_id a closed lot relieves: a lot held before the statement, or a buy in it."""
        opened = lot.openDateTime.date() if lot.openDateTime else None
        if opened is None or opened < self.start:
            key = lot.origTransactionID or f"{trade.symbol}-{opened}"
            cost = abs(lot.cost) if lot.cost is not None else None
            piece = _LotPiece(line, trade.symbol, opened, abs(lot.quantity), cost)
            opening = self._opening_lot(key)
            opening.pieces.append(piece)
            return opening.lot_id
        for buy in self.buys[trade.symbol]:
            same = (
                buy.row.lot_id == f"ibkr-{lot.origTransactionID}"
                if lot.origTransactionID
                else buy.row.date == opened
            )
            if same and buy.remaining > 0:
                buy.remaining -= abs(lot.quantity)
                return buy.row.lot_id
        self.parsed.block(
            line,
            "openDateTime",
            f"closed lot of {trade.symbol} opened {opened} matches no buy in the statement",
        )
        return ""

    # -- corporate actions and cash ---------------------------------------------------------

    def _corporate_actions(self) -> None:
        seen: set[tuple[str, str]] = set()
        for line, action in self._numbered(self.statement.CorporateActions):
            if action.levelOfDetail not in (None, "DETAIL") or not self._importable(
                line, action, "corporate action"
            ):
                continue
            kind = getattr(action.type, "value", action.type)
            key = (str(action.symbol), str(action.actionID or action.actionDescription))
            if key in seen:
                continue
            seen.add(key)
            match = _SPLIT_RATIO.search(action.actionDescription or "")
            if kind not in ("FS", "RS") or match is None:
                self.parsed.block(
                    line,
                    "type",
                    f"unsupported corporate action {kind} on {action.symbol}: "
                    f"{action.actionDescription!r} (enter it by hand)",
                )
                continue
            ratio = Decimal(match.group(1)) / Decimal(match.group(2))
            when = action.dateTime.date() if action.dateTime else action.reportDate
            self.parsed.rows.append(
                ImportedRow(
                    source_id=f"ibkr:{self.account}:action:{key[1]}:{action.symbol}",
                    source_row=line,
                    date=when,
                    action="split",
                    symbol=action.symbol,
                    quantity=ratio,
                )
            )

    def _cash(self) -> None:
        for line, cash in self._numbered(self.statement.CashTransactions):
            if cash.levelOfDetail not in (None, "DETAIL"):
                continue
            kind = getattr(cash.type, "value", cash.type)
            amount = cash.amount or Decimal(0)
            when = cash.dateTime.date() if cash.dateTime else cash.reportDate
            source_id = f"ibkr:{self.account}:cash:{cash.transactionID or line}"
            if cash.currency not in (None, "USD"):
                self.parsed.block(
                    line, "currency", f"{kind} in {cash.currency}: only US dollars are imported"
                )
            elif kind in ("Dividends", "Payment In Lieu Of Dividends") and amount > 0:
                self.parsed.rows.append(
                    ImportedRow(source_id, line, when, "dividend", cash.symbol, amount)
                )
            elif kind == "Deposits & Withdrawals" and amount != 0:
                action = "deposit" if amount > 0 else "withdraw"
                self.parsed.rows.append(ImportedRow(source_id, line, when, action, "", abs(amount)))
            else:
                self.parsed.skip(
                    line,
                    "type",
                    f"{kind} of {amount} {cash.symbol or ''} not imported (no "
                    "transactions.csv action for it)".replace("  ", " "),
                )
