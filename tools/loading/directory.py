"""Load a whole data directory (docs/CONTRACTS.md §1), checking every file and cross-reference.

All problems of all files are collected before anything is raised, so one run of
``lotwise data validate`` lists everything a user has to fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tools.dataset import PortfolioData
from tools.errors import Problem
from tools.loading.accounts import ACCOUNTS, ParsedAccounts, households_of, parse_accounts
from tools.loading.benchmark import BENCHMARK, coverage_problems, parse_benchmark
from tools.loading.csv_reader import CsvTable, TableSpec, read_csv_table
from tools.loading.pending import PENDING, parse_pending
from tools.loading.policy import read_policy
from tools.loading.positions_check import held_on, missing_price_problems
from tools.loading.prices import PRICES, PricePanel, parse_prices, symbols_listed_on
from tools.loading.problems import in_reading_order, raise_if_any
from tools.loading.restrictions import RESTRICTIONS, parse_restrictions
from tools.loading.securities import SECURITIES, ParsedSecurities, parse_securities
from tools.loading.transactions import TRANSACTIONS, ParsedTransactions, parse_transactions
from tools.models import PendingPurchase, Restriction

POLICY_FILE = "policy.yaml"
_NOT_LOADED = "the directory has problems: it was not fully loaded"
FILE_ORDER = [
    spec.name
    for spec in (SECURITIES, ACCOUNTS, PRICES, BENCHMARK, TRANSACTIONS, RESTRICTIONS, PENDING)
] + [POLICY_FILE]


def load_data_dir(root: Path, as_of: dt.date | None = None) -> PortfolioData:
    """Load and validate ``root``; raise ``DataValidationError`` listing every problem found.

    ``as_of`` defaults to the last date in prices.csv.
    """
    contents = _read_directory(root, as_of)
    raise_if_any(contents.problems)
    return contents.to_portfolio_data(root)


def validate_data_dir(root: Path, as_of: dt.date | None = None) -> list[Problem]:
    """Every problem ``load_data_dir`` would raise, in reading order (empty when valid)."""
    return _read_directory(root, as_of).problems


@dataclass(frozen=True)
class DataDirSummary:
    """Counts describing a valid directory (what ``lotwise data validate`` prints)."""

    files: tuple[str, ...]  # files read, in reading order
    accounts: int
    households: int
    transactions: int  # data rows of transactions.csv
    symbols: int  # securities
    price_dates: int
    first_price_date: dt.date
    last_price_date: dt.date
    as_of: dt.date


def check_data_dir(
    root: Path, as_of: dt.date | None = None
) -> tuple[list[Problem], DataDirSummary | None]:
    """The checks of ``validate_data_dir`` plus, when there are no problems, a summary.

    Nothing is built beyond what the checks need, so this is the fast path for validation.
    """
    contents = _read_directory(root, as_of)
    if contents.problems:
        return contents.problems, None
    return [], contents.summary()


@dataclass
class _Contents:
    """What could be read from a directory, and every problem met on the way."""

    problems: list[Problem] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    tables: dict[str, CsvTable] = field(default_factory=dict)
    securities: ParsedSecurities | None = None
    accounts: ParsedAccounts | None = None
    prices: PricePanel | None = None
    benchmark: pd.DataFrame | None = None
    transactions: ParsedTransactions | None = None
    restrictions: tuple[Restriction, ...] = ()
    pending: tuple[PendingPurchase, ...] = ()
    policy_overrides: dict[str, Any] = field(default_factory=dict)
    as_of: dt.date | None = None

    def read(self, root: Path, spec: TableSpec, *, required: bool = True) -> CsvTable | None:
        table, problems = read_csv_table(root / spec.name, spec, required=required)
        self.problems += problems
        if table is not None:
            self.tables[spec.name] = table
            self.digests[spec.name] = table.digest
        return table

    def summary(self) -> DataDirSummary:
        """Counts of a directory read without problems."""
        securities, accounts, prices = self.securities, self.accounts, self.prices
        transactions, as_of = self.transactions, self.as_of
        if securities is None or accounts is None or prices is None or transactions is None:
            raise ValueError(_NOT_LOADED)
        dates = prices.close.index
        if as_of is None or dates.empty:
            raise ValueError(_NOT_LOADED)
        return DataDirSummary(
            files=tuple(self.digests),
            accounts=len(accounts.accounts),
            households=len(households_of(accounts.accounts)),
            transactions=len(transactions.frame),
            symbols=len(securities.securities),
            price_dates=len(dates),
            first_price_date=dates[0].date(),
            last_price_date=dates[-1].date(),
            as_of=as_of,
        )

    def to_portfolio_data(self, root: Path) -> PortfolioData:
        """Assemble the loaded data; only meaningful once ``problems`` is empty."""
        securities, accounts, prices = self.securities, self.accounts, self.prices
        benchmark, transactions, as_of = self.benchmark, self.transactions, self.as_of
        if (
            securities is None
            or accounts is None
            or prices is None
            or benchmark is None
            or transactions is None
            or as_of is None
        ):
            raise ValueError(_NOT_LOADED)
        panel = prices.with_symbols(securities.securities)
        return PortfolioData(
            root=root,
            as_of=as_of,
            securities=securities.securities,
            accounts=accounts.accounts,
            households=households_of(accounts.accounts),
            transactions=transactions.to_models(),
            close=panel.close,
            adj_close=panel.adj_close,
            benchmark=benchmark,
            restrictions=self.restrictions,
            pending=self.pending,
            policy_overrides=self.policy_overrides,
            file_digests=self.digests,
        )


def _read_directory(root: Path, as_of: dt.date | None) -> _Contents:
    contents = _Contents()
    if not root.is_dir():
        why = "is not a data directory" if root.exists() else "data directory does not exist"
        contents.problems.append(Problem(root.name or str(root), None, None, why))
        return contents
    _read_files(root, contents)
    _check_as_of(contents, as_of)
    contents.problems = in_reading_order(contents.problems, FILE_ORDER)
    return contents


def _read_files(root: Path, contents: _Contents) -> None:
    """Parse each file, passing along the ids and symbols the others refer to.

    A reference file that cannot be read at all yields ``None`` ids, which skips the lookups
    rather than flagging every row that refers to it.
    """
    symbols = account_ids = household_ids = None
    if (table := contents.read(root, SECURITIES)) is not None:
        contents.securities, problems = parse_securities(table)
        contents.problems += problems
        symbols = contents.securities.symbols
    if (table := contents.read(root, ACCOUNTS)) is not None:
        contents.accounts, problems = parse_accounts(table)
        contents.problems += problems
        account_ids, household_ids = contents.accounts.account_ids, contents.accounts.household_ids
    if (table := contents.read(root, PRICES)) is not None:
        contents.prices, problems = parse_prices(table, symbols)
        contents.problems += problems
    if (table := contents.read(root, BENCHMARK)) is not None:
        contents.benchmark, problems = parse_benchmark(table, symbols)
        contents.problems += problems
    if (table := contents.read(root, TRANSACTIONS)) is not None:
        contents.transactions, problems = parse_transactions(table, account_ids, symbols)
        contents.problems += problems
    if (table := contents.read(root, RESTRICTIONS, required=False)) is not None:
        contents.restrictions, problems = parse_restrictions(
            table, account_ids, household_ids, symbols
        )
        contents.problems += problems
    if (table := contents.read(root, PENDING, required=False)) is not None:
        contents.pending, problems = parse_pending(table, account_ids, symbols)
        contents.problems += problems
    overrides, source, problems = read_policy(root / POLICY_FILE, required=False)
    contents.policy_overrides = overrides
    contents.problems += problems
    if source is not None:
        contents.digests[source.name] = source.digest


def _check_as_of(contents: _Contents, as_of: dt.date | None) -> None:
    """Resolve the as-of date and check what must exist on it (prices, benchmark weights)."""
    panel = contents.prices
    if panel is None or panel.first_date is None or panel.last_date is None:
        return
    contents.as_of = as_of or panel.last_date
    if contents.as_of < panel.first_date:
        contents.problems.append(
            Problem(
                PRICES.name,
                None,
                None,
                f"as-of {contents.as_of.isoformat()} is before the first price date "
                f"{panel.first_date.isoformat()}",
            )
        )
        return
    if contents.transactions is not None:
        holders = held_on(contents.transactions.moves, contents.as_of)
        priced = symbols_listed_on(contents.tables[PRICES.name], contents.as_of)
        contents.problems += missing_price_problems(
            holders,
            priced,
            contents.as_of,
            PRICES.name,
            panel.last_date_on_or_before(contents.as_of),
        )
    if contents.benchmark is not None and not contents.benchmark.empty:
        contents.problems += coverage_problems(contents.benchmark, BENCHMARK.name, contents.as_of)
