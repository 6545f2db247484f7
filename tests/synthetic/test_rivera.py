"""The sample household "rivera": its accounts, its history and the traps it sets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tests.synthetic.replay import Replay, market_value, read_csv
from tools.synthetic import DEFAULT_AS_OF

JOINT = "rivera-joint"
IRA = "rivera-ira-spouse"
ROTH = "rivera-roth-taxpayer"
BROKERAGE = "rivera-brokerage-spouse"
WINDOW = dt.timedelta(days=30)  # IRC §1091(a)


def _last_close(closes: pd.DataFrame, symbol: str) -> Decimal:
    return Decimal(closes[symbol].iloc[-1])


def _joint_loss_symbols(replayed: Replay, closes: pd.DataFrame) -> set[str]:
    """Symbols the joint account still holds, never sold, with a lot bought above the last
    close (so that lot is open and at a loss whatever the relief method)."""
    return {
        lot.symbol
        for lot in replayed.lots
        if lot.account_id == JOINT
        and (JOINT, lot.symbol) not in replayed.sold
        and replayed.positions[(JOINT, lot.symbol)] > 0
        and lot.unit_cost > _last_close(closes, lot.symbol)
    }


@pytest.fixture(scope="module")
def rivera(transactions: pd.DataFrame) -> pd.DataFrame:
    return transactions[transactions["account_id"].str.startswith("rivera-")]


def test_rivera_has_the_four_accounts(accounts: list[dict[str, str]]) -> None:
    rows = {a["account_id"]: a for a in accounts if a["household_id"] == "rivera"}
    assert [
        (rows[a]["tax_type"], rows[a]["managed"], rows[a]["relief_method"])
        for a in (JOINT, IRA, ROTH, BROKERAGE)
    ] == [
        ("taxable", "true", "hifo"),
        ("traditional_ira", "false", "fifo"),
        ("roth_ira", "true", "fifo"),
        ("taxable", "false", "fifo"),
    ]
    assert rows[JOINT]["te_budget"] == "0.01"
    assert {rows[a]["owner"] for a in (IRA, BROKERAGE)} == {"spouse"}
    assert rows[ROTH]["owner"] == "taxpayer"


def test_joint_account_is_a_2_5_million_direct_index_of_about_300_names(
    replayed: Replay, closes: pd.DataFrame, rivera: pd.DataFrame
) -> None:
    value = market_value(replayed, closes, JOINT)
    assert Decimal(2_200_000) <= value <= Decimal(2_800_000)
    held = [s for (a, s), q in replayed.positions.items() if a == JOINT and q > 0]
    assert 280 <= len(held) <= 320
    joint = rivera[rivera["account_id"] == JOINT]
    counts = joint["action"].value_counts()
    assert counts["buy"] >= 2000
    assert 30 <= counts["deposit"] <= 40
    assert counts["sell"] >= 10
    for date, rows in joint[joint["action"].isin(["deposit", "buy"])].groupby("date"):
        actions = list(rows["action"])
        assert actions[0] == "deposit", date
    assert joint["action"].iloc[0] == "transfer_in"
    first_buy = dt.date.fromisoformat(joint.loc[joint["action"] == "buy", "date"].min())
    assert (DEFAULT_AS_OF - first_buy).days in range(1060, 1100)


def test_many_joint_lots_are_at_a_loss(replayed: Replay, closes: pd.DataFrame) -> None:
    open_lots = [
        lot
        for lot in replayed.lots
        if lot.account_id == JOINT and (JOINT, lot.symbol) not in replayed.sold
    ]
    losing = [lot for lot in open_lots if lot.unit_cost > _last_close(closes, lot.symbol)]
    assert len(losing) >= 500
    assert len(losing) / len(open_lots) >= 0.2


def test_concentrated_legacy_position(
    data_dir: Path, replayed: Replay, closes: pd.DataFrame, rivera: pd.DataFrame
) -> None:
    transfers = rivera[rivera["action"] == "transfer_in"]
    assert list(transfers["account_id"]) == [JOINT]
    legacy = transfers.iloc[0]
    acquired = dt.date.fromisoformat(legacy["acquired_date"])
    assert (DEFAULT_AS_OF - acquired).days > 10 * 365
    assert legacy["price"] == ""
    value = replayed.positions[(JOINT, legacy["symbol"])] * _last_close(closes, legacy["symbol"])
    share = value / market_value(replayed, closes, JOINT)
    assert Decimal("0.17") <= share <= Decimal("0.23")
    assert value >= 3 * Decimal(legacy["cost_basis"])
    restrictions = read_csv(data_dir / "restrictions.csv")
    assert {
        "scope": "household",
        "scope_id": "rivera",
        "kind": "no_buy",
        "target_type": "symbol",
        "target": legacy["symbol"],
    }.items() <= next(r for r in restrictions if r["target"] == legacy["symbol"]).items()
    purchases = rivera[rivera["action"].isin(["buy", "reinvest"])]
    assert legacy["symbol"] not in set(purchases["symbol"])


def test_excluded_industry_is_never_held(
    data_dir: Path, securities: pd.DataFrame, rivera: pd.DataFrame
) -> None:
    excluded = [
        r
        for r in read_csv(data_dir / "restrictions.csv")
        if r["scope_id"] == "rivera" and r["kind"] == "exclude"
    ]
    assert [(r["scope"], r["target_type"]) for r in excluded] == [("household", "industry")]
    industry = excluded[0]["target"]
    in_industry = set(securities.loc[securities["industry"] == industry, "symbol"])
    assert in_industry
    assert not in_industry & set(rivera["symbol"])


def test_held_away_purchases_inside_30_days_of_joint_losses(
    replayed: Replay, closes: pd.DataFrame, rivera: pd.DataFrame
) -> None:
    losers = _joint_loss_symbols(replayed, closes)
    recent = rivera[
        (rivera["account_id"] == BROKERAGE)
        & (rivera["action"] == "buy")
        & (rivera["date"] >= (DEFAULT_AS_OF - WINDOW).isoformat())
    ]
    traps = set(recent["symbol"]) & losers
    assert len(traps) >= 2


def test_pending_buys_inside_30_days_after_as_of_in_joint_losses(
    data_dir: Path,
    replayed: Replay,
    closes: pd.DataFrame,
    rivera: pd.DataFrame,
    accounts: list[dict[str, str]],
) -> None:
    losers = _joint_loss_symbols(replayed, closes)
    rivera_accounts = {a["account_id"] for a in accounts if a["household_id"] == "rivera"}
    pending = read_csv(data_dir / "pending.csv")
    assert len(pending) >= 2
    for row in pending:
        ahead = dt.date.fromisoformat(row["date"]) - DEFAULT_AS_OF
        assert dt.timedelta(days=1) <= ahead <= WINDOW
        assert row["account_id"] in rivera_accounts
        assert row["action"] == "buy" and Decimal(row["quantity"]) > 0
        assert row["symbol"] in losers
    # At least one loss is threatened only by a pending purchase: nothing bought recently.
    recent = rivera[
        rivera["action"].isin(["buy", "reinvest"])
        & (rivera["date"] >= (DEFAULT_AS_OF - WINDOW).isoformat())
    ]
    assert {row["symbol"] for row in pending} - set(recent["symbol"])


def test_spouse_ira_reinvests_dividends_in_names_the_joint_account_holds(
    replayed: Replay, closes: pd.DataFrame, rivera: pd.DataFrame
) -> None:
    ira = rivera[rivera["account_id"] == IRA].reset_index(drop=True)
    reinvests = ira.index[ira["action"] == "reinvest"]
    assert len(reinvests) >= 20
    for position in reinvests:
        dividend, reinvest = ira.loc[position - 1], ira.loc[position]
        assert dividend["action"] == "dividend"
        assert (dividend["symbol"], dividend["date"]) == (reinvest["symbol"], reinvest["date"])
        cost = Decimal(reinvest["quantity"]) * Decimal(reinvest["price"])
        assert cost <= Decimal(dividend["quantity"])
    joint_held = {s for (a, s), q in replayed.positions.items() if a == JOINT and q > 0}
    assert set(ira.loc[reinvests, "symbol"]) <= joint_held


def test_no_purchase_in_a_household_within_30_days_of_one_of_its_sales(
    transactions: pd.DataFrame, securities: pd.DataFrame, accounts: list[dict[str, str]]
) -> None:
    """The generated history has no accidental wash sales (IRC §1091(a)): around every sale,
    no account of the household acquired the same or a substantially identical security."""
    household = {a["account_id"]: a["household_id"] for a in accounts}
    group = {row.symbol: row.identical_group or row.symbol for row in securities.itertuples()}
    frame = transactions[transactions["action"].isin(["sell", "buy", "reinvest"])].assign(
        household=lambda t: t["account_id"].map(household),
        group=lambda t: t["symbol"].map(group),
        day=lambda t: pd.to_datetime(t["date"]),
    )
    sales = frame[frame["action"] == "sell"]
    purchases = frame[frame["action"] != "sell"]
    assert len(sales) > 50
    pairs = sales.merge(purchases, on=["household", "group"], suffixes=("_sale", "_buy"))
    gap = (pairs["day_buy"] - pairs["day_sale"]).abs()
    assert (gap > pd.Timedelta(days=30)).all()
