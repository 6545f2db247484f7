"""The sample household "rivera": a direct-indexed joint account with every trap a tax-aware
manager has to see.

- ``rivera-joint`` (taxable, managed, hifo, 1% TE budget): about $2.5M in ~300 names built from
  monthly contributions over three years (deposit, then buys of the most underweight names),
  with quarterly loss harvests and occasional trims, plus a concentrated low-basis legacy
  position (a former employer's stock, ~20% of the account) that arrived by ``transfer_in``
  long ago and may not be added to (``no_buy``).
- ``rivera-ira-spouse`` (traditional IRA, held away): a few dividend payers the joint account
  also holds, with dividends reinvested (IRA purchases wash losses for good, Rev. Rul. 2008-5).
- ``rivera-roth-taxpayer`` (Roth IRA, managed): a small separate sleeve.
- ``rivera-brokerage-spouse`` (taxable, held away): an index fund and a few stocks, plus
  purchases in the last 30 days and pending purchases in the next 30 days (a recurring plan,
  and a new plan whose first buy is still pending) of names the joint account holds at a
  loss (IRC §1091(a): both sides of the 30-day window).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tools.synthetic.activities import (
    Activity,
    Contribution,
    FixedPurchase,
    HarvestLosses,
    IndexTarget,
    TrimWinners,
    direct_index_schedule,
    retirement_schedule,
    run_account,
)
from tools.synthetic.book import MICRO_PER_CENT, AccountBook
from tools.synthetic.calendar import (
    first_day_on_or_after,
    months_before,
    next_weekday,
    previous_weekday,
    yearly_days,
)
from tools.synthetic.context import BuildContext
from tools.synthetic.prices import PricePanel
from tools.synthetic.records import AccountSpec, HouseholdRecords, PendingSpec, RestrictionSpec
from tools.synthetic.rows import SHARE_UNITS
from tools.synthetic.universe import Universe

HOUSEHOLD_ID = "rivera"
JOINT = "rivera-joint"
IRA = "rivera-ira-spouse"
ROTH = "rivera-roth-taxpayer"
BROKERAGE = "rivera-brokerage-spouse"
EXCLUDED_INDUSTRY = "Tobacco"
JOINT_NAMES = 300
JOINT_NAMES_PER_BUY = 100
ROTH_NAMES = 40
IRA_NAMES = 5
HISTORY_MONTHS = 36
JOINT_DIVERSIFIED_USD = 2_000_000  # with the legacy stock at 20% the account is ~$2.5M
LEGACY_SHARE = 0.20
FIRST_GUESS_CONTRIBUTION_CENTS = 4_500_000
PLAN_NAMES = 2  # recurring held-away buys: one run inside the last 30 days, the next pending
NEW_PLAN_NAMES = 1  # a plan whose first buy is still pending: the only threat to its losses
PLAN_CENTS = 100_000
ONE_OFF_CENTS = 500_000
BROKERAGE_STOCKS = 6
TAX_OVERRIDES = {"federal_short": 0.37, "federal_long": 0.20, "state": 0.05, "niit": 0.038}


@dataclass(frozen=True)
class RiveraPlan:
    """Choices fixed before the market is simulated (the split must land in the joint
    account's names, and never on the legacy stock)."""

    legacy: int  # universe index of the former employer's stock
    joint: IndexTarget
    roth: IndexTarget
    ira_names: np.ndarray  # (5,) dividend payers also held in the joint account


def plan_rivera(universe: Universe, rng: np.random.Generator) -> RiveraPlan:
    industries = np.array(universe.industries)
    eligible = np.flatnonzero(~universe.is_fund & (industries != EXCLUDED_INDUSTRY))
    by_cap = eligible[np.argsort(-universe.cap_usd[eligible], kind="stable")]
    legacy_pool = [
        int(i)
        for i in by_cap[60:150]
        if universe.dividend_yield[i] == 0 and not universe.share_class_lines[i]
    ]
    legacy = int(rng.choice(legacy_pool))
    ranked = by_cap[by_cap != legacy]
    caps = universe.cap_usd
    joint = IndexTarget.cap_weighted(caps, ranked[:JOINT_NAMES], JOINT_NAMES_PER_BUY)
    roth = IndexTarget.cap_weighted(
        caps, ranked[JOINT_NAMES : JOINT_NAMES + ROTH_NAMES], ROTH_NAMES
    )
    payers = joint.securities[universe.dividend_yield[joint.securities] > 0]
    ira_names = np.sort(rng.choice(payers, size=IRA_NAMES, replace=False))
    return RiveraPlan(legacy=legacy, joint=joint, roth=roth, ira_names=ira_names)


def split_candidates(universe: Universe, plan: RiveraPlan) -> np.ndarray:
    """Large non-paying single-class names of the joint account (so it sees the split)."""
    top = plan.joint.securities[np.argsort(-universe.cap_usd[plan.joint.securities])][:50]
    keep = (universe.dividend_yield[top] == 0) & ~universe.share_class_lines[top]
    return np.sort(top[keep & (top != plan.legacy)])


def build_rivera(plan: RiveraPlan, ctx: BuildContext, rng: np.random.Generator) -> HouseholdRecords:
    universe, panel = ctx.universe, ctx.panel
    as_of = panel.dates[panel.last_day].date()
    open_day = first_day_on_or_after(panel.day_ordinals, months_before(as_of, HISTORY_MONTHS))
    protected = np.union1d(universe.group[plan.ira_names], universe.group[plan.roth.securities])

    joint = ctx.open_account(
        AccountSpec(JOINT, HOUSEHOLD_ID, "joint", "taxable", True, "hifo", 0.01)
    )
    _play_joint(plan, ctx, joint, rng, open_day=open_day, protected=protected)

    ira = ctx.open_account(
        AccountSpec(IRA, HOUSEHOLD_ID, "spouse", "traditional_ira", False, "fifo"),
        reinvest_dividends=True,
    )
    run_account(ira, _ira_schedule(plan, panel))

    roth = ctx.open_account(AccountSpec(ROTH, HOUSEHOLD_ID, "taxpayer", "roth_ira", True, "fifo"))
    run_account(
        roth,
        retirement_schedule(
            panel.day_ordinals, plan.roth, open_day, opening_cents=6_000_000, yearly_cents=700_000
        ),
    )

    brokerage = ctx.open_account(
        AccountSpec(BROKERAGE, HOUSEHOLD_ID, "spouse", "taxable", False, "fifo")
    )
    losers, others = _joint_names_at_a_loss(joint, plan, universe, protected)
    plan_names = losers[:PLAN_NAMES]
    pending_names = losers[: PLAN_NAMES + NEW_PLAN_NAMES]
    next_plan_date = next_weekday(as_of + dt.timedelta(days=12))
    run_account(
        brokerage,
        _brokerage_schedule(
            universe,
            panel,
            plan_names=plan_names,
            one_off=int(losers[PLAN_NAMES + NEW_PLAN_NAMES]),
            historic=np.sort(rng.choice(others, size=BROKERAGE_STOCKS, replace=False)),
            next_plan_date=next_plan_date,
        ),
    )

    pending_prices = panel.close_cents[panel.last_day, pending_names]
    pending = tuple(
        PendingSpec(
            next_plan_date.toordinal(),
            BROKERAGE,
            "buy",
            int(security),
            int(PLAN_CENTS * SHARE_UNITS // price),
        )
        for security, price in zip(pending_names, pending_prices, strict=True)
    )
    restrictions = (
        RestrictionSpec(
            "household",
            HOUSEHOLD_ID,
            "no_buy",
            "symbol",
            universe.symbols[plan.legacy],
            "former employer stock: concentrated position, do not add",
        ),
        RestrictionSpec(
            "household",
            HOUSEHOLD_ID,
            "exclude",
            "industry",
            EXCLUDED_INDUSTRY,
            "values screen chosen by the household",
        ),
    )
    policy = {"tax": dict(TAX_OVERRIDES), "gains_budget": {"yearly_net_gain_usd": 75000}}
    return HouseholdRecords(HOUSEHOLD_ID, restrictions, pending, policy)


def _play_joint(
    plan: RiveraPlan,
    ctx: BuildContext,
    book: AccountBook,
    rng: np.random.Generator,
    *,
    open_day: int,
    protected: np.ndarray,
) -> None:
    """Size the monthly contribution so the diversified part ends near $2M (a dry run at a
    first guess, then scale: the strategy is scale-free), then play it for real, after the
    legacy lot's transfer."""
    panel = ctx.panel
    sellable = ~np.isin(ctx.universe.group[plan.joint.securities], protected)
    dry = ctx.dry_run_book()
    run_account(
        dry, _joint_schedule(plan, panel, open_day, sellable, FIRST_GUESS_CONTRIBUTION_CENTS)
    )
    target_micro = JOINT_DIVERSIFIED_USD * 100 * MICRO_PER_CENT
    scale = target_micro / dry.total_value_micro(panel.last_day)
    contribution = int(round(FIRST_GUESS_CONTRIBUTION_CENTS * scale, -4))

    legacy_micro = target_micro * LEGACY_SHARE / (1.0 - LEGACY_SHARE)
    years_ago = int(rng.integers(14 * 365, 18 * 365))
    acquired = previous_weekday(dt.date.fromordinal(int(panel.day_ordinals[-1]) - years_ago))
    book.transfer_in(
        open_day,
        plan.legacy,
        int(legacy_micro // panel.close_cents[panel.last_day, plan.legacy]),
        acquired_ordinal=acquired.toordinal(),
        cost_basis_cents=int(legacy_micro / MICRO_PER_CENT * rng.uniform(0.08, 0.14)),
    )
    run_account(book, _joint_schedule(plan, panel, open_day, sellable, contribution))


def _joint_schedule(
    plan: RiveraPlan, panel: PricePanel, open_day: int, sellable: np.ndarray, cents: int
) -> dict[int, list[Activity]]:
    return direct_index_schedule(
        panel.day_ordinals,
        open_day,
        Contribution(cents, plan.joint),
        HarvestLosses(plan.joint.securities[sellable], loss_threshold=0.10, max_names=6),
        TrimWinners(plan.joint, sellable),
    )


def _ira_schedule(plan: RiveraPlan, panel: PricePanel) -> dict[int, list[Activity]]:
    """Opened at the start of the price history; a yearly contribution each April."""
    opening = np.full(IRA_NAMES, 3_600_000, dtype=np.int64)
    yearly = np.full(IRA_NAMES, 140_000, dtype=np.int64)
    schedule: dict[int, list[Activity]] = {0: [FixedPurchase(plan.ira_names, opening)]}
    for day in yearly_days(panel.day_ordinals, month=4, after=0):
        schedule[day] = [FixedPurchase(plan.ira_names, yearly)]
    return schedule


def _brokerage_schedule(
    universe: Universe,
    panel: PricePanel,
    *,
    plan_names: np.ndarray,
    one_off: int,
    historic: np.ndarray,
    next_plan_date: dt.date,
) -> dict[int, list[Activity]]:
    """An index fund and a few stocks from the start; a monthly plan buying two of the joint
    account's losers (the last run inside the 30 days before as-of, the next one pending);
    one more loser bought a week before as-of."""
    fund = int(np.flatnonzero(universe.is_fund)[-1])
    opening_names = np.append(fund, historic)
    opening_cents = np.append(7_000_000, np.full(len(historic), 750_000)).astype(np.int64)
    plan_cents = np.full(len(plan_names), PLAN_CENTS, dtype=np.int64)
    schedule: dict[int, list[Activity]] = {0: [FixedPurchase(opening_names, opening_cents)]}
    for months in (2, 1):
        day = first_day_on_or_after(panel.day_ordinals, months_before(next_plan_date, months))
        schedule.setdefault(day, []).append(FixedPurchase(plan_names, plan_cents))
    schedule.setdefault(panel.last_day - 5, []).append(
        FixedPurchase(np.array([one_off]), np.array([ONE_OFF_CENTS], dtype=np.int64))
    )
    return schedule


def _joint_names_at_a_loss(
    joint: AccountBook, plan: RiveraPlan, universe: Universe, protected: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Joint-account names never sold, not bought elsewhere in the household and not bought
    by the joint account itself in the last 30 days (so the traps are the only threat to
    their losses), split into those holding a lot below its purchase price at as-of (deepest
    loss first) and the rest."""
    names = plan.joint.securities
    last = joint.panel.last_day
    candidates = names[
        (joint.units[names] > 0)
        & ~joint.ever_sold[names]
        & ~np.isin(universe.group[names], protected)
        & ~joint.bought_recently(last, names)
    ]
    price = joint.panel.close_cents[last, candidates] / 100.0
    ratio = price / joint.max_price_paid[candidates]
    at_loss = ratio < 1.0
    losers = candidates[at_loss][np.argsort(ratio[at_loss], kind="stable")]
    if len(losers) <= PLAN_NAMES + NEW_PLAN_NAMES or np.count_nonzero(~at_loss) < BROKERAGE_STOCKS:
        raise RuntimeError("the joint account's names cannot supply the wash-sale traps")
    return losers, candidates[~at_loss]
