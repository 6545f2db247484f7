"""Read one file of a data directory as bytes, with its digest and a strict UTF-8 check.

The digest is taken over the exact bytes read, so a run can later prove which inputs it saw.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from tools.errors import Problem


@dataclass(frozen=True)
class SourceFile:
    name: str  # the name problems cite (the file name, never a machine-specific path)
    data: bytes  # exactly as on disk (decode with "utf-8-sig" to drop a byte-order mark)
    digest: str  # sha256 hex of the bytes on disk

    @property
    def is_blank(self) -> bool:
        return not self.data.removeprefix(codecs.BOM_UTF8).strip()


def read_source_file(path: Path, *, required: bool) -> tuple[SourceFile | None, list[Problem]]:
    """Return the file (``None`` when absent or unreadable) and the problems found reading it.

    An absent optional file is not a problem; an absent required one is.
    """
    name = path.name
    if not path.exists():
        if required:
            return None, [Problem(name, None, None, "required file is missing")]
        return None, []
    if not path.is_file():
        return None, [Problem(name, None, None, "is not a regular file")]
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(name, None, None, f"cannot be read: {error.strerror}")]
    source = SourceFile(name, raw, hashlib.sha256(raw).hexdigest())
    return source, utf8_problems(source)


def utf8_problems(source: SourceFile) -> list[Problem]:
    """Report the first byte that is not valid UTF-8, with its offset and data row."""
    try:
        source.data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_index = source.data.count(b"\n", 0, error.start)  # 0 is the header line
        bad_byte = source.data[error.start]
        where = f"in data row {line_index}" if line_index else "in the header"
        message = (
            f"file is not UTF-8: byte 0x{bad_byte:02x} at byte offset {error.start} ({where}) "
            "is not valid UTF-8; save the file as UTF-8"
        )
        return [Problem(source.name, line_index or None, None, message)]
    return []
