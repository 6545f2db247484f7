"""The witness: the evidence log's store-wide length and head, written down somewhere else.

Someone able to write the state folder can roll the evidence log and the run store back
together to an earlier, self-consistent copy; nothing inside the folder can show it. A
witness file kept elsewhere (another machine, a WORM bucket, a compliance mailbox) can: each
``lotwise evidence witness`` appends one JSON line::

    {"witnessed_at": "2026-11-20T18:00:00.000000Z", "records": 1234, "head": "<64 hex>"}

and ``lotwise evidence verify --witness FILE`` fails when the log no longer reaches every
witnessed head: shorter than a witnessed count, or holding a different record there.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from agent.evidence.completeness import Gap, tip_gap
from agent.evidence.store import Clock, StoreTip, format_timestamp, utc_now
from tools.errors import DataValidationError, Problem

_HEX = frozenset("0123456789abcdef")
HASH_HEX_LENGTH = 64


def append_witness(path: Path, tip: StoreTip, clock: Clock = utc_now) -> dict[str, object]:
    """Append one line for ``tip`` to the witness file at ``path`` (created if new)."""
    line = {"witnessed_at": format_timestamp(clock()), **tip.document()}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(line) + "\n")
        stream.flush()
        os.fsync(stream.fileno())
    return line


def read_witness(path: Path) -> list[tuple[str, StoreTip]]:
    """The witnessed tips, with when they were taken; bad lines are bad input (exit 2)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise DataValidationError.single(
            str(path), None, None, f"cannot read witness file ({error})"
        ) from error
    entries: list[tuple[str, StoreTip]] = []
    problems: list[Problem] = []
    for row, text in enumerate(lines, 1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except ValueError:
            problems.append(Problem(str(path), row, None, "not a JSON line"))
            continue
        entry = _entry(value)
        if isinstance(entry, str):
            problems.append(Problem(str(path), row, entry, "missing or malformed"))
        else:
            entries.append(entry)
    if problems:
        raise DataValidationError(problems)
    if not entries:
        raise DataValidationError.single(str(path), None, None, "the witness file is empty")
    return entries


def witness_gaps(conn: sqlite3.Connection, path: Path) -> list[Gap]:
    """Each witnessed tip the log (``conn``, read-only) no longer reaches."""
    gaps = []
    for witnessed_at, tip in read_witness(path):
        problem = tip_gap(conn, tip, f"the witness of {witnessed_at}")
        if problem:
            gaps.append(Gap(None, problem))
    return gaps


def _entry(value: object) -> tuple[str, StoreTip] | str:
    """The line's (time, tip), or the name of its first bad field."""
    if not isinstance(value, dict):
        return "witnessed_at"
    when, records, head = value.get("witnessed_at"), value.get("records"), value.get("head")
    if not isinstance(when, str):
        return "witnessed_at"
    if not isinstance(records, int) or isinstance(records, bool) or records < 0:
        return "records"
    if not isinstance(head, str) or len(head) != HASH_HEX_LENGTH or not set(head) <= _HEX:
        return "head"
    return when, StoreTip(records, head)
