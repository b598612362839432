"""Opening the journal's SQLite file: pragmas, the versioned schema, and refusing foreign files."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from contactctl.journal.errors import JournalError

# 2: deliveries.delivery, how the last attempt ended (model.Delivery); 3: runs.files and
# runs.summary, what `contactctl runs` lists; 4: run_rows, each contact a run wrote (what
# `contactctl undo` takes back).
SCHEMA_VERSION = 4

# Another run on a different account may be committing to the same file; its transactions are
# short (one batch), so waiting a few seconds is always enough and never a hang.
BUSY_TIMEOUT_MS = 10_000

# One row per contact per account in `deliveries`. The intent columns make write-ahead one UPSERT
# per row: set before the request goes out, cleared when its outcome is recorded.
_TABLES = (
    """CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
)""",
    """CREATE TABLE IF NOT EXISTS deliveries (
    provider TEXT NOT NULL,
    account TEXT NOT NULL,
    identity TEXT NOT NULL,
    content_hash TEXT,
    status TEXT,
    vendor_id TEXT,
    confirmed_at TEXT,
    intent_hash TEXT,
    intent_at TEXT,
    intent_run INTEGER,
    delivery TEXT,
    PRIMARY KEY (provider, account, identity)
) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    account TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    rows_confirmed INTEGER NOT NULL DEFAULT 0,
    rows_saved INTEGER NOT NULL DEFAULT 0,
    files TEXT,
    summary TEXT
)""",
    # One row per contact a run wrote: where it came from, the vendor's id, what was sent and
    # what the look-up showed before (JSON, vendor field names), and what undo did to it.
    """CREATE TABLE IF NOT EXISTS run_rows (
    run_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    row INTEGER NOT NULL,
    identity TEXT NOT NULL,
    status TEXT NOT NULL,
    vendor_id TEXT,
    phone TEXT,
    sent TEXT,
    before TEXT,
    undone TEXT,
    undone_by INTEGER,
    before_run INTEGER,
    PRIMARY KEY (run_id, source, row)
)""",
    # An update made without a look-up finds the contact's earlier writes by its identity.
    "CREATE INDEX IF NOT EXISTS run_rows_identity ON run_rows (identity)",
)

_MOVE_AWAY = (
    "Move it away (or delete it) and run again, which starts a new journal and sends every row; "
    "or use --journal to choose another file."
)


def open_database(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the journal at `path`, ready for use in autocommit mode."""
    _create_private(path)
    try:
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT), so one
        # batch is one commit. check_same_thread=False: the Journal serialises access itself.
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise JournalError(f"Cannot open the journal {path}: {exc}.", _MOVE_AWAY) from exc
    try:
        _prepare(db, path)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise JournalError(
            f"The journal {path} is not a contactctl journal ({exc}).", _MOVE_AWAY
        ) from exc
    except BaseException:
        db.close()
        raise
    return db


def make_folder(path: Path) -> None:
    """Create the journal's folder (the state dir may not exist yet on a fresh machine)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JournalError(
            f"Cannot create the folder of the journal {path}: {exc.strerror}.",
            "Use --journal to choose a file you can write to.",
        ) from exc


def _create_private(path: Path) -> None:
    """Create the file readable by its owner only: it holds phone numbers and e-mails."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    except OSError as exc:
        raise JournalError(
            f"Cannot open the journal {path}: {exc.strerror}.",
            "Use --journal to choose a file you can write to.",
        ) from exc


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    _check_ours(db, path)
    db.execute("PRAGMA journal_mode = WAL")
    # In WAL mode, NORMAL skips the fsync on each commit but a committed transaction is already
    # in the WAL file, in the OS cache: a killed process (SIGKILL, crash), the failure we guard
    # against, loses nothing. Only a power cut can lose the last commits, and the cost then is a
    # re-send the vendor matches by identity key. FULL would cost an fsync per batch for that.
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in _TABLES:  # not executescript: it would commit the transaction
            db.execute(statement)
        _upgrade(db)
        db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _upgrade(db: sqlite3.Connection) -> None:
    """Bring a journal an older contactctl wrote (schema 1 to 3) up to this one, keeping its
    rows (runs recorded before schema 3 list no files and no summary; before schema 4, no
    contacts, so they cannot be undone). The run_rows table is created with the others."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(deliveries)")}
    if "delivery" not in columns:
        db.execute("ALTER TABLE deliveries ADD COLUMN delivery TEXT")
    run_columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    for column in ("files", "summary"):
        if column not in run_columns:
            db.execute(f"ALTER TABLE runs ADD COLUMN {column} TEXT")
    row_columns = {row[1] for row in db.execute("PRAGMA table_info(run_rows)")}
    if "before_run" not in row_columns:  # a schema 4 journal of the first undo release
        db.execute("ALTER TABLE run_rows ADD COLUMN before_run INTEGER")


def _check_ours(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a SQLite file some other program owns, or one a newer contactctl wrote."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    if not tables:
        return
    if "meta" not in tables:
        raise sqlite3.DatabaseError("a SQLite file with other tables")
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise JournalError(
            f"The journal {path} was written by a newer contactctl (schema {version}; "
            f"this one reads {SCHEMA_VERSION}).",
            "Upgrade contactctl, or use --journal to choose another file.",
        )
