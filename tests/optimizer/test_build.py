"""The adapter from a data directory to the optimizer's input, and the trades it leads to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from policies import Policy, load_policy
from policies.schema import TiltPolicy
from tests.optimizer.datadir import EXCLUDED, NO_SELL, write_data_dir
from tools.dataset import PortfolioData
from tools.errors import DataValidationError
from tools.household_policy import household_policy
from tools.ledger import Ledger, replay_ledger
from tools.loading import load_data_dir
from tools.optimizer.build import (
    build_input,
    esg_tilt,
    loss_value_cap,
    realized_this_year,
    universe_of,
)
from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.optimize import optimize
from tools.risk.model import FactorModel
from tools.risk.report import build_risk_model


@dataclass(frozen=True, eq=False)
class Loaded:
    data: PortfolioData
    policy: Policy
    ledger: Ledger
    model: FactorModel

    def build(
        self, account_id: str, policy: Policy | None = None, **options: Any
    ) -> OptimizationInput:
        return build_input(
            self.data,
            account_id,
            ledger=self.ledger,
            model=self.model,
            policy=policy or self.policy,
            **options,
        )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    root = tmp_path_factory.mktemp("optimizer-data")
    write_data_dir(root)
    data = load_data_dir(root)
    policy = household_policy(data, "H1")
    ledger = replay_ledger(
        data.transactions,
        data.accounts,
        data.securities,
        policy.tax.short_rate,
        policy.tax.long_rate,
        as_of=data.as_of,
    )
    return Loaded(data, policy, ledger, build_risk_model(data))


def lots_of(inp: OptimizationInput, symbol: str) -> np.ndarray:
    return np.flatnonzero(inp.lot_security == inp.symbols.index(symbol))


def test_restrictions_and_wash_sale_answers_reach_the_input(loaded: Loaded) -> None:
    inp = loaded.build("TX")
    symbols = list(inp.symbols)
    assert [symbols[i] for i in np.flatnonzero(inp.excluded)] == [EXCLUDED]
    assert [symbols[i] for i in np.flatnonzero(inp.no_sell)] == [NO_SELL]
    # S5 was sold at a loss 10 days ago: buying it back now would wash that loss.
    assert [symbols[i] for i in np.flatnonzero(inp.wash_blocked)] == ["S5"]
    # S6 (IRA bought 5 days ago) and S7 (pending purchase held away) wash TX's loss lots.
    washed = {inp.symbols[inp.lot_security[i]] for i in np.flatnonzero(inp.lot_wash_disallowed)}
    assert washed == {"S6", "S7"}
    assert inp.wash_keys[symbols.index("S8")] == inp.wash_keys[symbols.index("S9")]
    assert inp.lot_long_term[lots_of(inp, "S0")].all()
    assert not inp.lot_long_term[
        [i for i in lots_of(inp, "S4") if inp.lot_ids[i].endswith("-2")]
    ].any()
    assert inp.cash == pytest.approx(loaded.ledger.cash["TX"])
    assert inp.account_value == pytest.approx(
        float((inp.position_shares * inp.prices).sum()) + inp.cash
    )


def test_the_year_to_date_realized_gain_reduces_the_gains_room(loaded: Loaded) -> None:
    realized = realized_this_year(loaded.ledger, loaded.data, "H1")
    assert realized < 0  # the S5 loss sale this year
    inp = loaded.build("TX")
    budget = loaded.policy.gains_budget.yearly_net_gain_usd
    assert inp.tax.gains_room_usd == pytest.approx(budget - realized)
    elsewhere = loaded.build("TX", realized_elsewhere_usd=10_000.0)
    assert elsewhere.tax.gains_room_usd == pytest.approx(budget - realized - 10_000.0)


def test_pending_purchases_count_only_when_the_policy_says_so(loaded: Loaded) -> None:
    policy = load_policy({"wash_sale": {"pending_purchases_count": False}})
    inp = loaded.build("TX", policy)
    washed = {inp.symbols[inp.lot_security[i]] for i in np.flatnonzero(inp.lot_wash_disallowed)}
    assert washed == {"S6"}


def test_an_ira_has_no_tax_and_no_harvest(loaded: Loaded) -> None:
    inp = loaded.build("IRA")
    assert (inp.tax.short_rate, inp.tax.long_rate) == (0.0, 0.0)
    assert not inp.lot_wash_disallowed.any()
    assert not inp.no_sell.any()  # the no_sell restriction is TX's only
    assert inp.trading.te_budget == 0.005  # accounts.csv te_budget wins over the policy


def test_optimizing_the_taxable_account_harvests_around_the_wash_sale_rules(
    loaded: Loaded,
) -> None:
    result = optimize(loaded.build("TX"))
    assert all(check.passed for check in result.checks)
    harvested = {t.symbol for t in result.trades if t.reason == "harvest"}
    assert harvested and harvested.isdisjoint({"S6", "S7", NO_SELL})
    bought = {t.symbol for t in result.trades if t.side == "buy"}
    assert bought.isdisjoint({EXCLUDED, "S5"} | harvested)
    skipped = {s.symbol: s.reason for s in result.skipped}
    assert skipped["S6"] == "wash_sale_window" and skipped["S7"] == "wash_sale_window"
    assert result.metrics.harvested_losses > 0 and result.metrics.est_tax_savings > 0


def test_a_charged_wash_sale_is_reported_when_the_policy_allows_it(loaded: Loaded) -> None:
    policy = load_policy({"wash_sale": {"allow_charged_wash": True}})
    inp = loaded.build("TX", policy)
    assert inp.tax.allow_charged_wash
    result = optimize(inp)
    washed_sales = [t for t in result.trades if t.symbol in ("S6", "S7") and t.side == "sell"]
    assert washed_sales, "the charged lots are worth selling"
    assert (
        result.metrics.disallowed_loss
        == pytest.approx(sum(t.disallowed_loss for t in washed_sales))
        and result.metrics.disallowed_loss > 0
    )


def test_cap_3000_values_losses_up_to_this_years_usable_amount() -> None:
    policy = load_policy({"tax": {"loss_usage": "cap_3000"}})
    assert loss_value_cap(load_policy(), 0.0) is None
    assert loss_value_cap(policy, 0.0) == pytest.approx(policy.tax.short_rate * 3_000)
    # 10,000 of gains so far: losses offset them first, then 3,000 of ordinary income.
    assert loss_value_cap(policy, 10_000.0) == pytest.approx(
        policy.tax.long_rate * 10_000 + policy.tax.short_rate * 3_000
    )
    # 2,000 of net losses already use part of the cap; a carryforward uses the rest.
    assert loss_value_cap(policy, -2_000.0) == pytest.approx(policy.tax.short_rate * 1_000)
    carried = load_policy({"tax": {"loss_usage": "cap_3000", "carryforward": 5_000}})
    assert loss_value_cap(carried, 0.0) == 0.0


def test_bad_accounts_and_missing_history_name_the_file_and_column(
    loaded: Loaded, tmp_path: Path
) -> None:
    with pytest.raises(DataValidationError) as unknown:
        loaded.build("NOPE")
    assert (unknown.value.problems[0].file, unknown.value.problems[0].column) == (
        "accounts.csv",
        "account_id",
    )
    with pytest.raises(DataValidationError) as away:
        loaded.build("AWAY")
    assert away.value.problems[0].column == "managed"
    short_model = loaded.model.subset([s for s in loaded.model.symbols if s != "S9"])
    with pytest.raises(DataValidationError) as history:
        build_input(
            loaded.data, "TX", ledger=loaded.ledger, model=short_model, policy=loaded.policy
        )
    problem = history.value.problems[0]
    assert (problem.file, problem.column) == ("prices.csv", "adj_close")
    assert "S9" in problem.message


def test_an_esg_tilt_built_from_the_scores_is_kept(loaded: Loaded) -> None:
    symbols = universe_of(loaded.data, loaded.ledger, "TX")
    tilt = esg_tilt(loaded.data, symbols, target_points=1.0, tolerance=0.5)
    benchmark = loaded.data.benchmark_weights(loaded.data.as_of).reindex(symbols).to_numpy()
    assert tilt.exposures @ benchmark == pytest.approx(0.0, abs=1e-9)
    inp = loaded.build("TX", tilts=(tilt,))
    assert inp.symbols == tuple(symbols) and inp.tilts == (tilt,)
    result = optimize(inp)
    assert next(c for c in result.checks if c.name == "tilts").passed


def _with_tilts(policy: Policy, **tilts: Any) -> Policy:
    """``policy`` with the given ``tilts`` section."""
    return policy.model_copy(update={"tilts": TiltPolicy.model_validate(tilts)})


def _sector_active_weight(inp: OptimizationInput, weights: np.ndarray, sector: str) -> float:
    exposure = next(t for t in inp.tilts if t.name == f"sector:{sector}").exposures
    return float(exposure @ (weights - inp.benchmark_weights))


def test_a_policy_sector_band_reaches_the_input_and_the_trades_keep_it(loaded: Loaded) -> None:
    policy = _with_tilts(
        loaded.policy, sectors=[{"sector": "Energy", "active_weight": -0.05, "tolerance": 0.01}]
    )
    inp = loaded.build("TX", policy=policy)
    assert [t.name for t in inp.tilts] == ["sector:Energy"]
    assert inp.tilts[0].target == -0.05 and inp.tilts[0].tolerance == 0.01

    result = optimize(inp)

    assert next(c for c in result.checks if c.name == "tilts").passed
    after = np.zeros(inp.n_securities)
    for trade in result.trades:
        signed = trade.quantity if trade.side == "buy" else -trade.quantity
        after[inp.symbols.index(trade.symbol)] += signed
    held = np.bincount(inp.lot_security, weights=inp.lot_quantity, minlength=inp.n_securities)
    weights = (held + after) * inp.prices / inp.account_value
    assert _sector_active_weight(inp, weights, "Energy") == pytest.approx(-0.05, abs=0.0105)


def test_a_policy_esg_band_builds_the_esg_tilt(loaded: Loaded) -> None:
    policy = _with_tilts(loaded.policy, esg={"target_points": 1.0, "tolerance": 0.5})
    inp = loaded.build("TX", policy=policy)
    symbols = list(inp.symbols)
    expected = esg_tilt(loaded.data, symbols, target_points=1.0, tolerance=0.5)
    assert [t.name for t in inp.tilts] == ["esg"]
    assert np.allclose(inp.tilts[0].exposures, expected.exposures)


def test_no_tilts_by_default_and_explicit_tilts_replace_the_policys(loaded: Loaded) -> None:
    assert loaded.build("TX").tilts == ()
    policy = _with_tilts(loaded.policy, esg={"target_points": 1.0, "tolerance": 0.5})
    assert loaded.build("TX", policy=policy, tilts=()).tilts == ()


def test_a_sector_no_security_belongs_to_is_an_impossible_policy(loaded: Loaded) -> None:
    policy = _with_tilts(
        loaded.policy, sectors=[{"sector": "Shipping", "active_weight": 0.01, "tolerance": 0.01}]
    )
    with pytest.raises(DataValidationError) as caught:
        loaded.build("TX", policy=policy)
    problem = caught.value.problems[0]
    assert (problem.file, problem.column) == ("policy.yaml", "tilts.sectors")
    assert "Shipping" in problem.message
