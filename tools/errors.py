"""Typed errors for bad input.

Every problem names the file, the 1-based data row (the header is row 0, so row 1 is the
first line after the header) and the column, so a user can go straight to the cell.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect in one cell (or file, when ``row`` and ``column`` are ``None``)."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class DataValidationError(Exception):
    """Raised when input data is malformed; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("DataValidationError needs at least one problem")
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(
        cls, file: str, row: int | None, column: str | None, message: str
    ) -> DataValidationError:
        return cls([Problem(file, row, column, message)])
