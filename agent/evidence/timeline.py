"""A run's evidence as a readable timeline (rich table), one line per record.

The date is shown on the first record and whenever it changes (approvals may come days
later); other rows show the time of day only, leaving the width to the summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from agent.evidence.records import EvidenceRecord

SHORT_HASH = 12
SUMMARY_MIN_WIDTH = 10
SUMMARY_CHARS = 120
VALUE_CHARS = 40


def render_timeline(run_id: str, records: Sequence[EvidenceRecord]) -> Table:
    head = records[-1].hash[:SHORT_HASH] if records else "-"
    table = Table(
        title=f"evidence of run {run_id}: {len(records)} records, head {head}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    table.add_column("seq", justify="right", no_wrap=True)
    table.add_column("time (UTC)", no_wrap=True)
    table.add_column("node", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    # The only column allowed to shrink; its cells stay on one line and end in an ellipsis.
    table.add_column("summary", min_width=SUMMARY_MIN_WIDTH)
    table.add_column("hash", no_wrap=True)
    shown_date = ""
    for record in records:
        date, time = display_time(record.timestamp)
        table.add_row(
            str(record.seq),
            time if date == shown_date else f"{date} {time}",
            record.node,
            record.kind,
            Text(summarize(record), no_wrap=True, overflow="ellipsis"),
            record.hash[:SHORT_HASH],
        )
        shown_date = date
    return table


def display_time(timestamp: str) -> tuple[str, str]:
    """``2025-01-02T03:04:05.123456Z`` -> ``("2025-01-02", "03:04:05")``."""
    date, _, time = timestamp.partition("T")
    return date, time[:8]


def summarize(record: EvidenceRecord) -> str:
    """One line on what the record says: for LLM calls the model and reply, else the outputs."""
    if record.llm is not None:
        reply = record.llm.response if record.llm.response is not None else record.llm.tool_calls
        return _clip(f"{record.llm.model}: {_brief(reply)}", SUMMARY_CHARS)
    return _clip(_brief(record.outputs), SUMMARY_CHARS)


def _brief(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}={_scalar(item)}" for key, item in value.items()) or "{}"
    return _scalar(value)


def _scalar(value: Any) -> str:
    """A member's value: scalars as text, containers by size."""
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return _clip(" ".join(str(value).split()), VALUE_CHARS)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
