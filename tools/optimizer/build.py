"""Adapter: a data directory's objects (data, ledger, risk model, policy) to one account's
:class:`OptimizationInput`.

Bad data is reported like any other bad input (file, row, column) through
:class:`tools.errors.DataValidationError`: an unknown or unmanaged account, a symbol without a
price or without price history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np

from policies import Policy
from tools.dataset import ACCOUNTS_FILE, PRICES_FILE, PortfolioData, missing_prices
from tools.errors import DataValidationError, Problem
from tools.household_policy import POLICY_FILE, te_budget_of
from tools.ledger import Ledger
from tools.ledger.forward import blocked_buys, loss_sale_check
from tools.ledger.holding import term_of
from tools.ledger.washsale import WINDOW_DAYS
from tools.models import Account, Lot
from tools.optimizer.inputs import (
    HarvestTerms,
    OptimizationInput,
    TaxTerms,
    Tilt,
    TradingTerms,
)
from tools.risk.model import FactorModel, RiskInputError


def build_input(
    data: PortfolioData,
    account_id: str,
    *,
    ledger: Ledger,
    model: FactorModel,
    policy: Policy,
    realized_elsewhere_usd: float = 0.0,
    tilts: tuple[Tilt, ...] | None = None,
) -> OptimizationInput:
    """The optimizer's input for ``account_id`` on ``data.as_of``.

    ``ledger`` must be replayed to ``data.as_of``; ``realized_elsewhere_usd`` adds net gains
    already proposed today in the household's other accounts to the year's realized total;
    ``tilts`` (over the universe :func:`universe_of` returns) replace the policy's
    (:func:`policy_tilts`) when given.
    """
    account = managed_account(data, account_id)
    as_of = data.as_of
    lots = [lot for lot in ledger.open_lots(account_id) if lot.quantity > 0]
    universe = _universe(data, lots)
    prices = _prices(data, universe)
    rows = _model_rows(model, universe)
    index = {symbol: i for i, symbol in enumerate(universe)}
    securities = [data.securities[symbol] for symbol in universe]
    benchmark = data.benchmark_weights(as_of).reindex(universe).fillna(0.0).to_numpy(float)
    restricted = _restriction_masks(data, account, universe)
    taxable = not account.is_ira_type
    disallowed = (
        _lot_disallowed(data, ledger, account, lots, prices=prices, index=index, policy=policy)
        if taxable
        else {}
    )
    ytd = realized_this_year(ledger, data, account.household_id) + realized_elsewhere_usd
    return OptimizationInput(
        account_id=account_id,
        as_of=as_of,
        symbols=tuple(universe),
        wash_keys=tuple(s.wash_key for s in securities),
        prices=prices,
        benchmark_weights=benchmark / benchmark.sum(),
        cash=float(ledger.cash.get(account_id, 0.0)),
        lot_ids=tuple(lot.lot_id for lot in lots),
        lot_security=np.array([index[lot.symbol] for lot in lots], dtype=np.intp),
        lot_quantity=np.array([lot.quantity for lot in lots], dtype=float),
        lot_basis=np.array([lot.cost_basis for lot in lots], dtype=float),
        lot_long_term=np.array(
            [term_of(lot.acquired_date.toordinal(), as_of.toordinal()) == "long" for lot in lots],
            dtype=bool,
        ),
        lot_wash_disallowed=np.array([disallowed.get(i, 0.0) for i in range(len(lots))]),
        loadings=model.loadings[rows],
        factor_cov=model.factor_cov,
        specific_var=model.specific_var[rows],
        excluded=restricted["exclude"],
        no_buy=restricted["no_buy"],
        no_sell=restricted["no_sell"],
        wash_blocked=_wash_blocked(data, ledger, account, universe, policy),
        tax=_tax_terms(policy, ytd, taxable=taxable, lots=lots, prices=prices, index=index),
        trading=trading_terms(policy, account),
        harvest=HarvestTerms(
            min_loss_usd=policy.harvest.min_loss_usd, min_loss_pct=policy.harvest.min_loss_pct
        ),
        sectors=tuple(s.sector for s in securities),
        lot_acquired=tuple(lot.acquired_date for lot in lots),
        tilts=policy_tilts(data, universe, policy) if tilts is None else tilts,
    )


def universe_of(data: PortfolioData, ledger: Ledger, account_id: str) -> list[str]:
    """The symbols of the account's input, in order: benchmark names, then other holdings."""
    return _universe(data, [lot for lot in ledger.open_lots(account_id) if lot.quantity > 0])


def esg_tilt(
    data: PortfolioData,
    symbols: list[str],
    *,
    target_points: float,
    tolerance: float | None = None,
    penalty: float = 0.0,
) -> Tilt:
    """An ESG tilt: the account scoring ``target_points`` above the benchmark.

    Exposures are each ``esg_score`` less the benchmark's weighted average score, so the
    exposure of the active weights is how many points the account's holdings score above the
    benchmark (scaled by the invested fraction); a name without a score counts as average.
    """
    weights = data.benchmark_weights(data.as_of).reindex(symbols).fillna(0.0).to_numpy(float)
    scores = np.array(
        [
            np.nan if data.securities[s].esg_score is None else data.securities[s].esg_score
            for s in symbols
        ],
        dtype=float,
    )
    scored = ~np.isnan(scores)
    if weights[scored].sum() > 0:
        average = float(np.average(scores[scored], weights=weights[scored]))
    else:
        average = float(scores[scored].mean()) if scored.any() else 0.0
    return Tilt(
        name="esg",
        exposures=np.where(scored, scores - average, 0.0),
        target=target_points,
        tolerance=tolerance,
        penalty=penalty,
    )


def sector_tilt(
    data: PortfolioData, symbols: list[str], sector: str, *, active_weight: float, tolerance: float
) -> Tilt:
    """A sector tilt: the account's weight in ``sector`` ``active_weight`` above the
    benchmark's (exposure 1 for the sector's names, so the exposure of the active weights is
    the sector's active weight)."""
    return Tilt(
        name=f"sector:{sector}",
        exposures=np.array([data.securities[s].sector == sector for s in symbols], dtype=float),
        target=active_weight,
        tolerance=tolerance,
    )


def policy_tilts(data: PortfolioData, symbols: list[str], policy: Policy) -> tuple[Tilt, ...]:
    """The policy's ESG and sector bands over ``symbols``; a sector no security belongs to is
    an impossible policy (reported against ``policy.yaml``, key ``tilts.sectors``)."""
    tilts = []
    if policy.tilts.esg is not None:
        esg = policy.tilts.esg
        tilts.append(
            esg_tilt(data, symbols, target_points=esg.target_points, tolerance=esg.tolerance)
        )
    known = {security.sector for security in data.securities.values()}
    for band in policy.tilts.sectors:
        if band.sector not in known:
            raise DataValidationError.single(
                POLICY_FILE,
                None,
                "tilts.sectors",
                f"no security of securities.csv is in sector {band.sector!r}",
            )
        tilts.append(
            sector_tilt(
                data,
                symbols,
                band.sector,
                active_weight=band.active_weight,
                tolerance=band.tolerance,
            )
        )
    return tuple(tilts)


def managed_account(data: PortfolioData, account_id: str) -> Account:
    account = data.accounts.get(account_id)
    if account is None:
        raise DataValidationError.single(
            ACCOUNTS_FILE, None, "account_id", f"unknown account {account_id!r}"
        )
    if not account.managed:
        raise DataValidationError.single(
            ACCOUNTS_FILE,
            None,
            "managed",
            f"account {account_id} is held away (managed = false): lotwise does not trade it",
        )
    return account


def trading_terms(policy: Policy, account: Account) -> TradingTerms:
    """Limits and costs; the account's own ``te_budget`` (accounts.csv) wins over the policy."""
    return TradingTerms(
        te_budget=te_budget_of(account, policy),
        max_turnover=policy.trading.max_turnover,
        min_trade_usd=policy.trading.min_trade_usd,
        cash_min_fraction=policy.cash.min_fraction,
        cash_max_fraction=policy.cash.max_fraction,
        commission_per_trade=policy.costs.commission_per_trade,
        spread_bps=policy.costs.spread_bps,
    )


def realized_this_year(ledger: Ledger, data: PortfolioData, household_id: str) -> float:
    """Net gain the household realized in its taxable accounts this calendar year so far
    (Form 8949 gains, so washed losses count as disallowed)."""
    start = dt.date(data.as_of.year, 1, 1)
    return float(
        sum(
            disposal.gain
            for disposal in ledger.disposals
            if disposal.taxable
            and start <= disposal.sell_date <= data.as_of
            and data.accounts[disposal.account_id].household_id == household_id
        )
    )


def loss_value_cap(policy: Policy, realized_ytd: float) -> float | None:
    """Tax value new net losses can still earn this year under ``cap_3000`` (None: unlimited).

    Losses first offset the year's net gains (worth the long-term rate, the conservative
    choice), then up to the IRC §1211(b) ordinary-income cap less what earlier net losses
    and the carryforward (IRC §1212(b)) already use (worth the short-term rate).
    """
    tax = policy.tax
    if tax.loss_usage == "unlimited":
        return None
    net_before = realized_ytd - tax.carryforward
    cap_left = max(0.0, tax.ordinary_income_cap - max(0.0, -net_before))
    return tax.long_rate * max(net_before, 0.0) + tax.short_rate * cap_left


def _tax_terms(
    policy: Policy,
    realized_ytd: float,
    *,
    taxable: bool,
    lots: list[Lot],
    prices: np.ndarray,
    index: dict[str, int],
) -> TaxTerms:
    if not taxable:
        # IRA-type accounts recognize no gains or losses: nothing to harvest, no gains limit.
        unrealized = sum(
            abs(lot.quantity * prices[index[lot.symbol]] - lot.cost_basis) for lot in lots
        )
        return TaxTerms(short_rate=0.0, long_rate=0.0, gains_room_usd=float(unrealized) + 1.0)
    return TaxTerms(
        short_rate=policy.tax.short_rate,
        long_rate=policy.tax.long_rate,
        gains_room_usd=policy.gains_budget.yearly_net_gain_usd - realized_ytd,
        loss_value_cap_usd=loss_value_cap(policy, realized_ytd),
        carryforward_value=policy.tax.carryforward_value,
        allow_charged_wash=policy.wash_sale.allow_charged_wash,
    )


def _universe(data: PortfolioData, lots: list[Lot]) -> list[str]:
    """Benchmark names (positive weight) then held names outside it, in a stable order."""
    weights = data.benchmark_weights(data.as_of)
    names = [str(s) for s in weights.index if weights[s] > 0]
    listed = set(names)
    names += sorted({lot.symbol for lot in lots} - listed)
    unknown = [s for s in names if s not in data.securities]
    if unknown:
        raise DataValidationError(
            [
                Problem(
                    "securities.csv",
                    None,
                    "symbol",
                    f"{s} is held or in the benchmark but not listed",
                )
                for s in unknown
            ]
        )
    return names


def _prices(data: PortfolioData, universe: list[str]) -> np.ndarray:
    close = data.prices_on(data.as_of).reindex(universe)
    missing = [s for s in universe if not np.isfinite(close[s]) or close[s] <= 0]
    if missing:
        raise missing_prices(missing, data.as_of.isoformat())
    return close.to_numpy(dtype=float)


def _model_rows(model: FactorModel, universe: list[str]) -> np.ndarray:
    try:
        return model.positions(universe)
    except RiskInputError as error:
        raise DataValidationError.single(
            PRICES_FILE, None, "adj_close", f"no price history for the risk model: {error}"
        ) from error


def _restriction_masks(
    data: PortfolioData, account: Account, universe: Iterable[str]
) -> dict[str, np.ndarray]:
    symbols = list(universe)
    masks = {kind: np.zeros(len(symbols), dtype=bool) for kind in ("exclude", "no_buy", "no_sell")}
    for restriction in data.restrictions:
        if not restriction.applies_to_account(account):
            continue
        for i, symbol in enumerate(symbols):
            if restriction.matches(data.securities[symbol]):
                masks[restriction.kind][i] = True
    return masks


def _lot_disallowed(
    data: PortfolioData,
    ledger: Ledger,
    account: Account,
    lots: list[Lot],
    *,
    prices: np.ndarray,
    index: dict[str, int],
    policy: Policy,
) -> dict[int, float]:
    """Loss each lot's sale today would have disallowed (IRC §1091(a)), from the ledger's
    forward check over the whole household (pending purchases included when the policy says
    they count; every account's holdings are priced, held-away ones too)."""
    closes = data.prices_on(data.as_of)
    price_map = {str(s): float(p) for s, p in closes.items() if np.isfinite(p)}
    price_map |= {symbol: float(prices[i]) for symbol, i in index.items()}
    pending = data.pending if policy.wash_sale.pending_purchases_count else ()
    statuses = loss_sale_check(ledger, account.household_id, data.as_of, pending, price_map)
    unsafe = {
        (s.lot_id, s.acquired_date, round(s.quantity, 9)): s.disallowed
        for s in statuses
        if s.account_id == account.account_id and not s.safe
    }
    found: dict[int, float] = {}
    for i, lot in enumerate(lots):
        amount = unsafe.get((lot.lot_id, lot.acquired_date, round(lot.quantity, 9)))
        if amount:
            found[i] = amount
    return found


def _wash_blocked(
    data: PortfolioData, ledger: Ledger, account: Account, universe: list[str], policy: Policy
) -> np.ndarray:
    """Securities a buy today would wash (the ledger's blocks, IRC §1091(a)), plus, for the
    policy's buffer days past the 30-day window, every group the household sold at a loss."""
    blocked = {
        symbol
        for block in blocked_buys(ledger, account.household_id, data.as_of)
        for symbol in block.symbols
    }
    buffer = policy.wash_sale.repurchase_buffer_days
    if buffer:
        earliest = data.as_of - dt.timedelta(days=WINDOW_DAYS + buffer)
        window_start = data.as_of - dt.timedelta(days=WINDOW_DAYS)
        keys = {
            data.securities[d.symbol].wash_key
            for d in ledger.disposals
            if d.taxable
            and d.loss > 0
            and earliest <= d.sell_date < window_start
            and data.accounts[d.account_id].household_id == account.household_id
            and d.symbol in data.securities
        }
        blocked |= {s for s in universe if data.securities[s].wash_key in keys}
    return np.array([symbol in blocked for symbol in universe], dtype=bool)
