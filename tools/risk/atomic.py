"""Write a file completely or not at all."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

_NEW_FILE_MODE = 0o644


def write_atomically(path: Path, payload: bytes) -> None:
    """Write ``payload`` to a temporary file beside ``path``, then rename it into place.

    A crash leaves either the old file or the new one, never half of either; a failure (disk
    full, read-only folder) raises an ``OSError`` naming ``path``. A replaced file
    keeps its permissions; a new one is readable by all (``mkstemp`` alone would make it 0600).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else _NEW_FILE_MODE
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise _naming(error, path) from error
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _naming(error, path) from error
        raise


def _naming(error: OSError, path: Path) -> OSError:
    """The same failure, naming the file the caller asked for rather than a temporary one."""
    return type(error)(error.errno, error.strerror or str(error), str(path))
