"""Large stores are verified in ranges, in worker processes; the verdict does not change."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.evidence import EvidenceStore, parallel, verify, verify_all, verify_run
from tests.evidence.conftest import fill_run, force_split, stored_body, tamper

RUN = "hh-1-20250102-1"


@pytest.fixture
def filled(store: EvidenceStore) -> EvidenceStore:
    for index in range(4):  # interleaved runs, so ranges start mid-run
        fill_run(store, RUN, 3)
        fill_run(store, f"other-{index}", 2)
    return store


def test_split_path_alone_verifies_an_intact_store(
    filled: EvidenceStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    one_pass_all, one_pass_run = verify_all(filled.path), verify_run(filled.path, RUN)
    force_split(monkeypatch)

    def refuse(*args: object) -> None:
        raise AssertionError("the one-pass verifier ran")

    monkeypatch.setattr(verify, "_verify_all_in_one_pass", refuse)
    monkeypatch.setattr(verify, "_check_run", refuse)
    assert verify_all(filled.path) == one_pass_all
    assert verify_run(filled.path, RUN) == one_pass_run
    assert one_pass_all.ok and one_pass_all.records == 20 and one_pass_all.runs == 5
    head = filled.head(RUN)
    anchored = verify_run(filled.path, RUN, anchor=head)
    assert anchored.ok and anchored.anchor_found is True
    unknown = verify_run(filled.path, RUN, anchor="ab" * 32)
    assert not unknown.ok and unknown.anchor_found is False


def test_worker_processes_give_the_one_pass_verdict(
    filled: EvidenceStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    intact = (verify_all(filled.path, workers=1), verify_run(filled.path, RUN, workers=1))
    monkeypatch.setattr(verify, "worth_splitting", lambda records, workers: True)
    assert (verify_all(filled.path, workers=2), verify_run(filled.path, RUN, workers=2)) == intact

    body = stored_body(filled.path, RUN, 7)
    tamper(
        filled.path,
        (
            "UPDATE evidence SET body = ? WHERE run_id = ? AND seq = 7",
            (body.replace('"passed":true', '"passed":false'), RUN),
        ),
    )
    damaged = verify_all(filled.path, workers=2)
    assert not damaged.ok and damaged.first_bad_seq == 7
    assert damaged == verify_all(filled.path, workers=1)


def test_small_stores_or_one_worker_are_not_split() -> None:
    assert not parallel.worth_splitting(parallel.PARALLEL_MIN_RECORDS - 1, workers=8)
    assert not parallel.worth_splitting(10**7, workers=1)
    assert parallel.worth_splitting(parallel.PARALLEL_MIN_RECORDS, workers=2)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(last=st.integers(1, 5_000), workers=st.integers(1, 16))
def test_ranges_cover_every_position_once(last: int, workers: int) -> None:
    ranges = parallel._ranges(last, workers)
    assert ranges[0][0] == 1 and ranges[-1][1] == last
    assert all(lo <= hi for lo, hi in ranges)
    assert all(ranges[i][1] + 1 == ranges[i + 1][0] for i in range(len(ranges) - 1))
    assert len(ranges) <= workers * parallel.RANGES_PER_WORKER
