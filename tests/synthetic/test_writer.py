"""Writing is all-or-nothing, and benchmark weights are exact decimals summing to 1."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.synthetic import build_dataset, writer
from tools.synthetic.benchmark import WEIGHT_UNIT, cap_weight_units, format_weight


def test_a_failure_while_writing_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = build_dataset(seed=1)

    def broken(_: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "_transactions", broken)
    out = tmp_path / "data"
    with pytest.raises(RuntimeError, match="disk full"):
        writer.write_data_dir(dataset, out)
    assert list(out.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


def test_existing_files_are_not_replaced_without_overwrite(tmp_path: Path) -> None:
    (tmp_path / "prices.csv").write_text("mine\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        writer.write_data_dir(build_dataset(seed=1), tmp_path)
    assert (tmp_path / "prices.csv").read_text(encoding="utf-8") == "mine\n"
    assert writer.existing_outputs(tmp_path) == ["prices.csv"]


def test_weights_are_written_as_exact_decimals() -> None:
    assert format_weight(123) == "0.0000000123"
    assert format_weight(WEIGHT_UNIT) == "1.0000000000"
    assert format_weight(2_500_000_000) == "0.2500000000"


@settings(max_examples=60, deadline=None, derandomize=True)
@given(caps=st.lists(st.floats(min_value=1e6, max_value=5e12), min_size=1, max_size=600))
def test_cap_weights_sum_to_exactly_one_and_stay_proportional(caps: list[float]) -> None:
    array = np.array(caps)
    units = cap_weight_units(array)
    assert int(units.sum()) == WEIGHT_UNIT
    assert sum(Decimal(format_weight(u)) for u in units.tolist()) == Decimal(1)
    exact = array / array.sum() * WEIGHT_UNIT
    assert np.all(np.abs(units[:-1] - exact[:-1]) < 1.0)
    assert abs(units[-1] - exact[-1]) <= len(caps)


def test_cap_weights_refuse_non_positive_caps() -> None:
    with pytest.raises(ValueError, match="positive"):
        cap_weight_units(np.array([1.0, 0.0]))
