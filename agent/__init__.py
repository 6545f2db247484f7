"""The lotwise agent: LangGraph review graph, planners, evidence log and CLI."""
