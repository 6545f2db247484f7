"""The compliance report's charts as inline PNG (base64), rendered by matplotlib's Agg canvas.

Each function takes plain figures and returns the base64 text of one PNG, so the report stays
one self-contained file. Figures are built without pyplot: no global figure state and no GUI
backend, whatever backend the process selected.
"""

from __future__ import annotations

import base64
import datetime as dt
import io

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from agent.evidence.wash_calendar import WashCalendar

DPI = 100
BEFORE_COLOR = "#9aa5b1"
AFTER_COLOR = "#2f6f9f"
BUDGET_COLOR = "#c0392b"
LOSS_COLOR = "#2e8b57"
WINDOW_COLOR = "#f5b041"
PROPOSED_COLOR = "#e67e22"
PURCHASE_COLOR = "#34495e"
WASHING_COLOR = "#5dade2"


def te_chart(accounts: dict[str, tuple[float, float, float]]) -> str:
    """Grouped bars of TE before and after per account, with each account's budget."""
    names = list(accounts)
    figure, axes = _figure(7.5, 0.6 * len(names) + 1.6)
    positions = range(len(names))
    before = [accounts[n][0] * 100 for n in names]
    after = [accounts[n][1] * 100 for n in names]
    budget = [accounts[n][2] * 100 for n in names]
    axes.barh(
        [p + 0.2 for p in positions], before, height=0.38, color=BEFORE_COLOR, label="TE before"
    )
    axes.barh([p - 0.2 for p in positions], after, height=0.38, color=AFTER_COLOR, label="TE after")
    axes.scatter(
        budget, list(positions), marker="|", s=600, color=BUDGET_COLOR, zorder=3, label="budget"
    )
    axes.set_yticks(list(positions), names)
    axes.invert_yaxis()
    axes.set_xlabel("annualized tracking error (%)")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3, fontsize=8, frameon=False)
    axes.grid(axis="x", alpha=0.3)
    return _png(figure)


def losses_by_sector_chart(losses: dict[str, float]) -> str:
    """Horizontal bars of the losses harvested per sector (USD)."""
    figure, axes = _figure(7.5, 0.4 * max(len(losses), 1) + 1.4)
    if losses:
        sectors = sorted(losses, key=losses.__getitem__, reverse=True)
        axes.barh(sectors, [losses[s] for s in sectors], color=LOSS_COLOR)
        axes.invert_yaxis()
        axes.xaxis.set_major_formatter(lambda value, _: f"${value:,.0f}")
        axes.grid(axis="x", alpha=0.3)
    else:
        axes.text(0.5, 0.5, "no losses harvested in this run", ha="center", va="center")
        axes.set_axis_off()
    axes.set_xlabel("harvested loss (USD)")
    return _png(figure)


def wash_calendar_chart(calendar: WashCalendar) -> str:
    """Gantt-like: per security, blocked-buy windows (bars), loss sales and purchases (marks)."""
    rows = calendar.rows
    figure, axes = _figure(9.5, 0.32 * max(len(rows), 1) + 1.8)
    for position, row in enumerate(rows):
        for first, last in row.washing_windows():
            axes.barh(
                position,
                _days(last - first),
                left=_num(first),
                height=0.3,
                color=WASHING_COLOR,
                alpha=0.45,
            )
        for first, last in row.blocked_windows():
            axes.barh(
                position,
                _days(last - first),
                left=_num(first),
                height=0.55,
                color=WINDOW_COLOR,
                alpha=0.45,
            )
        axes.scatter(
            [_num(d) for d in row.loss_sales],
            [position] * len(row.loss_sales),
            marker="v",
            color=BUDGET_COLOR,
            zorder=3,
            s=30,
        )
        axes.scatter(
            [_num(d) for d in row.proposed_sales],
            [position] * len(row.proposed_sales),
            marker="v",
            color=PROPOSED_COLOR,
            edgecolors="black",
            zorder=4,
            s=45,
        )
        axes.scatter(
            [_num(d) for d in row.purchases],
            [position] * len(row.purchases),
            marker="^",
            color=PURCHASE_COLOR,
            zorder=3,
            s=30,
        )
    axes.axvline(_num(calendar.as_of), color="black", linewidth=1, linestyle="--")
    axes.set_yticks(range(len(rows)), [row.label for row in rows], fontsize=8)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.set_xlim(_num(calendar.start), _num(calendar.end))
    axes.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))
    axes.grid(axis="x", alpha=0.3)
    handles = [
        Rectangle((0, 0), 1, 1, color=WINDOW_COLOR, alpha=0.45),
        Rectangle((0, 0), 1, 1, color=WASHING_COLOR, alpha=0.45),
        axes.scatter([], [], marker="v", color=BUDGET_COLOR),
        axes.scatter([], [], marker="v", color=PROPOSED_COLOR, edgecolors="black"),
        axes.scatter([], [], marker="^", color=PURCHASE_COLOR),
    ]
    labels = [
        "buying washes a loss sale",
        "a loss sale would be washed",
        "loss sale",
        "this run's harvest sale",
        "purchase (made or scheduled)",
    ]
    axes.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08),
        ncol=3,
        fontsize=8,
        frameon=False,
    )
    if not rows:
        axes.text(_num(calendar.as_of), 0, "no loss sales in the window", ha="center")
    return _png(figure)


def _num(day: dt.date) -> float:
    return float(mdates.date2num(day))


def _days(span: dt.timedelta) -> float:
    return span.total_seconds() / 86_400


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure, figure.subplots()


def _png(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")
