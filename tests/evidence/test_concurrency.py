"""Two processes appending to one store at once never fork or interleave a chain."""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier
from pathlib import Path

from agent.evidence import EvidenceStore, verify_all, verify_run

PER_WRITER = 150
WRITERS = ("writer-a", "writer-b")


def _write(path: str, writer: str, ready: Barrier) -> None:
    """Append one record at a time (one transaction each) to a shared and a private run."""
    with EvidenceStore(Path(path), code_version="test") as store:
        ready.wait(timeout=60)  # both processes start appending together
        for index in range(PER_WRITER):
            store.append("shared", writer, "tool_call", {"i": index}, {"writer": writer})
            if index % 3 == 0:
                store.append(f"own-{writer}", writer, "check", {"i": index}, {"ok": True})


def test_concurrent_appends_from_two_processes_keep_valid_chains(tmp_path: Path) -> None:
    path = tmp_path / "evidence.sqlite"
    EvidenceStore(path, code_version="test").close()  # created before the race starts
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(len(WRITERS))
    processes = [
        context.Process(target=_write, args=(str(path), writer, ready)) for writer in WRITERS
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [process.exitcode for process in processes] == [0, 0]

    with EvidenceStore(path, code_version="test") as store:
        shared = store.records("shared")
        assert [record.seq for record in shared] == list(range(1, 2 * PER_WRITER + 1))
        for writer in WRITERS:
            assert sum(record.node == writer for record in shared) == PER_WRITER
            assert len(store.records(f"own-{writer}")) == PER_WRITER // 3
    assert verify_run(path, "shared").ok
    everything = verify_all(path)
    assert everything.ok
    assert everything.records == 2 * PER_WRITER + 2 * (PER_WRITER // 3)
