"""Tax-aware portfolio optimizer: harvest losses within a tracking-error budget.

Public entry points: :func:`optimize` (one account's checked trade list), :func:`screen_harvest`
(harvest candidates with skip reasons), :func:`plan_transition` (multi-year schedule for a
concentrated position) and :func:`build_input` (adapter from a data directory's objects).
"""
