"""The deterministic rule planner: the default, needs no network."""

from __future__ import annotations

from agent.planners.base import Observation, Plan, PlannedStep


class RulePlanner:
    name = "rules"

    def plan(self, observation: Observation) -> Plan:
        steps: list[PlannedStep] = []
        for account in observation.accounts:
            if account.excluded_holdings:
                steps.append(
                    PlannedStep(
                        action="restriction_cleanup",
                        account_id=account.account_id,
                        why=f"holds excluded {', '.join(sorted(account.excluded_holdings))}",
                    )
                )
            if account.te_status == "breach":
                steps.append(
                    PlannedStep(
                        action="te_repair",
                        account_id=account.account_id,
                        why=f"TE {account.te:.2%} above budget {account.te_budget:.2%}",
                    )
                )
            if account.harvest_candidates:
                steps.append(
                    PlannedStep(
                        action="harvest",
                        account_id=account.account_id,
                        why=f"{account.harvest_candidates} lots with "
                        f"${account.harvestable_loss:,.0f} of harvestable losses",
                    )
                )
            if account.concentrated and observation.gains_budget_left > 0:
                steps.append(
                    PlannedStep(
                        action="transition",
                        account_id=account.account_id,
                        why=f"concentrated in {', '.join(account.concentrated)}; "
                        f"${observation.gains_budget_left:,.0f} of gains budget left",
                    )
                )
            if account.cash_above_band:
                steps.append(
                    PlannedStep(
                        action="cash_deployment",
                        account_id=account.account_id,
                        why=f"cash is {account.cash_fraction:.1%} of the account",
                    )
                )
        return Plan(planner=self.name, steps=steps)
