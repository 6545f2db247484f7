"""The single-file loaders behind ``lotwise ledger --transactions T.csv --accounts A.csv``."""

from __future__ import annotations

import pytest

from tools.errors import DataValidationError
from tools.loading import (
    load_accounts,
    load_policy_overrides,
    load_securities,
    load_transactions,
)


def test_single_file_loaders_on_valid_files(data_dir):
    root = data_dir.write()
    securities = load_securities(root / "securities.csv")
    accounts = load_accounts(root / "accounts.csv")
    transactions = load_transactions(root / "transactions.csv", accounts, securities)
    assert list(securities) == ["AAA", "BBB", "CCC", "VTI", "ITOT"]
    assert list(accounts) == ["T1", "I1", "R2", "T2"]
    assert len(transactions) == 14
    assert transactions[1].lot_id == "row-2"
    assert load_policy_overrides(root / "policy.yaml")["harvest"] == {"min_loss_usd": 500}


def test_transactions_without_securities_skip_the_symbol_lookup(data_dir):
    root = data_dir.set("transactions.csv", 9, "symbol", "NEW").write()
    accounts = load_accounts(root / "accounts.csv")
    transactions = load_transactions(root / "transactions.csv", accounts)
    assert transactions[8].symbol == "NEW"
    with pytest.raises(DataValidationError) as raised:
        load_transactions(
            root / "transactions.csv", accounts, load_securities(root / "securities.csv")
        )
    assert [(p.row, p.column) for p in raised.value.problems] == [(9, "symbol")]


def test_transactions_error_lists_every_problem_of_the_file(data_dir):
    data_dir.set("transactions.csv", 2, "date", "2024-13-01")
    data_dir.set("transactions.csv", 9, "account_id", "ZZ")
    data_dir.set("transactions.csv", 13, "quantity", "30")
    root = data_dir.write()
    with pytest.raises(DataValidationError) as raised:
        load_transactions(root / "transactions.csv", load_accounts(root / "accounts.csv"))
    found = [(p.file, p.row, p.column) for p in raised.value.problems]
    assert sorted(found, key=lambda key: key[1]) == [
        ("transactions.csv", 2, "date"),
        ("transactions.csv", 9, "account_id"),
        ("transactions.csv", 13, "quantity"),
    ]
    assert "transactions.csv, row 13, column quantity: sell of 30 ITOT" in str(raised.value)


def test_accounts_error_lists_every_problem(data_dir):
    data_dir.set("accounts.csv", 1, "tax_type", "ira").set("accounts.csv", 4, "managed", "")
    with pytest.raises(DataValidationError) as raised:
        load_accounts(data_dir.write() / "accounts.csv")
    assert [(p.row, p.column) for p in raised.value.problems] == [(1, "tax_type"), (4, "managed")]
    assert raised.value.problems[1].message == "managed is missing"


def test_securities_missing_file(tmp_path):
    with pytest.raises(DataValidationError) as raised:
        load_securities(tmp_path / "securities.csv")
    problem = raised.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("securities.csv", None, None)
    assert problem.message == "required file is missing"


def test_policy_file_problems(tmp_path):
    with pytest.raises(DataValidationError) as raised:
        load_policy_overrides(tmp_path / "policy.yaml")
    assert raised.value.problems[0].message == "required file is missing"
    path = tmp_path / "household.yaml"
    path.write_text("tax: [1, 2\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as raised:
        load_policy_overrides(path)
    problem = raised.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("household.yaml", None, None)
    assert "invalid YAML" in problem.message


def test_empty_policy_file_means_no_overrides(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("# nothing overridden\n", encoding="utf-8")
    assert load_policy_overrides(path) == {}
