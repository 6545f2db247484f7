"""The SQLite layout of the evidence store.

``body`` is the authoritative record: the RFC 8785 JSON of the record without its hash, the
exact bytes that were hashed (query its fields with ``json_extract(body, '$.kind')``).
``run_id`` and ``seq`` repeat two body fields so that SQL can order and look up records;
verification checks that they still agree with the body. Triggers refuse UPDATE and DELETE,
so changing history takes deliberately removing them.
"""

from __future__ import annotations

EVIDENCE_FILE = "evidence.sqlite"
SCHEMA_VERSION = 1
TABLE = "evidence"

CREATE_TABLE = f"""
CREATE TABLE {TABLE} (
    gseq INTEGER PRIMARY KEY,   -- store-wide append order, 1-based and gapless
    run_id TEXT NOT NULL,
    seq INTEGER NOT NULL,       -- 1-based and gapless within the run
    body TEXT NOT NULL,         -- RFC 8785 JSON of the record without its hash
    hash TEXT NOT NULL,         -- the run's chain
    global_hash TEXT NOT NULL,  -- the store-wide chain
    UNIQUE (run_id, seq)
)"""

# The append-only guards, by trigger name. Verification compares the stored definitions with
# these, so a guard that was dropped or rewritten to do nothing is reported.
GUARDS: dict[str, str] = {
    name: f"""
CREATE TRIGGER {name} BEFORE {operation} ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'evidence is append-only: {operation} refused');
END"""
    for name, operation in (("evidence_no_update", "UPDATE"), ("evidence_no_delete", "DELETE"))
}

SCHEMA_STATEMENTS: tuple[str, ...] = (
    CREATE_TABLE,
    *GUARDS.values(),
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)
