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


def read_source_file(
    path: Path, *, required: bool, tabular: bool = True
) -> tuple[SourceFile | None, list[Problem]]:
    """Return the file (``None`` when absent or unreadable) and the problems found reading it.

    An absent optional file is not a problem; an absent required one is. ``tabular`` files
    (CSV) locate an encoding error by data row, others by line.
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
    return source, utf8_problems(source, tabular=tabular)


def utf8_problems(source: SourceFile, *, tabular: bool) -> list[Problem]:
    """Report the first byte that is not valid UTF-8, with its byte offset and row or line."""
    try:
        source.data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_index = source.data.count(b"\n", 0, error.start)  # 0-based; 0 is a CSV's header
        if not tabular:
            row, where = None, f"line {line_index + 1}"
        elif line_index:
            row, where = line_index, f"data row {line_index}"
        else:
            row, where = None, "the header"
        message = (
            f"file is not UTF-8: byte 0x{source.data[error.start]:02x} at byte offset "
            f"{error.start} (in {where}) is not valid UTF-8; save the file as UTF-8"
        )
        return [Problem(source.name, row, None, message)]
    return []
