"""The constants of an account's problem and the key that says when it can be reused.

Everything that changes daily (prices, benchmark weights, cash, modes, limits, tax rates)
enters the compiled problem as a cvxpy Parameter; everything that changes only when lots,
the risk model or the tilts change is a constant, listed here and hashed into the key. A
problem compiled for one key is reused for any input with the same key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from tools.optimizer.inputs import OptimizationInput


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
    effective_basis: np.ndarray  # (L,) basis less any disallowed loss charged (IRC §1091(d))
    short_basis: np.ndarray  # (L,) effective basis of short-term lots, 0 elsewhere
    long_basis: np.ndarray  # (L,) effective basis of long-term lots, 0 elsewhere
    position_fraction: np.ndarray  # (L,) lot shares / position shares of its security
    factor_exposure: np.ndarray  # (K, N) F^(1/2)' B': factor part of TE is ||this @ active||
    specific_vol: np.ndarray  # (N,) sqrt of specific variance
    tilt_exposures: np.ndarray  # (T, N)
    hard_tilts: tuple[bool, ...]  # (T,) tilt has a tolerance
    capped: bool  # loss value capped this year (IRC §1211(b) mode)
    has_transition: bool  # a transition step is part of the problem


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


def structure_of(inp: OptimizationInput) -> Structure:
    n, lots = inp.n_securities, inp.n_lots
    width = max(lots, 1)
    columns = np.arange(lots)
    long_mask = np.asarray(inp.lot_long_term, dtype=bool)

    def shares(mask: np.ndarray) -> sp.csr_matrix:
        values = np.where(mask, inp.lot_quantity, 0.0)
        return sp.csr_matrix((values, (inp.lot_security, columns)), shape=(n, width))

    def padded(values: np.ndarray) -> np.ndarray:
        return np.concatenate([values, np.zeros(width - lots)])

    basis = padded(effective_basis(inp))
    long_padded = padded(long_mask).astype(bool)
    positions = inp.position_shares
    tilt_exposures = np.array([t.exposures for t in inp.tilts], dtype=float).reshape(-1, n)
    hard = tuple(t.tolerance is not None for t in inp.tilts)
    capped = inp.tax.loss_value_cap_usd is not None
    has_transition = inp.transition is not None
    digest = hashlib.sha256()
    for array in (inp.lot_security, inp.lot_quantity, basis, long_mask, inp.loadings,
                  inp.factor_cov, inp.specific_var, tilt_exposures):
        contiguous = np.ascontiguousarray(array)
        digest.update(str((contiguous.dtype, contiguous.shape)).encode())
        digest.update(contiguous.tobytes())
    digest.update(repr((n, lots, hard, capped, has_transition)).encode())
    return Structure(
        key=digest.hexdigest(),
        n_securities=n,
        n_lots=lots,
        n_columns=width,
        n_factors=inp.n_factors,
        lot_shares=shares(np.ones(lots, dtype=bool)),
        short_lot_shares=shares(~long_mask),
        long_lot_shares=shares(long_mask),
        effective_basis=basis,
        short_basis=np.where(long_padded, 0.0, basis),
        long_basis=np.where(long_padded, basis, 0.0),
        position_fraction=padded(inp.lot_quantity / positions[inp.lot_security]),
        factor_exposure=factor_exposure(inp.loadings, inp.factor_cov),
        specific_vol=np.sqrt(inp.specific_var),
        tilt_exposures=tilt_exposures,
        hard_tilts=hard,
        capped=capped,
        has_transition=has_transition,
    )
