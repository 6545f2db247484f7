"""A sale at its basis is no loss: the cent rule at the wash-sale boundary.

IRC §1091 disallows losses only; the basis adjustment (Treas. Reg. §1.1091-2) and the tacked
holding period (IRC §1223(3), Treas. Reg. §1.1091-1(h) Example 3) follow only a disallowed
loss. Pro-rata basis picks up float dust (400 x 7/25 is 112.00000000000001), so both
histories below sell shares at exactly their basis and check that the sale washes nothing,
uses up no replacement share and prints no "-0.00". Figures are worked by hand in the
comments.
"""

from __future__ import annotations

import csv
import io
import json
import math

import pytest

from tests.ledger.builders import History, account, accounts, day, lots_of
from tools.ledger import Ledger
from tools.ledger.report import form_8949_csv, ledger_document
from tools.tolerances import cents, is_loss

SPOUSES = accounts(account("T"), account("S", owner="spouse"))


def spouses_history() -> Ledger:
    """T buys 25 at $16 (L1), S buys 5 at $15 (R); T sells 7 at $16 (at the basis), then 18
    at $12: a loss of 18 x $4 = $72, of which R's 5 shares wash 5 x $4 = $20."""
    history = History()
    history.buy("2025-03-03", "T", "X", 25, 16, lot_id="L1")
    history.buy("2025-03-05", "S", "X", 5, 15, lot_id="R")
    history.sell("2025-03-10", "T", "X", 7, 16, lot_id="L1")
    history.sell("2025-03-12", "T", "X", 18, 12, lot_id="L1")
    return history.replay(SPOUSES)


def test_break_even_sale_leaves_the_replacement_for_the_real_loss() -> None:
    ledger = spouses_history()
    even, loss = ledger.disposals
    # The trap is armed: in floats the pro-rata basis exceeds the proceeds.
    assert even.cost_basis > even.proceeds == 112.0
    assert even.loss == 0.0
    assert even.wash_sale_disallowed == 0.0
    assert loss.loss == pytest.approx(72.0)
    assert loss.wash_sale_disallowed == pytest.approx(20.0)
    [wash] = ledger.wash_sales
    assert (wash.loss_seq, wash.replacement_lot_id, wash.quantity) == (loss.seq, "R", 5.0)
    assert wash.disallowed == pytest.approx(20.0)
    # R: basis 75 + 20 = 95; holding period from 2025-03-05 less the 9 days L1 was held.
    [replacement] = lots_of(ledger, "R")
    assert replacement.cost_basis == pytest.approx(95.0)
    assert replacement.wash_sale_adjustment == pytest.approx(20.0)
    assert replacement.purchase_date == day("2025-03-05")
    assert replacement.acquired_date == day("2025-02-24")


def test_break_even_sale_prints_no_wash_row_and_no_negative_zero() -> None:
    ledger = spouses_history()
    text = form_8949_csv(ledger)
    assert "-0.00" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    # 7 shares at the basis, then the loss reported as 5 washed shares and 13 allowed ones.
    assert [(row["description"].split(" sh")[0], row["code"], row["gain"]) for row in rows] == [
        ("7", "", "0.00"),
        ("5", "W", "0.00"),
        ("13", "", "-52.00"),
    ]
    assert [row["adjustment"] for row in rows] == ["", "20.00", ""]
    document = ledger_document(ledger)
    assert "-0.0" not in json.dumps(document)
    assert [wash["disallowed"] for wash in document["wash_sales"]] == [20.0]
    zeros = [d["gain"] for d in document["disposals"] if d["gain"] == 0.0]
    assert zeros and all(math.copysign(1.0, gain) == 1.0 for gain in zeros)


def test_break_even_sale_does_not_turn_a_short_term_gain_long_term() -> None:
    """One account, first in first out:

    - 2024-06-02 buy 50 at 7.74 (L1); 2025-05-21 buy 100 at 7 (L2);
    - 2025-06-17 sell 100 at 7.23: L1's 50 lose 50 x 0.51 = $25.50 (long-term) and L2's
      first 50 gain $11.50; L2's other 50 shares, bought 27 days before, wash the loss:
      basis 350 + 25.50 = 375.50 (7.51 a share), holding period from 2025-05-21 less the
      380 days L1 was held: 2024-05-06;
    - 2025-08-03 buy 6 at 3.73 (L8);
    - 2025-08-21 sell 20 at 7.51: 20 of L2's shares at exactly their basis, no loss;
    - 2025-09-02 sell L8 at 8: 6 x (8 - 3.73) = $25.62, short-term (held since 2025-08-03).
      Had the break-even sale washed into L8, L8's holding period would start in 2024 and
      the gain would be long-term.
    """
    history = History()
    history.buy("2024-06-02", "T", "X", 50, 7.74, lot_id="L1")
    history.buy("2025-05-21", "T", "X", 100, 7, lot_id="L2")
    history.sell("2025-06-17", "T", "X", 100, 7.23)
    history.buy("2025-08-03", "T", "X", 6, 3.73, lot_id="L8")
    history.sell("2025-08-21", "T", "X", 20, 7.51)
    history.sell("2025-09-02", "T", "X", 6, 8, lot_id="L8")
    ledger = history.replay(accounts(account("T")))
    by_lot = [(d.lot_id, d.sell_date.isoformat()) for d in ledger.disposals]
    assert by_lot == [
        ("L1", "2025-06-17"),
        ("L2", "2025-06-17"),
        ("L2", "2025-08-21"),
        ("L8", "2025-09-02"),
    ]
    l1, _l2_gain, even, l8 = ledger.disposals
    assert l1.wash_sale_disallowed == pytest.approx(25.5)
    assert even.cost_basis > even.proceeds  # float dust: 150.20000000000002 against 150.2
    assert (even.loss, even.wash_sale_disallowed) == (0.0, 0.0)
    assert even.acquired_date == day("2024-05-06")
    assert even.term == "long"
    assert l8.acquired_date == day("2025-08-03")
    assert l8.term == "short"
    assert l8.gain == pytest.approx(25.62)
    assert l8.wash_sale_disallowed == 0.0
    [wash] = ledger.wash_sales
    assert (wash.replacement_lot_id, wash.quantity) == ("L2", 50.0)
    assert wash.disallowed == pytest.approx(25.5)


def test_a_loss_of_one_cent_is_a_loss() -> None:
    """The rule's other side: a loss of a single cent still washes."""
    history = History()
    history.buy("2025-03-03", "T", "X", 1, 10.01, lot_id="L1")
    history.buy("2025-03-05", "S", "X", 1, 10, lot_id="R")
    history.sell("2025-03-10", "T", "X", 1, 10, lot_id="L1")
    ledger = history.replay(SPOUSES)
    [wash] = ledger.wash_sales
    assert wash.disallowed == pytest.approx(0.01)
    assert "W" in form_8949_csv(ledger)


@pytest.mark.parametrize(
    ("basis", "proceeds", "expected"),
    [
        (112.00000000000001, 112.0, False),  # float dust
        (100.004, 100.0, False),  # rounds to $0.00
        (100.005, 100.0, True),  # half a cent rounds up to one
        (100.01, 100.0, True),
        (100.0, 100.01, False),  # a gain
    ],
)
def test_is_loss_asks_about_cents(basis: float, proceeds: float, expected: bool) -> None:
    assert is_loss(basis, proceeds) is expected


def test_cents_never_gives_negative_zero() -> None:
    for dust in (-1e-14, -0.004, -0.0):
        assert math.copysign(1.0, cents(dust)) == 1.0
        assert f"{cents(dust):.2f}" == "0.00"
    assert cents(-0.006) == -0.01
