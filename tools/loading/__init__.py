"""Loading and validating a portfolio data directory (docs/CONTRACTS.md §1).

Every loader collects all the problems of its input and raises one ``DataValidationError``
naming file, row and column for each; ``validate_data_dir`` returns them instead.
"""

from tools.loading.accounts import load_accounts
from tools.loading.directory import (
    DataDirSummary,
    check_data_dir,
    load_data_dir,
    validate_data_dir,
)
from tools.loading.policy import load_policy_overrides
from tools.loading.securities import load_securities
from tools.loading.transactions import load_transactions

__all__ = [
    "DataDirSummary",
    "check_data_dir",
    "load_accounts",
    "load_data_dir",
    "load_policy_overrides",
    "load_securities",
    "load_transactions",
    "validate_data_dir",
]
