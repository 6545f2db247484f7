"""Open an SQLite file for reading only, also when its folder or file cannot be written.

Verification must work on a copy handed to compliance on read-only media. SQLite's
``mode=ro`` still creates the WAL index (``-shm``) of a WAL-mode database next to it, which
fails in a read-only folder (and, for a superuser, writes into a folder marked read-only).
``immutable=1`` reads the file as it is, without locks or WAL index: right for a copy nobody
writes to, wrong for a live store (it would not see commits still in the WAL).

So a file or folder without write permission (or one ``mode=ro`` cannot read) is read
without touching it: immutable when it has no write-ahead log beside it, else from a private
scratch copy of the file and its log, where SQLite may apply the log.
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """SQLite URI opening ``path`` read-only (``immutable``: also without locks or WAL index)."""
    return f"{path.resolve().as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"


@contextmanager
def open_read_only(path: Path, probe: str) -> Iterator[sqlite3.Connection]:
    """A read-only connection on which ``probe`` (a cheap query) has succeeded.

    Raises ``sqlite3.DatabaseError`` when the file cannot run ``probe``.
    """
    conn = None if _marked_read_only(path) else _try(read_only_uri(path), probe)
    if conn is not None:
        try:
            yield conn
        finally:
            conn.close()
        return
    with _untouched(path) as uri:
        conn = _try(uri, probe, raise_error=True)
        assert conn is not None
        try:
            yield conn
        finally:
            conn.close()


@contextmanager
def _untouched(path: Path) -> Iterator[str]:
    """A URI reading ``path`` without writing beside it."""
    log = path.with_name(path.name + "-wal")
    if not log.is_file() or log.stat().st_size == 0:
        yield read_only_uri(path, immutable=True)
        return
    with tempfile.TemporaryDirectory(prefix="lotwise-verify-") as scratch:
        copy = Path(scratch) / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(log, copy.with_name(log.name))
        yield read_only_uri(copy)


def _try(uri: str, probe: str, *, raise_error: bool = False) -> sqlite3.Connection | None:
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.OperationalError:
        if raise_error:
            raise
        return None
    try:
        conn.execute(probe).fetchall()
    except sqlite3.DatabaseError:
        conn.close()
        if raise_error:
            raise
        return None
    return conn


def _marked_read_only(path: Path) -> bool:
    """The file or its folder has no write permission bit (a copy meant to stay as it is)."""
    return any(not stat.S_IMODE(p.stat().st_mode) & WRITE_BITS for p in (path, path.parent))
