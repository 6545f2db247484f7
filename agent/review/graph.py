"""The review StateGraph: perceive -> reason -> evaluate -> propose -> approval -> execute.

perceive ─► reason ─► evaluate ─► propose ─┬─► approval (interrupt) ─┬─► execute ─► END
                                           ├─► execute (low impact, auto-approved)
                                           └─► END (no action, failed checks)
                                              approval ─► END (rejected)
"""

from __future__ import annotations

from typing import Literal

from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Checkpointer

from agent.review.context import ReviewContext
from agent.review.nodes.approval import approval
from agent.review.nodes.evaluate import evaluate
from agent.review.nodes.execute import execute
from agent.review.nodes.perceive import perceive
from agent.review.nodes.propose import propose
from agent.review.nodes.reason import reason
from agent.review.state import ReviewState


def route_after_propose(state: ReviewState) -> Literal["approval", "execute", "__end__"]:
    status = state.get("status")
    if status == "pending_approval":
        return "approval"
    if status == "approved":
        return "execute"
    return END


def route_after_approval(state: ReviewState) -> Literal["execute", "__end__"]:
    return "execute" if state.get("status") == "approved" else END


def build_review_graph(checkpointer: Checkpointer) -> CompiledStateGraph:
    graph = StateGraph(ReviewState, context_schema=ReviewContext)
    graph.add_node("perceive", perceive)
    graph.add_node("reason", reason)
    graph.add_node("evaluate", evaluate)
    graph.add_node("propose", propose)
    graph.add_node("approval", approval)
    graph.add_node("execute", execute)
    graph.add_edge(START, "perceive")
    graph.add_edge("perceive", "reason")
    graph.add_edge("reason", "evaluate")
    graph.add_edge("evaluate", "propose")
    graph.add_conditional_edges("propose", route_after_propose)
    graph.add_conditional_edges("approval", route_after_approval)
    graph.add_edge("execute", END)
    return graph.compile(checkpointer=checkpointer, name="lotwise-review")
