"""Speed and memory benchmarks; ``make bench`` runs them all, ``python -m benchmarks.NAME`` one.

Every benchmark runs with numeric libraries at one thread, as ``lotwise`` runs them (see
``agent.cli``): importing this package sets the cap before any benchmark imports numpy, so
figures do not depend on which benchmark ran first in the process.
"""

import agent.cli  # noqa: F401  (one BLAS thread: must precede numpy)
