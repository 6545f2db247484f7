"""Writing an import: all or nothing, and never over a file that changed since the plan."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.importers.household import SAMPLES
from tools.errors import DataValidationError
from tools.importers.ibkr import parse_flex
from tools.importers.plan import apply_plan, build_plan


def test_failed_write_leaves_the_file_as_it_was(
    household: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = build_plan(household, "IB1", parse_flex(SAMPLES / "flex_2025.xml"))
    before = (household / "transactions.csv").read_bytes()

    def full_disk(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(DataValidationError, match="cannot be written: No space left on device"):
        apply_plan(plan)
    assert (household / "transactions.csv").read_bytes() == before
    assert sorted(path.name for path in household.iterdir() if path.name.startswith(".")) == []


def test_file_changed_after_the_plan_is_not_overwritten(household: Path) -> None:
    plan = build_plan(household, "IB1", parse_flex(SAMPLES / "flex_2025.xml"))
    path = household / "transactions.csv"
    path.write_text(path.read_text(encoding="utf-8") + "2025-06-01,SP1,deposit,,5,,,,,\n")
    changed = path.read_bytes()
    with pytest.raises(DataValidationError, match="changed while the import was planned"):
        apply_plan(plan)
    assert path.read_bytes() == changed


def test_a_blocked_plan_cannot_be_applied(household: Path) -> None:
    parsed = parse_flex(SAMPLES / "flex_2025.xml")
    parsed.block(3, "symbol", "invented problem")
    plan = build_plan(household, "IB1", parsed)
    before = (household / "transactions.csv").read_bytes()
    with pytest.raises(DataValidationError, match="invented problem"):
        apply_plan(plan)
    assert (household / "transactions.csv").read_bytes() == before


def test_import_creates_transactions_csv_when_absent(household: Path) -> None:
    (household / "transactions.csv").unlink()
    plan = build_plan(household, "IB1", parse_flex(SAMPLES / "flex_2025.xml"))
    apply_plan(plan)
    lines = (household / "transactions.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "date,account_id,action,symbol,quantity,price,fees,lot_id,acquired_date,cost_basis,"
        "source_id"
    )
    assert len(lines) == 1 + 7
