"""The journal's statements. Every one is scoped by (provider, account), always first."""

from __future__ import annotations

_THIS_CONTACT = "provider = ? AND account = ? AND identity = ?"

UNCHANGED = f"""
SELECT content_hash, status, vendor_id, confirmed_at FROM deliveries
WHERE {_THIS_CONTACT} AND content_hash = ?
  AND status IN ('added', 'updated', 'upserted', 'skipped')
  AND (intent_hash IS NULL OR intent_hash = content_hash)
  AND coalesce(delivery, 'landed') = 'landed'
"""

VENDOR_ID = f"""
SELECT vendor_id FROM deliveries
WHERE {_THIS_CONTACT} AND status IN ('added', 'updated', 'upserted', 'skipped')
  AND vendor_id IS NOT NULL
"""

INTEND = """
INSERT INTO deliveries (provider, account, identity, intent_hash, intent_at, intent_run)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (provider, account, identity) DO UPDATE SET
    intent_hash = excluded.intent_hash,
    intent_at = excluded.intent_at,
    intent_run = excluded.intent_run
"""

# The vendor may leave its id out of a later answer (an upsert); the one it gave before stands.
CONFIRM_DELIVERED = """
INSERT INTO deliveries (
    provider, account, identity, content_hash, status, vendor_id, confirmed_at, delivery
)
VALUES (?, ?, ?, ?, ?, ?, ?, 'landed')
ON CONFLICT (provider, account, identity) DO UPDATE SET
    content_hash = excluded.content_hash,
    status = excluded.status,
    vendor_id = coalesce(excluded.vendor_id, deliveries.vendor_id),
    confirmed_at = excluded.confirmed_at,
    intent_hash = NULL, intent_at = NULL, intent_run = NULL,
    delivery = 'landed'
"""

# Skipped: the vendor kept what it had, so an earlier delivery (hash, status, time) stands.
CONFIRM_SKIPPED = """
INSERT INTO deliveries (provider, account, identity, status, vendor_id, confirmed_at)
VALUES (?, ?, ?, 'skipped', ?, ?)
ON CONFLICT (provider, account, identity) DO UPDATE SET
    status = coalesce(deliveries.status, 'skipped'),
    vendor_id = coalesce(excluded.vendor_id, deliveries.vendor_id),
    confirmed_at = coalesce(deliveries.confirmed_at, excluded.confirmed_at),
    intent_hash = NULL, intent_at = NULL, intent_run = NULL
"""

# A row that only ever held an intent goes; one with an earlier delivery keeps it.
FORGET_INTENT_ONLY = f"DELETE FROM deliveries WHERE {_THIS_CONTACT} AND status IS NULL"

CLEAR_INTENT = f"""
UPDATE deliveries SET intent_hash = NULL, intent_at = NULL, intent_run = NULL
WHERE {_THIS_CONTACT}
"""

# The intent stays open: the next run checks this contact or re-sends it idempotently.
MAY_HAVE_LANDED = f"UPDATE deliveries SET delivery = 'may have landed' WHERE {_THIS_CONTACT}"

START_RUN = "INSERT INTO runs (provider, account, pid, started_at) VALUES (?, ?, ?, ?)"

RECORD_RUN = "UPDATE runs SET files = ?, summary = ? WHERE run_id = ?"

LIST_RUNS = """
SELECT run_id, started_at, finished_at, provider, account, files, summary FROM runs
ORDER BY run_id DESC
"""

FINISH_RUN = """
UPDATE runs SET finished_at = ?, rows_confirmed = ?, rows_saved = ? WHERE run_id = ?
"""

RECORD_ROW = """
INSERT OR REPLACE INTO run_rows (
    run_id, source, row, identity, status, vendor_id, phone, sent, before, before_run
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

# The latest earlier write of a contact to this account that undo has not taken back.
PRIOR_WRITE = """
SELECT r.run_id, r.sent, r.before FROM run_rows AS r JOIN runs USING (run_id)
WHERE runs.provider = ? AND runs.account = ? AND r.identity = ? AND r.run_id < ?
  AND r.undone IS NULL AND r.sent IS NOT NULL
ORDER BY r.run_id DESC LIMIT 1
"""

ONE_RUN = """
SELECT run_id, started_at, finished_at, provider, account, files, summary FROM runs
WHERE run_id = ?
"""

RUN_ROWS = """
SELECT source, row, identity, status, vendor_id, phone, sent, before, undone, undone_by,
       before_run
FROM run_rows WHERE run_id = ? ORDER BY source, row
"""

MARK_UNDONE = """
UPDATE run_rows SET undone = ?, undone_by = ? WHERE run_id = ? AND source = ? AND row = ?
"""

# Taken back: the account no longer holds what was delivered, so the next import sends it.
FORGET = f"DELETE FROM deliveries WHERE {_THIS_CONTACT}"

# Each contact a run wrote is kept for the account's latest KEEP_RUNS runs only: a nightly
# import of many contacts would otherwise grow the journal without end.
PRUNE_RUN_ROWS = """
DELETE FROM run_rows WHERE run_id IN (
    SELECT run_id FROM runs WHERE provider = ? AND account = ?
    ORDER BY run_id DESC LIMIT -1 OFFSET ?
)
"""
