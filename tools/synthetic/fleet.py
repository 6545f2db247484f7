"""Additional households (``hh-0001`` ...) for fleet runs: varied sizes, tax brackets and
restrictions, one to three accounts each.

Every household has a managed taxable account built like the sample household's (monthly
contributions into the most underweight names, quarterly harvests, occasional trims); some
add a traditional IRA (managed, or held away with dividends reinvested), a Roth IRA, a
concentrated legacy position, ESG/sector/industry screens. Related accounts never trade the
same wash-sale group except where a held-away IRA reinvests dividends, and the taxable
account never sells those names, so the generated history has no accidental wash sales.
"""

from __future__ import annotations

import datetime as dt

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
from tools.synthetic.calendar import first_day_on_or_after, months_before
from tools.synthetic.context import BuildContext
from tools.synthetic.prices import PricePanel
from tools.synthetic.records import AccountSpec, HouseholdRecords, RestrictionSpec
from tools.synthetic.universe import Universe

ESG_FLOORS = (25, 30, 35)
EXCLUDABLE_SECTORS = ("Energy", "Utilities", "Real Estate")
EXCLUDABLE_INDUSTRIES = ("Tobacco", "Aerospace and Defense", "Metals and Mining")
TE_BUDGETS = (0.005, 0.0075, 0.01, 0.015, 0.02, 0.03)
FEDERAL_SHORT_RATES = (0.24, 0.32, 0.35, 0.37)
STATE_RATES = (0.0, 0.0307, 0.05, 0.0575, 0.093, 0.133)
IRA_CONTRIBUTION_CENTS = 700_000


def household_id(position: int) -> str:
    return f"hh-{position + 1:04d}"


def build_fleet_household(
    position: int, ctx: BuildContext, rng: np.random.Generator
) -> HouseholdRecords:
    universe, panel = ctx.universe, ctx.panel
    hid = household_id(position)
    restrictions: list[RestrictionSpec] = []
    eligible = _screened_universe(universe, hid, rng, restrictions)
    weights = universe.cap_usd**0.8

    size_cents = int(np.clip(np.exp(rng.normal(np.log(500_000), 0.9)), 60_000, 6_000_000)) * 100
    months = int(rng.integers(12, 37))
    n_names = int(np.clip(30 + size_cents / 1_000_000, 30, 250))
    names = np.sort(
        rng.choice(
            eligible,
            size=min(n_names, len(eligible)),
            replace=False,
            p=weights[eligible] / weights[eligible].sum(),
        )
    )
    used_groups = set(universe.group[names].tolist())

    legacy = None
    if rng.random() < 0.2:
        pool = eligible[~np.isin(universe.group[eligible], list(used_groups))]
        legacy = int(rng.choice(pool))
        used_groups.add(int(universe.group[legacy]))
        restrictions.append(_legacy_restriction(universe, hid, legacy, rng))

    ira_kind = None if rng.random() >= 0.5 else ("managed" if rng.random() < 0.6 else "held")
    ira_names = np.empty(0, dtype=np.int64)
    protected: list[int] = []
    if ira_kind == "managed":
        ira_names = _disjoint_names(universe, eligible, used_groups, rng, sizes=(20, 50))
    elif ira_kind == "held":
        payers = eligible[universe.dividend_yield[eligible] > 0]
        ira_names = np.sort(rng.choice(payers, size=int(rng.integers(2, 5)), replace=False))
        protected = universe.group[ira_names].tolist()
    roth_names = (
        _disjoint_names(universe, eligible, used_groups, rng, sizes=(15, 40))
        if rng.random() < 0.3
        else np.empty(0, dtype=np.int64)
    )

    taxable = ctx.open_account(
        AccountSpec(
            f"{hid}-taxable",
            hid,
            "joint" if rng.random() < 0.6 else "taxpayer",
            "taxable",
            True,
            "hifo" if rng.random() < 0.7 else "fifo",
            float(rng.choice(TE_BUDGETS)),
        )
    )
    open_day = first_day_on_or_after(
        panel.day_ordinals, months_before(panel.dates[-1].date(), months)
    )
    if legacy is not None:
        _transfer_legacy(taxable, legacy, open_day, size_cents, rng)
    target = IndexTarget.cap_weighted(universe.cap_usd, names, max(5, len(names) // 4))
    sellable = ~np.isin(universe.group[names], protected)
    harvest = HarvestLosses(names[sellable], float(rng.uniform(0.08, 0.2)), int(rng.integers(2, 7)))
    contribution = Contribution(round(size_cents // months, -4), target)
    run_account(
        taxable,
        direct_index_schedule(
            panel.day_ordinals, open_day, contribution, harvest, TrimWinners(target, sellable)
        ),
    )

    _play_retirement_accounts(
        ctx, hid, rng, ira_kind=ira_kind, ira_names=ira_names, roth_names=roth_names
    )
    return HouseholdRecords(hid, tuple(restrictions), (), {"tax": _tax_profile(rng)})


def _play_retirement_accounts(
    ctx: BuildContext,
    hid: str,
    rng: np.random.Generator,
    *,
    ira_kind: str | None,
    ira_names: np.ndarray,
    roth_names: np.ndarray,
) -> None:
    """The household's traditional IRA (managed, or held away reinvesting dividends) and
    Roth IRA, when it has them."""
    universe, panel = ctx.universe, ctx.panel
    if ira_kind == "managed":
        ira = ctx.open_account(
            AccountSpec(f"{hid}-ira", hid, "taxpayer", "traditional_ira", True, "fifo")
        )
        run_account(ira, _retirement_schedule(panel, universe, ira_names, rng))
    elif ira_kind == "held":
        ira = ctx.open_account(
            AccountSpec(f"{hid}-ira", hid, "spouse", "traditional_ira", False, "fifo"),
            reinvest_dividends=True,
        )
        run_account(ira, _held_ira_schedule(panel, universe, ira_names, rng))
    if len(roth_names):
        roth = ctx.open_account(
            AccountSpec(f"{hid}-roth", hid, "taxpayer", "roth_ira", True, "fifo")
        )
        run_account(roth, _retirement_schedule(panel, universe, roth_names, rng))


def _screened_universe(
    universe: Universe,
    hid: str,
    rng: np.random.Generator,
    restrictions: list[RestrictionSpec],
) -> np.ndarray:
    """The stocks a household may hold after its own screens (recorded as restrictions)."""
    allowed = ~universe.is_fund
    if rng.random() < 0.25:
        floor = int(rng.choice(ESG_FLOORS))
        allowed &= universe.esg >= floor
        restrictions.append(
            RestrictionSpec("household", hid, "exclude", "esg_below", str(floor), "ESG screen")
        )
    if rng.random() < 0.10:
        sector = str(rng.choice(EXCLUDABLE_SECTORS))
        allowed &= np.array(universe.sectors) != sector
        restrictions.append(
            RestrictionSpec("household", hid, "exclude", "sector", sector, "sector screen")
        )
    if rng.random() < 0.10:
        industry = str(rng.choice(EXCLUDABLE_INDUSTRIES))
        allowed &= np.array(universe.industries) != industry
        restrictions.append(
            RestrictionSpec("household", hid, "exclude", "industry", industry, "values screen")
        )
    return np.flatnonzero(allowed)


def _legacy_restriction(
    universe: Universe, hid: str, legacy: int, rng: np.random.Generator
) -> RestrictionSpec:
    symbol = universe.symbols[legacy]
    if rng.random() < 0.5:
        return RestrictionSpec(
            "account",
            f"{hid}-taxable",
            "no_sell",
            "symbol",
            symbol,
            "concentrated position kept for a step-up in basis",
        )
    return RestrictionSpec("household", hid, "no_buy", "symbol", symbol, "former employer stock")


def _transfer_legacy(
    book: AccountBook, legacy: int, open_day: int, size_cents: int, rng: np.random.Generator
) -> None:
    """A concentrated low-basis position worth 10-35% of the account at as-of."""
    panel = book.panel
    share = rng.uniform(0.10, 0.35)
    value_micro = size_cents * MICRO_PER_CENT * share / (1.0 - share)
    units = int(value_micro // panel.close_cents[panel.last_day, legacy])
    basis_cents = int(value_micro / MICRO_PER_CENT * rng.uniform(0.05, 0.4))
    years_ago = int(rng.integers(6 * 365, 25 * 365))
    acquired = dt.date.fromordinal(int(panel.day_ordinals[open_day]) - years_ago)
    book.transfer_in(
        open_day, legacy, units, acquired_ordinal=acquired.toordinal(), cost_basis_cents=basis_cents
    )


def _retirement_schedule(
    panel: PricePanel, universe: Universe, names: np.ndarray, rng: np.random.Generator
) -> dict[int, list[Activity]]:
    """A managed IRA or Roth opened at a random date with a rollover of random size."""
    target = IndexTarget.cap_weighted(universe.cap_usd, names, len(names))
    open_day = int(rng.integers(0, panel.last_day - 250))
    rollover = int(np.clip(np.exp(rng.normal(np.log(150_000), 0.8)), 10_000, 1_500_000)) * 100
    return retirement_schedule(
        panel.day_ordinals, target, open_day, rollover, IRA_CONTRIBUTION_CENTS
    )


def _held_ira_schedule(
    panel: PricePanel, universe: Universe, payers: np.ndarray, rng: np.random.Generator
) -> dict[int, list[Activity]]:
    """A held-away IRA: an index fund and a few dividend payers bought once, dividends
    reinvested from then on."""
    fund = int(np.flatnonzero(universe.is_fund)[0])
    open_day = int(rng.integers(0, panel.last_day // 2))
    each = int(np.exp(rng.normal(np.log(25_000), 0.6))) * 100
    securities = np.append(fund, payers)
    cents = np.full(len(securities), each, dtype=np.int64)
    return {open_day: [FixedPurchase(securities, cents)]}


def _disjoint_names(
    universe: Universe,
    eligible: np.ndarray,
    used_groups: set[int],
    rng: np.random.Generator,
    *,
    sizes: tuple[int, int],
) -> np.ndarray:
    """Names for a separate sleeve that share no wash-sale group with the household's others
    (``used_groups`` is extended)."""
    pool = eligible[~np.isin(universe.group[eligible], list(used_groups))]
    count = min(int(rng.integers(sizes[0], sizes[1] + 1)), len(pool))
    names = np.sort(rng.choice(pool, size=count, replace=False))
    used_groups.update(universe.group[names].tolist())
    return names


def _tax_profile(rng: np.random.Generator) -> dict[str, float | str]:
    """A plausible federal bracket (IRC §1(j)), long-term rate (IRC §1(h)), state rate and the
    3.8% net investment income tax (IRC §1411) for higher brackets."""
    federal_short = float(rng.choice(FEDERAL_SHORT_RATES))
    high_income = federal_short >= 0.32
    return {
        "federal_short": federal_short,
        "federal_long": 0.20 if federal_short >= 0.35 else 0.15,
        "state": float(rng.choice(STATE_RATES)),
        "niit": 0.038 if high_income else 0.0,
        "loss_usage": "cap_3000" if rng.random() < 0.3 else "unlimited",
    }
