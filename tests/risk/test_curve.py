"""The TE-vs-number-of-names curve and its plot."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.risk.synthetic import make_market
from tools.risk import (
    RiskInputError,
    estimate_pca_model,
    ex_ante_te,
    min_te_portfolio,
    save_curve_plot,
    te_curve,
)

MARKET = make_market(n_symbols=80, n_days=500)
MODEL = estimate_pca_model(MARKET.returns, n_factors=8)
SIZES = (5, 10, 20, 40, 60, 80)
POINTS = te_curve(MODEL, MARKET.benchmark, SIZES)


def test_curve_is_non_increasing_in_the_number_of_names() -> None:
    assert [p.size for p in POINTS] == list(SIZES)
    tes = [p.te for p in POINTS]
    assert all(later <= earlier + 1e-12 for earlier, later in itertools.pairwise(tes))
    assert tes[0] > 10 * tes[-2]


def test_curve_reaches_zero_when_every_benchmark_name_may_be_held() -> None:
    assert POINTS[-1].size == MODEL.n_symbols
    assert POINTS[-1].te < 1e-5


def test_each_point_is_a_long_only_fully_invested_portfolio_of_at_most_n_names() -> None:
    for point in POINTS:
        assert point.n_held <= point.size
        assert len(point.weights) == point.n_held
        assert (point.weights > 0).all()
        assert point.weights.sum() == pytest.approx(1.0, abs=1e-12)
        assert point.te == pytest.approx(
            ex_ante_te(MODEL, point.weights, MARKET.benchmark), rel=1e-12, abs=1e-15
        )


def test_name_selection_beats_holding_the_largest_benchmark_weights() -> None:
    gains = []
    for point in POINTS[:-1]:
        largest = MARKET.benchmark.nlargest(point.size).index
        baseline = ex_ante_te(
            MODEL, min_te_portfolio(MODEL, MARKET.benchmark, largest), MARKET.benchmark
        )
        assert point.te <= baseline + 1e-9
        gains.append(baseline - point.te)
    assert max(gains) > 1e-4  # the swaps found better names somewhere on the curve


def test_min_te_portfolio_over_every_name_is_the_benchmark() -> None:
    weights = min_te_portfolio(MODEL, MARKET.benchmark, list(MODEL.symbols))
    np.testing.assert_allclose(weights[MARKET.benchmark.index], MARKET.benchmark, atol=1e-6)
    with pytest.raises(RiskInputError, match="at least one"):
        min_te_portfolio(MODEL, MARKET.benchmark, [])


def test_sizes_beyond_the_universe_are_capped_once() -> None:
    points = te_curve(MODEL, MARKET.benchmark, sizes=(10, 500, 1000))
    assert [p.size for p in points] == [10, MODEL.n_symbols]


def test_benchmark_must_be_a_long_only_fully_invested_portfolio() -> None:
    with pytest.raises(RiskInputError, match="sum to 1"):
        te_curve(MODEL, MARKET.benchmark * 0.5, sizes=(10,))
    with pytest.raises(RiskInputError, match="positive"):
        te_curve(MODEL, MARKET.benchmark, sizes=(0, 10))


def test_plot_is_written_as_a_png_without_leftover_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "plots" / "curve.png"
    save_curve_plot(POINTS, target, title="synthetic market")
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in target.parent.iterdir()] == ["curve.png"]
    with pytest.raises(ValueError, match="no points"):
        save_curve_plot([], tmp_path / "empty.png", title="nothing")
    assert not (tmp_path / "empty.png").exists()


def test_benchmark_symbols_outside_the_model_are_refused() -> None:
    with pytest.raises(RiskInputError, match="ZZZ"):
        te_curve(MODEL, pd.concat([MARKET.benchmark * 0.9, pd.Series({"ZZZ": 0.1})]), (5,))
