"""Deterministic, side-effect-free domain code for lotwise (never imports ``agent``)."""
