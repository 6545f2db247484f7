"""Paper fills: appended once, with an order_id column the loader accepts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from agent.evidence.store import StoreTip
from agent.review.orders import append_fills, build_orders, write_order_files
from agent.review.snapshot import load_snapshot
from tests.agent.datadir import AS_OF, TAXABLE, read_transactions
from tests.agent.scripted import harvest_trades
from tools.ledger.forward import blocked_buys
from tools.loading import load_data_dir


def _orders(data_dir: Path) -> list[dict[str, Any]]:
    trades = harvest_trades(data_dir)
    return build_orders("hh-a-20261120-1", trades, {t.symbol: t.est_price for t in trades}, AS_OF)


def test_fills_are_appended_once_and_the_loader_reads_them(data_dir: Path) -> None:
    rows_before = read_transactions(data_dir)
    orders = _orders(data_dir)

    assert append_fills(data_dir, orders) == 6
    assert append_fills(data_dir, orders) == 0

    rows = read_transactions(data_dir)
    assert rows[: len(rows_before)] == [{**row, "order_id": ""} for row in rows_before]
    fills = rows[len(rows_before) :]
    assert [f["order_id"] for f in fills] == [o["order_id"] for o in orders]
    data = load_data_dir(data_dir)
    assert len(data.transactions) == len(rows)
    sold = {lot["lot_id"] for o in orders if o["side"] == "sell" for lot in o["lots"]}
    open_ids = {lot.lot_id for lot in load_snapshot(data_dir).open_lots(TAXABLE)}
    assert not sold & open_ids
    assert {o["order_id"] for o in orders if o["side"] == "buy"} <= open_ids


def test_harvested_names_are_blocked_the_next_day(data_dir: Path) -> None:
    append_fills(data_dir, _orders(data_dir))
    snapshot = load_snapshot(data_dir)

    blocks = blocked_buys(snapshot.ledger("hh-a"), "hh-a", AS_OF + dt.timedelta(days=1))

    blocked = {symbol for block in blocks for symbol in block.symbols}
    assert {"TAA", "TAB", "HAA", "EAA"} <= blocked


def test_order_files_are_complete_and_repeatable(tmp_path: Path, data_dir: Path) -> None:
    orders = _orders(data_dir)
    tip = StoreTip(records=42, head="ab" * 32)
    first = [path.read_bytes() for path in write_order_files(tmp_path, "run-1", orders, tip)]
    second = [path.read_bytes() for path in write_order_files(tmp_path, "run-1", orders, tip)]

    assert first == second
    lines = first[1].decode().splitlines()
    assert lines[0].split(",")[:3] == ["order_id", "date", "account_id"]
    assert lines[0].split(",")[-2:] == ["evidence_records", "evidence_head"]
    assert len(lines) == 1 + len(orders)
    first_lot = orders[0]["lots"][0]
    assert lines[1].endswith(f"{first_lot['lot_id']}:{first_lot['quantity']!r},42,{'ab' * 32}")
    written = json.loads(first[0])
    assert [o["evidence_tip"] for o in written] == [{"records": 42, "head": "ab" * 32}] * len(
        orders
    )
    assert [{k: v for k, v in o.items() if k != "evidence_tip"} for o in written] == orders
    assert not list(tmp_path.glob("orders/.*.tmp"))


@pytest.mark.parametrize("quantity", [0.1 + 0.2, 1234.5678, 3.0])
def test_fill_quantities_read_back_exactly_enough(data_dir: Path, quantity: float) -> None:
    order = {**_orders(data_dir)[1], "quantity": quantity}
    append_fills(data_dir, [order])

    (fill,) = [row for row in read_transactions(data_dir) if row["order_id"]]
    assert float(fill["quantity"]) == pytest.approx(quantity, rel=1e-12)
    assert "e" not in fill["quantity"]
