"""A small valid data directory, built in code, that each test breaks in one place.

Two households: H1 (alice: taxable T1 with a split and a reinvestment, held-away IRA I1)
and H2 (bob: Roth R2 holding a transferred lot, taxable T2 with a specific-lot sale).
The as-of date defaults to 2024-01-08, the last price date.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
from pathlib import Path

import pytest

from tools.errors import Problem
from tools.loading import validate_data_dir

PRICE_DATES = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"]
SYMBOLS = ["AAA", "BBB", "CCC", "VTI", "ITOT"]

_TABLES: dict[str, tuple[list[str], list[list[str]]]] = {
    "securities.csv": (
        ["symbol", "name", "sector", "industry", "esg_score", "identical_group"],
        [
            ["AAA", "Alpha Corp", "Technology", "Software", "70", ""],
            ["BBB", "Beta Inc", "Health Care", "Pharmaceuticals", "45.5", ""],
            ["CCC", "Gamma Energy", "Energy", "Oil & Gas", "20", ""],
            ["VTI", "Vanguard Total Stock Market ETF", "Fund", "Index Fund", "", "us_total"],
            ["ITOT", "iShares Core S&P Total U.S. Stock ETF", "Fund", "Index Fund", "", "us_total"],
        ],
    ),
    "accounts.csv": (
        [
            "account_id",
            "household_id",
            "owner",
            "tax_type",
            "managed",
            "relief_method",
            "te_budget",
            "benchmark",
        ],
        [
            ["T1", "H1", "alice", "taxable", "true", "fifo", "0.02", ""],
            ["I1", "H1", "alice", "traditional_ira", "false", "", "", ""],
            ["R2", "H2", "bob", "roth_ira", "true", "hifo", "", ""],
            ["T2", "H2", "bob", "taxable", "TRUE", "specific", "0.015", "sp500"],
        ],
    ),
    "prices.csv": (
        ["date", "symbol", "close", "adj_close"],
        [
            [
                day,
                symbol,
                f"{base + offset:.2f}",
                "" if symbol == "CCC" else f"{base + offset - 1:.2f}",
            ]
            for offset, day in enumerate(PRICE_DATES)
            for symbol, base in zip(SYMBOLS, [100, 50, 75, 200, 100], strict=True)
        ],
    ),
    "benchmark.csv": (
        ["symbol", "weight"],
        [["AAA", "0.4"], ["BBB", "0.3"], ["CCC", "0.2"], ["VTI", "0.1"]],
    ),
    "transactions.csv": (
        [
            "date",
            "account_id",
            "action",
            "symbol",
            "quantity",
            "price",
            "fees",
            "lot_id",
            "acquired_date",
            "cost_basis",
        ],
        [
            ["2024-01-02", "T1", "deposit", "", "10000", "", "", "", "", ""],  # 1
            ["2024-01-02", "T1", "buy", "AAA", "10", "100", "1", "", "", ""],  # 2
            ["2024-01-02", "T1", "buy", "BBB", "5", "50", "0", "B-1", "", ""],  # 3
            ["2024-01-03", "T1", "split", "AAA", "2", "", "", "", "", ""],  # 4
            ["2024-01-03", "T1", "sell", "AAA", "5", "51", "0", "", "", ""],  # 5
            ["2024-01-04", "T1", "dividend", "BBB", "12.5", "", "", "", "", ""],  # 6
            ["2024-01-04", "T1", "reinvest", "BBB", "0.25", "50", "", "", "", ""],  # 7
            ["2024-01-04", "I1", "deposit", "", "5000", "", "", "", "", ""],  # 8
            ["2024-01-04", "I1", "buy", "VTI", "10", "200", "", "", "", ""],  # 9
            [
                "2024-01-05",
                "R2",
                "transfer_in",
                "CCC",
                "20",
                "",
                "",
                "",
                "2020-05-01",
                "1500",
            ],  # 10
            ["2024-01-05", "T2", "deposit", "", "3000", "", "", "", "", ""],  # 11
            ["2024-01-05", "T2", "buy", "ITOT", "8", "100", "", "L7", "", ""],  # 12
            ["2024-01-08", "T2", "sell", "ITOT", "3", "105", "", "L7", "", ""],  # 13
            ["2024-01-08", "T1", "withdraw", "", "100", "", "", "", "", ""],  # 14
        ],
    ),
    "restrictions.csv": (
        ["scope", "scope_id", "kind", "target_type", "target", "reason"],
        [
            ["household", "H1", "exclude", "symbol", "CCC", "client request"],
            ["account", "T2", "no_buy", "sector", "Energy", ""],
            ["household", "H2", "exclude", "esg_below", "30", "ESG screen"],
        ],
    ),
    "pending.csv": (
        ["date", "account_id", "action", "symbol", "quantity"],
        [
            ["2024-01-15", "T1", "buy", "AAA", "3"],
            ["2024-01-20", "I1", "reinvest", "VTI", "0.5"],
        ],
    ),
}
POLICY = "harvest:\n  min_loss_usd: 500\ntracking_error:\n  budget: 0.02\n"


class DataDirBuilder:
    """The valid tables, editable by file, 1-based data row and column, then written out."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tables = copy.deepcopy(_TABLES)
        self.policy: str | None = POLICY
        self.raw: dict[str, bytes] = {}

    def set(self, file: str, row: int, column: str, value: str) -> DataDirBuilder:
        columns, rows = self.tables[file]
        rows[row - 1][columns.index(column)] = value
        return self

    def cell(self, file: str, row: int, column: str) -> str:
        columns, rows = self.tables[file]
        return rows[row - 1][columns.index(column)]

    def append(self, file: str, values: dict[str, str]) -> DataDirBuilder:
        columns, rows = self.tables[file]
        rows.append([values.get(column, "") for column in columns])
        return self

    def delete_row(self, file: str, row: int) -> DataDirBuilder:
        del self.tables[file][1][row - 1]
        return self

    def drop_column(self, file: str, column: str) -> DataDirBuilder:
        columns, rows = self.tables[file]
        index = columns.index(column)
        self.tables[file] = (
            [c for c in columns if c != column],
            [[v for i, v in enumerate(row) if i != index] for row in rows],
        )
        return self

    def remove(self, file: str) -> DataDirBuilder:
        if file == "policy.yaml":
            self.policy = None
        else:
            del self.tables[file]
        return self

    def write_raw(self, file: str, content: bytes) -> DataDirBuilder:
        """Write ``content`` verbatim instead of the table (for encoding and syntax breaks)."""
        self.raw[file] = content
        return self

    def write(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        for file, (columns, rows) in self.tables.items():
            with (self.root / file).open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                writer.writerows(rows)
        if self.policy is not None:
            (self.root / "policy.yaml").write_text(self.policy, encoding="utf-8")
        for file, content in self.raw.items():
            (self.root / file).write_bytes(content)
        return self.root

    def problems(self, as_of: dt.date | None = None) -> list[Problem]:
        return validate_data_dir(self.write(), as_of)

    def single_problem(self, as_of: dt.date | None = None) -> Problem:
        """The one problem the directory has (fails the test when there are more or none)."""
        problems = self.problems(as_of)
        assert len(problems) == 1, "\n".join(str(p) for p in problems)
        return problems[0]


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDirBuilder:
    return DataDirBuilder(tmp_path / "data")
