"""securities.csv: the investable universe and its "substantially identical" groups."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tools.errors import Problem
from tools.loading.cells import duplicates, missing, negative, parse_numbers, report_values
from tools.loading.csv_reader import CsvTable, TableSpec, read_table_or_raise
from tools.loading.problems import raise_if_any, rows_with_problems
from tools.models import Security

SECURITIES = TableSpec("securities.csv", ("symbol", "name", "sector", "industry"))
ESG_MAX = 100.0


@dataclass(frozen=True)
class ParsedSecurities:
    securities: dict[str, Security]  # valid rows, by symbol, file order
    symbols: frozenset[str]  # every symbol the file names (for cross-file references)


def parse_securities(table: CsvTable) -> tuple[ParsedSecurities, list[Problem]]:
    symbols = table.cells("symbol")
    problems = missing(table, "symbol")
    problems += duplicates(
        table, ["symbol"], "symbol", lambda key: f"duplicate symbol '{key['symbol']}'"
    )
    esg, esg_problems = parse_numbers(table, "esg_score")
    problems += esg_problems + negative(table, "esg_score", esg)
    problems += report_values(
        table, esg > ESG_MAX, "esg_score", "esg_score {value} is above 100 (expected 0-100)"
    )

    valid = ~rows_with_problems(problems, len(table))
    names, sectors, industries, groups = (
        table.cells(column).to_numpy()
        for column in ("name", "sector", "industry", "identical_group")
    )
    securities: dict[str, Security] = {}
    for i in np.flatnonzero(valid):
        security = Security(
            symbol=symbols.iat[i],
            name=names[i],
            sector=sectors[i],
            industry=industries[i],
            esg_score=None if np.isnan(esg[i]) else float(esg[i]),
            identical_group=groups[i] or None,
        )
        securities[security.symbol] = security
    named = frozenset(symbols[symbols != ""])
    return ParsedSecurities(securities, named), problems


def load_securities(path: Path) -> dict[str, Security]:
    """Load and validate one securities.csv; raise ``DataValidationError`` listing every problem."""
    parsed, problems = parse_securities(read_table_or_raise(path, SECURITIES))
    raise_if_any(problems)
    return parsed.securities
