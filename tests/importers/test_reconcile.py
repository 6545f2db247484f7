"""``lotwise reconcile 1099b``: differences between a broker's 1099-B and the household
ledger, each with its reason; above all the wash sales the broker could not see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.importers.conftest import Run
from tests.importers.household import SAMPLES


@pytest.fixture
def imported(lotwise: Run, household: Path) -> Path:
    code, _, err = lotwise(
        "import", "ibkr", SAMPLES / "flex_2025.xml", "--data", household, "--account", "IB1",
        "--apply",
    )  # fmt: skip
    assert code == 0, err
    return household


def _reconcile(lotwise: Run, data: Path, form: Path, account: str) -> dict:
    code, out, err = lotwise(
        "reconcile", "1099b", form, "--data", data, "--account", account, "--year", "2025",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    return json.loads(out)


def test_cross_account_wash_sale_is_named(lotwise: Run, imported: Path) -> None:
    report = _reconcile(lotwise, imported, SAMPLES / "ib1_1099b_2025.csv", "IB1")
    assert report["matched_sales"] == 0
    [difference] = report["differences"]
    assert difference["reason"] == "cross_account_wash_sale"
    assert difference["ledger"]["wash_sale_disallowed"] == 501.0
    assert difference["broker"]["wash_sale_disallowed"] == 0.0
    assert "50 sh AAB bought 2025-03-20 in SP1 (lot sp-aab)" in difference["explanation"]
    assert report["totals"]["ledger"]["wash_sale_disallowed"] == 501.0


def test_replacement_basis_and_holding_period_differences(lotwise: Run, imported: Path) -> None:
    report = _reconcile(lotwise, imported, SAMPLES / "sp1_1099b_2025.csv", "SP1")
    reasons = {d["reason"]: d for d in report["differences"]}
    assert set(reasons) == {"basis_adjusted_by_cross_account_wash", "term_differs"}
    basis = reasons["basis_adjusted_by_cross_account_wash"]
    assert (basis["broker"]["cost_basis"], basis["ledger"]["cost_basis"]) == (2050.0, 2551.0)
    assert "IB1 lot ibkr-1002 sold 2025-03-10, 501.00 disallowed" in basis["explanation"]
    assert "tacked" in reasons["term_differs"]["explanation"]


def test_agreeing_form_has_no_differences(lotwise: Run, imported: Path, tmp_path: Path) -> None:
    form = tmp_path / "agree.csv"
    form.write_text(
        "description,date_acquired,date_sold,proceeds,cost_basis,wash_sale_disallowed,term\n"
        "60 sh AAA,2023-02-01,2025-03-10,2398.80,3000.00,501.00,long\n",
        encoding="utf-8",
    )
    report = _reconcile(lotwise, imported, form, "IB1")
    assert (report["matched_sales"], report["differences"]) == (1, [])


def test_missing_sales_on_either_side(lotwise: Run, imported: Path, tmp_path: Path) -> None:
    form = tmp_path / "other.csv"
    form.write_text(
        "description,date_acquired,date_sold,proceeds,cost_basis,wash_sale_disallowed,term\n"
        "5 sh MSFT,VARIOUS,2025-07-01,2000,1250,0,long\n",
        encoding="utf-8",
    )
    report = _reconcile(lotwise, imported, form, "IB1")
    assert sorted(d["reason"] for d in report["differences"]) == [
        "missing_in_1099b",
        "missing_in_ledger",
    ]


def test_the_check_sees_the_wash_sale_only_through_the_household(
    lotwise: Run, household: Path
) -> None:
    """Without the spouse's purchase the same 1099-B agrees: the reported difference comes
    from the other account, not from the comparison itself."""
    alone = (household / "transactions.csv").read_text(encoding="utf-8").splitlines()
    (household / "transactions.csv").write_text(
        "\n".join(line for line in alone if ",SP1," not in line) + "\n", encoding="utf-8"
    )
    code, _, err = lotwise(
        "import", "ibkr", SAMPLES / "flex_2025.xml", "--data", household, "--account", "IB1",
        "--apply",
    )  # fmt: skip
    assert code == 0, err
    report = _reconcile(lotwise, household, SAMPLES / "ib1_1099b_2025.csv", "IB1")
    assert (report["matched_sales"], report["differences"]) == (1, [])


@pytest.mark.parametrize(
    "case",
    [
        ("description,date_sold,proceeds\n60 sh AAA,2025-03-10,1\n", "column 'date_acquired'"),
        (
            "description,date_acquired,date_sold,proceeds,cost_basis,wash_sale_disallowed,term\n"
            "60 sh AAA,2023-02-01,2025-13-10,2398.80,3000,0,long\n",
            "bad.csv, row 1, column date_sold",
        ),
        (
            "description,date_acquired,date_sold,proceeds,cost_basis,wash_sale_disallowed,term\n"
            "60 sh AAA,2023-02-01,2025-03-10,lots,3000,0,medium\n",
            "bad.csv, row 1, column proceeds",
        ),
    ],
    ids=["missing-columns", "bad-date", "bad-number"],
)
def test_bad_1099b_exits_2(
    lotwise: Run, imported: Path, tmp_path: Path, case: tuple[str, str]
) -> None:
    text, expected = case
    form = tmp_path / "bad.csv"
    form.write_text(text, encoding="utf-8")
    code, out, err = lotwise(
        "reconcile", "1099b", form, "--data", imported, "--account", "IB1", "--year", "2025"
    )
    assert code == 2 and out == ""
    assert expected in " ".join(err.split())


def test_ira_account_gets_no_1099b(lotwise: Run, imported: Path) -> None:
    code, _, err = lotwise(
        "reconcile", "1099b", SAMPLES / "ib1_1099b_2025.csv", "--data", imported,
        "--account", "IRA1", "--year", "2025",
    )  # fmt: skip
    assert code == 2
    assert "IRA-type account" in err
