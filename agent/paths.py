"""Where lotwise keeps its state for a data directory.

Default ``DIR/.lotwise/``; ``LOTWISE_STATE_DIR`` or ``--state-dir`` moves it (for example to
keep a read-only data directory clean).
"""

from __future__ import annotations

import os
from pathlib import Path

STATE_ENV = "LOTWISE_STATE_DIR"


def state_dir_for(data_dir: Path, override: Path | None = None) -> Path:
    chosen = override or (Path(os.environ[STATE_ENV]) if os.environ.get(STATE_ENV) else None)
    path = chosen or data_dir / ".lotwise"
    path.mkdir(parents=True, exist_ok=True)
    return path
