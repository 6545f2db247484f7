"""Time-weighted growth with flows, and annualization."""

from __future__ import annotations

import numpy as np
import pytest

from evals.backtest.metrics import annualized, growth_factors


def test_flows_are_taken_out_of_growth() -> None:
    values = np.array([100.0, 110.0, 231.0])
    flows = np.array([100.0, 0.0, 100.0])
    assert growth_factors(values, flows) == pytest.approx([1.0, 1.1, 131.0 / 110.0])


def test_initial_costs_show_on_the_first_day() -> None:
    assert growth_factors(np.array([99.5]), np.array([100.0])) == pytest.approx([0.995])


def test_annualized_over_calendar_days() -> None:
    assert annualized(np.array([1.21]), days=730) == pytest.approx(1.21 ** (365.25 / 730) - 1)
