"""FactorModel: validation, dense covariance, subsets and alignment of weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tools.risk import FactorModel, RiskInputError


def _model() -> FactorModel:
    return FactorModel(
        symbols=("AAA", "BBB", "CCC"),
        loadings=np.array([[1.0, 0.2], [0.8, -0.5], [1.2, 0.0]]),
        factor_cov=np.array([[0.04, 0.01], [0.01, 0.02]]),
        specific_var=np.array([0.05, 0.03, 0.08]),
        factor_names=("market", "value"),
        notes=("built by hand",),
    )


def test_covariance_is_loadings_times_factor_cov_plus_specific_diagonal() -> None:
    model = _model()
    expected = model.loadings @ model.factor_cov @ model.loadings.T + np.diag(model.specific_var)
    np.testing.assert_allclose(model.covariance(), expected)


def test_arrays_are_read_only_copies() -> None:
    loadings = np.ones((2, 1))
    model = FactorModel(("A", "B"), loadings, np.eye(1), np.ones(2), ("f",))
    loadings[0, 0] = 99.0
    assert model.loadings[0, 0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        model.loadings[0, 0] = 5.0


def test_subset_keeps_factors_and_reorders_securities() -> None:
    sub = _model().subset(["CCC", "AAA"])
    assert sub.symbols == ("CCC", "AAA")
    np.testing.assert_allclose(sub.covariance(), _model().covariance()[np.ix_([2, 0], [2, 0])])
    assert sub.notes == ("built by hand",)


def test_vector_aligns_by_symbol_and_rejects_unknown_symbols() -> None:
    model = _model()
    np.testing.assert_allclose(model.vector(pd.Series({"CCC": 0.3, "AAA": 0.7})), [0.7, 0, 0.3])
    with pytest.raises(RiskInputError, match="ZZZ"):
        model.vector(pd.Series({"AAA": 0.5, "ZZZ": 0.5}))
    with pytest.raises(RiskInputError, match="twice"):
        model.vector(pd.Series([0.5, 0.5], index=["AAA", "AAA"]))


def test_matrix_accepts_frames_by_column_name_and_checks_array_shape() -> None:
    model = _model()
    frame = pd.DataFrame({"BBB": [1.0, 0.0], "AAA": [0.0, 1.0]})
    np.testing.assert_allclose(model.matrix(frame), [[0, 1, 0], [1, 0, 0]])
    with pytest.raises(RiskInputError, match=r"\(M, 3\)"):
        model.matrix(np.ones((2, 2)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"symbols": ("AAA", "AAA", "CCC")}, "unique"),
        ({"factor_cov": np.array([[0.04, 0.02], [0.01, 0.02]])}, "symmetric"),
        ({"specific_var": np.array([0.05, -0.01, 0.08])}, "non-negative"),
        ({"loadings": np.array([[1.0, np.nan], [0.8, -0.5], [1.2, 0.0]])}, "finite"),
    ],
)
def test_invalid_models_are_rejected(change: dict[str, object], message: str) -> None:
    base = _model()
    fields = {
        "symbols": base.symbols,
        "loadings": base.loadings,
        "factor_cov": base.factor_cov,
        "specific_var": base.specific_var,
        "factor_names": base.factor_names,
    }
    fields.update(change)
    with pytest.raises(RiskInputError, match=message):
        FactorModel(**fields)  # type: ignore[arg-type]
