"""Daily returns from adjusted closes, with the gaps real price files have.

Two kinds of gap are handled differently:

* a missing price *inside* a symbol's history (a halt, a vendor hole) is carried forward, so
  the missing day shows a zero return and the move lands on the next priced day: the
  cumulative return is kept exactly;
* days *before* a symbol's first price (a new listing) or after its last have no return at
  all. Estimators need a full panel, so :attr:`ReturnsPanel.filled` replaces them with that
  day's cross-sectional mean return (the symbol is modelled as "the market" where it has no
  data), and :attr:`ReturnsPanel.observed` tells estimators which cells are real, so specific
  risk is measured on real days only.

Every fill is reported in :attr:`ReturnsPanel.notes`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.risk.model import RiskInputError

DEFAULT_LOOKBACK = 756  # three years of trading days
_MAX_LISTED_IN_NOTE = 20


@dataclass(frozen=True, eq=False)
class ReturnsPanel:
    """Daily simple returns of a universe over a window, with what was observed."""

    returns: pd.DataFrame  # (T, N) daily returns; NaN where the symbol had no return that day
    filled: pd.DataFrame  # (T, N) ``returns`` with NaN replaced by the day's cross-sectional mean
    notes: tuple[str, ...] = ()  # fills and gaps, in words, for the model's notes

    @property
    def observed(self) -> pd.DataFrame:
        """(T, N) True where the return is real data, False where it was filled."""
        return self.returns.notna()

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.returns.columns)


def daily_returns(
    adj_close: pd.DataFrame, as_of: dt.date | pd.Timestamp, lookback: int = DEFAULT_LOOKBACK
) -> ReturnsPanel:
    """Returns of every column of ``adj_close`` over the last ``lookback`` days up to ``as_of``.

    ``adj_close`` is a date-indexed frame of split- and dividend-adjusted closes (symbol
    columns, NaN where there is no price). Days on which no symbol has a price are not
    trading days and are dropped.
    """
    if lookback < 2:
        raise RiskInputError("lookback must be at least 2 return days")
    prices = adj_close.loc[: pd.Timestamp(as_of)].dropna(how="all").astype(float)
    if (prices <= 0).any().any():
        bad = sorted(str(s) for s in prices.columns[(prices <= 0).any()])
        raise RiskInputError(f"adjusted closes must be positive: {', '.join(bad)}")
    prices = prices.iloc[-(lookback + 1) :]
    present = prices.notna()
    listed = present.cummax() & present.iloc[::-1].cummax().iloc[::-1]
    interior_gaps = (listed & ~present).sum()
    carried = prices.ffill().where(listed)
    returns = carried.pct_change(fill_method=None).iloc[1:]
    if len(returns) < 2:
        raise RiskInputError(
            f"need at least two return days on or before {pd.Timestamp(as_of).date()}"
        )
    notes = []
    gappy = interior_gaps[interior_gaps > 0]
    if not gappy.empty:
        notes.append(
            "missing prices inside a history were carried forward (zero return that day, the"
            " move lands on the next price): " + _list_counts(gappy, "missing day", "missing days")
        )
    panel = panel_from_returns(returns)
    return ReturnsPanel(panel.returns, panel.filled, tuple(notes) + panel.notes)


def panel_from_returns(returns: pd.DataFrame) -> ReturnsPanel:
    """Wrap a (T, N) return frame (NaN = not observed) as a panel, filling the gaps."""
    if returns.shape[0] < 2 or returns.shape[1] < 1:
        raise RiskInputError(
            f"need at least two return days and one symbol; got a {returns.shape} panel"
        )
    if returns.columns.has_duplicates:
        raise RiskInputError("return columns list a symbol twice")
    values = returns.to_numpy(dtype=float)
    if np.isinf(values).any():
        raise RiskInputError("returns must be finite numbers or NaN")
    observed = ~np.isnan(values)
    counts = observed.sum(axis=1)
    day_mean = np.divide(
        np.where(observed, values, 0.0).sum(axis=1),
        counts,
        out=np.zeros(len(values)),
        where=counts > 0,
    )
    filled = np.where(observed, values, day_mean[:, None])
    frame = pd.DataFrame(values, index=returns.index, columns=returns.columns)
    filled_frame = pd.DataFrame(filled, index=returns.index, columns=returns.columns)
    per_symbol = pd.Series(observed.sum(axis=0), index=returns.columns)
    short = per_symbol[per_symbol < len(values)]
    notes: tuple[str, ...] = ()
    if not short.empty:
        notes = (
            f"short histories (of {len(values)} return days) were completed with the day's"
            " cross-sectional mean return: " + _list_counts(short, "day observed", "days observed"),
        )
    return ReturnsPanel(frame, filled_frame, notes)


def as_panel(returns: pd.DataFrame | ReturnsPanel) -> ReturnsPanel:
    """Accept either a ready panel or a plain return frame (NaN = not observed)."""
    if isinstance(returns, ReturnsPanel):
        return returns
    return panel_from_returns(returns)


def _list_counts(counts: pd.Series, singular: str, plural: str) -> str:
    listed = [
        f"{symbol} ({int(n)} {singular if n == 1 else plural})"
        for symbol, n in counts.sort_values().items()
    ]
    if len(listed) > _MAX_LISTED_IN_NOTE:
        hidden = len(listed) - _MAX_LISTED_IN_NOTE
        listed = [*listed[:_MAX_LISTED_IN_NOTE], f"and {hidden} more"]
    return ", ".join(listed)
