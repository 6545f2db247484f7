"""The readable timeline: one line per record with its summary and short hash."""

from __future__ import annotations

import io

from rich.console import Console

from agent.evidence import EvidenceStore, LLMCall
from agent.evidence.timeline import SUMMARY_CHARS, VALUE_CHARS, render_timeline, summarize


def _text(store: EvidenceStore, run_id: str, width: int) -> str:
    buffer = io.StringIO()
    Console(width=width, file=buffer).print(render_timeline(run_id, store.records(run_id)))
    return buffer.getvalue()


def test_summaries_show_scalars_and_sizes_in_stored_key_order(store: EvidenceStore) -> None:
    record = store.append(
        "run",
        "evaluate",
        "check",
        {},
        {
            "name": "wash_sale_window",
            "passed": False,
            "detail": "buy of VTI  in\nIRA",
            "lots": [1, 2, 3],
            "metrics": {"te": 0.01},
            "missing": None,
        },
    )
    assert summarize(record) == (
        "detail=buy of VTI in IRA, lots=[3 items], metrics={1 keys}, "
        "missing=null, name=wash_sale_window, passed=false"
    )
    plain = store.append("run", "execute", "execution", {}, 12.5)
    assert summarize(plain) == "12.5"


def test_llm_calls_show_model_and_reply(store: EvidenceStore) -> None:
    answered = store.append(
        "run",
        "reason",
        "llm_call",
        {},
        None,
        llm=LLMCall(model="gpt-4o", prompt="plan?", response="harvest A1"),
    )
    tooled = store.append(
        "run",
        "reason",
        "llm_call",
        {},
        None,
        llm=LLMCall(model="gpt-4o", prompt="plan?", tool_calls=[{"name": "harvest"}]),
    )
    assert summarize(answered) == "gpt-4o: harvest A1"
    assert summarize(tooled) == "gpt-4o: [1 items]"


def test_long_values_and_summaries_are_clipped(store: EvidenceStore) -> None:
    long_value = store.append("run", "evaluate", "check", {}, {"text": "x" * 500})
    many_keys = store.append("run", "evaluate", "check", {}, {f"k{i}": i for i in range(99)})
    assert summarize(long_value) == "text=" + "x" * (VALUE_CHARS - 1) + "…"
    assert len(summarize(many_keys)) == SUMMARY_CHARS
    assert summarize(many_keys).startswith("k0=0, k1=1, k10=10") and summarize(many_keys).endswith(
        "…"
    )


def test_timeline_lists_every_record_with_date_once(store: EvidenceStore) -> None:
    records = [
        store.append("run", node, kind, {}, {"step": index})
        for index, (node, kind) in enumerate(
            [("perceive", "input_snapshot"), ("propose", "proposal")]
        )
    ]
    text = _text(store, "run", width=100)
    assert f"evidence of run run: 2 records, head {records[-1].hash[:12]}" in text
    assert "2025-01-02 14:30:00" in text
    assert "14:30:01" in text and "2025-01-02 14:30:01" not in text
    for record in records:
        assert record.hash[:12] in text
        assert record.kind in text and record.node in text


def test_narrow_terminals_shrink_the_summary_not_the_facts(store: EvidenceStore) -> None:
    record = store.append("run", "planner", "planner_decision", {}, {"why": "w" * 200})
    text = _text(store, "run", width=80)
    assert record.hash[:12] in text
    assert "planner_decision" in text
    assert "2025-01-02 14:30:00" in text
