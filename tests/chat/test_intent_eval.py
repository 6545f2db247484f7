"""The intent-accuracy eval runs without a model and keeps the grammar's baseline."""

from __future__ import annotations

import pytest

from evals.llm.__main__ import score_intents
from evals.llm.requests import CASES


def test_the_grammar_baseline_reads_most_advisor_requests(
    capsys: pytest.CaptureFixture[str],
) -> None:
    accuracy = score_intents(None)
    printed = capsys.readouterr().out
    assert len(CASES) == 30
    assert accuracy >= 0.9
    assert f"intent accuracy: {round(accuracy * 30)}/30" in printed
    assert "MISS 'Explain why GRUS is still in the portfolio'" in printed  # a model's job
