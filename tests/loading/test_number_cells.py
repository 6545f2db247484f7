"""Numeric cells: the one-pass parse of clean columns matches the cell-by-cell parse, and any
cell it cannot read sends the whole column to the cell-by-cell parse and its messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.loading.cells import parse_numbers
from tools.loading.csv_reader import CsvTable

TRICKY = ["1,5", "1_0", "nan", "inf", "-inf", '"2"', "0x10", "１", " ", "1e999", "1\n2", "abc"]
FORMATS = ["{:.2f}", "{!r}", "{:.6e}", "{:.17g}", "{:+.3f}", "{:g}"]


def _table(cells: list[str]) -> CsvTable:
    return CsvTable("prices.csv", pd.DataFrame({"close": pd.Series(cells, dtype=str)}), "digest")


def _cell_by_cell(cells: list[str]) -> tuple[np.ndarray, list[int]]:
    """What the column must give: pandas' own parse of each non-blank cell, finite only."""
    numbers = pd.to_numeric(pd.Series(cells, dtype=object), errors="coerce").to_numpy(
        float, copy=True
    )
    filled = np.array([cell != "" for cell in cells], dtype=bool)
    numbers[~filled] = np.nan
    bad = filled & ~np.isfinite(numbers)
    numbers[bad] = np.nan
    return numbers, [int(i) + 1 for i in np.flatnonzero(bad)]


number_cells = st.builds(
    lambda value, form: form.format(value),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.sampled_from(FORMATS),
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.one_of(number_cells, st.sampled_from([*TRICKY, ""])), min_size=1))
def test_numeric_cells_parse_as_pandas_parses_each_cell(cells: list[str]) -> None:
    numbers, problems = parse_numbers(_table(cells), "close")
    expected, bad_rows = _cell_by_cell(cells)
    np.testing.assert_array_equal(numbers, expected)
    assert [p.row for p in problems] == bad_rows
    assert all(p.message == f"close '{cells[p.row - 1]}' is not a number" for p in problems)


def test_a_comma_inside_a_cell_is_not_split_into_two_numbers() -> None:
    numbers, problems = parse_numbers(_table(["1.5", "1,5", "2"]), "close")
    np.testing.assert_array_equal(numbers, [1.5, np.nan, 2.0])
    assert [(p.row, p.column, p.message) for p in problems] == [
        (2, "close", "close '1,5' is not a number")
    ]
