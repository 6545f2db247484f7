"""The ``lotwise`` command line (typer + rich).

Numeric libraries start one thread per core by default. On small machines running several
processes (daily runs, CI) that oversubscribes the cores: one eigen-decomposition of the risk
model was measured at 4.5 s with default threads and 0.04 s with one on a busy 2-core
machine. So the command line caps them at one unless the environment says otherwise; this
runs before numpy is first imported by any command.
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
