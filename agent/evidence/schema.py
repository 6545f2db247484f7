"""The SQLite layout of the evidence store.

``body`` is the authoritative record: the RFC 8785 JSON of the record without its hash, the
exact bytes that were hashed. ``run_id``, ``seq``, ``node`` and ``kind`` repeat body fields so
that SQL can order and filter; verification checks that they still agree with the body.
Triggers refuse UPDATE and DELETE, so changing history takes deliberately removing them.
"""

from __future__ import annotations

EVIDENCE_FILE = "evidence.sqlite"
SCHEMA_VERSION = 1
TABLE = "evidence"
GUARD_TRIGGERS = ("evidence_no_update", "evidence_no_delete")

SCHEMA = f"""
CREATE TABLE {TABLE} (
    gseq INTEGER PRIMARY KEY,   -- store-wide append order, 1-based and gapless
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,       -- 1-based and gapless within the run
    node TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,         -- RFC 8785 JSON of the record without its hash
    hash TEXT NOT NULL,         -- the run's chain
    global_hash TEXT NOT NULL,  -- the store-wide chain
    UNIQUE (run_id, seq)
);
CREATE INDEX evidence_by_kind ON {TABLE} (run_id, kind);
CREATE TRIGGER {GUARD_TRIGGERS[0]} BEFORE UPDATE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'evidence is append-only: UPDATE refused');
END;
CREATE TRIGGER {GUARD_TRIGGERS[1]} BEFORE DELETE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'evidence is append-only: DELETE refused');
END;
PRAGMA user_version = {SCHEMA_VERSION};
"""
