"""The contract JSON document and the Form 8949 CSV, built from ledgers made in code."""

from __future__ import annotations

import csv
import io

import pytest

from tests.ledger.builders import History, account, accounts
from tools.ledger.report import form_8949_csv, ledger_document, reported_rows

HOUSEHOLD = accounts(account("T1"), account("IRA", "traditional_ira"))


def _partly_washed() -> History:
    """100 shares sold at a $1/share loss ($100.005 basis carries cents to round); 30 shares
    bought back within 30 days wash 30% of the loss."""
    history = History()
    history.buy("2024-01-02", "T1", "X", 100, 10.00005)
    history.sell("2024-03-01", "T1", "X", 100, 9.00005)
    history.buy("2024-03-05", "T1", "X", 30, 9.00)
    history.buy("2023-01-03", "IRA", "Y", 10, 50.00)
    history.sell("2024-03-05", "IRA", "Y", 10, 40.00)
    return history


def test_partly_washed_disposal_is_split_into_two_rows_keeping_the_lot() -> None:
    ledger = _partly_washed().replay(HOUSEHOLD)
    rows = list(reported_rows(ledger.disposals[0]))
    assert [row.quantity for row in rows] == [pytest.approx(30.0), pytest.approx(70.0)]
    assert [row.wash_sale_disallowed for row in rows] == [pytest.approx(30.0), 0.0]
    assert {row.lot_id for row in rows} == {"row-1"}
    assert sum(row.gain for row in rows) == pytest.approx(ledger.disposals[0].gain)


def test_json_rounds_money_to_cents_only_at_the_edge() -> None:
    ledger = _partly_washed().replay(HOUSEHOLD)
    document = ledger_document(ledger)
    washed, kept, ira = document["disposals"]
    assert (washed["cost_basis"], washed["proceeds"], washed["gain"]) == (300.0, 270.0, 0.0)
    assert (kept["cost_basis"], kept["gain"]) == (700.0, -70.0)
    assert ira["gain"] == -100.0  # reported in the JSON, not recognized for tax
    assert ledger.disposals[0].cost_basis == pytest.approx(1000.005)  # full precision inside
    (replacement,) = [lot for lot in document["open_lots"] if lot["lot_id"] == "row-3"]
    assert (replacement["cost_basis"], replacement["wash_sale_adjustment"]) == (300.0, 30.0)
    assert document["cash"]["T1"] == pytest.approx(-1000.005 + 900.005 - 270.0, abs=0.005)


def test_form_8949_leaves_out_ira_dispositions() -> None:
    rows = list(csv.DictReader(io.StringIO(form_8949_csv(_partly_washed().replay(HOUSEHOLD)))))
    assert [row["description"] for row in rows] == [
        "30 sh X (T1, lot row-1)",
        "70 sh X (T1, lot row-1)",
    ]
    assert [row["code"] for row in rows] == ["W", ""]


def test_form_8949_of_an_empty_ledger_is_just_the_header() -> None:
    assert form_8949_csv(History().replay(HOUSEHOLD)).splitlines() == [
        "part,description,date_acquired,date_sold,proceeds,cost_basis,code,adjustment,gain"
    ]
