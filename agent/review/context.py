"""Per-run settings passed to the graph as LangGraph runtime context (not checkpointed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from agent.planners.base import Planner
from agent.planners.rules import RulePlanner


@dataclass(frozen=True)
class ReviewContext:
    data_dir: Path
    state_dir: Path
    planner: Planner = field(default_factory=RulePlanner)
    paper: bool = True  # write fills into transactions.csv so the next run sees them
