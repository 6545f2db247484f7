"""Open an SQLite file for reading only, also when its folder or file cannot be written.

Verification must work on a copy handed to compliance on read-only media. SQLite's
``mode=ro`` still needs to create the WAL index (``-shm``) of a WAL-mode database next to it,
which fails in a read-only folder; ``immutable=1`` then reads the file as it is, without any
locking, which is correct for a copy nobody writes to.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """SQLite URI opening ``path`` read-only (``immutable``: also without locks or WAL index)."""
    return f"{path.resolve().as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"


def connect_read_only(path: Path, probe: str) -> sqlite3.Connection:
    """A read-only connection on which ``probe`` (a cheap query) has succeeded.

    Falls back to an immutable open when a read-only open cannot read (no writable folder for
    the WAL index). Raises ``sqlite3.DatabaseError`` when neither can run ``probe``.
    """
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            conn.execute(probe).fetchall()
            return conn
        except sqlite3.OperationalError:
            conn.close()
    except sqlite3.OperationalError:
        pass
    conn = sqlite3.connect(read_only_uri(path, immutable=True), uri=True)
    try:
        conn.execute(probe).fetchall()
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn
