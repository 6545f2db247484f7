"""Scenario suites, backtests, scorers and reports."""
