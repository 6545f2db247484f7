"""Render ``docs/bad-input.md`` from the tested cases: ``python -m tests.badinput.table``.

The page is generated, never edited by hand, and a test fails when it and the cases differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.badinput.cases import CASES, VALIDATE, Case

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "bad-input.md"

HEADER = """# Bad input: what each gets

Generated from `tests/badinput/cases.py` by `python -m tests.badinput.table`; every row is
a case of `tests/badinput/test_bad_input_cases.py`, run against a small data directory broken
in that one place. `DIR` is the data directory; each command also takes `--data DIR`.

Exit codes: **0** done, **1** refused or failed (including a disk that is full or a folder
that is read-only: one line naming the path), **2** bad input (one line per problem on
stderr, naming file, row and column; nothing on stdout). A message is shown as the start of
its line and a fragment of the rest.

Limits (`tools/loading/limits.py`): at most 1e10 shares, $10,000,000 a share and $1e12 per
amount, fee, basis or trade; split ratios from 0.001 to 1000; dates from 1900-01-01 to one
year after the as-of (or last price) date; a managed account may end at most one cent short
of cash. Ids (household, account, lot, run; `tools/ids.py`): letters, digits, `-`, `_` and
`.`, no leading dot, at most 64 characters.
"""


def render(cases: Sequence[Case]) -> str:
    lines = [HEADER]
    topics = list(dict.fromkeys(case.topic for case in cases))
    number = 0
    for topic in topics:
        lines += [f"## {topic}", "", "| # | bad input | command | exit | message |"]
        lines.append("|---|---|---|---|---|")
        for case in cases:
            if case.topic != topic:
                continue
            number += 1
            lines.append(
                f"| {number} | {_cell(case.bad)} | `{_command(case)}` | {case.exit_code} "
                f"| {_cell(_shape(case))} |"
            )
        lines.append("")
    lines.append(f"{number} cases.")
    return "\n".join(lines) + "\n"


def _command(case: Case) -> str:
    words = ["lotwise", *case.command]
    if case.command == VALIDATE or case.extra:
        words += case.extra
    return " ".join(_short(word) for word in words)


def _short(word: str) -> str:
    return word if len(word) <= 24 else f"{word[:8]}...({len(word)} chars)"


def _shape(case: Case) -> str:
    message = case.message if len(case.message) <= 120 else case.message[:117] + "..."
    where = f"`{case.where}:` " if case.where else ""
    return f"{where}…{message}…" if message else where


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


if __name__ == "__main__":
    DOC_PATH.write_text(render(CASES), encoding="utf-8")
