"""The household overview the demo prints: values, lots, unrealized gains, harvest
candidates and the wash-sale traps the ledger already sees."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rich.console import Group
from rich.table import Table

from tools.dataset import PortfolioData
from tools.holdings import holdings_of
from tools.ledger import Ledger
from tools.ledger.forward import blocked_buys, loss_sale_check
from tools.models import PendingPurchase
from tools.unrealized import value_lots

TOP_CANDIDATES = 10


def household_overview(
    data: PortfolioData,
    ledger: Ledger,
    household_id: str,
    pending: Sequence[PendingPurchase],
) -> Group:
    prices = data.prices_on().dropna()
    price_map = prices.to_dict()
    accounts = data.accounts_of(household_id)

    values = Table(title=f"Household {household_id} on {data.as_of}")
    for column in ("account", "type", "managed", "lots", "invested", "cash", "total"):
        values.add_column(
            column, justify="right" if column in {"lots", "invested", "cash", "total"} else "left"
        )
    gains: dict[tuple[str, str], float] = defaultdict(float)
    for account in accounts:
        lots = ledger.open_lots(account.account_id)
        holdings = holdings_of(
            lots, ledger.cash, prices, [account.account_id], data.as_of.isoformat()
        )
        values.add_row(
            account.account_id,
            account.tax_type,
            "yes" if account.managed else "no",
            str(len(lots)),
            f"${holdings.invested:,.0f}",
            f"${holdings.cash:,.0f}",
            f"${holdings.total:,.0f}",
        )
        if account.tax_type == "taxable":
            for valued in value_lots(lots, price_map, data.as_of):
                side = "gains" if valued.unrealized_gain >= 0 else "losses"
                gains[(valued.term, side)] += valued.unrealized_gain

    unrealized = Table(title="Unrealized in taxable accounts")
    for column in ("term", "gains", "losses"):
        unrealized.add_column(column, justify="left" if column == "term" else "right")
    for term in ("short", "long"):
        unrealized.add_row(
            term, f"${gains[(term, 'gains')]:,.0f}", f"-${-gains[(term, 'losses')]:,.0f}"
        )

    statuses = loss_sale_check(ledger, household_id, data.as_of, pending, price_map)
    candidates = Table(title=f"Largest unrealized losses (top {TOP_CANDIDATES})")
    for column in ("account", "symbol", "lot", "term", "loss", "washed if sold today"):
        candidates.add_column(
            column, justify="right" if column in {"loss", "washed if sold today"} else "left"
        )
    for status in sorted(statuses, key=lambda s: -s.loss)[:TOP_CANDIDATES]:
        candidates.add_row(
            status.account_id,
            status.symbol,
            status.lot_id,
            status.term,
            f"${status.loss:,.0f}",
            f"${status.disallowed:,.0f}" if status.disallowed else "-",
        )

    traps = Table(title="Wash-sale traps seen today")
    for column in ("kind", "symbol", "detail"):
        traps.add_column(column)
    unsafe = [s for s in statuses if not s.safe]
    for status in sorted(unsafe, key=lambda s: -s.disallowed)[:TOP_CANDIDATES]:
        causes = ", ".join(
            f"{'pending ' if r.pending else ''}{r.account_id} {r.date}"
            for r in status.replacements[:2]
        )
        traps.add_row(
            "unsafe loss sale",
            status.symbol,
            f"${status.disallowed:,.0f} of ${status.loss:,.0f} would be washed by {causes}",
        )
    for block in blocked_buys(ledger, household_id, data.as_of):
        traps.add_row(
            "blocked buy",
            ", ".join(block.symbols),
            f"sold at a ${block.loss:,.0f} loss; blocked until {block.blocked_until}",
        )
    summary = (
        f"{len(statuses)} lots at a loss, {len(unsafe)} of them unsafe to sell today "
        f"(${sum(s.disallowed for s in unsafe):,.0f} would be disallowed)"
    )
    return Group(values, unrealized, candidates, traps, summary)
