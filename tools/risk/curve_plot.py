"""The TE-vs-holdings curve as a PNG (matplotlib's Agg canvas: no display, no global state)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tools.risk.atomic import write_atomically
from tools.risk.curve import CurvePoint


def save_curve_plot(points: Sequence[CurvePoint], path: Path, title: str) -> None:
    """Plot tracking error (percent) against the number of names and write ``path`` atomically."""
    if not points:
        raise ValueError("nothing to plot: the curve has no points")
    figure = Figure(figsize=(7.0, 4.5), dpi=120)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    sizes = [p.size for p in points]
    axes.plot(sizes, [100.0 * p.te for p in points], marker="o", color="tab:blue")
    for point in points:
        axes.annotate(
            f"{100.0 * point.te:.2f}%",
            (point.size, 100.0 * point.te),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            fontsize=8,
        )
    axes.set_xlabel("number of names allowed (N)")
    axes.set_ylabel("lowest ex-ante tracking error found (%, annualized)")
    axes.set_title(title)
    axes.set_ylim(bottom=0.0, top=110.0 * max(p.te for p in points) + 1e-3)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    write_atomically(path, buffer.getvalue())
