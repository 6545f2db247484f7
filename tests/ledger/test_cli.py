"""``lotwise ledger``, ``lotwise lots`` and ``lotwise washsale`` end to end on a small data
directory: exact JSON keys, Form 8949 sections, exit code 2 with nothing on stdout."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli.main import app
from tests.ledger.data_dir import AS_OF, write_data_dir

DISPOSAL_KEYS = [
    "account_id",
    "symbol",
    "lot_id",
    "quantity",
    "acquired_date",
    "sell_date",
    "proceeds",
    "cost_basis",
    "wash_sale_disallowed",
    "gain",
    "term",
]
OPEN_LOT_KEYS = [
    "account_id",
    "symbol",
    "lot_id",
    "quantity",
    "purchase_date",
    "acquired_date",
    "cost_basis",
    "wash_sale_adjustment",
]
WASH_SALE_KEYS = [
    "loss_account_id",
    "loss_lot_id",
    "sell_date",
    "replacement_account_id",
    "replacement_lot_id",
    "quantity",
    "disallowed",
    "permanent",
]

runner = CliRunner()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_data_dir(tmp_path / "data")


def _run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr


def test_ledger_json_has_exactly_the_contract_keys(data: Path) -> None:
    code, out, _ = _run("ledger", "--data", data, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert list(document)[:3] == ["disposals", "open_lots", "wash_sales"]
    assert all(list(row) == DISPOSAL_KEYS for row in document["disposals"])
    assert all(list(row) == OPEN_LOT_KEYS for row in document["open_lots"])
    assert all(list(row) == WASH_SALE_KEYS for row in document["wash_sales"])

    # 100 AAA sold at a $1,000 loss; the spouse's 60 AAB (same identical group) 5 days later
    # wash 60 shares: the disposal is split in two rows that keep the lot_id.
    washed, kept, gift = document["disposals"]
    assert (
        washed["lot_id"],
        washed["quantity"],
        washed["wash_sale_disallowed"],
        washed["gain"],
    ) == ("row-2", 60.0, 600.0, 0.0)
    assert (kept["lot_id"], kept["quantity"], kept["wash_sale_disallowed"], kept["gain"]) == (
        "row-2",
        40.0,
        0.0,
        -400.0,
    )
    assert (gift["term"], gift["proceeds"], gift["gain"]) == ("long", 319.0, 119.0)
    (wash,) = document["wash_sales"]
    assert wash == {
        "loss_account_id": "T1",
        "loss_lot_id": "row-2",
        "sell_date": "2024-06-03",
        "replacement_account_id": "S1",
        "replacement_lot_id": "row-4",
        "quantity": 60.0,
        "disallowed": 600.0,
        "permanent": False,
    }
    spouse_lot = next(lot for lot in document["open_lots"] if lot["account_id"] == "S1")
    assert spouse_lot["cost_basis"] == 3060.0
    assert spouse_lot["acquired_date"] == "2024-01-07"  # 8 June less 158 days held


def test_ledger_from_single_files_matches_the_data_directory(data: Path) -> None:
    _, from_directory, _ = _run("ledger", "--data", data, "--format", "json")
    code, from_files, _ = _run(
        "ledger",
        "--transactions",
        data / "transactions.csv",
        "--accounts",
        data / "accounts.csv",
        "--securities",
        data / "securities.csv",
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(from_files)["disposals"] == json.loads(from_directory)["disposals"]


def test_ledger_as_of_cuts_the_history(data: Path) -> None:
    code, out, _ = _run("ledger", "--data", data, "--as-of", "2024-06-03", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert [row["wash_sale_disallowed"] for row in document["disposals"]] == [0.0]


def test_form_8949_lists_short_term_then_long_term_with_wash_code(data: Path) -> None:
    code, out, _ = _run("ledger", "--data", data, "--format", "8949")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["part"] for row in rows] == ["short", "short", "long"]
    assert (rows[0]["code"], rows[0]["adjustment"], rows[0]["gain"]) == ("W", "600.00", "0.00")
    assert (rows[1]["code"], rows[1]["gain"]) == ("", "-400.00")
    assert rows[2]["date_acquired"] == "2020-03-02"
    assert all(row["description"].endswith(")") for row in rows)


def test_table_format_prints_a_summary(data: Path) -> None:
    code, out, _ = _run("ledger", "--data", data)
    assert code == 0
    assert "Ledger as of 2024-06-14" in out
    assert "$600.00" in out


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            "2024-06-12,T1,sell,CCC,4,80,1,,,",
            "2024-06-12,T1,sell,CCC,40,80,1,,,",
            "transactions.csv, row 6, column quantity",
        ),
        (
            "2024-06-12,T1,sell,CCC,4,80,1,,,",
            "2024-06-12,T1,sell,CCC,4,80,1,nope,,",
            "transactions.csv, row 6, column lot_id",
        ),
    ],
    ids=["oversold", "unknown-lot"],
)
def test_bad_transactions_exit_2_with_nothing_on_stdout(
    data: Path, old: str, new: str, where: str
) -> None:
    path = data / "transactions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    for output in ("json", "8949", "table"):
        code, out, err = _run("ledger", "--data", data, "--format", output)
        assert (code, out) == (2, "")
        assert where in " ".join(err.split())


def test_ledger_rule_errors_exit_2_naming_the_cell(data: Path) -> None:
    """An account on specific identification selling without a lot_id."""
    path = data / "accounts.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "T1,smith,taxpayer,taxable,true,fifo", "T1,smith,taxpayer,taxable,true,specific"
        ),
        encoding="utf-8",
    )
    code, out, err = _run("ledger", "--data", data, "--format", "json")
    assert (code, out) == (2, "")
    assert "transactions.csv, row 3, column lot_id" in " ".join(err.split())


def test_ledger_needs_a_data_directory_or_the_files(data: Path) -> None:
    code, out, _ = _run("ledger", "--format", "json")
    assert (code, out) == (2, "")
    code, out, _ = _run("ledger", "--data", data, "--format", "xml")
    assert (code, out) == (2, "")


def test_lots_json_values_open_lots_at_the_last_close(data: Path) -> None:
    code, out, _ = _run("lots", "--data", data, "--account", "S1", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert (document["account_id"], document["as_of"]) == ("S1", AS_OF)
    (lot,) = document["lots"]
    assert (lot["symbol"], lot["price"], lot["market_value"]) == ("AAB", 39.0, 2340.0)
    assert (lot["cost_basis"], lot["unrealized_gain"]) == (3060.0, -720.0)
    assert (lot["wash_sale_adjustment"], lot["term"]) == (600.0, "short")
    code, out, _ = _run("lots", "--data", data, "--account", "S1")
    assert code == 0
    assert "AAB" in out


def test_lots_unknown_account_exits_2(data: Path) -> None:
    code, out, _ = _run("lots", "--data", data, "--account", "NOPE", "--format", "json")
    assert (code, out) == (2, "")


def test_washsale_json_blocks_calendar_and_unsafe_sales(tmp_path: Path) -> None:
    pending = "date,account_id,action,symbol,quantity\n2024-06-20,R1,buy,AAA,100\n"
    data = write_data_dir(tmp_path / "data", pending=pending)
    code, out, _ = _run("washsale", "--data", data, "--household", "smith", "--format", "json")
    assert code == 0
    document = json.loads(out)
    (block,) = document["blocked_buys"]
    assert (block["symbols"], block["blocked_until"], block["loss"]) == (
        ["AAA", "AAB"],
        "2024-07-03",
        400.0,
    )
    assert document["calendar"] == [{"buy_allowed_from": "2024-07-04", "symbols": ["AAA", "AAB"]}]
    # The Roth's 100 scheduled AAA: 40 go to the waiting loss, 60 would replace the spouse's
    # 60 AAB (basis $51, price $39), a $720 loss lost for good.
    (unsafe,) = document["unsafe_loss_sales"]
    assert (unsafe["account_id"], unsafe["loss"], unsafe["disallowed"]) == ("S1", 720.0, 720.0)
    (cause,) = unsafe["replacements"]
    assert (cause["account_id"], cause["quantity"], cause["pending"], cause["permanent"]) == (
        "R1",
        60.0,
        True,
        True,
    )
    code, out, _ = _run("washsale", "--data", data, "--household", "smith")
    assert code == 0
    assert "2024-07-04" in out


def test_washsale_unknown_household_exits_2(data: Path) -> None:
    code, out, _ = _run("washsale", "--data", data, "--household", "nobody")
    assert (code, out) == (2, "")


MIN_TAX_TRANSACTIONS = """date,account_id,action,symbol,quantity,price,lot_id
2022-01-03,T1,buy,CCC,10,79.5,long-gain
2024-05-01,T1,buy,CCC,10,79.0,short-gain
2024-06-14,T1,sell,CCC,10,80,
"""


@pytest.mark.parametrize(
    ("policy", "first_lot"),
    [
        # default rates: short 45.8% x $1 = $0.458 a share > long 28.8% x $0.50 = $0.144
        ("", "long-gain"),
        # short 10%, long 37%: short $0.10 a share < long $0.185 a share
        (
            "tax:\n  federal_short: 0.10\n  federal_long: 0.37\n  state: 0.0\n  niit: 0.0\n",
            "short-gain",
        ),
    ],
)
def test_min_tax_relief_uses_the_household_policy_rates(
    tmp_path: Path, policy: str, first_lot: str
) -> None:
    data = write_data_dir(tmp_path / "data", transactions=MIN_TAX_TRANSACTIONS)
    path = data / "accounts.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "T1,smith,taxpayer,taxable,true,fifo", "T1,smith,taxpayer,taxable,true,min_tax"
        ),
        encoding="utf-8",
    )
    if policy:
        (data / "policy.yaml").write_text(policy, encoding="utf-8")
    code, out, err = _run("ledger", "--data", data, "--format", "json")
    assert code == 0, err
    assert [row["lot_id"] for row in json.loads(out)["disposals"]] == [first_lot]
    if policy:
        code, out, _ = _run(
            "ledger",
            "--transactions",
            data / "transactions.csv",
            "--accounts",
            data / "accounts.csv",
            "--policy",
            data / "policy.yaml",
            "--format",
            "json",
        )
        assert code == 0
        assert [row["lot_id"] for row in json.loads(out)["disposals"]] == [first_lot]


def test_bad_policy_exits_2_naming_the_key(data: Path) -> None:
    (data / "policy.yaml").write_text("tax:\n  federal_short: 2.0\n", encoding="utf-8")
    code, out, err = _run("ledger", "--data", data, "--format", "json")
    assert (code, out) == (2, "")
    assert "policy.yaml" in err


BREAK_EVEN_TRANSACTIONS = """\
date,account_id,action,symbol,quantity,price,fees,lot_id,acquired_date,cost_basis
2024-01-02,T1,deposit,,20000,,,,,
2024-06-03,T1,buy,AAA,25,16,0,L1,,
2024-06-05,S1,buy,AAA,5,15,0,R,,
2024-06-10,T1,sell,AAA,7,16,0,L1,,
2024-06-12,T1,sell,AAA,18,12,0,L1,,
"""


def test_break_even_sale_prints_no_zero_wash_and_no_negative_zero(tmp_path: Path) -> None:
    """7 of 25 shares bought for $400 sold for $112 (a pro-rata basis of
    112.00000000000001 in floats): no loss, so the $72 loss two days later washes $20 on
    the spouse's 5 shares, and no output shows -0.00 or a W row with 0.00."""
    data = write_data_dir(tmp_path / "data", transactions=BREAK_EVEN_TRANSACTIONS)
    code, out, _ = _run("ledger", "--data", data, "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert [(w["replacement_lot_id"], w["disallowed"]) for w in document["wash_sales"]] == [
        ("R", 20.0)
    ]
    [replacement] = [lot for lot in document["open_lots"] if lot["lot_id"] == "R"]
    assert (replacement["cost_basis"], replacement["acquired_date"]) == (95.0, "2024-05-27")
    assert "-0.0" not in out
    code, out, _ = _run("ledger", "--data", data, "--format", "8949")
    assert code == 0
    assert "-0.00" not in out
    codes = [(row["code"], row["adjustment"]) for row in csv.DictReader(io.StringIO(out))]
    assert codes == [("", ""), ("W", "20.00"), ("", "")]
    code, out, _ = _run("ledger", "--data", data)
    assert code == 0
    assert "-0.00" not in out


def test_conflicting_split_ratios_exit_2_naming_both_rows(data: Path) -> None:
    path = data / "transactions.csv"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "2024-06-13,T1,split,CCC,2,,,,,\n2024-06-13,R1,split,CCC,3,,,,,\n",
        encoding="utf-8",
    )
    code, out, err = _run("ledger", "--data", data, "--format", "json")
    assert (code, out) == (2, "")
    assert (
        "transactions.csv, row 9, column quantity: split of CCC on 2024-06-13 with ratio 3 "
        "conflicts with row 8's ratio 2"
    ) in " ".join(err.split())
