"""Each test breaks one thing in the valid fixture and checks the one problem reported.

Row numbers are 1-based data rows of the fixture tables (see conftest.py); prices.csv holds
five symbols (AAA, BBB, CCC, VTI, ITOT) per date, so VTI on 2024-01-08 is row 24.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from tools.loading import load_data_dir, validate_data_dir

REQUIRED_FILES = [
    "securities.csv",
    "accounts.csv",
    "prices.csv",
    "benchmark.csv",
    "transactions.csv",
]


def where(problem):
    return problem.file, problem.row, problem.column


# --- whole files -------------------------------------------------------------------------


@pytest.mark.parametrize("file", REQUIRED_FILES)
def test_missing_required_file(data_dir, file):
    problem = data_dir.remove(file).single_problem()
    assert where(problem) == (file, None, None)
    assert "required file is missing" in problem.message


@pytest.mark.parametrize(
    ("file", "column"),
    [
        ("transactions.csv", "price"),
        ("prices.csv", "close"),
        ("accounts.csv", "tax_type"),
        ("securities.csv", "sector"),
        ("benchmark.csv", "weight"),
        ("pending.csv", "quantity"),
        ("restrictions.csv", "target"),
    ],
)
def test_missing_required_column(data_dir, file, column):
    problem = data_dir.drop_column(file, column).single_problem()
    assert where(problem) == (file, None, column)
    assert f"required column '{column}' is missing" in problem.message


def test_file_not_utf8_names_offset_and_row(data_dir):
    content = "date,account_id,action,symbol,quantity,price\n2024-01-02,T1,deposit,,10,\n"
    bad = content.encode() + "2024-01-02,T1,deposit,,5,,caf\xe9\n".encode("latin-1")
    problem = data_dir.write_raw("transactions.csv", bad).single_problem()
    assert where(problem) == ("transactions.csv", 2, None)
    assert "not UTF-8" in problem.message
    offset = bad.index(b"\xe9")
    assert f"byte offset {offset}" in problem.message
    assert "0xe9" in problem.message


def test_utf8_byte_order_mark_is_accepted(data_dir):
    securities = data_dir.root / "securities.csv"
    data_dir.write()
    data_dir.write_raw("securities.csv", b"\xef\xbb\xbf" + securities.read_bytes())
    assert data_dir.problems() == []


def test_empty_file(data_dir):
    problem = data_dir.write_raw("securities.csv", b"").single_problem()
    assert where(problem) == ("securities.csv", None, None)
    assert "file is empty" in problem.message
    assert "symbol, name, sector, industry" in problem.message


def test_reference_table_with_header_only(data_dir):
    problem = data_dir.write_raw("prices.csv", b"date,symbol,close\n").single_problem()
    assert where(problem) == ("prices.csv", None, None)
    assert "no data rows" in problem.message


def test_row_with_more_fields_than_header(data_dir):
    content = b"symbol,weight\nAAA,0.5\nBBB,0.5,extra\n"
    problem = data_dir.write_raw("benchmark.csv", content).single_problem()
    assert where(problem) == ("benchmark.csv", 2, None)
    assert "3 fields" in problem.message
    assert "header has 2" in problem.message


def test_column_repeated_in_header(data_dir):
    content = b"symbol,weight,weight\nAAA,0.5,0.5\nBBB,0.5,0.5\n"
    problem = data_dir.write_raw("benchmark.csv", content).single_problem()
    assert where(problem) == ("benchmark.csv", None, "weight")
    assert "appears twice" in problem.message


def test_missing_data_directory(tmp_path):
    problems = validate_data_dir(tmp_path / "nowhere")
    assert [(p.file, p.row, p.column) for p in problems] == [("nowhere", None, None)]
    assert "does not exist" in problems[0].message


# --- dates ---------------------------------------------------------------------------------


def test_transaction_date_not_iso(data_dir):
    problem = data_dir.set("transactions.csv", 11, "date", "01/05/2024").single_problem()
    assert where(problem) == ("transactions.csv", 11, "date")
    assert "'01/05/2024' is not a valid date" in problem.message
    assert "YYYY-MM-DD" in problem.message


def test_price_date_that_does_not_exist(data_dir):
    problem = data_dir.set("prices.csv", 1, "date", "2024-02-30").single_problem()
    assert where(problem) == ("prices.csv", 1, "date")
    assert "'2024-02-30' is not a valid date" in problem.message


def test_unpadded_date_is_rejected(data_dir):
    problem = data_dir.set("pending.csv", 1, "date", "2024-1-15").single_problem()
    assert where(problem) == ("pending.csv", 1, "date")
    assert "'2024-1-15'" in problem.message


def test_missing_transaction_date(data_dir):
    problem = data_dir.set("transactions.csv", 14, "date", "").single_problem()
    assert where(problem) == ("transactions.csv", 14, "date")
    assert "date is missing" in problem.message


def test_as_of_before_first_price_date(data_dir):
    problem = data_dir.single_problem(as_of=dt.date(2023, 12, 29))
    assert where(problem) == ("prices.csv", None, None)
    assert "as-of 2023-12-29 is before the first price date 2024-01-02" in problem.message


# --- unknown references --------------------------------------------------------------------


def test_unknown_account_in_transactions(data_dir):
    problem = data_dir.set("transactions.csv", 9, "account_id", "X9").single_problem()
    assert where(problem) == ("transactions.csv", 9, "account_id")
    assert "unknown account 'X9'" in problem.message
    assert "accounts.csv" in problem.message


def test_unknown_account_in_pending(data_dir):
    problem = data_dir.set("pending.csv", 2, "account_id", "Q1").single_problem()
    assert where(problem) == ("pending.csv", 2, "account_id")
    assert "unknown account 'Q1'" in problem.message


def test_unknown_account_scope_in_restrictions(data_dir):
    problem = data_dir.set("restrictions.csv", 2, "scope_id", "T9").single_problem()
    assert where(problem) == ("restrictions.csv", 2, "scope_id")
    assert "unknown account 'T9'" in problem.message


def test_unknown_household_scope_in_restrictions(data_dir):
    problem = data_dir.set("restrictions.csv", 1, "scope_id", "T1").single_problem()
    assert where(problem) == ("restrictions.csv", 1, "scope_id")
    assert "unknown household 'T1'" in problem.message


@pytest.mark.parametrize(
    ("file", "row", "column"),
    [
        ("transactions.csv", 3, "symbol"),
        ("prices.csv", 1, "symbol"),
        ("benchmark.csv", 2, "symbol"),
        ("pending.csv", 1, "symbol"),
        ("restrictions.csv", 1, "target"),
    ],
)
def test_unknown_symbol(data_dir, file, row, column):
    problem = data_dir.set(file, row, column, "ZZZ").single_problem()
    assert where(problem) == (file, row, column)
    assert "unknown symbol 'ZZZ'" in problem.message
    assert "securities.csv" in problem.message


def test_symbol_target_of_sector_restriction_is_not_a_symbol_lookup(data_dir):
    data_dir.set("restrictions.csv", 2, "target", "Utilities")
    assert data_dir.problems() == []


# --- quantities and prices -----------------------------------------------------------------


def test_quantity_not_a_number(data_dir):
    problem = data_dir.set("transactions.csv", 7, "quantity", "abc").single_problem()
    assert where(problem) == ("transactions.csv", 7, "quantity")
    assert "quantity 'abc' is not a number" in problem.message


def test_quantity_negative(data_dir):
    problem = data_dir.set("transactions.csv", 9, "quantity", "-5").single_problem()
    assert where(problem) == ("transactions.csv", 9, "quantity")
    assert "quantity -5 is negative" in problem.message


def test_quantity_infinite_is_not_a_number(data_dir):
    problem = data_dir.set("transactions.csv", 1, "quantity", "inf").single_problem()
    assert where(problem) == ("transactions.csv", 1, "quantity")
    assert "'inf' is not a number" in problem.message


def test_quantity_zero_on_a_buy(data_dir):
    problem = data_dir.set("transactions.csv", 9, "quantity", "0").single_problem()
    assert where(problem) == ("transactions.csv", 9, "quantity")
    assert "must be greater than zero for buy" in problem.message


def test_price_not_a_number(data_dir):
    problem = data_dir.set("transactions.csv", 2, "price", "1O0").single_problem()
    assert where(problem) == ("transactions.csv", 2, "price")
    assert "price '1O0' is not a number" in problem.message


def test_price_negative(data_dir):
    problem = data_dir.set("transactions.csv", 5, "price", "-51").single_problem()
    assert where(problem) == ("transactions.csv", 5, "price")
    assert "price -51 is negative" in problem.message


def test_negative_close_in_prices(data_dir):
    problem = data_dir.set("prices.csv", 7, "close", "-3.5").single_problem()
    assert where(problem) == ("prices.csv", 7, "close")
    assert "close -3.5 is negative" in problem.message


def test_zero_adj_close_in_prices(data_dir):
    problem = data_dir.set("prices.csv", 7, "adj_close", "0").single_problem()
    assert where(problem) == ("prices.csv", 7, "adj_close")
    assert "adj_close 0 must be greater than zero" in problem.message


def test_negative_fees(data_dir):
    problem = data_dir.set("transactions.csv", 2, "fees", "-1").single_problem()
    assert where(problem) == ("transactions.csv", 2, "fees")
    assert "fees -1 is negative" in problem.message


@pytest.mark.parametrize(("row", "action"), [(9, "buy"), (7, "reinvest"), (5, "sell")])
def test_trade_without_price(data_dir, row, action):
    problem = data_dir.set("transactions.csv", row, "price", "").single_problem()
    assert where(problem) == ("transactions.csv", row, "price")
    assert f"price is missing ({action} needs one)" in problem.message


def test_sell_without_symbol(data_dir):
    problem = data_dir.set("transactions.csv", 13, "symbol", "").single_problem()
    assert where(problem) == ("transactions.csv", 13, "symbol")
    assert "symbol is missing (sell needs one)" in problem.message


def test_split_with_a_price(data_dir):
    problem = data_dir.set("transactions.csv", 4, "price", "50").single_problem()
    assert where(problem) == ("transactions.csv", 4, "price")
    assert "split takes no price, got '50'" in problem.message


@pytest.mark.parametrize("ratio", ["0", "-2"])
def test_split_ratio_not_positive(data_dir, ratio):
    problem = data_dir.set("transactions.csv", 4, "quantity", ratio).single_problem()
    assert where(problem) == ("transactions.csv", 4, "quantity")
    assert f"split ratio {ratio} must be greater than zero" in problem.message


# --- oversold sells ------------------------------------------------------------------------


def test_sell_more_than_held_after_split(data_dir):
    # Row 2 buys 10 AAA, row 4 splits 2-for-1: 20 held, so selling 21 oversells.
    problem = data_dir.set("transactions.csv", 5, "quantity", "21").single_problem()
    assert where(problem) == ("transactions.csv", 5, "quantity")
    assert "sell of 21 AAA on 2024-01-03 exceeds the 20 shares held in account T1" in (
        problem.message
    )


def test_sell_before_the_buy_on_a_later_row_of_an_earlier_date(data_dir):
    # The sell on 2024-01-08 is moved to 2024-01-04: rows apply by date, and the buy of ITOT
    # is on 2024-01-05.
    problem = data_dir.set("transactions.csv", 13, "date", "2024-01-04").single_problem()
    assert where(problem) == ("transactions.csv", 13, "quantity")
    assert "exceeds the 0 shares held in account T2" in problem.message


def test_sell_more_than_the_named_lot_holds(data_dir):
    data_dir.append(
        "transactions.csv",
        {
            "date": "2024-01-05",
            "account_id": "T2",
            "action": "buy",
            "symbol": "ITOT",
            "quantity": "5",
            "price": "100",
            "lot_id": "L8",
        },
    )
    problem = data_dir.set("transactions.csv", 13, "quantity", "9").single_problem()
    assert where(problem) == ("transactions.csv", 13, "quantity")
    assert "sell of 9 ITOT from lot 'L7' on 2024-01-08 exceeds the 8 shares left" in (
        problem.message
    )


def test_sell_names_a_lot_that_does_not_exist(data_dir):
    problem = data_dir.set("transactions.csv", 13, "lot_id", "L9").single_problem()
    assert where(problem) == ("transactions.csv", 13, "lot_id")
    assert "sell names lot 'L9'" in problem.message
    assert "ITOT in account T2" in problem.message


def test_lot_id_reused_for_a_different_purchase(data_dir):
    data_dir.append(
        "transactions.csv",
        {
            "date": "2024-01-05",
            "account_id": "T2",
            "action": "buy",
            "symbol": "ITOT",
            "quantity": "1",
            "price": "100",
            "lot_id": "B-1",
        },
    )
    problem = data_dir.single_problem()
    assert where(problem) == ("transactions.csv", 15, "lot_id")
    assert "lot_id 'B-1' is already used by row 3" in problem.message


# --- actions and their cells ---------------------------------------------------------------


def test_unknown_action(data_dir):
    problem = data_dir.set("transactions.csv", 14, "action", "purchase").single_problem()
    assert where(problem) == ("transactions.csv", 14, "action")
    assert "action 'purchase' is not one of buy, reinvest, sell" in problem.message


@pytest.mark.parametrize(
    ("column", "words"),
    [
        ("acquired_date", "transfer_in needs the date the lot was first acquired"),
        ("cost_basis", "transfer_in needs the lot's total cost basis"),
    ],
)
def test_transfer_in_without_acquired_date_or_cost(data_dir, column, words):
    problem = data_dir.set("transactions.csv", 10, column, "").single_problem()
    assert where(problem) == ("transactions.csv", 10, column)
    assert f"{column} is missing ({words})" in problem.message


def test_transfer_in_acquired_after_transfer(data_dir):
    problem = data_dir.set("transactions.csv", 10, "acquired_date", "2024-02-01").single_problem()
    assert where(problem) == ("transactions.csv", 10, "acquired_date")
    assert "acquired_date 2024-02-01 is after the transfer date 2024-01-05" in problem.message


def test_cost_basis_on_a_buy(data_dir):
    problem = data_dir.set("transactions.csv", 9, "cost_basis", "2000").single_problem()
    assert where(problem) == ("transactions.csv", 9, "cost_basis")
    assert "only transfer_in takes a cost_basis, not buy" in problem.message


def test_deposit_with_a_symbol(data_dir):
    problem = data_dir.set("transactions.csv", 1, "symbol", "AAA").single_problem()
    assert where(problem) == ("transactions.csv", 1, "symbol")
    assert "deposit takes no symbol, got 'AAA'" in problem.message


def test_dividend_without_its_payer(data_dir):
    problem = data_dir.set("transactions.csv", 6, "symbol", "").single_problem()
    assert where(problem) == ("transactions.csv", 6, "symbol")
    assert "symbol is missing (dividend needs one)" in problem.message


def test_lot_id_on_a_split(data_dir):
    problem = data_dir.set("transactions.csv", 4, "lot_id", "X").single_problem()
    assert where(problem) == ("transactions.csv", 4, "lot_id")
    assert "split takes no lot_id" in problem.message


# --- benchmark -----------------------------------------------------------------------------


def test_undated_weights_not_summing_to_one(data_dir):
    problem = data_dir.set("benchmark.csv", 1, "weight", "0.5").single_problem()
    assert where(problem) == ("benchmark.csv", None, "weight")
    assert "undated weights sum to 1.1, not 1" in problem.message


def test_dated_weights_not_summing_to_one_name_the_date(data_dir):
    rows = [
        ["2024-01-02", "AAA", "0.6"],
        ["2024-01-02", "BBB", "0.4"],
        ["2024-01-05", "AAA", "0.6"],
        ["2024-01-05", "BBB", "0.3"],
    ]
    data_dir.tables["benchmark.csv"] = (["date", "symbol", "weight"], rows)
    problem = data_dir.single_problem()
    assert where(problem) == ("benchmark.csv", None, "weight")
    assert "weights dated 2024-01-05 sum to 0.9, not 1" in problem.message


def test_weights_within_tolerance_are_accepted(data_dir):
    data_dir.set("benchmark.csv", 1, "weight", "0.4000004")
    assert data_dir.problems() == []


def test_negative_weight(data_dir):
    problem = data_dir.set("benchmark.csv", 4, "weight", "-0.1").single_problem()
    assert where(problem) == ("benchmark.csv", 4, "weight")
    assert "weight -0.1 is negative" in problem.message


def test_duplicate_benchmark_symbol(data_dir):
    problem = data_dir.append("benchmark.csv", {"symbol": "VTI", "weight": "0"}).single_problem()
    assert where(problem) == ("benchmark.csv", 5, "symbol")
    assert "duplicate weight for VTI (first at row 4)" in problem.message


def test_benchmark_dated_after_as_of(data_dir):
    rows = [["2024-01-05", "AAA", "0.6"], ["2024-01-05", "BBB", "0.4"]]
    data_dir.tables["benchmark.csv"] = (["date", "symbol", "weight"], rows)
    problem = data_dir.single_problem(as_of=dt.date(2024, 1, 4))
    assert where(problem) == ("benchmark.csv", None, "date")
    assert "no benchmark weights dated on or before the as-of date 2024-01-04" in (problem.message)


# --- prices --------------------------------------------------------------------------------


def test_duplicate_price_row(data_dir):
    data_dir.append("prices.csv", {"date": "2024-01-03", "symbol": "AAA", "close": "101"})
    problem = data_dir.single_problem()
    assert where(problem) == ("prices.csv", 26, "symbol")
    assert "duplicate price row for AAA on 2024-01-03 (first at row 6)" in problem.message


def test_missing_price_for_held_symbol_on_as_of(data_dir):
    problem = data_dir.delete_row("prices.csv", 24).single_problem()  # VTI on 2024-01-08
    assert where(problem) == ("prices.csv", None, None)
    assert "no price for held symbol VTI on the as-of date 2024-01-08" in problem.message
    assert "account I1" in problem.message


def test_sold_out_symbol_needs_no_price(data_dir):
    # CCC is only held in R2 through a transfer: sell it all and its price may be missing.
    data_dir.append(
        "transactions.csv",
        {
            "date": "2024-01-05",
            "account_id": "R2",
            "action": "sell",
            "symbol": "CCC",
            "quantity": "20",
            "price": "78",
        },
    )
    data_dir.delete_row("prices.csv", 23)  # CCC on 2024-01-08
    assert data_dir.problems() == []


def test_as_of_without_prices_uses_the_previous_price_date(data_dir, caplog):
    caplog.set_level(logging.WARNING, logger="lotwise")
    root = data_dir.write()
    assert validate_data_dir(root, dt.date(2024, 1, 6)) == []  # a Saturday
    assert load_data_dir(root, dt.date(2024, 1, 6)).as_of == dt.date(2024, 1, 5)
    assert "no prices on the as-of date 2024-01-06; using 2024-01-05" in caplog.text


def test_as_of_before_the_first_price_date_is_an_error(data_dir):
    problem = data_dir.single_problem(as_of=dt.date(2023, 12, 29))
    assert where(problem) == ("prices.csv", None, None)
    assert "before the first price date 2024-01-02" in problem.message


# --- securities and accounts ---------------------------------------------------------------


def test_duplicate_security_symbol(data_dir):
    data_dir.append(
        "securities.csv", {"symbol": "BBB", "name": "Beta again", "sector": "X", "industry": "Y"}
    )
    problem = data_dir.single_problem()
    assert where(problem) == ("securities.csv", 6, "symbol")
    assert "duplicate symbol 'BBB' (first at row 2)" in problem.message


def test_esg_score_above_range(data_dir):
    problem = data_dir.set("securities.csv", 1, "esg_score", "140").single_problem()
    assert where(problem) == ("securities.csv", 1, "esg_score")
    assert "esg_score 140 is above 100" in problem.message


def test_duplicate_account_id(data_dir):
    data_dir.append(
        "accounts.csv",
        {
            "account_id": "I1",
            "household_id": "H2",
            "owner": "bob",
            "tax_type": "hsa",
            "managed": "false",
        },
    )
    problem = data_dir.single_problem()
    assert where(problem) == ("accounts.csv", 5, "account_id")
    assert "duplicate account_id 'I1' (first at row 2)" in problem.message


def test_unknown_tax_type(data_dir):
    problem = data_dir.set("accounts.csv", 1, "tax_type", "brokerage").single_problem()
    assert where(problem) == ("accounts.csv", 1, "tax_type")
    assert "tax_type 'brokerage' is not one of taxable, traditional_ira" in problem.message


def test_unknown_relief_method(data_dir):
    problem = data_dir.set("accounts.csv", 3, "relief_method", "lifo").single_problem()
    assert where(problem) == ("accounts.csv", 3, "relief_method")
    assert "relief_method 'lifo' is not one of fifo, hifo, min_tax, specific" in problem.message


def test_managed_not_true_or_false(data_dir):
    problem = data_dir.set("accounts.csv", 2, "managed", "yes").single_problem()
    assert where(problem) == ("accounts.csv", 2, "managed")
    assert "managed 'yes' must be true or false" in problem.message


@pytest.mark.parametrize("budget", ["0", "2", "-0.01"])
def test_te_budget_not_a_positive_fraction(data_dir, budget):
    problem = data_dir.set("accounts.csv", 1, "te_budget", budget).single_problem()
    assert where(problem) == ("accounts.csv", 1, "te_budget")
    assert f"te_budget {budget} is not a positive fraction" in problem.message


def test_te_budget_not_a_number(data_dir):
    problem = data_dir.set("accounts.csv", 1, "te_budget", "2%").single_problem()
    assert where(problem) == ("accounts.csv", 1, "te_budget")
    assert "te_budget '2%' is not a number" in problem.message


# --- restrictions and pending --------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "choices"),
    [
        ("scope", "family", "household, account"),
        ("kind", "avoid", "exclude, no_buy, no_sell"),
        ("target_type", "country", "symbol, sector, industry, esg_below"),
    ],
)
def test_restriction_with_unknown_choice(data_dir, column, value, choices):
    problem = data_dir.set("restrictions.csv", 2, column, value).single_problem()
    assert where(problem) == ("restrictions.csv", 2, column)
    assert f"{column} '{value}' is not one of {choices}" in problem.message


def test_esg_below_target_not_a_number(data_dir):
    problem = data_dir.set("restrictions.csv", 3, "target", "high").single_problem()
    assert where(problem) == ("restrictions.csv", 3, "target")
    assert "esg_below target 'high' is not a number" in problem.message


def test_pending_sell(data_dir):
    problem = data_dir.set("pending.csv", 1, "action", "sell").single_problem()
    assert where(problem) == ("pending.csv", 1, "action")
    assert "action 'sell' is not one of buy, reinvest" in problem.message


def test_pending_negative_quantity(data_dir):
    problem = data_dir.set("pending.csv", 2, "quantity", "-0.5").single_problem()
    assert where(problem) == ("pending.csv", 2, "quantity")
    assert "quantity -0.5 is negative" in problem.message


# --- policy.yaml ---------------------------------------------------------------------------


def test_policy_with_invalid_yaml(data_dir):
    data_dir.policy = "harvest:\n  min_loss: 500\n bad_indent: [1, 2\n"
    problem = data_dir.single_problem()
    assert where(problem) == ("policy.yaml", None, None)
    assert "invalid YAML" in problem.message
    assert "line 3" in problem.message


def test_policy_that_is_not_a_mapping(data_dir):
    data_dir.policy = "- harvest\n- rebalance\n"
    problem = data_dir.single_problem()
    assert where(problem) == ("policy.yaml", None, None)
    assert "must be a mapping" in problem.message
    assert "not a list" in problem.message


def test_policy_not_utf8_names_the_line(data_dir):
    data_dir.write_raw("policy.yaml", b"harvest:\n  note: caf\xe9\n")
    problem = data_dir.single_problem()
    assert where(problem) == ("policy.yaml", None, None)
    assert "not UTF-8" in problem.message
    assert "(in line 2)" in problem.message


def test_data_path_that_is_a_file(data_dir):
    problems = validate_data_dir(data_dir.write() / "accounts.csv")
    assert [(p.file, p.row, p.column, p.message) for p in problems] == [
        ("accounts.csv", None, None, "is not a data directory")
    ]
