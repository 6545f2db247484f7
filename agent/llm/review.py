"""A review runner with the LLM planner and narrator when a model is configured.

Without a client this is the plain ``ReviewRunner`` (rule planner, templated rationale).
With one, the planner's requested trades reach evaluate through ``DirectedOptimizer``, and
the narrator writes the rationale.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from agent.llm.client import LLMClient
from agent.llm.directed import DirectedOptimizer, TradeRequests
from agent.llm.focus import AvoidingOptimizer, FocusedPlanner
from agent.llm.narrative import LLMNarrator
from agent.llm.planner import LLMPlanner
from agent.planners.base import Planner
from agent.planners.rules import RulePlanner
from agent.review.optimize import AccountOptimizer, ToolsOptimizer
from agent.review.runner import ReviewRunner
from tools.models import Restriction


def review_runner(
    data_dir: Path,
    client: LLMClient | None = None,
    *,
    state_dir: Path | None = None,
    planner: Planner | None = None,
    optimizer: AccountOptimizer | None = None,
    focus: frozenset[str] = frozenset(),
    avoid: Sequence[Restriction] = (),
    narrate: bool = True,
) -> ReviewRunner:
    """``planner`` replaces the rule planner (as the fallback too), ``optimizer`` the tools';
    ``focus`` keeps only those planned actions, ``avoid`` keeps those names out of the trades.
    """
    base_planner: Planner = planner or RulePlanner()
    if focus:  # the LLM's plan is compared with the focused rule plan
        base_planner = FocusedPlanner(base_planner, focus)
    base_optimizer = optimizer or ToolsOptimizer()
    requests = TradeRequests()
    if client is not None:
        base_optimizer = DirectedOptimizer(base_optimizer, requests)
    if avoid:
        base_optimizer = AvoidingOptimizer(base_optimizer, avoid)
    runner = ReviewRunner(data_dir, state_dir=state_dir, optimizer=base_optimizer)
    chosen: Planner = base_planner
    if client is not None:
        chosen = LLMPlanner(
            client,
            data_dir,
            fallback=base_planner,
            requests=requests,
            evidence=runner.services.evidence,
        )
        if focus:
            chosen = FocusedPlanner(chosen, focus)
    runner.planner = chosen
    # ReviewRunner builds its context once; the chosen parts go into a copy of it.
    runner.context = dataclasses.replace(
        runner.context,
        planner=chosen,
        narrator=LLMNarrator(client) if client is not None and narrate else None,
    )
    return runner
