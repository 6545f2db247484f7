"""The scenario scorecard: scripted situations, the real review on each, pass or fail.

``SCENARIOS`` (``catalog``) lists them; ``run_scenario`` (``scenario``) builds one's data
directory in a temporary folder, runs ``agent.review.runner.ReviewRunner`` on it and checks
the expected behaviour.
"""
