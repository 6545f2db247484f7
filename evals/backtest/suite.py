"""Every strategy on every market of a suite, and the summary beside the published anchors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from evals.backtest.baselines import BuyAndHold, ChaudhuriMonthly, ImmediateRepurchase
from evals.backtest.config import BacktestConfig
from evals.backtest.lotwise import LotwiseStrategy
from evals.backtest.market import Market, synthetic_market
from evals.backtest.metrics import RunMetrics, run_metrics
from evals.backtest.simulator import BacktestRun, Strategy, simulate

STRATEGIES = ("lotwise", "chaudhuri_monthly", "immediate_repurchase", "buy_and_hold")
CAPPED = "lotwise (cap $3,000)"


@dataclass(frozen=True)
class Anchor:
    label: str
    tax_alpha: float | None  # a year
    note: str


# Chaudhuri, Burnham and Lo, "An Empirical Evaluation of Tax-Loss-Harvesting Alpha", FAJ 76(3)
# 2020, abstract: CRSP top 500, 1926-2018, 35% short-term / 15% long-term rates.
ANCHORS = (
    Anchor(
        "Chaudhuri, Burnham & Lo 2020, no wash-sale rule",
        0.0108,
        "upper bound; compare immediate_repurchase",
    ),
    Anchor(
        "Chaudhuri, Burnham & Lo 2020, with wash-sale rule",
        0.0082,
        "compare chaudhuri_monthly and lotwise",
    ),
    Anchor(
        "AQR tax-loss harvesting decay",
        None,
        "cumulative net losses peak near 30% of capital; most of the benefit inside ~5 "
        "years without contributions",
    ),
)


@dataclass(frozen=True)
class SuiteSettings:
    seeds: tuple[int, ...]
    names: int
    years: float
    decision_every_days: int
    flow_usd: float = 0.0

    @property
    def config(self) -> BacktestConfig:
        return BacktestConfig(
            decision_every_days=self.decision_every_days, monthly_flow_usd=self.flow_usd
        )


QUICK = SuiteSettings(seeds=(1, 2), names=30, years=2.0, decision_every_days=10)
FULL = SuiteSettings(seeds=(1, 2, 3, 4), names=50, years=4.0, decision_every_days=5)


@dataclass(frozen=True)
class Scored:
    run: BacktestRun
    metrics: RunMetrics
    tax_alpha: float  # after-tax minus buy_and_hold's after-tax, same market (a year)
    label: str  # the strategy, or CAPPED


@dataclass(frozen=True)
class SummaryRow:
    label: str
    pre_tax: float
    after_tax: float
    tax_alpha: float
    tax_alpha_vs_fund: float
    realized_te: float
    harvested_share: float
    peak_net_loss_share: float
    turnover: float
    wash_sale_violations: int


def make_strategy(name: str, config: BacktestConfig) -> Strategy:
    if name == "lotwise":
        return LotwiseStrategy()
    if name == "chaudhuri_monthly":
        return ChaudhuriMonthly()
    if name == "immediate_repurchase":
        return ImmediateRepurchase()
    if name == "buy_and_hold":
        return BuyAndHold()
    raise ValueError(f"unknown strategy {name!r}; known: {', '.join(STRATEGIES)}")


Progress = Callable[[str], None]


def run_market(market: Market, config: BacktestConfig, progress: Progress) -> list[Scored]:
    """Every strategy on ``market``, then lotwise again under the $3,000 cap (IRC §1211(b))."""
    runs: dict[str, BacktestRun] = {}
    for name in STRATEGIES:
        progress(f"{market.name}: {name}")
        runs[name] = simulate(market, make_strategy(name, config), config)
    progress(f"{market.name}: {CAPPED}")
    capped_config = replace(config, loss_usage="cap_3000")
    runs[CAPPED] = simulate(market, make_strategy("lotwise", capped_config), capped_config)
    # Buy-and-hold realizes nothing, so it pays no tax under either loss usage: one passive
    # run serves both.
    held = run_metrics(runs["buy_and_hold"])
    scored = []
    for label, run in runs.items():
        metrics = run_metrics(run)
        scored.append(Scored(run, metrics, metrics.after_tax - held.after_tax, label))
    return scored


def run_suite(
    settings: SuiteSettings,
    markets: list[Market] | None = None,
    progress: Progress = lambda _: None,
) -> list[Scored]:
    chosen = (
        markets
        if markets is not None
        else [synthetic_market(seed, settings.names, settings.years) for seed in settings.seeds]
    )
    return [scored for market in chosen for scored in run_market(market, settings.config, progress)]


def summarize(scored: list[Scored]) -> list[SummaryRow]:
    """Mean over markets of each label's figures (violations are summed)."""
    rows = []
    for label in dict.fromkeys(s.label for s in scored):
        group = [s for s in scored if s.label == label]

        def mean(field: str, group: list[Scored] = group) -> float:
            return float(np.mean([getattr(s.metrics, field) for s in group]))

        rows.append(
            SummaryRow(
                label=label,
                pre_tax=mean("pre_tax"),
                after_tax=mean("after_tax"),
                tax_alpha=float(np.mean([s.tax_alpha for s in group])),
                tax_alpha_vs_fund=mean("tax_alpha_vs_fund"),
                realized_te=mean("realized_te"),
                harvested_share=mean("harvested_share"),
                peak_net_loss_share=mean("peak_net_loss_share"),
                turnover=mean("turnover"),
                wash_sale_violations=sum(s.metrics.wash_sale_violations for s in group),
            )
        )
    return rows
