"""The Proposal keys of docs/CONTRACTS.md section 3, spelled out here on purpose: the tests
check the code against the contract, not against the code's own constants."""

from __future__ import annotations

TRADE_KEYS = ("account_id", "symbol", "side", "quantity", "est_price", "reason", "lots")
METRIC_KEYS = frozenset(
    {
        "te_before",
        "te_after",
        "te_budget",
        "realized_short",
        "realized_long",
        "harvested_losses",
        "disallowed_loss",
        "est_tax_savings",
        "turnover",
    }
)
REASONS = frozenset({"harvest", "replacement", "rebalance", "transition", "restriction", "cash"})
