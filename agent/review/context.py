"""Per-run settings passed to the graph as LangGraph runtime context (not checkpointed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent.llm.narrative import Narrator
from agent.planners.base import Planner
from agent.planners.rules import RulePlanner
from agent.review.optimize import AccountOptimizer, ToolsOptimizer


@dataclass(frozen=True)
class ReviewContext:
    data_dir: Path
    state_dir: Path
    planner: Planner = field(default_factory=RulePlanner)
    optimizer: AccountOptimizer = field(default_factory=ToolsOptimizer)
    paper: bool = True  # write fills into transactions.csv so the next run sees them
    narrator: Narrator | None = None  # None: the templated rationale only
