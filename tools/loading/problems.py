"""Helpers for the problem lists every loader returns."""

from __future__ import annotations

from collections.abc import Collection, Iterable

import numpy as np

from tools.errors import DataValidationError, Problem


def raise_if_any(problems: list[Problem]) -> None:
    if problems:
        raise DataValidationError(problems)


def rows_with_problems(
    problems: Iterable[Problem], size: int, columns: Collection[str] | None = None
) -> np.ndarray:
    """Boolean mask over 0-based frame positions of the rows some problem points at.

    With ``columns``, only problems in those columns count.
    """
    mask = np.zeros(size, dtype=bool)
    for problem in problems:
        if columns is not None and problem.column not in columns:
            continue
        if problem.row is not None and 1 <= problem.row <= size:
            mask[problem.row - 1] = True
    return mask


def in_reading_order(problems: list[Problem], file_order: list[str]) -> list[Problem]:
    """Sort by file (in ``file_order``), then row (file-level problems first); stable otherwise."""
    rank = {name: index for index, name in enumerate(file_order)}
    return sorted(
        problems,
        key=lambda p: (rank.get(p.file, len(rank)), p.row if p.row is not None else 0),
    )
