"""Where lotwise keeps its state for a data directory.

Default ``DIR/.lotwise/``; ``LOTWISE_STATE_DIR`` or ``--state-dir`` moves it (for example to
keep a read-only data directory clean). The folder last resolved is remembered for the
command's error messages: SQLite reports "attempt to write a readonly database" without
saying which folder it is in.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path

STATE_ENV = "LOTWISE_STATE_DIR"
_active: ContextVar[Path | None] = ContextVar("lotwise_state_dir", default=None)


def active_state_dir() -> Path | None:
    """The state folder this command resolved last (``None`` before any)."""
    return _active.get()


def state_dir_for(data_dir: Path, override: Path | None = None) -> Path:
    chosen = override or (Path(os.environ[STATE_ENV]) if os.environ.get(STATE_ENV) else None)
    path = chosen or data_dir / ".lotwise"
    _active.set(path)
    path.mkdir(parents=True, exist_ok=True)
    return path
