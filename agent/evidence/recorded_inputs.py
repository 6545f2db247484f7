"""The data files a run saw, recovered from the digests its input snapshot recorded.

A run's ``input_snapshot`` record names every file it read with the SHA-256 of its bytes. A
file still holding exactly those bytes is used as is. A file that only grew since, by rows
appended at its end, still holds the recorded bytes as a prefix: that prefix, cut at a line end,
is the file the run saw. Paper fills do that to ``transactions.csv``, and the first fills also
append an ``order_id`` column to every row; so when no prefix matches, the prefixes of the file
without its last column are tried too. A candidate is only used when its SHA-256 is the
recorded one, so a wrong guess can never pass. Anything else (an edited, removed or rewritten
file) cannot be recovered and is refused, naming the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from agent.evidence.records import EvidenceRecord
from tools.errors import DataValidationError, Problem

SHORT_DIGEST = 12


@dataclass(frozen=True)
class RecordedInputs:
    """What the run's ``input_snapshot`` record says it read."""

    record: EvidenceRecord
    files: dict[str, str]  # file name -> sha256 hex of its bytes


def recorded_inputs(records: list[EvidenceRecord]) -> RecordedInputs:
    """The first ``input_snapshot`` record of a run (perceive writes it before anything)."""
    for record in records:
        if record.kind == "input_snapshot" and isinstance(record.outputs, dict):
            files = record.outputs.get("files")
            if isinstance(files, dict):
                return RecordedInputs(
                    record=record, files={str(name): str(value) for name, value in files.items()}
                )
    run_id = records[0].run_id if records else "?"
    raise DataValidationError.single(
        "evidence", None, "input_snapshot", f"run {run_id} recorded no input snapshot"
    )


def restore_inputs(data_dir: Path, files: dict[str, str], into: Path) -> list[str]:
    """Write each recorded file, as the run saw it, into ``into``.

    Returns the names of files that have grown since (restored to their recorded content);
    raises ``DataValidationError`` naming every file that changed otherwise or is missing.
    """
    problems: list[Problem] = []
    grown: list[str] = []
    restored: dict[str, bytes] = {}
    for name, wanted in sorted(files.items()):
        path = data_dir / name
        if not path.is_file():
            problems.append(
                Problem(name, None, None, f"missing (the run read sha256 {wanted[:SHORT_DIGEST]})")
            )
            continue
        raw = path.read_bytes()
        content = recorded_prefix(raw, wanted)
        if content is None:
            content = recorded_prefix(without_last_column(raw), wanted)
        if content is None:
            now = hashlib.sha256(raw).hexdigest()
            problems.append(
                Problem(
                    name,
                    None,
                    None,
                    f"changed since the run (it read sha256 {wanted[:SHORT_DIGEST]}, "
                    f"the file is now {now[:SHORT_DIGEST]}); cannot replay on other data",
                )
            )
            continue
        restored[name] = content
        if content != raw:
            grown.append(name)
    if problems:
        raise DataValidationError(problems)
    into.mkdir(parents=True, exist_ok=True)
    for name, content in restored.items():
        (into / name).write_bytes(content)
    return grown


def recorded_prefix(raw: bytes, wanted: str) -> bytes | None:
    """``raw`` itself, or its first lines, when their SHA-256 is ``wanted``; else None."""
    running = hashlib.sha256()
    start = 0
    while start < len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end + 1
        running.update(raw[start:end])
        start = end
        if running.copy().hexdigest() == wanted:
            return raw[:end]
    return raw if hashlib.sha256(raw).hexdigest() == wanted else None


def without_last_column(raw: bytes) -> bytes:
    """Every line of a CSV file without its last field (fields here never hold a comma
    after the last one: the appended column holds order ids)."""
    lines = raw.split(b"\n")
    return b"\n".join(line[: line.rfind(b",")] if b"," in line else line for line in lines)
