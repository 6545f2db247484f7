"""Write a synthetic data set as a portfolio data directory (docs/CONTRACTS.md §1).

Numbers are formatted from exact integers (cents, 1/10,000 shares, 1e-10 weights) or with a
fixed number of decimals, so the same data always gives the same bytes. Files are written
into a temporary directory next to the target and moved into place one by one only once all
of them are complete: a failure leaves nothing half-written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import yaml

from tools.synthetic.benchmark import format_weight
from tools.synthetic.build import SyntheticDataset
from tools.synthetic.rows import ACTION_NAMES, CASH_ACTIONS, NONE, SHARE_UNITS, Action

CASH_ACTION_CODES = frozenset(int(action) for action in CASH_ACTIONS)

OUTPUT_FILES: tuple[str, ...] = (
    "securities.csv",
    "prices.csv",
    "benchmark.csv",
    "accounts.csv",
    "transactions.csv",
    "restrictions.csv",
    "pending.csv",
    "policy.yaml",
)
POLICY_HEADER = (
    "# Household overrides of the default lotwise policy (synthetic sample data).\n"
    "# Keys under households.<household_id> apply to that household only.\n"
)


def existing_outputs(out: Path) -> list[str]:
    """The data-directory files already present in ``out`` (which writing would replace)."""
    return [name for name in OUTPUT_FILES if (out / name).exists()]


def write_data_dir(dataset: SyntheticDataset, out: Path, overwrite: bool = False) -> dict[str, int]:
    """Write every file of the data directory into ``out``; returns bytes per file."""
    if not overwrite and existing_outputs(out):
        raise FileExistsError(f"{out} already holds data-directory files")
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        sizes: dict[str, int] = {}
        for name in OUTPUT_FILES:
            data = render(dataset, name).encode("utf-8")
            (staging / name).write_bytes(data)
            sizes[name] = len(data)
        for name in OUTPUT_FILES:
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sizes


def render(dataset: SyntheticDataset, name: str) -> str:
    """The text of data-directory file ``name`` (one of ``OUTPUT_FILES``)."""
    renderers: dict[str, Callable[[SyntheticDataset], str]] = {
        "securities.csv": _securities,
        "prices.csv": _prices,
        "benchmark.csv": _benchmark,
        "accounts.csv": _accounts,
        "transactions.csv": _transactions,
        "restrictions.csv": _restrictions,
        "pending.csv": _pending,
        "policy.yaml": _policy,
    }
    return renderers[name](dataset)


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _lines(header: Sequence[str], columns: Sequence[Sequence[str]]) -> str:
    """CSV text from columns of plain cells (symbols, ids, numbers: nothing to quote)."""
    body = "\n".join(",".join(cells) for cells in zip(*columns, strict=True))
    return ",".join(header) + "\n" + (body + "\n" if body else "")


def _cents(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _shares(units: int) -> str:
    return f"{units // SHARE_UNITS}.{units % SHARE_UNITS:04d}"


def _quantity(action: int, value: int) -> str:
    """Dollars for cash rows, the ratio for a split, shares (4 decimals) otherwise."""
    if action in CASH_ACTION_CODES:
        return _cents(value)
    if action == Action.SPLIT:
        return str(value)
    return _shares(value)


def _optional_cents(cents: int) -> str:
    return "" if cents == NONE else _cents(cents)


def _securities(dataset: SyntheticDataset) -> str:
    u = dataset.universe
    return _csv(
        ("symbol", "name", "sector", "industry", "esg_score", "identical_group"),
        zip(
            u.symbols,
            u.names,
            u.sectors,
            u.industries,
            (f"{e:.1f}" for e in u.esg),
            u.identical_groups,
            strict=True,
        ),
    )


def _prices(dataset: SyntheticDataset) -> str:
    panel, symbols = dataset.panel, dataset.universe.symbols
    n_days, n_securities = panel.close_cents.shape
    dates = [d.isoformat() for d in panel.dates.date]
    adj = [f"{v:.4f}" for v in panel.adj_close.ravel().tolist()]
    return _lines(
        ("date", "symbol", "close", "adj_close"),
        (
            np.repeat(dates, n_securities).tolist(),
            list(symbols) * n_days,
            [_cents(c) for c in panel.close_cents.ravel().tolist()],
            adj,
        ),
    )


def _benchmark(dataset: SyntheticDataset) -> str:
    stocks = dataset.universe.stocks
    return _lines(
        ("symbol", "weight"),
        (
            [dataset.universe.symbols[i] for i in stocks],
            [format_weight(w) for w in dataset.benchmark_units[stocks].tolist()],
        ),
    )


def _accounts(dataset: SyntheticDataset) -> str:
    return _csv(
        (
            "account_id",
            "household_id",
            "owner",
            "tax_type",
            "managed",
            "relief_method",
            "te_budget",
        ),
        (
            (
                a.account_id,
                a.household_id,
                a.owner,
                a.tax_type,
                "true" if a.managed else "false",
                a.relief_method,
                "" if a.te_budget is None else f"{a.te_budget:g}",
            )
            for a in dataset.accounts
        ),
    )


def _transactions(dataset: SyntheticDataset) -> str:
    table = dataset.transactions
    dates = [d.isoformat() for d in dataset.panel.dates.date]
    account_ids = [a.account_id for a in dataset.accounts]
    symbols = dataset.universe.symbols
    actions = table.action.tolist()
    accounts = table.account.tolist()
    return _lines(
        (
            "date",
            "account_id",
            "action",
            "symbol",
            "quantity",
            "price",
            "lot_id",
            "acquired_date",
            "cost_basis",
        ),
        (
            [dates[d] for d in table.day.tolist()],
            [account_ids[a] for a in accounts],
            [ACTION_NAMES[a] for a in actions],
            ["" if s == NONE else symbols[s] for s in table.security.tolist()],
            [_quantity(a, q) for a, q in zip(actions, table.quantity.tolist(), strict=True)],
            [_optional_cents(p) for p in table.price_cents.tolist()],
            [
                "" if lot == NONE else f"{account_ids[a]}-{lot:05d}"
                for a, lot in zip(accounts, table.lot.tolist(), strict=True)
            ],
            [
                "" if o == NONE else dt.date.fromordinal(o).isoformat()
                for o in table.acquired_ordinal.tolist()
            ],
            [_optional_cents(c) for c in table.cost_basis_cents.tolist()],
        ),
    )


def _restrictions(dataset: SyntheticDataset) -> str:
    return _csv(
        ("scope", "scope_id", "kind", "target_type", "target", "reason"),
        (
            (r.scope, r.scope_id, r.kind, r.target_type, r.target, r.reason)
            for household in dataset.households
            for r in household.restrictions
        ),
    )


def _pending(dataset: SyntheticDataset) -> str:
    symbols = dataset.universe.symbols
    return _csv(
        ("date", "account_id", "action", "symbol", "quantity"),
        (
            (
                dt.date.fromordinal(p.ordinal).isoformat(),
                p.account_id,
                p.action,
                symbols[p.security],
                _shares(p.units),
            )
            for household in dataset.households
            for p in household.pending
        ),
    )


def _policy(dataset: SyntheticDataset) -> str:
    overrides = {"households": {h.household_id: h.policy for h in dataset.households}}
    return POLICY_HEADER + yaml.safe_dump(overrides, sort_keys=False, default_flow_style=False)
