"""Valid directories load into the documented ``PortfolioData`` shape."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import pytest

from tools.loading import check_data_dir, load_data_dir


def test_fixture_is_valid(data_dir):
    assert data_dir.problems() == []


def test_counts_households_and_default_as_of(data_dir):
    data = load_data_dir(data_dir.write())
    assert data.as_of == dt.date(2024, 1, 8)  # the last price date
    assert list(data.securities) == ["AAA", "BBB", "CCC", "VTI", "ITOT"]
    assert list(data.accounts) == ["T1", "I1", "R2", "T2"]
    assert [(h.household_id, h.account_ids) for h in data.households.values()] == [
        ("H1", ("T1", "I1")),
        ("H2", ("R2", "T2")),
    ]
    assert [t.row for t in data.transactions] == list(range(1, 15))


def test_account_fields_and_defaults(data_dir):
    accounts = load_data_dir(data_dir.write()).accounts
    assert accounts["T1"].te_budget == pytest.approx(0.02)
    assert accounts["I1"].relief_method == "fifo"  # blank means the default
    assert accounts["I1"].managed is False
    assert accounts["T2"].managed is True  # TRUE in any case
    assert accounts["T2"].benchmark == "sp500"
    assert accounts["I1"].te_budget is None


def test_blank_lot_ids_are_named_after_their_row(data_dir):
    transactions = load_data_dir(data_dir.write()).transactions
    lot_ids = {t.row: t.lot_id for t in transactions}
    assert lot_ids[2] == "row-2"  # buy with a blank lot_id
    assert lot_ids[3] == "B-1"  # named lot kept
    assert lot_ids[7] == "row-7"  # reinvest
    assert lot_ids[10] == "row-10"  # transfer_in opens a lot too
    assert lot_ids[5] is None  # a sell without lot_id uses the relief method
    assert lot_ids[13] == "L7"  # specific-lot sell
    assert lot_ids[1] is None  # cash


def test_split_and_sale_of_the_split_shares(data_dir):
    # 10 AAA bought, 2-for-1 split: all 20 shares can be sold.
    data = load_data_dir(data_dir.set("transactions.csv", 5, "quantity", "20").write())
    split = data.transactions[3]
    assert (split.action, split.symbol, split.quantity, split.price) == ("split", "AAA", 2.0, None)
    assert data.transactions[4].quantity == 20.0


def test_transfer_in_keeps_acquired_date_and_cost(data_dir):
    transfer = load_data_dir(data_dir.write()).transactions[9]
    assert transfer.action == "transfer_in"
    assert transfer.acquired_date == dt.date(2020, 5, 1)
    assert transfer.cost_basis == 1500.0
    assert transfer.price is None
    assert transfer.date == dt.date(2024, 1, 5)


def test_trade_fields(data_dir):
    buy = load_data_dir(data_dir.write()).transactions[1]
    assert (buy.date, buy.account_id, buy.action, buy.symbol) == (
        dt.date(2024, 1, 2),
        "T1",
        "buy",
        "AAA",
    )
    assert (buy.quantity, buy.price, buy.fees) == (10.0, 100.0, 1.0)
    assert buy.acquired_date is None and buy.cost_basis is None


def test_identical_group_makes_a_shared_wash_key(data_dir):
    securities = load_data_dir(data_dir.write()).securities
    assert securities["VTI"].identical_group == "us_total"
    assert securities["VTI"].wash_key == securities["ITOT"].wash_key
    assert securities["AAA"].identical_group is None
    assert securities["AAA"].wash_key != securities["BBB"].wash_key
    assert securities["BBB"].esg_score == 45.5
    assert securities["VTI"].esg_score is None


def test_optional_columns_may_be_absent(data_dir):
    data_dir.drop_column("securities.csv", "esg_score").drop_column(
        "securities.csv", "identical_group"
    )
    for column in ("relief_method", "te_budget", "benchmark"):
        data_dir.drop_column("accounts.csv", column)
    data_dir.delete_row("transactions.csv", 10)  # the transfer_in needs the dropped columns
    for column in ("fees", "lot_id", "acquired_date", "cost_basis"):
        data_dir.drop_column("transactions.csv", column)
    data_dir.drop_column("prices.csv", "adj_close").drop_column("restrictions.csv", "reason")
    data = load_data_dir(data_dir.write())
    assert data.securities["VTI"].identical_group is None
    assert data.accounts["R2"].relief_method == "fifo"
    assert all(t.fees == 0.0 for t in data.transactions)
    assert data.transactions[10].lot_id == "row-11"  # the ITOT buy, now on row 11
    assert data.adj_close.equals(data.close)
    assert data.restrictions[0].reason == ""


def test_optional_files_may_be_absent(data_dir):
    for file in ("restrictions.csv", "pending.csv", "policy.yaml"):
        data_dir.remove(file)
    data = load_data_dir(data_dir.write())
    assert data.restrictions == ()
    assert data.pending == ()
    assert data.policy_overrides == {}
    assert set(data.file_digests) == {
        "securities.csv",
        "accounts.csv",
        "prices.csv",
        "benchmark.csv",
        "transactions.csv",
    }


def test_transactions_with_header_only(data_dir):
    data_dir.tables["transactions.csv"] = (
        ["date", "account_id", "action", "symbol", "quantity", "price"],
        [],
    )
    assert load_data_dir(data_dir.write()).transactions == ()


def test_restrictions_and_pending(data_dir):
    data = load_data_dir(data_dir.write())
    first, _, esg = data.restrictions
    assert (first.row, first.scope, first.scope_id, first.kind, first.target) == (
        1,
        "household",
        "H1",
        "exclude",
        "CCC",
    )
    assert esg.matches(data.securities["CCC"])  # esg 20 < 30
    assert not esg.matches(data.securities["AAA"])
    assert [(p.date, p.account_id, p.action, p.symbol, p.quantity) for p in data.pending] == [
        (dt.date(2024, 1, 15), "T1", "buy", "AAA", 3.0),
        (dt.date(2024, 1, 20), "I1", "reinvest", "VTI", 0.5),
    ]


def test_explicit_as_of(data_dir):
    data = load_data_dir(data_dir.write(), as_of=dt.date(2024, 1, 5))
    assert data.as_of == dt.date(2024, 1, 5)
    assert data.prices_on()["AAA"] == 103.0


def test_price_panels(data_dir):
    data_dir.append(
        "securities.csv", {"symbol": "DDD", "name": "Delta", "sector": "Tech", "industry": "Chips"}
    )
    data = load_data_dir(data_dir.write())
    assert isinstance(data.close.index, pd.DatetimeIndex)
    assert data.close.index.is_monotonic_increasing
    assert list(data.close.columns) == ["AAA", "BBB", "CCC", "DDD", "ITOT", "VTI"]
    assert data.close["DDD"].isna().all()  # a security without prices
    assert data.close.loc["2024-01-03", "AAA"] == 101.0
    assert data.adj_close.loc["2024-01-03", "AAA"] == 100.0
    assert data.adj_close["CCC"].equals(data.close["CCC"])  # blank adj_close falls back
    assert data.close.shape == data.adj_close.shape == (5, 6)


def test_prices_in_any_row_order(data_dir):
    columns, rows = data_dir.tables["prices.csv"]
    data_dir.tables["prices.csv"] = (columns, list(reversed(rows)))
    close = load_data_dir(data_dir.write()).close
    assert close.index.is_monotonic_increasing
    assert close.loc["2024-01-08", "VTI"] == 204.0


def test_undated_benchmark(data_dir):
    data = load_data_dir(data_dir.write())
    assert data.benchmark["date"].isna().all()
    assert data.benchmark_weights().to_dict() == {"AAA": 0.4, "BBB": 0.3, "CCC": 0.2, "VTI": 0.1}


def test_dated_benchmark_uses_latest_date_on_or_before_as_of(data_dir):
    rows = [
        ["2024-01-02", "AAA", "0.6"],
        ["2024-01-02", "BBB", "0.4"],
        ["2024-01-05", "AAA", "0.5"],
        ["2024-01-05", "VTI", "0.5"],
    ]
    data_dir.tables["benchmark.csv"] = (["date", "symbol", "weight"], rows)
    data = load_data_dir(data_dir.write())
    assert data.benchmark["date"].notna().all()
    assert data.benchmark_weights().to_dict() == {"AAA": 0.5, "VTI": 0.5}
    assert data.benchmark_weights(dt.date(2024, 1, 4)).to_dict() == {"AAA": 0.6, "BBB": 0.4}


def test_file_digests_and_policy(data_dir):
    root = data_dir.write()
    data = load_data_dir(root)
    expected = hashlib.sha256((root / "transactions.csv").read_bytes()).hexdigest()
    assert data.file_digests["transactions.csv"] == expected
    assert len(data.file_digests) == 8
    assert data.policy_overrides == {
        "harvest": {"min_loss_usd": 500},
        "tracking_error": {"budget": 0.02},
    }


def test_rows_on_one_date_apply_in_file_order(data_dir):
    # A buy and a sell of the same new lot on one date: valid when the buy comes first ...
    buy = {
        "date": "2024-01-08",
        "account_id": "I1",
        "action": "buy",
        "symbol": "BBB",
        "quantity": "4",
        "price": "54",
    }
    sell = {**buy, "action": "sell"}
    assert (
        data_dir.append("transactions.csv", buy).append("transactions.csv", sell).problems() == []
    )


def test_sell_listed_before_the_buy_on_one_date_oversells(data_dir):
    buy = {
        "date": "2024-01-08",
        "account_id": "I1",
        "action": "buy",
        "symbol": "BBB",
        "quantity": "4",
        "price": "54",
    }
    sell = {**buy, "action": "sell"}
    data_dir.append("transactions.csv", sell).append("transactions.csv", buy)
    problem = data_dir.single_problem()
    assert (problem.file, problem.row, problem.column) == ("transactions.csv", 15, "quantity")
    assert "exceeds the 0 shares held in account I1" in problem.message


def test_one_purchase_over_several_rows_shares_a_lot_id(data_dir):
    second_fill = {
        "date": "2024-01-05",
        "account_id": "T2",
        "action": "buy",
        "symbol": "ITOT",
        "quantity": "2",
        "price": "100.5",
        "lot_id": "L7",
    }
    data_dir.append("transactions.csv", second_fill)
    data_dir.set("transactions.csv", 13, "quantity", "10")  # the lot now holds 8 + 2
    assert data_dir.problems() == []


def test_fractional_shares_sold_out_exactly(data_dir):
    for quantity in ("0.1", "0.2"):
        data_dir.append(
            "transactions.csv",
            {
                "date": "2024-01-05",
                "account_id": "I1",
                "action": "buy",
                "symbol": "BBB",
                "quantity": quantity,
                "price": "53",
            },
        )
    data_dir.append(
        "transactions.csv",
        {
            "date": "2024-01-08",
            "account_id": "I1",
            "action": "sell",
            "symbol": "BBB",
            "quantity": "0.3",
            "price": "54",
        },
    )
    assert data_dir.problems() == []


def test_spaces_after_commas_crlf_and_quoted_commas(data_dir):
    data_dir.set("securities.csv", 1, "name", "Alpha, Corp")
    root = data_dir.write()
    path = root / "accounts.csv"
    path.write_bytes(path.read_bytes().replace(b",", b", ").replace(b"\n", b"\r\n"))
    data = load_data_dir(root)
    assert data.securities["AAA"].name == "Alpha, Corp"
    assert data.accounts["T1"].tax_type == "taxable"


def test_check_data_dir_summarizes_a_valid_directory(data_dir):
    problems, summary = check_data_dir(data_dir.write(), dt.date(2024, 1, 5))
    assert problems == []
    assert summary is not None
    assert summary.files == (
        "securities.csv",
        "accounts.csv",
        "prices.csv",
        "benchmark.csv",
        "transactions.csv",
        "restrictions.csv",
        "pending.csv",
        "policy.yaml",
    )
    assert (summary.accounts, summary.households, summary.transactions, summary.symbols) == (
        4,
        2,
        14,
        5,
    )
    assert (summary.price_dates, summary.first_price_date, summary.last_price_date) == (
        5,
        dt.date(2024, 1, 2),
        dt.date(2024, 1, 8),
    )
    assert summary.as_of == dt.date(2024, 1, 5)


def test_check_data_dir_returns_problems_without_summary(data_dir):
    problems, summary = check_data_dir(data_dir.set("accounts.csv", 1, "managed", "").write())
    assert summary is None
    assert [(p.file, p.row, p.column) for p in problems] == [("accounts.csv", 1, "managed")]
