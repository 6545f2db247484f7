"""Tax-aware portfolio optimizer: harvest losses within a tracking-error budget.

Entry points, by module (kept out of this package's namespace so that importing the typed
errors does not import cvxpy):

- ``tools.optimizer.optimize.optimize``: one account's checked, whole-share trade list;
- ``tools.optimizer.build.build_input``: the input from a data directory, ledger, risk model
  and policy;
- ``tools.optimizer.screening.screen_harvest``: harvest candidates, with why others are not;
- ``tools.optimizer.transition.plan_transition``: the multi-year schedule for a concentrated
  position (``step_input`` turns this year's step into an optimizer input).
"""
