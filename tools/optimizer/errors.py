"""Typed failures of the optimizer.

Bad optimizer inputs are programming errors of the caller (the adapter validates data files
and reports them as :class:`tools.errors.DataValidationError`); infeasibility is a property of
the rules, reported with what binds and what would have to change.
"""

from __future__ import annotations

from dataclasses import dataclass


class OptimizerError(Exception):
    """Base class of every optimizer failure."""


class InvalidOptimizationInputError(OptimizerError, ValueError):
    """The arrays of an :class:`~tools.optimizer.inputs.OptimizationInput` are inconsistent."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class SolverFailedError(OptimizerError):
    """Every solver failed or returned a status that cannot be trusted."""

    def __init__(self, attempts: list[str]) -> None:
        self.attempts = list(attempts)
        super().__init__("no solver produced a trusted solution: " + "; ".join(self.attempts))


@dataclass(frozen=True)
class BindingConstraint:
    """A constraint (or a family of bounds) that holds the solution where it is."""

    name: str  # e.g. "te_budget", "gains_budget", "no_buy:excluded"
    dual: float  # marginal objective change per unit of relaxation (>= 0)
    slack: float  # distance from the limit (0 when binding)
    detail: str  # human-readable: which securities, which limit

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "dual": self.dual, "slack": self.slack, "detail": self.detail}


@dataclass(frozen=True)
class Relaxation:
    """A change to the rules and the lowest tracking error it would allow."""

    constraint: str  # the binding constraint family it relaxes
    change: str  # what to change, in words
    achievable_te: float  # lowest annualized TE with this change alone
    makes_feasible: bool  # achievable_te <= the TE budget

    def as_dict(self) -> dict[str, object]:
        return {
            "constraint": self.constraint,
            "change": self.change,
            "achievable_te": self.achievable_te,
            "makes_feasible": self.makes_feasible,
        }


class InfeasibleTEBudget(OptimizerError):  # noqa: N818 - the name issue 5 specifies
    """No trade list meets the TE budget under the other rules (restrictions, gains, limits)."""

    def __init__(
        self,
        account_id: str,
        te_budget: float,
        lowest_te: float,
        binding: list[BindingConstraint],
        relaxations: list[Relaxation],
    ) -> None:
        self.account_id = account_id
        self.te_budget = te_budget
        self.lowest_te = lowest_te
        self.binding = list(binding)
        self.relaxations = list(relaxations)
        names = ", ".join(b.name for b in self.binding) or "none reported"
        super().__init__(
            f"account {account_id}: TE budget {te_budget:.4%} cannot be met; the lowest "
            f"achievable TE is {lowest_te:.4%} (binding: {names})"
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "error": "infeasible_te_budget",
            "account_id": self.account_id,
            "te_budget": self.te_budget,
            "lowest_te": self.lowest_te,
            "binding": [b.as_dict() for b in self.binding],
            "relaxations": [r.as_dict() for r in self.relaxations],
        }


class InfeasibleConstraintsError(OptimizerError):
    """Rules other than the TE budget contradict each other (e.g. cash band vs turnover)."""

    def __init__(self, account_id: str, violated: list[BindingConstraint]) -> None:
        self.account_id = account_id
        self.violated = list(violated)
        names = ", ".join(v.name for v in self.violated) or "unidentified"
        super().__init__(f"account {account_id}: the trading rules conflict ({names})")

    def as_dict(self) -> dict[str, object]:
        return {
            "error": "infeasible_constraints",
            "account_id": self.account_id,
            "violated": [v.as_dict() for v in self.violated],
        }


class RoundingRepairError(OptimizerError):
    """Whole-share rounding could not be repaired into a trade list that passes every check."""

    def __init__(self, account_id: str, failed_checks: list[str]) -> None:
        self.account_id = account_id
        self.failed_checks = list(failed_checks)
        super().__init__(
            f"account {account_id}: no whole-share trade list passes the checks: "
            + "; ".join(self.failed_checks)
        )
