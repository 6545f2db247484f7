"""Orders of an executed run: files under the state directory, and paper fills in the ledger.

Every write is complete or absent (temporary file, then rename) and can be repeated: order
files are rewritten with the same content, fills carry an ``order_id`` (``<run_id>-<n>``) and
are skipped when that run's order ids are already in ``transactions.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent.evidence.store import StoreTip
from agent.review.proposal import ProposedTrade
from tools.ids import require_id
from tools.risk.atomic import write_atomically

ORDERS_DIR = "orders"
# Each order in an orders file carries the evidence log's store-wide length and head as the
# file was written (``{"records": n, "head": hash}``): ``evidence verify`` fails if the log
# no longer reaches it.
TIP_KEY = "evidence_tip"
TRANSACTIONS_FILE = "transactions.csv"
ORDER_ID_COLUMN = "order_id"
ORDER_COLUMNS = (
    "order_id",
    "date",
    "account_id",
    "side",
    "symbol",
    "quantity",
    "price",
    "reason",
    "lots",
    "evidence_records",
    "evidence_head",
)


def build_orders(
    run_id: str, trades: Sequence[ProposedTrade], prices: dict[str, float], day: dt.date
) -> list[dict[str, Any]]:
    """One order per trade, numbered from 1, priced at ``prices`` (the latest close)."""
    return [
        {
            "order_id": f"{run_id}-{number}",
            "run_id": run_id,
            "date": day.isoformat(),
            "account_id": trade.account_id,
            "side": trade.side,
            "symbol": trade.symbol,
            "quantity": trade.quantity,
            "price": prices[trade.symbol],
            "reason": trade.reason,
            "lots": [lot.model_dump() for lot in trade.lots],
        }
        for number, trade in enumerate(trades, 1)
    ]


def write_order_files(
    state_dir: Path, run_id: str, orders: list[dict[str, Any]], tip: StoreTip
) -> list[Path]:
    """``orders/<run_id>.json`` and ``.csv`` (lots as ``lot_id:quantity`` joined by ``;``),
    each order stamped with the evidence log's ``tip``."""
    folder = state_dir / ORDERS_DIR
    require_id(run_id, "run id")  # a file name: never a path, never too long
    json_path, csv_path = folder / f"{run_id}.json", folder / f"{run_id}.csv"
    stamped = [{**order, TIP_KEY: tip.document()} for order in orders]
    write_atomically(json_path, (json.dumps(stamped, indent=2) + "\n").encode("utf-8"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ORDER_COLUMNS)
    for order in orders:
        writer.writerow(
            [
                order["order_id"],
                order["date"],
                order["account_id"],
                order["side"],
                order["symbol"],
                _number(order["quantity"]),
                _number(order["price"]),
                order["reason"],
                ";".join(f"{lot['lot_id']}:{_number(lot['quantity'])}" for lot in order["lots"]),
                tip.records,
                tip.head,
            ]
        )
    write_atomically(csv_path, buffer.getvalue().encode("utf-8"))
    return [json_path, csv_path]


def append_fills(data_dir: Path, orders: list[dict[str, Any]]) -> int:
    """Append paper fills of ``orders`` to ``transactions.csv``; returns the rows added.

    A buy becomes one ``buy`` row whose new lot is named after the order; a sale becomes one
    ``sell`` row per lot it relieves (specific identification, Treas. Reg. §1.1012-1(c)).
    Nothing is written when any of these order ids is already in the file.
    """
    if not orders:
        return 0
    path = data_dir / TRANSACTIONS_FILE
    with path.open(newline="", encoding="utf-8-sig") as stream:
        rows = list(csv.reader(stream))
    header, body = [cell.strip() for cell in rows[0]], [row for row in rows[1:] if row]
    if ORDER_ID_COLUMN not in header:
        header.append(ORDER_ID_COLUMN)
    width = len(header)
    position = header.index(ORDER_ID_COLUMN)
    wanted = {order["order_id"] for order in orders}
    if any(len(row) > position and row[position] in wanted for row in body):
        return 0
    fills = [
        _fill_row(header, order, lot)
        for order in orders
        for lot in (order["lots"] if order["side"] == "sell" else [None])
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(row + [""] * (width - len(row)) for row in body)
    writer.writerows(fills)
    write_atomically(path, buffer.getvalue().encode("utf-8"))
    return len(fills)


def _fill_row(header: list[str], order: dict[str, Any], lot: dict[str, Any] | None) -> list[str]:
    values = {
        "date": order["date"],
        "account_id": order["account_id"],
        "action": order["side"],
        "symbol": order["symbol"],
        "quantity": _number(lot["quantity"] if lot is not None else order["quantity"]),
        "price": _number(order["price"]),
        "lot_id": lot["lot_id"] if lot is not None else order["order_id"],
        ORDER_ID_COLUMN: order["order_id"],
    }
    return [values.get(column, "") for column in header]


def _number(value: float) -> str:
    """Plain decimal text (no exponent), enough digits to read back the same share count."""
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text or "0"
