"""Dry run and apply: what an import would add to a data directory, and writing it safely.

The plan merges the new rows into the directory's transactions.csv in memory and validates
the result with the same loader every command uses, so an import can never write a file the
rest of lotwise would refuse (an unknown symbol, a sale of shares the account does not hold,
a lot id used twice). Rows already imported (same account and ``source_id``) are skipped, so
importing a statement twice adds nothing. ``apply_plan`` writes a temporary file beside
transactions.csv and renames it over the original: a reader sees the old file or the new
one, never half of one (``tools.risk.atomic``).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.errors import DataValidationError, Problem
from tools.importers.rows import TRANSACTION_COLUMNS, ImportedRow, ImportProblem, ParsedSource
from tools.loading import load_accounts, load_securities
from tools.loading.csv_reader import parse_csv
from tools.loading.source_file import SourceFile, read_source_file
from tools.loading.transactions import TRANSACTIONS, parse_transactions
from tools.models import CASH_ACTIONS
from tools.risk.atomic import write_atomically

TRANSACTIONS_FILE = "transactions.csv"


@dataclass(frozen=True)
class ImportPlan:
    source: ParsedSource
    account_id: str
    added: list[ImportedRow]
    already_imported: int  # rows whose (account, source_id) is in transactions.csv already
    already_held: int  # opening lots the account already has under the same lot_id
    problems: list[ImportProblem]
    path: Path  # the data directory's transactions.csv
    original_digest: str | None  # of the file the plan was made from (None: absent)
    merged: str  # transactions.csv as it would be after the import

    @property
    def blocking(self) -> list[ImportProblem]:
        return [problem for problem in self.problems if problem.blocking]

    def summary(self) -> dict[str, Any]:
        dates = sorted(row.date for row in self.added)
        return {
            "source": self.source.name,
            "kind": self.source.kind,
            "account_id": self.account_id,
            "rows_to_add": len(self.added),
            "by_action": dict(sorted(Counter(row.action for row in self.added).items())),
            "symbols": sorted({row.symbol for row in self.added if row.symbol}),
            "first_date": dates[0].isoformat() if dates else None,
            "last_date": dates[-1].isoformat() if dates else None,
            "already_imported": self.already_imported,
            "already_held": self.already_held,
            "blocking_problems": len(self.blocking),
            "problems": [
                {
                    "file": problem.problem.file,
                    "row": problem.problem.row,
                    "column": problem.problem.column,
                    "message": problem.problem.message,
                    "blocking": problem.blocking,
                }
                for problem in self.problems
            ],
        }


def build_plan(data_dir: Path, account_id: str, parsed: ParsedSource) -> ImportPlan:
    """What importing ``parsed`` into ``account_id`` would do; raises for an unusable dir."""
    accounts = load_accounts(data_dir / "accounts.csv")
    if account_id not in accounts:
        raise DataValidationError.single(
            "accounts.csv", None, "account_id", f"unknown account '{account_id}' (--account)"
        )
    securities = load_securities(data_dir / "securities.csv")
    path = data_dir / TRANSACTIONS_FILE
    source, problems = read_source_file(path, required=False)
    if problems:
        raise DataValidationError(problems)
    header, existing = _existing_rows(source)
    imported = {(row.get("account_id", ""), row.get("source_id", "")) for row in existing}
    held_lots = {row.get("lot_id", "") for row in existing if row.get("account_id") == account_id}
    held_symbols = {
        row.get("symbol", "")
        for row in existing
        if row.get("account_id") == account_id and row.get("action") not in CASH_ACTIONS
    }
    added: list[ImportedRow] = []
    already_imported = already_held = 0
    plan_problems = list(parsed.problems)
    for row in parsed.rows:
        if (account_id, row.source_id) in imported:
            already_imported += 1
        elif row.opening and row.lot_id in held_lots:
            already_held += 1
        else:
            if row.opening and row.symbol in held_symbols:
                plan_problems.append(_snapshot_overlap(parsed.name, row, account_id))
            added.append(row)
    columns = header + [column for column in TRANSACTION_COLUMNS if column not in header]
    merged = _merged_text(columns, existing, added, account_id)
    plan_problems += _validation_problems(
        merged,
        existing_count=len(existing),
        added=added,
        source_name=parsed.name,
        accounts=set(accounts),
        symbols=set(securities),
    )
    return ImportPlan(
        source=parsed,
        account_id=account_id,
        added=added,
        already_imported=already_imported,
        already_held=already_held,
        problems=plan_problems,
        path=path,
        original_digest=source.digest if source is not None else None,
        merged=merged,
    )


def _existing_rows(source: SourceFile | None) -> tuple[list[str], list[dict[str, str]]]:
    if source is None or source.is_blank:
        return [], []
    reader = csv.DictReader(io.StringIO(source.data.decode("utf-8-sig")), skipinitialspace=True)
    header = [column.strip() for column in reader.fieldnames or []]
    reader.fieldnames = header
    return header, [{key: value or "" for key, value in row.items() if key} for row in reader]


def _snapshot_overlap(name: str, row: ImportedRow, account_id: str) -> ImportProblem:
    message = (
        f"lot {row.lot_id} of {row.symbol}: account {account_id} already has {row.symbol} "
        "rows, so this held lot may already be counted (import the trades instead, or "
        "start from an account without that history)"
    )
    return ImportProblem(Problem(name, row.source_row, "lot_id", message), True)


def _merged_text(
    columns: list[str], existing: list[dict[str, str]], added: list[ImportedRow], account: str
) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(existing)
    writer.writerows(row.cells(account) for row in added)
    return buffer.getvalue()


def _validation_problems(
    merged: str,
    *,
    existing_count: int,
    added: list[ImportedRow],
    source_name: str,
    accounts: set[str],
    symbols: set[str],
) -> list[ImportProblem]:
    """Load the merged file as every command would; point problems of new rows back at the
    source record that made them."""
    data = merged.encode("utf-8")
    source = SourceFile(TRANSACTIONS_FILE, data, hashlib.sha256(data).hexdigest())
    table, problems = parse_csv(source, TRANSACTIONS)
    if table is not None:
        _, problems = parse_transactions(table, accounts, symbols)
    return [
        ImportProblem(_traced(problem, existing_count, added, source_name), True)
        for problem in problems
    ]


def _traced(
    problem: Problem, existing_count: int, added: list[ImportedRow], source_name: str
) -> Problem:
    """A problem of a new row, told at the source record that made it."""
    if problem.row is None or problem.row <= existing_count:
        return problem
    row = added[problem.row - existing_count - 1]
    hint = " (add it to securities.csv first)" if "unknown symbol" in problem.message else ""
    label = f"{row.action} {row.symbol}".strip()
    return Problem(source_name, row.source_row, problem.column, f"{label}: {problem.message}{hint}")


def apply_plan(plan: ImportPlan) -> None:
    """Write the merged transactions.csv atomically; refuse a blocked plan or a file that
    changed since the plan was made."""
    if plan.blocking:
        raise DataValidationError([problem.problem for problem in plan.blocking])
    current, _ = read_source_file(plan.path, required=False)
    if (current.digest if current is not None else None) != plan.original_digest:
        raise DataValidationError.single(
            TRANSACTIONS_FILE, None, None, "changed while the import was planned; run it again"
        )
    try:
        write_atomically(plan.path, plan.merged.encode("utf-8"))
    except OSError as error:
        raise DataValidationError.single(
            TRANSACTIONS_FILE, None, None, f"cannot be written: {error.strerror or error}"
        ) from error
