"""Forward-looking wash-sale questions on the ledger as of a date D.

Each answer comes from the replay engine itself, continued on a copy, so it can never
disagree with what the ledger will say once the trades and pending purchases happen.
Pending purchases (``pending.csv``: scheduled buys and dividend reinvestments) count as
acquisitions on their dates (IRC §1091(a) looks at acquisitions, not intentions; a purchase
already scheduled will happen unless cancelled).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from tools.dataset import close_of
from tools.errors import DataValidationError
from tools.ledger.holding import Term, term_of
from tools.ledger.lots import LotPart
from tools.ledger.replay import LedgerEngine
from tools.ledger.results import Ledger, WashSale
from tools.ledger.washsale import WINDOW_DAYS
from tools.models import PendingPurchase, Transaction
from tools.tolerances import SHARE_EPSILON, is_loss

PENDING_FILE = "pending.csv"
TRADES_SOURCE = "proposed trades"
# Lot ids of simulated purchases; '#' keeps them apart from lot ids read from files.
PENDING_LOT_PREFIX = "pending#"
TRADE_LOT_PREFIX = "proposed#"


@dataclass(frozen=True)
class ReplacementShares:
    """An acquisition that would take (some of) a loss, and how many of its shares."""

    account_id: str
    symbol: str
    lot_id: str
    date: dt.date
    quantity: float
    pending: bool  # a scheduled purchase, not yet made
    permanent: bool  # bought in an IRA-type account: the loss would be lost for good


@dataclass(frozen=True)
class LossSaleStatus:
    """One open lot part at a loss: what selling it whole on ``as_of`` would disallow."""

    account_id: str
    symbol: str
    lot_id: str
    quantity: float
    acquired_date: dt.date
    cost_basis: float
    price: float
    loss: float  # unrealized loss at ``price`` (positive)
    term: Term  # the term the sale would have
    disallowed: float  # part of ``loss`` a sale on ``as_of`` would have disallowed
    replacements: tuple[ReplacementShares, ...]  # the acquisitions causing it, in match order

    @property
    def safe(self) -> bool:
        """True when selling on ``as_of`` would keep the whole loss."""
        return self.disallowed <= 0.0


@dataclass(frozen=True)
class BlockingLoss:
    """Loss shares sold in the last 30 days that a purchase today would still wash."""

    account_id: str
    symbol: str
    lot_id: str
    sell_date: dt.date
    quantity: float  # loss shares not yet matched with replacement shares
    loss: float  # the loss on those shares


@dataclass(frozen=True)
class BuyBlock:
    """Securities that may not be bought on ``as_of`` without washing a recent loss."""

    wash_key: str
    symbols: tuple[str, ...]  # every symbol substantially identical to the sold one
    blocked_until: dt.date  # last blocked day: latest loss sale + 30 days
    losses: tuple[BlockingLoss, ...]

    @property
    def loss(self) -> float:
        return sum(blocking.loss for blocking in self.losses)


@dataclass(frozen=True)
class ProposedTrade:
    """A trade to test on ``as_of``; ``lots`` (lot_id, quantity) identifies shares to sell."""

    account_id: str
    symbol: str
    side: Literal["buy", "sell"]
    quantity: float
    lots: tuple[tuple[str, float], ...] = ()
    price: float | None = None  # default: ``prices[symbol]``


@dataclass(frozen=True)
class TradeImpact:
    """For a sell: the loss disallowed on its own shares, whatever replaces them; for a buy:
    the loss it disallows on sales made before the proposed list.
    """

    index: int  # position in the proposed list (0-based)
    trade: ProposedTrade
    disallowed: float
    wash_sales: tuple[WashSale, ...] = field(default=())

    @property
    def permanent(self) -> float:
        """The part of ``disallowed`` lost for good (replacements in IRA-type accounts)."""
        return sum(wash.disallowed for wash in self.wash_sales if wash.permanent)


@dataclass(frozen=True)
class TradeWashImpact:
    """``disallowed``: extra loss disallowed across the household if the trades happen,
    compared with the pending purchases alone. Per-trade figures can add up to more or
    less than it when a trade takes replacement shares another loss would have used.
    """

    as_of: dt.date
    disallowed: float
    trades: tuple[TradeImpact, ...]


def loss_sale_check(
    ledger: Ledger,
    household_id: str,
    as_of: dt.date,
    pending: Iterable[PendingPurchase],
    prices: Mapping[str, float],
) -> list[LossSaleStatus]:
    """Every open part at a loss in the household's taxable accounts, and whether selling it
    on ``as_of`` (alone, after the day's recorded rows) would wash its loss.

    Replacement shares are those held and bought in [as_of - 30, as_of] that have not
    absorbed a loss yet, then pending purchases in [as_of, as_of + 30] left over after the
    losses already waiting for replacements take theirs (Treas. Reg. §1.1091-1(b)-(e)).
    """
    engine = _engine_at(ledger, household_id, as_of)
    with_pending = engine.fork()
    scheduled = _apply_pending(with_pending, household_id, as_of, pending, prices)
    day = as_of.toordinal()
    statuses = []
    for account in engine.accounts.values():
        if account.household_id != household_id or account.is_ira_type:
            continue
        for part in engine.lots.parts(account.account_id):
            price = close_of(prices, part.symbol, as_of)
            proceeds = part.quantity * price
            if not is_loss(part.cost_basis, proceeds):
                continue
            loss = part.cost_basis - proceeds
            key = engine.wash_key(part.symbol)
            held = [
                (held_part, False)
                for held_part in engine.matcher.held_acquisitions(household_id, key)
                if held_part.purchase_day >= day - WINDOW_DAYS
            ]
            upcoming = [
                (pending_part, True)
                for pending_part in scheduled
                if pending_part.replaceable and engine.wash_key(pending_part.symbol) == key
            ]
            replacements, covered = _cover(engine, part, held + upcoming)
            statuses.append(
                LossSaleStatus(
                    account_id=part.account_id,
                    symbol=part.symbol,
                    lot_id=part.lot_id,
                    quantity=part.quantity,
                    acquired_date=dt.date.fromordinal(part.acquired_day),
                    cost_basis=part.cost_basis,
                    price=price,
                    loss=loss,
                    term=term_of(part.acquired_day, day),
                    disallowed=loss * min(covered / part.quantity, 1.0),
                    replacements=tuple(replacements),
                )
            )
    return statuses


def blocked_buys(ledger: Ledger, household_id: str, as_of: dt.date) -> list[BuyBlock]:
    """Securities whose purchase on ``as_of`` would wash a loss sold in [as_of - 30, as_of] in
    a taxable account of the household, with the date each block ends (IRC §1091(a)).

    Losses already fully matched with replacement shares block nothing: a replacement share
    absorbs one loss only (Treas. Reg. §1.1091-1(e)).
    """
    engine = _engine_at(ledger, household_id, as_of)
    first_day = as_of.toordinal() - WINDOW_DAYS
    by_key: dict[str, list[BlockingLoss]] = {}
    for wash_key, waiting in engine.matcher.waiting_losses(household_id):
        if waiting.sell_day < first_day:
            continue
        by_key.setdefault(wash_key, []).append(
            BlockingLoss(
                account_id=waiting.account_id,
                symbol=waiting.symbol,
                lot_id=waiting.lot_id,
                sell_date=dt.date.fromordinal(waiting.sell_day),
                quantity=waiting.remaining,
                loss=waiting.remaining * waiting.loss_per_share,
            )
        )
    blocks = []
    for wash_key, losses in by_key.items():
        symbols = {s for s in engine.securities if engine.wash_key(s) == wash_key}
        symbols.update(loss.symbol for loss in losses)
        last_sale = max(loss.sell_date for loss in losses)
        blocks.append(
            BuyBlock(
                wash_key=wash_key,
                symbols=tuple(sorted(symbols)),
                blocked_until=last_sale + dt.timedelta(days=WINDOW_DAYS),
                losses=tuple(losses),
            )
        )
    return sorted(blocks, key=lambda block: (block.blocked_until, block.wash_key))


def disallowed_for_trades(  # noqa: PLR0917 - the positional signature the callers share
    ledger: Ledger,
    household_id: str,
    as_of: dt.date,
    trades: Sequence[ProposedTrade],
    pending: Iterable[PendingPurchase],
    prices: Mapping[str, float],
) -> TradeWashImpact:
    """The loss the trades would get disallowed if made on ``as_of`` (after the day's rows).

    Replays the trades, then the pending purchases of the next 30 days, on a copy of the
    ledger, and compares with the pending purchases alone.
    """
    engine = _engine_at(ledger, household_id, as_of)
    pending = list(pending)
    baseline = engine.fork()
    _apply_pending(baseline, household_id, as_of, pending, prices)
    simulated = engine.fork()
    applied = [
        _apply_trade(simulated, household_id, as_of, trade, index=index, prices=prices)
        for index, trade in enumerate(trades)
    ]
    _apply_pending(simulated, household_id, as_of, pending, prices)
    matches = simulated.matcher.wash_sales
    sold_by_trades = set().union(*(seqs for _, seqs, _, _, _ in applied))
    impacts = []
    for index, (trade, disposal_seqs, bought, first_match, last_match) in enumerate(applied):
        if trade.side == "sell":
            own = tuple(wash for wash in matches if wash.loss_seq in disposal_seqs)
        else:  # losses recorded before the trades; the list's own sales count above
            own = tuple(
                wash
                for wash in matches[first_match:last_match]
                if wash.replacement_lot_id == bought and wash.loss_seq not in sold_by_trades
            )
        impacts.append(
            TradeImpact(
                index=index,
                trade=trade,
                disallowed=sum(wash.disallowed for wash in own),
                wash_sales=own,
            )
        )
    extra = _matched_total(simulated) - _matched_total(baseline)
    return TradeWashImpact(as_of=as_of, disallowed=max(extra, 0.0), trades=tuple(impacts))


# -- helpers ---------------------------------------------------------------------------


def _engine_at(ledger: Ledger, household_id: str, as_of: dt.date) -> LedgerEngine:
    engine = ledger.engine
    if not any(a.household_id == household_id for a in engine.accounts.values()):
        raise KeyError(f"unknown household {household_id!r}")
    if engine.last_day > as_of.toordinal():
        raise ValueError(
            f"the ledger already holds transactions after {as_of}; replay it as of {as_of}"
        )
    return engine


def _apply_pending(
    engine: LedgerEngine,
    household_id: str,
    as_of: dt.date,
    pending: Iterable[PendingPurchase],
    prices: Mapping[str, float],
) -> list[LotPart]:
    """Make the household's purchases scheduled in [as_of, as_of + 30]; return their parts.

    ``pending`` may hold every household's purchases (pending.csv's accounts are checked when
    it is loaded): those of accounts the ledger does not hold belong to other households, whose
    purchases never wash this household's losses (IRC §1091 looks at the taxpayer and spouse).
    """
    horizon = as_of + dt.timedelta(days=WINDOW_DAYS)
    chosen = []
    for purchase in pending:
        account = engine.accounts.get(purchase.account_id)
        if (
            account is not None
            and account.household_id == household_id
            and as_of <= purchase.date <= horizon
        ):
            chosen.append(purchase)
    parts = []
    for purchase in sorted(chosen, key=lambda p: p.date):
        row = Transaction(
            row=purchase.row,
            date=purchase.date,
            account_id=purchase.account_id,
            action=purchase.action,
            symbol=purchase.symbol,
            quantity=purchase.quantity,
            # The price only sets the simulated lot's basis, never a disallowed amount.
            price=float(prices.get(purchase.symbol) or 0.0),
            lot_id=f"{PENDING_LOT_PREFIX}{purchase.row}",
        )
        part = engine.apply(row, PENDING_FILE)
        if part is not None:
            parts.append(part)
    return parts


def _apply_trade(
    engine: LedgerEngine,
    household_id: str,
    as_of: dt.date,
    trade: ProposedTrade,
    *,
    index: int,
    prices: Mapping[str, float],
) -> tuple[ProposedTrade, set[int], str | None, int, int]:
    """Apply one proposed trade: (trade, its disposal seqs, bought lot_id, match range)."""
    row = index + 1
    account = engine.accounts.get(trade.account_id)
    if account is None or account.household_id != household_id:
        raise DataValidationError.single(
            TRADES_SOURCE,
            row,
            "account_id",
            f"account {trade.account_id!r} is not in household {household_id}",
        )
    price = trade.price if trade.price is not None else close_of(prices, trade.symbol, as_of)
    lots = trade.lots if trade.side == "sell" else ()
    if lots and abs(sum(quantity for _, quantity in lots) - trade.quantity) > SHARE_EPSILON:
        raise DataValidationError.single(
            TRADES_SOURCE, row, "lots", "the lots' quantities do not add up to the trade's"
        )
    legs = lots or ((None, trade.quantity),)
    first_disposal = len(engine.disposals)
    first_match = len(engine.matcher.wash_sales)
    bought = f"{TRADE_LOT_PREFIX}{row}" if trade.side == "buy" else None
    for lot_id, quantity in legs:
        engine.apply(
            Transaction(
                row=row,
                date=as_of,
                account_id=trade.account_id,
                action=trade.side,
                symbol=trade.symbol,
                quantity=quantity,
                price=price,
                lot_id=bought or lot_id,
            ),
            TRADES_SOURCE,
        )
    seqs = {disposal.seq for disposal in engine.disposals[first_disposal:]}
    return trade, seqs, bought, first_match, len(engine.matcher.wash_sales)


def _cover(
    engine: LedgerEngine, part: LotPart, candidates: list[tuple[LotPart, bool]]
) -> tuple[list[ReplacementShares], float]:
    """Match ``part``'s shares with candidate replacement shares in order: the replacements
    and how many of ``part``'s shares they cover."""
    needed = part.quantity
    replacements = []
    for candidate, pending in candidates:
        if needed <= SHARE_EPSILON:
            break
        if candidate.account_id == part.account_id and candidate.lot_id == part.lot_id:
            continue  # the same purchase never replaces itself
        # Economic shares: one candidate share replaces ``per_share`` loss shares (identical
        # group members that split differently, see ``tools.ledger.washsale``).
        per_share = engine.matcher.loss_shares_per_share(part.symbol, candidate.symbol)
        taken = min(needed / per_share, candidate.quantity)
        needed -= taken * per_share
        replacements.append(
            ReplacementShares(
                account_id=candidate.account_id,
                symbol=candidate.symbol,
                lot_id=candidate.lot_id,
                date=dt.date.fromordinal(candidate.purchase_day),
                quantity=taken,
                pending=pending,
                permanent=engine.accounts[candidate.account_id].is_ira_type,
            )
        )
    return replacements, part.quantity - max(needed, 0.0)


def _matched_total(engine: LedgerEngine) -> float:
    return sum(wash.disallowed for wash in engine.matcher.wash_sales)
