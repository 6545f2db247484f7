"""Leases: one process (or thread) at a time works on a run, or on a household's day.

A lease is an exclusive lock (``filelock``: ``flock`` on POSIX) on a file under
``STATE/locks``. The operating system releases it when its holder exits, however it exits, so
a process killed mid-approval never leaves a lease behind: the next command takes it and
finishes the run. A second command waits for the holder and then sees what it did (the run
already decided, the household's review already made).

Lock file names are digests of the key, never built from ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

LOCKS_DIR = "locks"
WAIT_SECONDS = 600.0


class LeaseBusyError(RuntimeError):
    """Another process held the lease for longer than we were prepared to wait."""


@contextmanager
def lease(state_dir: Path, key: str, wait_seconds: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the lease named ``key`` (e.g. ``run <run_id>``) for the ``with`` block."""
    folder = state_dir / LOCKS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    lock = FileLock(folder / f"{name}.lock", timeout=wait_seconds)
    try:
        lock.acquire()
    except Timeout as error:
        raise LeaseBusyError(
            f"{key} is busy in another process (waited {wait_seconds:.0f} s)"
        ) from error
    try:
        yield
    finally:
        lock.release()
