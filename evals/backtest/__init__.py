"""Tax-alpha backtest: the agent's deterministic core against the published baselines.

``simulator.simulate`` runs one strategy on one ``market.Market``; ``suite.run_suite`` runs
every strategy on several markets and ``suite.summarize`` averages them; ``metrics`` and
``washcheck`` score a run; ``evals.report`` writes the report.
"""
