"""One self-contained JSON document per run: its records, how to re-check them, and the verdict.

The ``chain`` section states the hashing rule, so a reviewer can recompute every hash with any
RFC 8785 implementation and SHA-256, without lotwise or the SQLite file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from agent.evidence.chain import GENESIS_HASH
from agent.evidence.records import EvidenceRecord
from agent.evidence.store import EvidenceStore, unknown_run
from agent.evidence.verify import VerificationResult, verify_run

CHAIN_RULE = {
    "hash": "sha256",
    "canonicalization": "RFC 8785 (JSON Canonicalization Scheme)",
    "genesis": GENESIS_HASH,
    "rule": "hash = SHA-256(bytes.fromhex(prev_hash) + JCS(record without its 'hash' key)); "
    "prev_hash of seq 1 is the genesis value, of seq n the hash of seq n-1",
}


def export_run(path: Path, run_id: str, destination: Path) -> VerificationResult:
    """Write the run's export to ``destination`` (atomically) and return its verification.

    The export is written even when verification fails: it then records where the chain
    breaks. The records are read first and their head used as the verification anchor, so
    the verdict covers every exported record even if appends continue meanwhile.
    """
    with EvidenceStore(path) as store:
        records = store.records(run_id)
    if not records:
        raise unknown_run(path, run_id)
    result = verify_run(path, run_id, anchor=records[-1].hash)
    write_json_atomically(destination, export_document(run_id, records, result))
    return result


def export_document(
    run_id: str, records: list[EvidenceRecord], result: VerificationResult
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "head": records[-1].hash if records else None,
        "chain": CHAIN_RULE,
        "records": [record.document() for record in records],
        "verification": result.document(),
    }


def write_json_atomically(destination: Path, document: Any) -> None:
    """Write to a temporary file next to ``destination``, then rename it into place."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(document, file, indent=2, ensure_ascii=False)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600, widened as open() would
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
