"""The backtest report: a summary table beside the published anchors, and four plots.

``write_report`` writes ``report.md``, ``report.html`` and the PNG plots they show into one
directory, each file through a temporary name and a rename, so a failed run leaves no
half-written report.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from evals.backtest.metrics import after_tax_by_year, rolling_te, run_years
from evals.backtest.suite import ANCHORS, CAPPED, Scored, SuiteSettings, SummaryRow

PLOTS = {
    "harvested.png": "Cumulative harvested losses (% of initial value)",
    "alpha_by_year.png": "Tax alpha by year (after-tax return minus buy-and-hold's)",
    "te.png": "Realized tracking error, trailing 63 trading days",
    "after_tax_value.png": "After-tax value of $1 (pre-liquidation), ours versus the baselines",
}
COLUMNS = (
    "strategy",
    "pre-tax / yr",
    "after-tax / yr",
    "tax alpha / yr",
    "vs fund / yr",
    "realized TE",
    "harvested",
    "peak net losses",
    "turnover / yr",
    "wash-sale violations",
)


def summary_cells(row: SummaryRow) -> list[str]:
    return [
        row.label,
        percent(row.pre_tax),
        percent(row.after_tax),
        percent(row.tax_alpha),
        percent(row.tax_alpha_vs_fund),
        percent(row.realized_te),
        percent(row.harvested_share),
        percent(row.peak_net_loss_share),
        percent(row.turnover, 0),
        str(row.wash_sale_violations),
    ]


def anchor_cells() -> list[list[str]]:
    return [
        [a.label, "-" if a.tax_alpha is None else percent(a.tax_alpha), a.note] for a in ANCHORS
    ]


def percent(value: float, decimals: int = 2) -> str:
    shown = round(value * 100, decimals)
    return f"{shown or 0.0:.{decimals}f}%"  # -0.0 is falsy: never "-0.00%"


def by_market(scored: list[Scored]) -> tuple[list[str], list[list[str]]]:
    """(header, rows): each label's tax alpha and wash-sale violations on each market."""
    markets = list(dict.fromkeys(s.run.market for s in scored))
    header = ["strategy", *markets, "violations"]
    rows = []
    for label in _labels(scored):
        alpha = {s.run.market: s.tax_alpha for s in scored if s.label == label}
        violations = sum(s.metrics.wash_sale_violations for s in scored if s.label == label)
        rows.append([label, *(percent(alpha[m]) for m in markets), str(violations)])
    return header, rows


def write_report(
    out: Path, settings: SuiteSettings, scored: list[Scored], rows: list[SummaryRow]
) -> list[Path]:
    """Write the plots, ``report.md`` and ``report.html`` under ``out``; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = [
        _atomic(out / name, lambda path, name=name: _plot(name, scored, path)) for name in PLOTS
    ]
    markdown = _markdown(settings, scored, rows)
    written.append(_atomic(out / "report.md", lambda path: path.write_text(markdown, "utf-8")))
    page = _html(settings, scored, rows)
    written.append(_atomic(out / "report.html", lambda path: path.write_text(page, "utf-8")))
    return written


def _atomic(target: Path, write: Callable[[Path], object]) -> Path:
    handle, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=target.suffix
    )
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _mean_series(
    scored: list[Scored], label: str, pick: Callable[[Scored], pd.Series]
) -> pd.Series:
    series = [pick(s) for s in scored if s.label == label]
    return pd.concat(series, axis=1).mean(axis=1)


def _labels(scored: list[Scored]) -> list[str]:
    return list(dict.fromkeys(s.label for s in scored))


def _plot(name: str, scored: list[Scored], path: Path) -> None:
    figure = Figure(figsize=(8, 4.5))  # no pyplot: no global state, no GUI backend
    axes = figure.subplots()
    for label in _labels(scored):
        if name == "harvested.png":
            line = _mean_series(
                scored,
                label,
                lambda s: pd.Series(
                    s.run.harvested / s.run.config.initial_value * 100, index=run_years(s.run)
                ),
            )
        elif name == "te.png":
            line = _mean_series(scored, label, lambda s: rolling_te(s.run) * 100)
        elif name == "after_tax_value.png":
            line = _mean_series(
                scored,
                label,
                lambda s: pd.Series(
                    s.run.after_tax_value / s.run.config.initial_value, index=run_years(s.run)
                ),
            )
        else:
            continue
        axes.plot(line.index, line.to_numpy(), label=label)
    if name == "alpha_by_year.png":
        table = _alpha_by_year(scored) * 100
        table.plot.bar(ax=axes)
        axes.axhline(0.0, color="black", linewidth=0.8)
    axes.set_title(PLOTS[name])
    axes.set_xlabel("year of the run")
    axes.legend(fontsize=8)
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=100)


def _alpha_by_year(scored: list[Scored]) -> pd.DataFrame:
    """(run years x labels) mean over markets of each year's after-tax return minus the
    passive run's (buy_and_hold under the same tax terms; the capped row has no capped
    passive run in ``scored``, and a passive run's taxes are nil either way)."""
    columns = {}
    for label in _labels(scored):
        if label == "buy_and_hold":
            continue
        differences = []
        for s in scored:
            if s.label != label:
                continue
            passive = next(
                p for p in scored if p.label == "buy_and_hold" and p.run.market == s.run.market
            )
            differences.append(after_tax_by_year(s.run) - after_tax_by_year(passive.run))
        columns[label] = pd.concat(differences, axis=1).mean(axis=1)
    return pd.DataFrame(columns)


def _settings_text(settings: SuiteSettings, scored: list[Scored]) -> str:
    config = settings.config
    markets = ", ".join(dict.fromkeys(s.run.market for s in scored))
    return (
        f"Markets: {markets}; {settings.names} largest names, {settings.years:g} years, "
        f"${config.initial_value:,.0f} initial, monthly flow ${config.monthly_flow_usd:,.0f}."
        f" lotwise reviews every {config.decision_every_days} trading days (TE budget "
        f"{config.te_budget:.1%}, no net gains realized); baselines harvest monthly. "
        f"Rates {config.short_rate:.0%} short-term, {config.long_rate:.0%} long-term, losses "
        f"offset gains elsewhere without limit (except the capped row: IRC §1211(b) $3,000 "
        f"with carryforward, IRC §1212(b)). Costs: {config.spread_bps:g} bps spread, half "
        f"paid on every fill."
    )


DEFINITIONS = (
    "Tax alpha (Chaudhuri, Burnham & Lo, FAJ 2020): annualized after-tax return of the "
    "strategy minus that of buy-and-hold of the same benchmark names in the same account; "
    "'vs fund' uses the benchmark held as a fund. After-tax returns are time-weighted, "
    "pre-liquidation (tax on realized results paid each April 15 from the account's cash; "
    "credits from net losses are paid into it). Harvested: cumulative losses claimed, as a "
    "share of the initial value. Peak net losses: the largest cumulative net realized loss "
    "(the AQR measure). Wash-sale violations: loss sales claimed in full with a purchase of "
    "a substantially identical security within 30 days, re-derived from the fills."
)


def _decay_text(scored: list[Scored]) -> str:
    table = _alpha_by_year(scored)
    if "lotwise" not in table:
        return ""
    by_year = ", ".join(
        f"year {year}: {percent(value)}" for year, value in table["lotwise"].items()
    )
    return f"lotwise tax alpha by year of the run (mean over markets): {by_year}."


def _cap_text(rows: list[SummaryRow]) -> str:
    found = {row.label: row for row in rows}
    if "lotwise" not in found or CAPPED not in found:
        return ""
    free, capped = found["lotwise"], found[CAPPED]
    return (
        f"The $3,000 cap with carryforward: lotwise's tax alpha is {percent(capped.tax_alpha)}"
        f" a year instead of {percent(free.tax_alpha)} with unlimited offsetting gains; it "
        f"harvests {percent(capped.harvested_share)} of the initial value instead of "
        f"{percent(free.harvested_share)} (the policy's loss-value cap stops harvests whose "
        f"losses could not be used this year)."
    )


def _markdown(settings: SuiteSettings, scored: list[Scored], rows: list[SummaryRow]) -> str:
    lines = [
        "# lotwise backtest: tax alpha against the published baseline",
        "",
        _settings_text(settings, scored),
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(summary_cells(row)) + " |" for row in rows]
    header, market_rows = by_market(scored)
    lines += [
        "",
        "## Tax alpha by market",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(cells) + " |" for cells in market_rows]
    lines += ["", "## Published anchors", "", "| source | tax alpha / yr | note |", "|---|---|---|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in anchor_cells()]
    lines += [
        "",
        _cap_text(rows),
        "",
        _decay_text(scored),
        "",
        "## Definitions",
        "",
        DEFINITIONS,
        "",
        "## Plots",
        "",
    ]
    lines += [f"![{title}]({name})" for name, title in PLOTS.items()]
    return "\n".join(lines) + "\n"


def _html(settings: SuiteSettings, scored: list[Scored], rows: list[SummaryRow]) -> str:
    def table(header: tuple[str, ...] | list[str], body: list[list[str]]) -> str:
        head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
        cells = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in body
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"

    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>lotwise backtest</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;"
        "text-align:right}td:first-child{text-align:left}</style></head><body>",
        "<h1>lotwise backtest: tax alpha against the published baseline</h1>",
        f"<p>{html.escape(_settings_text(settings, scored))}</p>",
        table(COLUMNS, [summary_cells(row) for row in rows]),
        "<h2>Tax alpha by market</h2>",
        table(*by_market(scored)),
        "<h2>Published anchors</h2>",
        table(["source", "tax alpha / yr", "note"], anchor_cells()),
        f"<p>{html.escape(_cap_text(rows))}</p><p>{html.escape(_decay_text(scored))}</p>",
        f"<h2>Definitions</h2><p>{html.escape(DEFINITIONS)}</p><h2>Plots</h2>",
    ]
    parts += [
        f"<figure><img src='{name}' alt='{html.escape(title)}'>"
        f"<figcaption>{html.escape(title)}</figcaption></figure>"
        for name, title in PLOTS.items()
    ]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
