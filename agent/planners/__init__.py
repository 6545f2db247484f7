"""Planners decide what a review evaluates; they never compute numbers or pass checks."""
