"""The constants of an account's problem and the key that says when it can be reused.

Everything that changes daily (prices, benchmark weights, cash, trading sides, limits, tax
rates) enters the compiled problem as a cvxpy Parameter. What changes only when the lots, the
ledger's wash-sale answers, the risk model, the tilts, the exclusions, the TE aversion,
whether orders pay a commission, or a transition change is a constant, listed here and hashed
into the key. A problem compiled for one key serves any input with that key.

Few Parameters matter: cvxpy's canonicalization of a DPP problem with a second-order cone
costs in proportion to (variables x parameter entries), so parameters are per security, never
per lot.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from tools.optimizer.inputs import OptimizationInput
from tools.optimizer.modes import lot_sellable


@dataclass(frozen=True, eq=False)
class Structure:
    key: str  # sha256 of every constant below
    n_securities: int  # N
    n_lots: int  # L
    n_columns: int  # max(L, 1): a cash-only account keeps one empty lot column
    n_factors: int  # K
    lot_shares: sp.csr_matrix  # (N, L) lot l's shares at (security(l), l)
    short_lot_shares: sp.csr_matrix  # (N, L) same, short-term lots only
    long_lot_shares: sp.csr_matrix  # (N, L) same, long-term lots only
    lot_cap: np.ndarray  # (L,) 1 where the ledger lets the lot be sold today, else 0
    effective_basis: np.ndarray  # (L,) basis less any disallowed loss charged (IRC §1091)
    short_basis: sp.csr_matrix  # (1, L) effective basis of the short-term lots only
    long_basis: sp.csr_matrix  # (1, L) effective basis of the long-term lots only
    position_fraction: np.ndarray  # (L,) lot shares / position shares of its security
    factor_exposure: np.ndarray  # (K, N) G with G'G = B F B'
    specific_vol: np.ndarray  # (N,) sqrt of specific variance
    tilt_exposures: np.ndarray  # (T, N)
    hard_tilts: tuple[bool, ...]  # (T,) tilt has a tolerance
    tilt_penalties: np.ndarray  # (T,) objective penalty per unit of |exposure - target|
    te_aversion: float  # objective penalty per unit of TE variance
    exclusion_penalty: np.ndarray  # (N,) penalty per unit weight held, excluded names only
    capped: bool  # loss value capped this year (IRC §1211(b) mode)
    carryforward_value: float  # value per dollar of tax value beyond the cap (IRC §1212(b))
    has_commission: bool  # orders pay a commission (its envelope is then in the problem)
    transition_security: int | None  # index of a concentrated position being sold down


def effective_basis(inp: OptimizationInput) -> np.ndarray:
    """(L,) basis the gain is computed from: a charged wash sale adds the disallowed loss
    back to the realized figure (IRC §1091(a); the basis moves to the replacement, §1091(d))."""
    if inp.tax.allow_charged_wash:
        return inp.lot_basis - inp.lot_wash_disallowed
    return inp.lot_basis.astype(float)


def factor_exposure(loadings: np.ndarray, factor_cov: np.ndarray) -> np.ndarray:
    """(K, N) matrix G with G' G = B F B' (eigen square root: F may be singular)."""
    values, vectors = np.linalg.eigh(factor_cov)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    return root.T @ loadings.T


def _row(values: np.ndarray) -> sp.csr_matrix:
    """(1, L) sparse row without stored zeros: the DPP compilation keeps every stored entry."""
    row = sp.csr_matrix(values.reshape(1, -1))
    row.eliminate_zeros()
    return row


def structure_of(inp: OptimizationInput) -> Structure:
    n, lots = inp.n_securities, inp.n_lots
    width = max(lots, 1)
    columns = np.arange(lots)
    long_mask = np.asarray(inp.lot_long_term, dtype=bool)

    def shares(mask: np.ndarray) -> sp.csr_matrix:
        """Lot shares at (security, lot) for the lots in ``mask``, no stored zeros."""
        return sp.csr_matrix(
            (inp.lot_quantity[mask], (inp.lot_security[mask], columns[mask])), shape=(n, width)
        )

    def padded(values: np.ndarray) -> np.ndarray:
        return np.concatenate([np.asarray(values, dtype=float), np.zeros(width - lots)])

    basis = padded(effective_basis(inp))
    long_padded = padded(long_mask) > 0
    lot_cap = padded(lot_sellable(inp))
    tilt_exposures = np.array([t.exposures for t in inp.tilts], dtype=float).reshape(-1, n)
    hard = tuple(t.tolerance is not None for t in inp.tilts)
    penalties = np.array([t.penalty for t in inp.tilts], dtype=float)
    capped = inp.tax.loss_value_cap_usd is not None
    transition = inp.transition.security if inp.transition is not None else None
    digest = hashlib.sha256()
    exclusion = inp.trading.exclusion_penalty * inp.excluded.astype(float)
    for array in (
        exclusion,
        inp.lot_security,
        inp.lot_quantity,
        basis,
        long_mask,
        lot_cap,
        inp.loadings,
        inp.factor_cov,
        inp.specific_var,
        tilt_exposures,
    ):
        contiguous = np.ascontiguousarray(array)
        digest.update(str((contiguous.dtype, contiguous.shape)).encode())
        digest.update(contiguous.tobytes())
    digest.update(
        repr(
            (
                n,
                lots,
                hard,
                tuple(penalties),
                inp.trading.te_aversion,
                capped,
                inp.tax.carryforward_value,
                transition,
                inp.trading.commission_per_trade > 0,
            )
        ).encode()
    )
    return Structure(
        key=digest.hexdigest(),
        n_securities=n,
        n_lots=lots,
        n_columns=width,
        n_factors=inp.n_factors,
        lot_shares=shares(np.ones(lots, dtype=bool)),
        short_lot_shares=shares(~long_mask),
        long_lot_shares=shares(long_mask),
        lot_cap=lot_cap,
        effective_basis=basis,
        short_basis=_row(np.where(long_padded, 0.0, basis)),
        long_basis=_row(np.where(long_padded, basis, 0.0)),
        position_fraction=padded(inp.lot_quantity / inp.position_shares[inp.lot_security]),
        factor_exposure=factor_exposure(inp.loadings, inp.factor_cov),
        specific_vol=np.sqrt(inp.specific_var),
        tilt_exposures=tilt_exposures,
        hard_tilts=hard,
        tilt_penalties=penalties,
        te_aversion=inp.trading.te_aversion,
        exclusion_penalty=exclusion,
        capped=capped,
        carryforward_value=inp.tax.carryforward_value,
        has_commission=inp.trading.commission_per_trade > 0,
        transition_security=transition,
    )
