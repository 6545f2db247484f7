"""Vectorized checks of one column of a ``CsvTable``, each returning the problems it finds.

Checks run over whole columns with pandas; Python only loops over the offending rows to word
their messages, so a clean million-row file costs a few array passes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection

import numpy as np
import pandas as pd

from tools.errors import Problem
from tools.ids import all_valid, id_problem, quoted_id
from tools.loading.csv_reader import CsvTable
from tools.loading.limits import EARLIEST_DATE

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def report(
    table: CsvTable,
    mask: pd.Series | np.ndarray,
    column: str | None,
    describe: Callable[[int], str],
) -> list[Problem]:
    """One problem per true entry of ``mask``; ``describe`` words it from the 0-based position."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    return [Problem(table.name, int(i) + 1, column, describe(int(i))) for i in positions]


def report_values(
    table: CsvTable, mask: pd.Series | np.ndarray, column: str, template: str
) -> list[Problem]:
    """Problems whose message is ``template`` with ``{value}`` replaced by the cell text."""
    text = table.cells(column).to_numpy()
    return report(table, mask, column, lambda i: template.format(value=text[i]))


def missing(
    table: CsvTable, column: str, where: pd.Series | np.ndarray | None = None, why: str = ""
) -> list[Problem]:
    """Blank cells where a value is required (everywhere when ``where`` is None)."""
    mask = table.blank(column)
    if where is not None:
        mask = mask & np.asarray(where, dtype=bool)
    suffix = f" ({why})" if why else ""
    return report(table, mask, column, lambda _: f"{column} is missing{suffix}")


def parse_dates(table: CsvTable, column: str) -> tuple[pd.Series, list[Problem]]:
    """Parse YYYY-MM-DD cells (NaT where blank or bad); bad non-blank cells are problems, and
    so are dates before ``EARLIEST_DATE``."""
    codes, uniques = table.factorized(column)  # a few thousand distinct dates among many rows
    unique_text = pd.Series(uniques, dtype=str)
    well_formed = unique_text.map(lambda value: _ISO_DATE.fullmatch(value) is not None)
    unique_dates = pd.to_datetime(
        unique_text.where(well_formed), format="%Y-%m-%d", errors="coerce"
    )
    # ISO text sorts like the dates it spells (and pandas cannot hold years before 1677).
    early_unique = (well_formed & (unique_text < EARLIEST_DATE.isoformat())).to_numpy()
    unique_dates[early_unique] = pd.NaT
    early = early_unique[codes]
    dates = pd.Series(unique_dates.to_numpy()[codes], index=table.frame.index)
    bad = dates.isna().to_numpy() & ~table.blank(column) & ~early
    problems = report_values(
        table, bad, column, f"{column} '{{value}}' is not a valid date (expected YYYY-MM-DD)"
    )
    problems += report_values(
        table, early, column, f"{column} {{value}} is before {EARLIEST_DATE.isoformat()}"
    )
    return dates, problems


def parse_numbers(table: CsvTable, column: str) -> tuple[np.ndarray, list[Problem]]:
    """Parse numeric cells (NaN where blank or bad); non-numeric non-blank cells are problems.

    ``inf`` and ``nan`` spelled out are rejected too: no quantity or price can be infinite.
    """
    filled = ~table.blank(column)
    numbers = np.full(len(table), np.nan)
    if filled.any():
        text = table.cells(column)[filled]
        parsed = _all_numbers(text.to_numpy())
        if parsed is None:
            parsed = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
        numbers[filled] = parsed
    bad = filled & ~np.isfinite(numbers)
    numbers[bad] = np.nan
    problems = report_values(table, bad, column, f"{column} '{{value}}' is not a number")
    return numbers, problems


def _all_numbers(text: np.ndarray) -> np.ndarray | None:
    """Every cell parsed by pandas' C reader in one pass, or ``None`` when some cell is not a
    plain number (the caller then parses cell by cell and words the problems).

    Large files are nearly always clean, and the C reader is a few times faster than
    ``pd.to_numeric`` on text; both round to the same float. Cells are read one per line,
    without quoting, so a cell holding a comma, a quote or a line break cannot be taken apart
    into something that parses: it fails the one-column shape check or the parse.
    """
    try:
        frame = pd.read_csv(
            io.StringIO("\n".join(text)),
            header=None,
            dtype=float,
            na_filter=False,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=False,
        )
    except (ValueError, pd.errors.ParserError):
        return None
    if frame.shape != (len(text), 1):
        return None
    return frame[0].to_numpy(dtype=float)


def negative(table: CsvTable, column: str, numbers: np.ndarray) -> list[Problem]:
    return report_values(table, numbers < 0, column, f"{column} {{value}} is negative")


def check_choice(
    table: CsvTable,
    column: str,
    allowed: Collection[str],
    where: pd.Series | np.ndarray | None = None,
) -> list[Problem]:
    """Non-blank cells that are not one of ``allowed`` (blank cells are ``missing``' job)."""
    mask = ~table.among(column, allowed) & ~table.blank(column)
    if where is not None:
        mask = mask & np.asarray(where, dtype=bool)
    choices = ", ".join(allowed)
    return report_values(table, mask, column, f"{column} '{{value}}' is not one of {choices}")


def check_known(
    table: CsvTable,
    column: str,
    known: Collection[str] | None,
    *,
    what: str,
    source: str,
    where: pd.Series | np.ndarray | None = None,
) -> list[Problem]:
    """Non-blank references absent from ``known`` (skipped when ``known`` could not be read)."""
    if known is None:
        return []
    mask = ~table.among(column, known) & ~table.blank(column)
    if where is not None:
        mask = mask & np.asarray(where, dtype=bool)
    return report_values(table, mask, column, f"unknown {what} '{{value}}' (not in {source})")


def duplicates(
    table: CsvTable, columns: list[str], column: str, describe: Callable[[dict[str, str]], str]
) -> list[Problem]:
    """Rows repeating the key ``columns`` of an earlier row, reported on the later rows.

    ``describe`` words the message from the key cells; the earlier row is appended.
    """
    repeated = pd.Series(_row_keys(table, columns)).duplicated(keep=False).to_numpy()
    text = [table.cells(name).to_numpy() for name in columns]
    first_row: dict[tuple[str, ...], int] = {}
    problems = []
    for i in np.flatnonzero(repeated):
        key = tuple(str(cells[i]) for cells in text)
        if key not in first_row:
            first_row[key] = int(i) + 1
            continue
        described = describe(dict(zip(columns, key, strict=True)))
        message = f"{described} (first at row {first_row[key]})"
        problems.append(Problem(table.name, int(i) + 1, column, message))
    return problems


def _row_keys(table: CsvTable, columns: list[str]) -> np.ndarray:
    """One integer per row, equal for two rows exactly when all their ``columns`` cells are:
    hashing small integer codes is much faster than hashing tuples of strings."""
    keys = np.zeros(len(table), dtype=np.int64)
    for name in columns:
        codes, uniques = table.factorized(name)
        keys, _ = pd.factorize(keys * len(uniques) + codes)
    return keys


def not_positive(table: CsvTable, column: str, numbers: np.ndarray) -> list[Problem]:
    """Negative or zero values where only a positive one makes sense (prices, ratios)."""
    problems = negative(table, column, numbers)
    problems += report_values(
        table, numbers == 0, column, f"{column} {{value}} must be greater than zero"
    )
    return problems


def check_ids(
    table: CsvTable, column: str, what: str, where: pd.Series | np.ndarray | None = None
) -> list[Problem]:
    """Non-blank cells breaking the id rule of ``tools.ids`` (blank cells are ``missing``' job).

    Each distinct value is checked once, all at once first: a clean column costs one pass.
    """
    codes, uniques = table.factorized(column)
    filled = [str(value) for value in uniques if value != ""]
    if all_valid(filled):
        return []
    why = {k: id_problem(str(value)) for k, value in enumerate(uniques) if value != ""}
    bad_unique = np.array([why.get(k) is not None for k in range(len(uniques))], dtype=bool)
    mask = bad_unique[codes]
    if where is not None:
        mask = mask & np.asarray(where, dtype=bool)
    text = table.cells(column).to_numpy()
    return report(
        table,
        mask,
        column,
        lambda i: f"{what} {quoted_id(text[i])} {why[int(codes[i])]}",
    )
