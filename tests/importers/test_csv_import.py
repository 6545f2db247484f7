"""``lotwise import csv``: Schwab-style trades and Fidelity-style lots through the shipped
mappings, round trip to the ledger, and every bad file or mapping exits 2 writing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.importers.conftest import Run
from tests.importers.household import SAMPLES

SCHWAB = SAMPLES / "schwab_2025.csv"
FIDELITY = SAMPLES / "fidelity_lots.csv"


def _import(
    lotwise: Run, data: Path, file: Path, account: str, mapping: str | Path, *extra: str
) -> tuple[int, dict, str]:
    code, out, err = lotwise(
        "import", "csv", file, "--data", data, "--account", account, "--mapping", mapping,
        "--format", "json", *extra,
    )  # fmt: skip
    return code, json.loads(out) if out.strip() else {}, err


def _ledger(lotwise: Run, data: Path) -> dict:
    code, out, err = lotwise("ledger", "--data", data, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_schwab_trades_round_trip(lotwise: Run, household: Path) -> None:
    code, plan, err = _import(lotwise, household, SCHWAB, "SW1", "schwab-transactions", "--apply")
    assert code == 0, err
    assert plan["by_action"] == {"buy": 1, "deposit": 1, "dividend": 1, "reinvest": 1, "sell": 1}
    assert (plan["first_date"], plan["last_date"]) == ("2025-01-02", "2025-03-03")
    assert [(p["row"], p["blocking"]) for p in plan["problems"]] == [(6, False)]  # interest
    ledger = _ledger(lotwise, household)
    sold = [d for d in ledger["disposals"] if d["account_id"] == "SW1"]
    assert sum(d["quantity"] for d in sold) == pytest.approx(5)
    assert sum(d["proceeds"] for d in sold) == pytest.approx(5 * 390 - 0.05, abs=0.01)
    # The dividend reinvested 17 days before the loss sale washes 0.0415 shares' loss.
    assert sum(d["wash_sale_disallowed"] for d in sold) == pytest.approx(
        0.0415 * (401.5 - 390) - 0.0415 / 5 * 0.05, abs=0.01
    )
    assert ledger["cash"]["SW1"] == pytest.approx(10000 - 8030 + 16.6 - 16.6 + 1949.95)
    again = _import(lotwise, household, SCHWAB, "SW1", "schwab-transactions", "--apply")[1]
    assert (again["rows_to_add"], again["already_imported"]) == (0, 5)


def test_fidelity_lots_round_trip(lotwise: Run, household: Path) -> None:
    code, plan, err = _import(lotwise, household, FIDELITY, "FD1", "fidelity-lots", "--apply")
    assert code == 0, err
    assert plan["by_action"] == {"transfer_in": 2}
    lots = {
        lot["symbol"]: lot
        for lot in _ledger(lotwise, household)["open_lots"]
        if lot["account_id"] == "FD1"
    }
    assert (lots["MSFT"]["quantity"], lots["MSFT"]["cost_basis"]) == (10, 1500)
    assert lots["MSFT"]["acquired_date"] == "2020-03-02"
    assert (lots["CCC"]["quantity"], lots["CCC"]["cost_basis"]) == (8, 360)
    again = _import(lotwise, household, FIDELITY, "FD1", "fidelity-lots", "--apply")[1]
    assert (again["rows_to_add"], again["already_imported"]) == (0, 2)


def test_lot_snapshot_over_existing_history_is_blocking(lotwise: Run, household: Path) -> None:
    """A lot file for an account that already has rows for the symbol would count shares
    twice: reported, not written."""
    code, plan, _ = _import(lotwise, household, FIDELITY, "SP1", "fidelity-lots")
    assert code == 0  # SP1 holds AAB only
    lots = SAMPLES / "fidelity_lots.csv"
    text = lots.read_text(encoding="utf-8").replace("MSFT,MICROSOFT", "AAB,ALPHA B")
    aab = household.parent / "aab_lots.csv"
    aab.write_text(text, encoding="utf-8")
    code, plan, _ = _import(lotwise, household, aab, "SP1", "fidelity-lots", "--apply")
    assert code == 2
    blocking = [p for p in plan["problems"] if p["blocking"]]
    assert [(p["row"], "already has AAB rows" in p["message"]) for p in blocking] == [(1, True)]


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


HEADER = '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"\n'


@pytest.mark.parametrize(
    "case",
    [
        (
            '"Date","Action","Symbol","Quantity","Fees & Comm","Amount"\n'
            '"01/06/2025","Buy","MSFT","20","$0.00","-$8,030.00"\n',
            "schwab-transactions",
            [
                "schwab-transactions.yaml, column columns.price: names column 'Price', which "
                "broken.csv does not have"
            ],
        ),
        (
            HEADER.encode() + b'"01/06/2025","Buy","MSFT","MICRO\xffSOFT","20","$1","",""\n',
            "schwab-transactions",
            ["broken.csv, row 1: file is not UTF-8"],
        ),
        (
            HEADER + '"01/06/2025","Buy","MSFT","MICROSOFT","20","$1.00"\n',
            "schwab-transactions",
            ["broken.csv, row 1: row has 6 fields but the header has 8"],
        ),
        (b"", "schwab-transactions", ["broken.csv: file is empty"]),
        (
            "Id,Date,Symbol,Quantity,Price\nA1,2025-01-06,MSFT,1,400\nA1,2025-01-07,MSFT,1,401\n",
            "with-ids",
            ["broken.csv, row 2, column Id: id 'A1' repeats row 1"],
        ),
        (
            "Trade Date,Symbol,Quantity,Price\n2025-01-06,MSFT,1,400\n",
            "missing-column",
            [
                "missing-column.yaml, column columns.date: names column 'Date', which "
                "broken.csv does not have"
            ],
        ),
    ],
    ids=["wrong-columns", "not-utf8", "short-row", "empty", "duplicate-ids", "mapping-column"],
)
def test_bad_file_exits_2_naming_file_and_row_and_writes_nothing(
    lotwise: Run,
    household: Path,
    tmp_path: Path,
    case: tuple[str | bytes, str, list[str]],
) -> None:
    content, mapping, expected = case
    mappings = {
        "with-ids": "name: ids\nlayout: trades\ncolumns: {source_id: Id, date: Date, "
        "symbol: Symbol, quantity: Quantity, price: Price, action: Symbol}\n",
        "missing-column": "name: missing\nlayout: trades\ncolumns: {date: Date, action: Symbol, "
        "symbol: Symbol, quantity: Quantity, price: Price}\n",
    }
    if mapping in mappings:
        mapping = str(_write(tmp_path / f"{mapping}.yaml", mappings[mapping]))
    file = _write(tmp_path / "broken.csv", content)
    before = (household / "transactions.csv").read_bytes()
    code, out, err = lotwise(
        "import", "csv", file, "--data", household, "--account", "SW1", "--mapping", mapping,
        "--apply",
    )  # fmt: skip
    assert code == 2
    assert out == ""
    flat = " ".join(err.split())
    for fragment in expected:
        assert fragment in flat
    assert "Traceback" not in err
    assert (household / "transactions.csv").read_bytes() == before


def test_bad_rows_are_blocking_each_on_its_row(
    lotwise: Run, household: Path, tmp_path: Path
) -> None:
    file = _write(
        tmp_path / "rows.csv",
        HEADER
        + '"01/06/2025","Buy","MSFT","MICROSOFT","20","$401.50","",""\n'
        + '"13/45/2025","Buy","MSFT","MICROSOFT","1","$1.00","",""\n'
        + '"01/07/2025","Gift","MSFT","MICROSOFT","1","","",""\n'
        + '"01/08/2025","Buy","MSFT","MICROSOFT","ten","$1.00","",""\n'
        + '"01/09/2025","Stock Split","MSFT","MICROSOFT","20","","",""\n',
    )
    before = (household / "transactions.csv").read_bytes()
    code, plan, _ = _import(lotwise, household, file, "SW1", "schwab-transactions", "--apply")
    assert code == 2
    found = [(p["row"], p["column"]) for p in plan["problems"] if p["blocking"]]
    assert found == [(2, "Date"), (3, "Action"), (4, "Quantity"), (5, "Action")]
    assert "unsupported corporate action 'Stock Split'" in plan["problems"][-1]["message"]
    assert plan["rows_to_add"] == 1
    assert (household / "transactions.csv").read_bytes() == before


def test_lot_without_basis_is_blocking(lotwise: Run, household: Path, tmp_path: Path) -> None:
    text = FIDELITY.read_text(encoding="utf-8").replace("$45.00,$360.00", "--,--")
    file = _write(tmp_path / "lots.csv", text)
    code, plan, _ = _import(lotwise, household, file, "FD1", "fidelity-lots", "--apply")
    assert code == 2
    blocking = [p for p in plan["problems"] if p["blocking"]]
    assert [(p["row"], p["column"]) for p in blocking] == [(2, "Cost Basis Total")]
    assert "incomplete lot of CCC: no cost basis" in blocking[0]["message"]


def test_bad_mapping_file_is_reported(lotwise: Run, household: Path, tmp_path: Path) -> None:
    mapping = _write(
        tmp_path / "bad.yaml", "name: x\nlayout: trades\ncolumns: {symbol: S}\nextra: 1\n"
    )
    code, out, err = lotwise(
        "import", "csv", SCHWAB, "--data", household, "--account", "SW1", "--mapping", mapping
    )
    assert code == 2 and out == ""
    assert "bad.yaml, column extra" in err
    code, _, err = lotwise(
        "import", "csv", SCHWAB, "--data", household, "--account", "SW1", "--mapping", "nope"
    )
    assert code == 2
    assert "no such mapping file (shipped: fidelity-lots, schwab-transactions)" in err
