"""A directory broken in many places reports every problem, in reading order."""

from __future__ import annotations

import pytest

from tools.errors import DataValidationError
from tools.loading import load_data_dir, validate_data_dir


def break_everywhere(data_dir):
    data_dir.append(
        "securities.csv", {"symbol": "AAA", "name": "again", "sector": "", "industry": ""}
    )
    data_dir.set("accounts.csv", 3, "tax_type", "529")
    data_dir.set("prices.csv", 12, "close", "n/a")
    data_dir.set("benchmark.csv", 2, "weight", "0.35")
    data_dir.set("transactions.csv", 5, "quantity", "25")
    data_dir.set("transactions.csv", 1, "price", "1")
    data_dir.set("restrictions.csv", 2, "kind", "never")
    data_dir.set("pending.csv", 2, "account_id", "nobody")
    data_dir.policy = "[unclosed\n"
    return data_dir.write()


EXPECTED = [
    ("securities.csv", 6, "symbol"),
    ("accounts.csv", 3, "tax_type"),
    ("prices.csv", 12, "close"),
    ("benchmark.csv", None, "weight"),
    ("transactions.csv", 1, "price"),
    ("transactions.csv", 5, "quantity"),
    ("restrictions.csv", 2, "kind"),
    ("pending.csv", 2, "account_id"),
    ("policy.yaml", None, None),
]


def test_every_problem_of_every_file_is_reported(data_dir):
    problems = validate_data_dir(break_everywhere(data_dir))
    assert [(p.file, p.row, p.column) for p in problems] == EXPECTED
    messages = [p.message for p in problems]
    assert "duplicate symbol 'AAA'" in messages[0]
    assert "close 'n/a' is not a number" in messages[2]
    assert "sum to 1.05" in messages[3]
    assert "deposit takes no price" in messages[4]
    assert "sell of 25 AAA" in messages[5]


def test_load_raises_one_error_with_all_problems(data_dir):
    root = break_everywhere(data_dir)
    with pytest.raises(DataValidationError) as raised:
        load_data_dir(root)
    assert [(p.file, p.row, p.column) for p in raised.value.problems] == EXPECTED


def test_several_problems_in_one_row(data_dir):
    data_dir.set("transactions.csv", 9, "date", "yesterday")
    data_dir.set("transactions.csv", 9, "price", "-200")
    data_dir.set("transactions.csv", 9, "fees", "free")
    problems = validate_data_dir(data_dir.write())
    assert [(p.row, p.column) for p in problems] == [(9, "date"), (9, "price"), (9, "fees")]


def test_unreadable_reference_file_does_not_flag_every_reference(data_dir):
    # Without securities.csv, symbols cannot be looked up: only the missing file is reported.
    data_dir.remove("securities.csv").set("transactions.csv", 9, "quantity", "-1")
    problems = validate_data_dir(data_dir.write())
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("securities.csv", None, None),
        ("transactions.csv", 9, "quantity"),
    ]
