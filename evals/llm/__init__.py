"""LLM evals: intent reading of the advisor chat, and planner trajectories under attack."""
