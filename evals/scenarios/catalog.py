"""The scripted situations of the scorecard and the behaviour each must show.

Names refer to the shared market (``evals.scenarios.market``): ``HAA``, ``TAA`` and ``TAB``
fell about 40% since the household bought the benchmark, so an untouched review harvests
them; ``TAA``/``TAB`` are share classes of one company.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from evals.scenarios.builder import IRA, SPOUSE, TAXABLE, Book
from evals.scenarios.market import AS_OF, benchmark_weights, close, day, index_of
from evals.scenarios.scenario import BAD_INPUT, Expectation, Outcome, Scenario

MONEY_TOLERANCE = 1.0
TE_TOLERANCE = 1e-6


def _days_before(days: int) -> int:
    """Market index of the calendar day ``days`` before the as-of date (a business day)."""
    return index_of(AS_OF - dt.timedelta(days=days))


# -- expectations ------------------------------------------------------------------------


def all_of(*checks: Expectation) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        return [failure for each in checks for failure in each(outcome)]

    return check


def reviewed(outcome: Outcome) -> list[str]:
    if outcome.status == BAD_INPUT:
        return [f"the review stopped on bad input: {'; '.join(outcome.problems)}"]
    return []


def no_sale_of(symbol: str) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        return reviewed(outcome) or (
            [f"sells {symbol}, whose loss would be washed"] if outcome.sells(symbol) else []
        )

    return check


def no_buy_of(symbol: str) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        return reviewed(outcome) or ([f"buys {symbol}"] if outcome.buys(symbol) else [])

    return check


def buys(symbol: str) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        return reviewed(outcome) or ([] if outcome.buys(symbol) else [f"does not buy {symbol}"])

    return check


def harvests(symbol: str) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        sold = [t for t in outcome.sells(symbol) if t["reason"] == "harvest"]
        return reviewed(outcome) or ([] if sold else [f"does not harvest {symbol}"])

    return check


def sells_all(symbol: str, quantity: float) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        sold = sum(t["quantity"] for t in outcome.sells(symbol))
        return reviewed(outcome) or (
            [] if abs(sold - quantity) < 1e-6 else [f"sells {sold:g} of {quantity:g} {symbol}"]
        )

    return check


def sells_for(reason: str) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        found = [t for t in outcome.trades if t["side"] == "sell" and t["reason"] == reason]
        return reviewed(outcome) or ([] if found else [f"no sale for {reason}"])

    return check


def nothing_disallowed(outcome: Outcome) -> list[str]:
    disallowed = outcome.metrics.get("disallowed_loss", 0.0)
    return reviewed(outcome) or (
        [f"realizes a disallowed loss of {disallowed:,.2f}"] if disallowed > MONEY_TOLERANCE else []
    )


def status_is(*statuses: str) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        return (
            []
            if outcome.status in statuses
            else [f"status {outcome.status}, expected {' or '.join(statuses)}"]
        )

    return check


def te_repaired(outcome: Outcome) -> list[str]:
    before, after = outcome.metrics.get("te_before", 0.0), outcome.metrics.get("te_after", 0.0)
    budget = outcome.metrics.get("te_budget", 0.0)
    problems = reviewed(outcome)
    if not problems and after > budget + TE_TOLERANCE:
        problems.append(f"TE after {after:.2%} above the budget {budget:.2%}")
    if not problems and after >= before:
        problems.append(f"TE not reduced ({before:.2%} -> {after:.2%})")
    return problems


def te_reduced(outcome: Outcome) -> list[str]:
    before, after = outcome.metrics.get("te_before", 0.0), outcome.metrics.get("te_after", 0.0)
    return reviewed(outcome) or (
        [] if after < before else [f"TE not reduced ({before:.2%} -> {after:.2%})"]
    )


def net_gain_at_most(limit: float) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        net = outcome.metrics.get("realized_short", 0.0) + outcome.metrics.get("realized_long", 0.0)
        return reviewed(outcome) or (
            [f"realizes a net gain of {net:,.2f} over the {limit:,.0f} budget"]
            if net > limit + MONEY_TOLERANCE
            else []
        )

    return check


def bought_value_at_least(amount: float) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        value = sum(t["quantity"] * t["est_price"] for t in outcome.trades if t["side"] == "buy")
        return reviewed(outcome) or (
            [] if value >= amount else [f"buys only {value:,.2f} of {amount:,.0f}"]
        )

    return check


def bad_input(file: str, where: str) -> Expectation:
    """Refused with a problem naming ``file`` and ``where`` (a column, or the symbol)."""

    def check(outcome: Outcome) -> list[str]:
        if outcome.status != BAD_INPUT:
            return [f"status {outcome.status}: the bad {file} ({where}) was not refused"]
        named = [p for p in outcome.problems if p.startswith(file) and where in p]
        return [] if named else [f"no problem names {file} and {where}: {outcome.problems}"]

    return check


def no_harvest_in(account_id: str) -> Expectation:
    def check(outcome: Outcome) -> list[str]:
        found = [
            t for t in outcome.trades if t["account_id"] == account_id and t["reason"] == "harvest"
        ]
        return reviewed(outcome) or ([f"harvests in {account_id}"] if found else [])

    return check


# -- situations --------------------------------------------------------------------------


def _book(edit: Callable[[Book], None] | None = None, **fields: Any) -> Callable[[], Book]:
    """A builder of the base book with ``fields`` set, then changed by ``edit``."""

    def build() -> Book:
        book = Book(**fields)
        if edit is not None:
            edit(book)
        return book

    return build


def _spouse_buys(book: Book) -> None:
    book.deposit(SPOUSE, -12, 20_000.0)
    book.buy(SPOUSE, "HAA", -10, 100.0)


def _ira_buys(book: Book) -> None:
    book.deposit(IRA, -12, 20_000.0)
    book.buy(IRA, "HAA", -10, 100.0)


def _reinvests(book: Book) -> None:
    book.row(date=day(-5), account_id=TAXABLE, action="dividend", symbol="HAA", quantity=500.0)
    book.buy(TAXABLE, "HAA", -5, 10.0, action="reinvest", lot_id="drip")


def _pending_buy(book: Book) -> None:
    book.pending.append(
        {
            "date": AS_OF + dt.timedelta(days=10),
            "account_id": TAXABLE,
            "action": "buy",
            "symbol": "HAA",
            "quantity": 20,
        }
    )


def _share_class_buy(book: Book) -> None:
    book.deposit(TAXABLE, -11, 30_000.0)
    book.buy(TAXABLE, "TAB", -10, 500.0)


def _sold_days_ago(days: int) -> Callable[[Book], None]:
    def edit(book: Book) -> None:
        book.sell(TAXABLE, "HAA", _days_before(days), book.held("HAA"))
        book.accounts[0]["te_budget"] = "0.005"
        book.policy["wash_sale"] = {"repurchase_buffer_days": 0}

    return edit


def _restrict(kind: str, target_type: str, target: str) -> Callable[[Book], None]:
    def edit(book: Book) -> None:
        book.restrictions.append(
            {
                "scope": "household",
                "scope_id": "hh",
                "kind": kind,
                "target_type": target_type,
                "target": target,
                "reason": "client request",
            }
        )

    return edit


def _concentrated(book: Book) -> None:
    book.deposit(TAXABLE, 5, 600_000.0)
    book.buy(TAXABLE, "EDD", 5, round(600_000.0 / close("EDD", 5), 4))
    book.policy["gains_budget"] = {"yearly_net_gain_usd": 5000}


def _infeasible(book: Book) -> None:
    book.accounts[0]["te_budget"] = "0.0001"
    _restrict("exclude", "symbol", "EDD")(book)


def _append(**fields: object) -> Callable[[Book], None]:
    def edit(book: Book) -> None:
        book.row(**fields)

    return edit


def _managed_ira(book: Book) -> None:
    book.accounts[2]["managed"] = "true"
    book.deposit(IRA, 150, 50_000.0)
    book.buy(IRA, "HAA", 150, 400.0)


def _deposit(book: Book) -> None:
    book.deposit(TAXABLE, -1, 200_000.0)


WITHOUT_ENERGY = {s: (0.0 if s.startswith("E") else w) for s, w in benchmark_weights().items()}

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "nothing_to_do",
        "bought the benchmark at today's close, 1% kept in cash: no trade",
        _book(buy_day=-1, invested=0.99),
        status_is("no_action"),
    ),
    Scenario(
        "harvest_loss",
        "a name 40% down is harvested, nothing washed",
        _book(),
        all_of(harvests("HAA"), nothing_disallowed),
    ),
    Scenario(
        "wash_spouse_purchase",
        "the spouse bought HAA 10 days ago: HAA is not sold",
        _book(_spouse_buys),
        all_of(no_sale_of("HAA"), nothing_disallowed),
    ),
    Scenario(
        "wash_ira_purchase",
        "the IRA bought HAA 10 days ago (loss lost for good): HAA is not sold",
        _book(_ira_buys),
        all_of(no_sale_of("HAA"), nothing_disallowed),
    ),
    Scenario(
        "wash_dividend_reinvestment",
        "a dividend was reinvested in HAA 5 days ago: no washed loss is realized",
        _book(_reinvests),
        nothing_disallowed,
    ),
    Scenario(
        "wash_pending_recurring_buy",
        "a recurring buy of HAA is scheduled in 10 days: HAA is not sold",
        _book(_pending_buy),
        all_of(no_sale_of("HAA"), nothing_disallowed),
    ),
    Scenario(
        "wash_identical_share_class",
        "class B (TAB) was bought 10 days ago: class A (TAA) is not sold at a loss",
        _book(_share_class_buy),
        all_of(no_sale_of("TAA"), nothing_disallowed),
    ),
    Scenario(
        "harvested_name_day_30",
        "HAA was sold at a loss 30 days ago: it is not bought back yet",
        _book(_sold_days_ago(30)),
        no_buy_of("HAA"),
    ),
    Scenario(
        "harvested_name_day_31",
        "HAA was sold at a loss 31 days ago: the tight TE budget buys it back",
        _book(_sold_days_ago(31)),
        buys("HAA"),
    ),
    Scenario(
        "te_breach_repair",
        "no energy names held (TE over budget): TE brought back inside the budget",
        _book(holdings=WITHOUT_ENERGY),
        te_repaired,
    ),
    Scenario(
        "new_exclusion",
        "EDD newly excluded: every share sold",
        _book(_restrict("exclude", "symbol", "EDD")),
        sells_all("EDD", Book().held("EDD")),
    ),
    Scenario(
        "sector_exclusion",
        "the Energy sector excluded: no energy name bought, sales start within the turnover limit",
        _book(_restrict("exclude", "sector", "Energy")),
        all_of(*(no_buy_of(s) for s in ("EAA", "EBB", "ECC", "EDD")), sells_for("restriction")),
    ),
    Scenario(
        "no_sell_restriction",
        "HAA may not be sold: it is not harvested",
        _book(_restrict("no_sell", "symbol", "HAA")),
        no_sale_of("HAA"),
    ),
    Scenario(
        "no_buy_restriction",
        "TDD may not be bought and is not held: not bought",
        _book(_restrict("no_buy", "symbol", "TDD"), holdings={**benchmark_weights(), "TDD": 0.0}),
        no_buy_of("TDD"),
    ),
    Scenario(
        "concentrated_gains_budget",
        "a large EDD gain and a $5,000 gains budget: net gains realized stay within it",
        _book(_concentrated),
        net_gain_at_most(5000.0),
    ),
    Scenario(
        "infeasible_te_budget",
        "a 0.01% TE budget with EDD excluded: a step towards it, held for approval",
        _book(_infeasible),
        all_of(status_is("pending_approval"), te_reduced),
    ),
    Scenario(
        "stale_price",
        "HBB has no price for the last 10 days: refused, naming the prices file",
        _book(stale={"HBB": 10}),
        bad_input("prices.csv", "HBB"),
    ),
    Scenario(
        "missing_price",
        "a held name has no price at all: refused, naming the prices file",
        _book(stale={"HCC": 300}),
        bad_input("prices.csv", "HCC"),
    ),
    Scenario(
        "negative_quantity",
        "a buy of -5 shares: refused, naming the row and column",
        _book(
            _append(
                date=AS_OF, account_id=TAXABLE, action="buy", symbol="HAA", quantity=-5, price=10.0
            )
        ),
        bad_input("transactions.csv", "column quantity"),
    ),
    Scenario(
        "oversold_lot",
        "a sale of more shares than held: refused",
        _book(
            _append(
                date=AS_OF,
                account_id=TAXABLE,
                action="sell",
                symbol="HAA",
                quantity=10_000_000,
                price=10.0,
            )
        ),
        bad_input("transactions.csv", "column quantity"),
    ),
    Scenario(
        "unknown_symbol",
        "a purchase of an unlisted symbol: refused",
        _book(
            _append(
                date=AS_OF, account_id=TAXABLE, action="buy", symbol="ZZZZ", quantity=5, price=10.0
            )
        ),
        bad_input("transactions.csv", "column symbol"),
    ),
    Scenario(
        "loss_below_threshold",
        "losses below the policy's minimum: no harvest",
        _book(policy={"harvest": {"min_loss_usd": 10_000_000}}),
        all_of(*(no_sale_of(s) for s in ("HAA", "TAA", "TAB"))),
    ),
    Scenario(
        "ira_not_harvested",
        "a managed IRA holding a loser: no harvest there (no tax effect)",
        _book(_managed_ira),
        no_harvest_in(IRA),
    ),
    Scenario(
        "high_impact_held",
        "a large first harvest: held for a person's approval",
        _book(),
        status_is("pending_approval"),
    ),
    Scenario(
        "cash_deposit_invested",
        "a $200,000 deposit: invested",
        _book(_deposit),
        bought_value_at_least(150_000.0),
    ),
)
