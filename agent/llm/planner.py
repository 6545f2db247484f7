"""The LLM planner: a bounded tool-calling loop that ends in the same ``Plan`` as the rules.

The model reads the observation (as quoted data), may call the deterministic tools a few
rounds, and must finish with ``submit_plan``. Its plan is validated against the observation
(only managed accounts of the household, known actions); a plan that differs from the rule
planner's carries a flag, which makes the proposal high impact. On any failure (endpoint
down, budget spent, no plan within the bound, a plan that does not validate) the rule
planner's plan is used and the trace says why. Whatever is planned still goes through
evaluate's checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field, ValidationError

from agent.evidence.records import LLMCall
from agent.evidence.store import EvidenceStore
from agent.llm.client import LLMClient, LLMUnavailable
from agent.llm.directed import RequestedTrade, TradeRequests
from agent.llm.guardrails import DATA_RULE, instruction_like, quoted, submission_tool
from agent.llm.tools import PortfolioTools
from agent.llm.trace import PlannerTrace, ToolUse
from agent.planners.base import Action, Observation, Plan, PlannedStep, Planner
from agent.planners.rules import RulePlanner

SUBMIT = "submit_plan"

SYSTEM_PROMPT = f"""You plan a daily review of a direct-indexed household for lotwise.
Decide which evaluations to run, per managed account: harvest (tax-loss harvesting),
te_repair (tracking error over budget), transition (diversify a concentrated position),
restriction_cleanup (sell excluded holdings), cash_deployment (invest idle cash).
Deterministic tools compute every number; call them when the observation is not enough.
You never compute figures and you cannot pass a check: every trade is re-verified.
Finish by calling {SUBMIT} exactly once. Ask for specific trades only when you must.
{DATA_RULE}"""


class StepChoice(BaseModel):
    action: Action
    account_id: str
    why: str = Field(max_length=400)


class PlanSubmission(BaseModel):
    steps: list[StepChoice] = Field(default_factory=list)
    trades: list[RequestedTrade] = Field(
        default_factory=list, description="Specific trades you want evaluated (rarely needed)."
    )


class LLMPlanner:
    name = "llm"

    def __init__(
        self,
        client: LLMClient,
        data_dir: Path,
        *,
        fallback: Planner | None = None,
        requests: TradeRequests | None = None,
        evidence: EvidenceStore | None = None,
    ) -> None:
        self.client = client
        self.data_dir = data_dir
        self.fallback = fallback or RulePlanner()
        self.requests = requests or TradeRequests()
        self.evidence = evidence
        self._trace: PlannerTrace | None = None

    def take_trace(self) -> PlannerTrace | None:
        trace, self._trace = self._trace, None
        return trace

    def plan(self, observation: Observation) -> Plan:
        rule_plan = self.fallback.plan(observation)
        self.client.start_run()  # a review's budget: the planner and then the narrator
        events: list[LLMCall | ToolUse] = []
        notes = _suspicious_data(observation)
        try:
            submission = self._converse(observation, rule_plan, events, notes)
            plan, trades, dropped = _accepted(submission, observation, rule_plan, self.name)
        except LLMUnavailable as error:
            self._trace = PlannerTrace(
                planner=self.name, fallback_reason=str(error), events=events, notes=notes
            )
            return rule_plan
        self.requests.put(observation.household_id, observation.as_of, trades)
        self._trace = PlannerTrace(
            planner=self.name,
            fallback_reason=None,
            events=events,
            requested_trades=[t.model_dump() for t in trades],
            notes=[*notes, *dropped],
        )
        return plan

    def _converse(
        self,
        observation: Observation,
        rule_plan: Plan,
        events: list[LLMCall | ToolUse],
        notes: list[str],
    ) -> PlanSubmission:
        tools = PortfolioTools(
            self.data_dir, observation.household_id, observation.as_of, self.evidence
        ).as_tools()
        by_name = {tool.name: tool for tool in tools}
        submit = submission_tool(
            SUBMIT,
            PlanSubmission,
            "Submit the plan: the evaluations to run, and any specific trades.",
        )
        messages: list[BaseMessage] = [
            SystemMessage(SYSTEM_PROMPT),
            HumanMessage(
                f"Household {observation.household_id}, as of {observation.as_of}.\n"
                f"Observation: {quoted('observation', observation.model_dump())}\n"
                f"The rule planner would run: "
                f"{quoted('rule_plan', [s.model_dump() for s in rule_plan.steps])}"
            ),
        ]
        for _ in range(self.client.settings.max_tool_rounds):
            response = self.client.invoke(messages, tools=[*tools, submit])
            events += self.client.take_calls()
            messages.append(response)
            if not response.tool_calls:
                raise LLMUnavailable(f"the model answered without calling a tool or {SUBMIT}")
            for call in response.tool_calls:
                if call["name"] == SUBMIT:
                    try:
                        return PlanSubmission.model_validate(call["args"])
                    except ValidationError as error:
                        raise LLMUnavailable(f"the submitted plan is invalid: {error}") from error
                result = _run_tool(by_name, call["name"], call["args"])
                events.append(ToolUse(call["name"], dict(call["args"]), result))
                notes += [
                    f"{call['name']} result {field} reads like an instruction and was "
                    "passed as data only"
                    for field in instruction_like(_texts(result))
                ]
                messages.append(
                    ToolMessage(
                        content=quoted("tool_result", result),
                        tool_call_id=call["id"] or call["name"],
                    )
                )
        raise LLMUnavailable(
            f"no plan after {self.client.settings.max_tool_rounds} rounds of tool calls"
        )


def _run_tool(tools: dict[str, StructuredTool], name: str, args: dict[str, Any]) -> dict[str, Any]:
    tool = tools.get(name)
    if tool is None:
        return {"error": f"no tool {name!r}; tools: {', '.join(sorted(tools))}, {SUBMIT}"}
    try:
        result = tool.invoke(args)
    except ValidationError as error:
        return {"error": f"bad arguments for {name}: {error.errors()[0]['msg']}"}
    except Exception as error:  # a failing tool is reported to the model, not fatal
        return {"error": f"{name} failed: {type(error).__name__}: {error}"}
    return result if isinstance(result, dict) else {"result": result}


def _accepted(
    submission: PlanSubmission, observation: Observation, rule_plan: Plan, planner: str
) -> tuple[Plan, list[RequestedTrade], list[str]]:
    """The validated plan, the requested trades it keeps, and what was dropped and why."""
    managed = {account.account_id for account in observation.accounts}
    dropped: list[str] = []
    steps: list[PlannedStep] = []
    for step in submission.steps:
        if step.account_id not in managed:
            dropped.append(
                f"step {step.action} for {step.account_id}: not a managed account "
                f"of {observation.household_id}"
            )
            continue
        steps.append(PlannedStep(action=step.action, account_id=step.account_id, why=step.why))
    planned_accounts = {step.account_id for step in steps}
    trades: list[RequestedTrade] = []
    for trade in submission.trades:
        if trade.account_id not in planned_accounts:
            dropped.append(
                f"requested {trade.side} of {trade.symbol} in {trade.account_id}: "
                "no planned step for that account"
            )
            continue
        trades.append(trade.model_copy(update={"symbol": trade.symbol.strip().upper()}))
    flags = _departures(steps, rule_plan)
    if trades:
        flags.append(
            "the LLM planner requested specific trades: "
            + "; ".join(f"{t.side} {t.quantity:g} {t.symbol} in {t.account_id}" for t in trades)
        )
    return Plan(planner=planner, steps=steps, flags=flags), trades, dropped


def _departures(steps: list[PlannedStep], rule_plan: Plan) -> list[str]:
    mine = {(s.action, s.account_id) for s in steps}
    rules = {(s.action, s.account_id) for s in rule_plan.steps}
    if mine == rules:
        return []
    parts = []
    if mine - rules:
        parts.append("adds " + ", ".join(f"{a} in {acc}" for a, acc in sorted(mine - rules)))
    if rules - mine:
        parts.append("omits " + ", ".join(f"{a} in {acc}" for a, acc in sorted(rules - mine)))
    return ["the LLM plan departs from the rule planner's: " + "; ".join(parts)]


def _texts(value: Any, path: str = "") -> dict[str, str]:
    """Every string inside a tool result, by its path (``best[0].name``)."""
    if isinstance(value, str):
        return {path: value}
    found: dict[str, str] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            found |= _texts(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found |= _texts(item, f"{path}[{index}]")
    return found


def _suspicious_data(observation: Observation) -> list[str]:
    fields = {f"restrictions[{i}]": text for i, text in enumerate(observation.restrictions)}
    fields |= {f"changes[{i}]": text for i, text in enumerate(observation.changes)}
    return [
        f"{name} reads like an instruction and was passed as data only"
        for name in instruction_like(fields)
    ]
