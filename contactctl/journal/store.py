"""The delivery journal: what each account was sent and confirmed, written ahead of each request.

Protocol for one batch: `intend` before the request goes out, then `confirm` the outcomes the
vendor gave, or `abandon` the intents when the request surely did not land. A run killed between
the two leaves the intents in place: such a row is never `unchanged`, so the next run sends it
again, and that cannot duplicate it (upsert vendors key by the number; Callbell and iVvy look a
contact up before creating it), so each contact is delivered exactly once.

What counts as delivered (and so as `unchanged` next time): a confirmed added, updated or
upserted row, and a row a look-up showed the vendor already holds with this exact content
(`confirm_up_to_date`). A row the vendor `skipped` because it already had the contact
(--on-duplicate skip) was NOT delivered with this content: the vendor kept its old data, so
the row is not recorded as unchanged and a later run with updates on sends it. Its vendor id
is kept, its intent cleared.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from contactctl.journal import sql
from contactctl.journal.errors import JournalError, JournalFailed
from contactctl.journal.lock import RunLock, lock_path_for
from contactctl.journal.schema import make_folder, open_database
from contactctl.journal.values import Delivered, iso
from contactctl.model import WRITTEN_STATUSES, RunRow, Status
from contactctl.send.timing import utc_now

_OUTCOME_STATUSES = WRITTEN_STATUSES | {Status.SKIPPED}
# How many of an account's latest runs keep each contact they wrote (what undo takes back).
KEEP_RUNS = 30


class Journal:
    """The journal of one (provider, account), held under that account's run lock.

    `account` must already be a non-secret fingerprint: it is stored as given. Safe to call
    from several threads (one connection, one mutex), e.g. through asyncio.to_thread.
    """

    def __init__(
        self,
        path: Path,
        provider: str,
        account: str,
        *,
        lock_wait_s: float = 0.0,
    ) -> None:
        self.path = path
        self.provider = provider
        self.account = account
        self._mutex = threading.Lock()
        self._confirmed_rows = 0
        self._saved_rows = 0
        self._closed = False
        started_at = utc_now()
        make_folder(path)
        self._lock = RunLock.acquire(
            lock_path_for(provider, account), provider, started_at, lock_wait_s
        )
        try:
            self._db = open_database(path)
        except BaseException:
            self._lock.release()
            raise
        try:
            self._run_id = self._start_run(started_at)
        except BaseException:
            self._db.close()
            self._lock.release()
            raise

    # Reading ------------------------------------------------------------------------------

    def unchanged(self, identity: str, content_hash: str) -> Delivered | None:
        """The earlier delivery of exactly this content, or None if it must be sent.

        A hit counts as a row the journal saved from sending (the run's `rows_saved`): ask
        only for rows that will be skipped on a hit. A row some earlier run meant to send with
        other content, and never confirmed, is not unchanged: that content may have landed.
        """
        row = self._one(sql.UNCHANGED, identity, content_hash)
        if row is None:
            return None
        delivered = Delivered(identity, row[0], row[1], row[2], row[3])
        with self._mutex:
            self._saved_rows += 1
        return delivered

    def vendor_id(self, identity: str) -> str | None:
        """The vendor's id from the last confirmation (to update without a look-up)."""
        row = self._one(sql.VENDOR_ID, identity)
        return None if row is None else row[0]

    # Writing: each call is one transaction, whatever the number of rows -------------------

    def intend(self, items: Sequence[tuple[str, str]]) -> None:
        """Record [(identity, content_hash)] as about to be sent; call before the request."""
        if not items:
            return
        at = iso(utc_now())
        rows = [(*self._key(identity), digest, at, self._run_id) for identity, digest in items]
        with self._transaction() as db:
            db.executemany(sql.INTEND, rows)

    def confirm(
        self,
        outcomes: Sequence[tuple[str, str, str, str | None]],
        written: Sequence[RunRow] = (),
    ) -> None:
        """Record [(identity, content_hash, status, vendor_id)] the vendor confirmed, and the
        rows this run wrote (`written`, what `contactctl undo` reads), in one transaction.

        Status is added, updated, upserted or skipped. A failed row is not an outcome to
        confirm: `abandon` it when the request surely did not land, else leave it pending.
        """
        if not outcomes:
            return
        at = iso(utc_now())
        delivered: list[tuple[str | None, ...]] = []
        skipped: list[tuple[str | None, ...]] = []
        for identity, digest, status, vendor_id in outcomes:
            checked = _status(status)
            if checked in WRITTEN_STATUSES:
                delivered.append((*self._key(identity), digest, checked.value, vendor_id, at))
            else:
                skipped.append((*self._key(identity), vendor_id, at))
        with self._transaction() as db:
            rows = [(self._run_id, *_run_row_values(self._with_prior(db, r))) for r in written]
            db.executemany(sql.CONFIRM_DELIVERED, delivered)
            db.executemany(sql.CONFIRM_SKIPPED, skipped)
            db.executemany(sql.RECORD_ROW, rows)
        with self._mutex:
            self._confirmed_rows += len(delivered)

    def confirm_up_to_date(self, outcomes: Sequence[tuple[str, str, str | None]]) -> None:
        """Record [(identity, content_hash, vendor_id)] a look-up showed the vendor already
        holds with this content: nothing was written, yet the next run may call it unchanged
        (status `skipped`, with the content hash a `--on-duplicate skip` row never gets)."""
        if not outcomes:
            return
        at = iso(utc_now())
        rows = [
            (*self._key(identity), digest, Status.SKIPPED.value, vendor_id, at)
            for identity, digest, vendor_id in outcomes
        ]
        with self._transaction() as db:
            db.executemany(sql.CONFIRM_DELIVERED, rows)

    def may_have_landed(self, identities: Sequence[str]) -> None:
        """Record that these rows' requests may have landed: their intents stay open, so they
        are never `unchanged` and the next run checks or re-sends them."""
        if not identities:
            return
        keys = [self._key(identity) for identity in identities]
        with self._transaction() as db:
            db.executemany(sql.MAY_HAVE_LANDED, keys)

    def abandon(self, identities: Sequence[str]) -> None:
        """Drop the intents of rows whose request surely failed (nothing landed)."""
        if not identities:
            return
        keys = [self._key(identity) for identity in identities]
        with self._transaction() as db:
            db.executemany(sql.FORGET_INTENT_ONLY, keys)
            db.executemany(sql.CLEAR_INTENT, keys)

    # Undo ---------------------------------------------------------------------------------

    def _with_prior(self, db: sqlite3.Connection, row: RunRow) -> RunRow:
        """An update made without a look-up (by the journal's id) gets, for `before`, what
        the contact's latest earlier write left in the same fields, when the journal knows
        every one of them; undo says so when it restores from it."""
        if row.status != Status.UPDATED.value or row.before is not None or row.sent is None:
            return row
        found = db.execute(
            sql.PRIOR_WRITE, (self.provider, self.account, row.identity, self._run_id)
        ).fetchone()
        if found is None:
            return row
        run_id, sent, before = found
        prior = _prior_state(
            row.sent, json.loads(sent), json.loads(before) if before is not None else {}
        )
        return row if prior is None else dataclasses.replace(row, before=prior, before_run=run_id)

    @property
    def run_id(self) -> int:
        return self._run_id

    def written_by(self, run_id: int) -> list[RunRow]:
        """The contacts run `run_id` wrote, in file order, with what undo did to each."""
        with self._mutex:
            self._require_open()
            try:
                rows = self._db.execute(sql.RUN_ROWS, (run_id,)).fetchall()
            except sqlite3.Error as exc:
                raise JournalFailed(f"Cannot read the journal {self.path}: {exc}.") from exc
        return [run_row(row) for row in rows]

    def undone(self, run_id: int, outcomes: Sequence[tuple[RunRow, str, bool]]) -> None:
        """Record [(row, what undo did, whether the vendor no longer holds what was sent)]
        for run `run_id`, done by this run; a contact taken back is forgotten as delivered,
        so the next import sends it again."""
        if not outcomes:
            return
        marks = [(did, self._run_id, run_id, row.source, row.row) for row, did, _ in outcomes]
        forget = [self._key(row.identity) for row, _, taken_back in outcomes if taken_back]
        with self._transaction() as db:
            db.executemany(sql.MARK_UNDONE, marks)
            db.executemany(sql.FORGET, forget)

    # Life cycle ---------------------------------------------------------------------------

    def record_run(self, files: Sequence[str], summary: Mapping[str, int]) -> None:
        """What this run read and what became of its rows, for `contactctl runs`."""
        with self._transaction() as db:
            db.execute(
                sql.RECORD_RUN, (json.dumps(list(files)), json.dumps(dict(summary)), self._run_id)
            )

    def close(self) -> None:
        """Record the run's end and release the run lock. Safe to call twice."""
        if self._closed:
            return
        try:
            with self._transaction() as db:
                db.execute(
                    sql.FINISH_RUN,
                    (iso(utc_now()), self._confirmed_rows, self._saved_rows, self._run_id),
                )
                db.execute(sql.PRUNE_RUN_ROWS, (self.provider, self.account, KEEP_RUNS))
        except JournalError:
            pass  # the run's bookkeeping only; the deliveries are already committed
        finally:
            with self._mutex:
                self._closed = True
                self._db.close()
            self._lock.release()

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # Plumbing -----------------------------------------------------------------------------

    def _key(self, identity: str) -> tuple[str, str, str]:
        return (self.provider, self.account, identity)

    def _start_run(self, started_at: datetime) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                sql.START_RUN, (self.provider, self.account, os.getpid(), iso(started_at))
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _one(self, query: str, *params: str) -> tuple[str, ...] | None:
        rows = self._all(query, *params)
        return rows[0] if rows else None

    def _all(self, query: str, *params: str) -> list[tuple[str, ...]]:
        with self._mutex:
            self._require_open()
            try:
                return self._db.execute(query, (self.provider, self.account, *params)).fetchall()
            except sqlite3.Error as exc:
                raise JournalFailed(f"Cannot read the journal {self.path}: {exc}.") from exc

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so a concurrent writer (another account on
        # the same file) makes us wait under busy_timeout instead of failing mid-transaction.
        with self._mutex:
            self._require_open()
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise JournalFailed(
                    f"Cannot write to the journal {self.path}: {exc}.",
                    "Rows sent since the last write are checked with the vendor next run.",
                ) from exc

    def _require_open(self) -> None:
        if self._closed:
            raise RuntimeError("the journal is closed")


def _status(value: str) -> Status:
    try:
        status = Status(value)
    except ValueError:
        status = Status.FAILED
    if status not in _OUTCOME_STATUSES:
        raise ValueError(f"cannot confirm status {value!r}: abandon the row or leave it pending")
    return status


def _run_row_values(row: RunRow) -> tuple[object, ...]:
    sent = json.dumps(row.sent, sort_keys=True) if row.sent is not None else None
    before = json.dumps(row.before, sort_keys=True) if row.before is not None else None
    return (
        row.source,
        row.row,
        row.identity,
        row.status,
        row.vendor_id,
        row.phone,
        sent,
        before,
        row.before_run,
    )


_UNKNOWN = object()


def _prior_state(
    fields: Mapping[str, Any], sent: Mapping[str, Any], before: Mapping[str, Any]
) -> dict[str, Any] | None:
    """What an earlier write left in `fields`: what it sent, else what it found there; None
    when some field (or a custom field within one) is in neither."""
    state = {key: _left(value, sent, before, key) for key, value in fields.items()}
    return None if any(_has_unknown(value) for value in state.values()) else state


def _left(value: Any, sent: Mapping[str, Any], before: Mapping[str, Any], key: str) -> Any:
    if isinstance(value, Mapping):  # a mapping field (custom fields): field by field
        inner_sent, inner_before = sent.get(key) or {}, before.get(key) or {}
        return {name: _left(None, inner_sent, inner_before, name) for name in value}
    if key in sent:
        return sent[key]
    return before.get(key, _UNKNOWN)


def _has_unknown(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_has_unknown(inner) for inner in value.values())
    return value is _UNKNOWN


def run_row(values: tuple[object, ...]) -> RunRow:
    source, row, identity, status, vendor_id, phone, sent, before, undone, undone_by = values[:10]
    before_run = values[10] if len(values) > 10 else None
    return RunRow(
        str(source),
        int(str(row)),
        str(identity),
        str(status),
        None if vendor_id is None else str(vendor_id),
        None if phone is None else str(phone),
        json.loads(str(sent)) if sent is not None else None,
        json.loads(str(before)) if before is not None else None,
        None if undone is None else str(undone),
        None if undone_by is None else int(str(undone_by)),
        None if before_run is None else int(str(before_run)),
    )
