"""Read one CSV file into a frame of strings and report file-level defects.

Every cell is read as text (``dtype=str``, no NA parsing): a blank cell stays ``""``
and each column is then validated explicitly, so the parser never guesses a type or turns
"NA" into a missing value. Rows are numbered from 1 for the first line after the header.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from tools.errors import DataValidationError, Problem
from tools.loading.source_file import SourceFile, read_source_file

_FIELD_COUNT_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass(frozen=True)
class TableSpec:
    """The columns a file must have, and whether a header without rows is acceptable."""

    name: str
    required: tuple[str, ...]  # optional columns are read when present (``CsvTable.cells``)
    needs_rows: bool = True  # reference tables (securities, prices...) cannot be empty


@dataclass(frozen=True)
class CsvTable:
    name: str
    frame: pd.DataFrame  # one str column per header name; "" for blank cells; index 0..n-1
    digest: str  # sha256 hex of the file
    # Per-column caches: every check asks for blanks, and lookups reuse one factorization.
    _absent: dict[str, pd.Series] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _blanks: dict[str, np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _factorized: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def rows(self) -> np.ndarray:
        """1-based data row of each frame row (the header is row 0)."""
        return np.arange(1, len(self.frame) + 1)

    def has(self, column: str) -> bool:
        return column in self.frame.columns

    def cells(self, column: str) -> pd.Series:
        """The column's text, or all blanks when an optional column is absent."""
        if self.has(column):
            return self.frame[column]
        if column not in self._absent:
            self._absent[column] = pd.Series("", index=self.frame.index, dtype=str)
        return self._absent[column]

    def blank(self, column: str) -> np.ndarray:
        """Boolean mask of the blank cells of ``column``."""
        if column not in self._blanks:
            self._blanks[column] = (self.cells(column) == "").to_numpy()
        return self._blanks[column]

    def factorized(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """(codes, distinct values) of ``column``: most columns repeat a few values."""
        if column not in self._factorized:
            codes, uniques = pd.factorize(self.cells(column))
            self._factorized[column] = (codes, np.asarray(uniques, dtype=object))
        return self._factorized[column]

    def among(self, column: str, values: Collection[str]) -> np.ndarray:
        """Boolean mask of the cells of ``column`` equal to one of ``values``."""
        codes, uniques = self.factorized(column)
        return np.isin(uniques, list(values))[codes]


def read_csv_table(
    path: Path, spec: TableSpec, *, required: bool = True
) -> tuple[CsvTable | None, list[Problem]]:
    """Read ``path``; return ``None`` with the problems when it cannot be used at all."""
    source, problems = read_source_file(path, required=required)
    if source is None or problems:
        return None, problems
    return parse_csv(source, spec)


def read_table_or_raise(path: Path, spec: TableSpec) -> CsvTable:
    """Read a required file for a single-file loader, raising when it cannot be used at all."""
    table, problems = read_csv_table(path, spec)
    if table is None:
        raise DataValidationError(problems)
    return table


def parse_csv(source: SourceFile, spec: TableSpec) -> tuple[CsvTable | None, list[Problem]]:
    name = source.name
    if source.is_blank:
        expected = ", ".join(spec.required)
        return None, [Problem(name, None, None, f"file is empty (expected a header: {expected})")]
    header_problems = _header_problems(source, spec)
    if header_problems:
        return None, header_problems
    try:
        frame = pd.read_csv(
            io.BytesIO(source.data),
            dtype=str,
            keep_default_na=False,
            na_filter=False,  # blank and missing trailing cells stay ""
            encoding="utf-8-sig",
            skipinitialspace=True,
        )
    except pd.errors.ParserError as error:
        return None, [_parser_problem(name, error)]
    frame.columns = [str(column).strip() for column in frame.columns]
    if spec.needs_rows and frame.empty:
        return None, [Problem(name, None, None, "file has a header but no data rows")]
    return CsvTable(name, frame, source.digest), []


def _header_problems(source: SourceFile, spec: TableSpec) -> list[Problem]:
    first_line = next(line for line in io.BytesIO(source.data) if line.strip())
    fields = next(csv.reader([first_line.decode("utf-8-sig")], skipinitialspace=True))
    header = [field.strip() for field in fields]
    repeated = sorted({column for column in header if column and header.count(column) > 1})
    problems = [
        Problem(source.name, None, column, f"column '{column}' appears twice in the header")
        for column in repeated
    ]
    problems += [
        Problem(source.name, None, column, f"required column '{column}' is missing")
        for column in spec.required
        if column not in header
    ]
    return problems


def _parser_problem(name: str, error: pd.errors.ParserError) -> Problem:
    match = _FIELD_COUNT_ERROR.search(str(error))
    if match:
        expected, line, seen = (int(group) for group in match.groups())
        return Problem(name, line - 1, None, f"row has {seen} fields but the header has {expected}")
    return Problem(name, None, None, f"cannot parse the CSV: {error}")
