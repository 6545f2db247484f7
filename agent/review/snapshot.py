"""What a review sees: the validated data directory, its ledgers and its risk model.

Nodes re-open the snapshot instead of carrying DataFrames through checkpoints. It is cached
in-process, keyed by the files' names, sizes and modification times, so consecutive nodes
(and every household of a daily run) share one load, while a changed file forces a reload.
The snapshot hash (over file digests and the as-of date) goes into the evidence.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from tools.dataset import PRICES_FILE, PortfolioData
from tools.household_policy import household_policy
from tools.ledger import Ledger, replay_ledger
from tools.loading import load_data_dir
from tools.models import Lot, PendingPurchase
from tools.risk.model import FactorModel
from tools.risk.pca import estimate_pca_model
from tools.risk.returns import daily_returns

_CACHE_LIMIT = 4
_cache: dict[tuple[object, ...], Snapshot] = {}
_risk_models: dict[tuple[object, ...], FactorModel] = {}


@dataclass(eq=False)
class Snapshot:
    data: PortfolioData
    hash: str  # sha256 over sorted (file, digest) pairs and the as-of date
    _ledgers: dict[str, Ledger] = field(default_factory=dict, repr=False)
    _lots: dict[str, tuple[Lot, ...]] = field(default_factory=dict, repr=False)
    _lots_by_id: dict[str, dict[str, tuple[Lot, ...]]] = field(default_factory=dict, repr=False)

    def ledger(self, household_id: str) -> Ledger:
        """The household's books: its own transactions replayed on their own.

        Wash sales never cross households (IRC §1091 looks at the taxpayer and spouse), so
        this equals the household's part of a whole-directory replay, and the what-if
        questions that copy a ledger copy one household, not the whole fleet.
        """
        found = self._ledgers.get(household_id)
        if found is None:
            account_ids = set(self.data.households[household_id].account_ids)
            tax = household_policy(self.data, household_id).tax
            found = self._ledgers[household_id] = replay_ledger(
                [t for t in self.data.transactions if t.account_id in account_ids],
                {a: account for a, account in self.data.accounts.items() if a in account_ids},
                self.data.securities,
                tax.short_rate,
                tax.long_rate,
                as_of=self.data.as_of,
            )
            _exempt_from_gc_scans()
        return found

    @cached_property
    def risk_model(self) -> FactorModel:
        """Estimated once per prices file and as-of date: a new transaction (a paper fill)
        reloads the snapshot but leaves the market, and so the model, as it was."""
        key = (self.data.file_digests.get(PRICES_FILE, ""), self.data.as_of.isoformat())
        model = _risk_models.get(key)
        if model is None:
            model = estimate_pca_model(daily_returns(self.data.adj_close, self.data.as_of))
            _remember(_risk_models, key, model)
        return model

    @property
    def as_of(self) -> dt.date:
        return self.data.as_of

    def account_ledger(self, account_id: str) -> Ledger:
        return self.ledger(self.data.accounts[account_id].household_id)

    def open_lots(self, account_id: str) -> tuple[Lot, ...]:
        """The account's open lot parts (read once per snapshot: several nodes need them)."""
        found = self._lots.get(account_id)
        if found is None:
            found = self._lots[account_id] = tuple(
                self.account_ledger(account_id).open_lots(account_id)
            )
        return found

    def lots_by_id(self, account_id: str) -> dict[str, tuple[Lot, ...]]:
        """The account's open lot parts grouped by lot id (a lot may be split in parts), built
        once per snapshot: the checks, the metrics and evaluate look sales' lots up here.
        Read-only."""
        found = self._lots_by_id.get(account_id)
        if found is None:
            grouped: dict[str, list[Lot]] = {}
            for lot in self.open_lots(account_id):
                grouped.setdefault(lot.lot_id, []).append(lot)
            found = self._lots_by_id[account_id] = {
                lot_id: tuple(parts) for lot_id, parts in grouped.items()
            }
        return found

    def pending_of(self, household_id: str) -> tuple[PendingPurchase, ...]:
        """The household's scheduled purchases (the ledger of one household knows only its
        own accounts)."""
        account_ids = set(self.data.households[household_id].account_ids)
        return tuple(p for p in self.data.pending if p.account_id in account_ids)

    def cash(self, account_id: str) -> float:
        return self.account_ledger(account_id).cash.get(account_id, 0.0)


def load_snapshot(data_dir: Path, as_of: str | None = None) -> Snapshot:
    """The snapshot of ``data_dir`` on ``as_of`` (default: the last price date)."""
    where = (str(data_dir.resolve()), _fingerprint(data_dir))
    found = _cache.get((*where, as_of))
    if found is not None:
        return found
    data = load_data_dir(data_dir, dt.date.fromisoformat(as_of) if as_of else None)
    _exempt_from_gc_scans()
    snapshot = Snapshot(data=data, hash=snapshot_hash(data))
    _remember(_cache, (*where, as_of), snapshot)
    _remember(_cache, (*where, data.as_of.isoformat()), snapshot)  # the same, by its date
    return snapshot


def _remember(cache: dict[tuple[object, ...], Any], key: tuple[object, ...], value: Any) -> None:
    if key not in cache and len(cache) >= _CACHE_LIMIT:
        cache.pop(next(iter(cache)))
        gc.unfreeze()  # the dropped entry's reference cycles become collectable again
    cache[key] = value


def _exempt_from_gc_scans() -> None:
    """Move every object alive now out of the cyclic collector's reach (``gc.freeze``).

    A snapshot holds hundreds of thousands of long-lived objects (transactions, lots) that
    stay cached for the life of the process; each full collection would scan them all again,
    about 0.2 s per review. Frozen objects are still freed by reference counting; dropping a
    cached entry, or ``clear_snapshot_cache``, hands them back to the collector.
    """
    gc.freeze()


def clear_snapshot_cache() -> None:
    """Forget loaded snapshots and models (benchmarks measure a cold start, as a new process
    sees it)."""
    _cache.clear()
    _risk_models.clear()
    gc.unfreeze()


def snapshot_hash(data: PortfolioData) -> str:
    text = "\n".join(f"{name}:{digest}" for name, digest in sorted(data.file_digests.items()))
    return hashlib.sha256(f"{text}\nas_of:{data.as_of.isoformat()}".encode()).hexdigest()


def _fingerprint(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    entries = []
    for path in sorted(data_dir.iterdir()):
        if path.is_file():
            stat = path.stat()
            entries.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(entries)
