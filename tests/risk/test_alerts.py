"""Alert classification boundaries, the alert store and the changes between runs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tools.errors import DataValidationError
from tools.risk import Alert, AlertStore, Contributor, change_between, classify

DAY = dt.date(2025, 3, 3)


@pytest.mark.parametrize(
    ("te", "status"),
    [
        (0.0, "ok"),
        (0.008, "ok"),  # exactly warn_fraction x budget: not above it
        (0.00800001, "warn"),
        (0.01, "warn"),  # exactly the budget: not above it
        (0.01000001, "breach"),
        (0.5, "breach"),
    ],
)
def test_classification_boundaries(te: float, status: str) -> None:
    assert classify(te, budget=0.01, warn_fraction=0.8) == status


def test_a_warn_fraction_of_one_means_no_warning_band() -> None:
    assert classify(0.0099, 0.01, warn_fraction=1.0) == "ok"
    assert classify(0.0101, 0.01, warn_fraction=1.0) == "breach"


@pytest.mark.parametrize(
    ("te", "budget", "warn_fraction"),
    [(-0.01, 0.01, 0.8), (float("nan"), 0.01, 0.8), (0.01, 0.0, 0.8), (0.01, 0.01, 1.5)],
)
def test_nonsense_inputs_are_refused(te: float, budget: float, warn_fraction: float) -> None:
    with pytest.raises(ValueError):
        classify(te, budget, warn_fraction)


def _alert(account: str, te: float, day: dt.date = DAY) -> Alert:
    return Alert(
        account_id=account,
        date=day,
        te=te,
        budget=0.01,
        status=classify(te, 0.01),
        top_contributors=(Contributor(kind="security", name="AAPL", contribution=te / 2),),
    )


@pytest.mark.parametrize(
    ("before", "after", "kind"),
    [
        (None, 0.009, "new"),
        (0.005, 0.012, "new"),
        (0.009, 0.012, "escalated"),
        (0.012, 0.009, "eased"),
        (0.012, 0.002, "resolved"),
        (0.009, 0.002, "resolved"),
    ],
)
def test_changes_between_runs(before: float | None, after: float, kind: str) -> None:
    previous = _alert("A1", before) if before is not None else None
    change = change_between(previous, _alert("A1", after))
    assert change is not None and change.kind == kind


def test_an_unchanged_status_or_a_first_ok_is_no_change() -> None:
    assert change_between(_alert("A1", 0.009), _alert("A1", 0.0095)) is None
    assert change_between(None, _alert("A1", 0.001)) is None


def test_store_round_trips_and_reports_changes_since_the_last_run(tmp_path: Path) -> None:
    store = AlertStore.in_state_dir(tmp_path / ".lotwise")
    assert store.load() == {}
    first = store.record([_alert("A1", 0.009), _alert("A2", 0.001)])
    assert [(c.account_id, c.kind) for c in first] == [("A1", "new")]
    later = DAY + dt.timedelta(days=1)
    preview = store.changes_since_last([_alert("A1", 0.02, later)])
    assert [(c.kind, c.previous, c.current) for c in preview] == [("escalated", "warn", "breach")]
    assert store.load()["A1"].status == "warn"  # a preview stores nothing
    second = store.record([_alert("A1", 0.02, later)])
    assert second[0].previous_date == DAY
    reloaded = AlertStore.in_state_dir(tmp_path / ".lotwise").load()
    assert reloaded["A1"] == _alert("A1", 0.02, later)
    assert reloaded["A2"] == _alert("A2", 0.001)  # accounts not in this run are kept
    third = store.record([_alert("A1", 0.001, later)])
    assert [c.kind for c in third] == ["resolved"]
    assert sorted(p.name for p in (tmp_path / ".lotwise").iterdir()) == ["alerts.json"]


@pytest.mark.parametrize(
    ("content", "column"),
    [
        ("{not json", None),
        (json.dumps({"format": "other"}), "format"),
        (json.dumps({"format": "lotwise-alerts/1", "accounts": []}), "accounts"),
        (json.dumps({"format": "lotwise-alerts/1", "accounts": {"A1": {"te": 1}}}), "accounts.A1"),
    ],
)
def test_a_damaged_store_is_reported_by_file_and_key(
    tmp_path: Path, content: str, column: str | None
) -> None:
    (tmp_path / "alerts.json").write_text(content)
    store = AlertStore.in_state_dir(tmp_path)
    with pytest.raises(DataValidationError) as caught:
        store.load()
    problem = caught.value.problems[0]
    assert problem.file == ".lotwise/alerts.json"
    assert problem.column == column
