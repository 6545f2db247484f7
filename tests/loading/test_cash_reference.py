"""The cash check against an independent replay in cents (hypothesis): random cash histories
of managed accounts, the loader's verdict compared with a row-by-row reference."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.loading.conftest import DataDirBuilder
from tools.loading import validate_data_dir

DAYS = ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05", "2024-01-08"]
movement = st.tuples(
    st.sampled_from(DAYS),
    st.sampled_from(["deposit", "withdraw", "dividend"]),
    st.integers(min_value=1, max_value=500_000),  # cents
)


def reference_shortfall_row(rows: list[tuple[str, str, int]]) -> int | None:
    """The 1-based row starting the final shortfall of more than a cent, or None."""
    ordered = sorted(range(len(rows)), key=lambda i: (rows[i][0], i))
    cash, start = Decimal(0), None
    for i in ordered:
        _day, action, cents = rows[i]
        cash += Decimal(cents if action != "withdraw" else -cents) / 100
        if cash < Decimal("-0.01") and start is None:
            start = i + 1
        elif cash >= Decimal("-0.01"):
            start = None
    return start


@settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(movement, min_size=1, max_size=12))
def test_cash_shortfall_matches_a_replay_in_cents(
    tmp_path_factory: object, rows: list[tuple[str, str, int]]
) -> None:
    root = Path(tmp_path_factory.mktemp("cash"))  # type: ignore[attr-defined]
    builder = DataDirBuilder(root)
    builder.append(
        "accounts.csv",
        {
            "account_id": "C1",
            "household_id": "H3",
            "owner": "dan",
            "tax_type": "taxable",
            "managed": "true",
        },
    )
    first = len(builder.tables["transactions.csv"][1])
    for day, action, cents in rows:
        symbol = "AAA" if action == "dividend" else ""
        builder.append(
            "transactions.csv",
            {
                "date": day,
                "account_id": "C1",
                "action": action,
                "symbol": symbol,
                "quantity": f"{Decimal(cents) / 100}",
            },
        )
    problems = validate_data_dir(builder.write(), dt.date(2024, 1, 8))
    expected = reference_shortfall_row(rows)
    found = [p for p in problems if "C1's cash" in p.message]
    assert [p.row - first for p in found] == ([] if expected is None else [expected])
    assert len(problems) == len(found)
