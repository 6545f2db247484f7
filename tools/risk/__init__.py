"""Risk model, tracking error, attribution, the TE-vs-holdings curve and TE alerts.

Import the public API from here; the submodules each do one job:
``returns`` (daily returns, gaps), ``ewma`` (weights, specific variances), ``pca`` and
``fundamental`` (estimators), ``shrinkage`` (Ledoit-Wolf), ``model`` (the ``FactorModel``),
``tracking`` (ex-ante/ex-post TE, attribution), ``curve`` and ``curve_plot`` (TE vs number
of names), ``alerts`` (status, store, changes), ``atomic`` (all-or-nothing writes).

``history`` (realized account values from a ledger replay) and ``report`` (an account's or
household's risk from a data directory) read whole data directories; import them from their
modules.
"""

from tools.risk.alerts import (
    Alert,
    AlertChange,
    AlertStatus,
    AlertStore,
    Contributor,
    change_between,
    classify,
)
from tools.risk.curve import CurvePoint, CurveSolveError, min_te_portfolio, te_curve
from tools.risk.curve_plot import save_curve_plot
from tools.risk.fundamental import estimate_fundamental_model
from tools.risk.model import FactorModel, RiskInputError
from tools.risk.pca import estimate_pca_model
from tools.risk.returns import ReturnsPanel, daily_returns
from tools.risk.shrinkage import Shrinkage, ledoit_wolf, ledoit_wolf_covariance
from tools.risk.tracking import (
    Attribution,
    active_variance,
    ex_ante_te,
    ex_ante_te_many,
    ex_post_te,
    te_attribution,
)

__all__ = [
    "Alert",
    "AlertChange",
    "AlertStatus",
    "AlertStore",
    "Attribution",
    "Contributor",
    "CurvePoint",
    "CurveSolveError",
    "FactorModel",
    "ReturnsPanel",
    "RiskInputError",
    "Shrinkage",
    "active_variance",
    "change_between",
    "classify",
    "daily_returns",
    "estimate_fundamental_model",
    "estimate_pca_model",
    "ex_ante_te",
    "ex_ante_te_many",
    "ex_post_te",
    "ledoit_wolf",
    "ledoit_wolf_covariance",
    "min_te_portfolio",
    "save_curve_plot",
    "te_attribution",
    "te_curve",
]
