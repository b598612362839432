"""The delivery journal: content hashes, write-ahead intents, the run lock, real SQLite files."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import contactctl
from contactctl.errors import ContactctlError, ExitCode
from contactctl.journal import (
    Journal,
    JournalBusy,
    JournalError,
    content_hash,
    default_journal_path,
    lock,
)
from contactctl.model import Contact, RawRow
from contactctl.send import timing
from tests.conftest import VirtualClock

PHONE = "+33612345678"
OTHER_PHONE = "+33698765432"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "journal.sqlite3"


@pytest.fixture
def clock(virtual_clock: VirtualClock) -> VirtualClock:
    """The suite's one virtual clock, its wall set to a known moment."""
    virtual_clock.set_wall(datetime(2026, 11, 23, 8, 0, 0, tzinfo=UTC))
    return virtual_clock


@pytest.fixture
def journal(path: Path, clock: VirtualClock) -> Iterator[Journal]:
    with Journal(path, "octopush", "acct-1") as opened:
        yield opened


def _pending(journal: Journal) -> set[str]:
    """Identities with an intent and no outcome since, read from the file itself."""
    query = (
        "SELECT identity FROM deliveries WHERE provider = ? AND account = ? "
        "AND intent_hash IS NOT NULL"
    )
    with closing(sqlite3.connect(journal.path)) as db:
        return {row[0] for row in db.execute(query, (journal.provider, journal.account))}


def _contact(**changes: Any) -> Contact:
    base = Contact(
        source="contacts.csv",
        row=2,
        phone=PHONE,
        email="axelle@example.com",
        first_name="Axelle",
        last_name="Durand",
        name="Axelle Durand",
        external_id="c-1",
        tags=("vip", "paris"),
        lists=("news", "promo"),
        attributes={"city": "Paris", "plan": "gold"},
        opt_in=True,
    )
    return dataclasses.replace(base, **changes)


# content_hash --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"source": "other.xlsx"},
        {"row": 917},
        {"notes": ("recovered from spreadsheet damage",)},
        {"raw": RawRow("other.csv", 5, {"Mobile": "0612345678"})},
        {"tags": ("paris", "vip")},
        {"lists": ("promo", "news")},
        {"attributes": {"plan": "gold", "city": "Paris"}},
    ],
    ids=["source", "row", "notes", "raw", "tag order", "list order", "attribute order"],
)
def test_hash_ignores_where_the_row_was_and_ordering(changes: dict[str, Any]) -> None:
    assert content_hash(_contact(**changes)) == content_hash(_contact())


@pytest.mark.parametrize(
    "changes",
    [
        {"phone": OTHER_PHONE},
        {"email": "axelle@example.org"},
        {"email": None},
        {"first_name": "Axel"},
        {"last_name": "Dupont"},
        {"name": "A. Durand"},
        {"external_id": "c-2"},
        {"tags": ("vip",)},
        {"lists": ("news", "promo", "vip")},
        {"attributes": {"city": "Lyon", "plan": "gold"}},
        {"attributes": {"town": "Paris", "plan": "gold"}},
        {"opt_in": False},
        {"opt_in": None},
    ],
)
def test_hash_changes_with_any_sent_field(changes: dict[str, Any]) -> None:
    assert content_hash(_contact(**changes)) != content_hash(_contact())


@pytest.mark.parametrize(
    "extra",
    [{"tag": ["spring"]}, {"list": "newsletter"}, {"on_duplicate": "skip"}],
)
def test_hash_changes_with_run_wide_values(extra: dict[str, object]) -> None:
    assert content_hash(_contact(), extra) != content_hash(_contact())


def test_hash_of_extra_ignores_key_order_and_set_order() -> None:
    first = {"tag": {"a", "b", "c"}, "on_duplicate": "update"}
    second = {"on_duplicate": "update", "tag": {"c", "b", "a"}}
    assert content_hash(_contact(), first) == content_hash(_contact(), second)


def test_hash_is_sha256_hex() -> None:
    digest = content_hash(_contact())
    assert len(digest) == 64
    assert int(digest, 16) >= 0


# Write-ahead, confirm, unchanged ------------------------------------------------------------


def test_confirmed_content_is_unchanged(journal: Journal, clock: VirtualClock) -> None:
    journal.intend([(PHONE, "h1")])
    clock.advance(seconds=3)
    journal.confirm([(PHONE, "h1", "added", "vendor-7")])

    delivered = journal.unchanged(PHONE, "h1")

    assert delivered is not None
    assert (delivered.identity, delivered.status, delivered.vendor_id) == (
        PHONE,
        "added",
        "vendor-7",
    )
    assert delivered.confirmed_at == "2026-11-23T08:00:03Z"
    assert _pending(journal) == set()


def test_changed_content_is_not_unchanged(journal: Journal) -> None:
    journal.intend([(PHONE, "h1")])
    journal.confirm([(PHONE, "h1", "updated", None)])
    assert journal.unchanged(PHONE, "h2") is None
    assert journal.unchanged(OTHER_PHONE, "h1") is None


def test_intent_alone_is_not_a_delivery(journal: Journal) -> None:
    journal.intend([(PHONE, "h1")])
    assert journal.unchanged(PHONE, "h1") is None
    assert _pending(journal) == {PHONE}
    assert PHONE in _pending(journal)
    assert OTHER_PHONE not in _pending(journal)


@pytest.mark.parametrize("status", ["added", "updated", "upserted"])
def test_written_statuses_count_as_delivered(journal: Journal, status: str) -> None:
    journal.intend([(PHONE, "h1")])
    journal.confirm([(PHONE, "h1", status, None)])
    delivered = journal.unchanged(PHONE, "h1")
    assert delivered is not None
    assert delivered.status == status


def test_row_skipped_at_the_vendor_is_not_recorded_unchanged(journal: Journal) -> None:
    journal.intend([(PHONE, "h1")])
    journal.confirm([(PHONE, "h1", "skipped", "vendor-7")])

    assert journal.unchanged(PHONE, "h1") is None  # the vendor kept its own data
    assert _pending(journal) == set()
    assert journal.vendor_id(PHONE) == "vendor-7"


def test_skip_leaves_an_earlier_delivery_standing(journal: Journal, clock: VirtualClock) -> None:
    journal.intend([(PHONE, "h1")])
    journal.confirm([(PHONE, "h1", "added", "vendor-7")])
    clock.advance(days=1)
    journal.intend([(PHONE, "h2")])
    journal.confirm([(PHONE, "h2", "skipped", None)])

    assert journal.unchanged(PHONE, "h2") is None
    earlier = journal.unchanged(PHONE, "h1")
    assert earlier is not None
    assert (earlier.status, earlier.confirmed_at) == ("added", "2026-11-23T08:00:00Z")


@pytest.mark.parametrize("status", ["failed", "exploded"])
def test_confirm_refuses_what_is_not_an_outcome(journal: Journal, status: str) -> None:
    journal.intend([(PHONE, "h1")])
    with pytest.raises(ValueError, match="cannot confirm"):
        journal.confirm([(PHONE, "h1", status, None)])
    assert _pending(journal) == {PHONE}


def test_abandon_drops_the_intent_and_keeps_an_earlier_delivery(journal: Journal) -> None:
    journal.intend([(PHONE, "h1")])
    journal.confirm([(PHONE, "h1", "added", "vendor-7")])
    journal.intend([(PHONE, "h2"), (OTHER_PHONE, "h9")])
    journal.abandon([PHONE, OTHER_PHONE])

    assert _pending(journal) == set()
    assert journal.unchanged(PHONE, "h1") is not None
    assert journal.vendor_id(OTHER_PHONE) is None


def test_other_content_intended_and_unconfirmed_is_not_unchanged(journal: Journal) -> None:
    # A killed run may have landed h2 at the vendor: h1 can no longer be assumed to be there.
    journal.intend([(PHONE, "h1")])
    journal.confirm([(PHONE, "h1", "added", None)])
    journal.intend([(PHONE, "h2")])
    assert journal.unchanged(PHONE, "h1") is None


def test_a_request_that_may_have_landed_is_recorded_and_never_unchanged(
    journal: Journal,
) -> None:
    journal.intend([(PHONE, "h1")])
    journal.confirm([(PHONE, "h1", "added", "vendor-7")])
    journal.intend([(PHONE, "h1")])
    journal.may_have_landed([PHONE])

    assert _pending(journal) == {PHONE}
    assert journal.unchanged(PHONE, "h1") is None
    assert _query(journal.path, "SELECT delivery FROM deliveries") == [("may have landed",)]
    journal.confirm([(PHONE, "h1", "updated", None)])
    assert _query(journal.path, "SELECT delivery FROM deliveries") == [("landed",)]
    assert journal.unchanged(PHONE, "h1") is not None


def test_a_schema_1_journal_is_upgraded_with_its_deliveries(path: Path) -> None:
    with Journal(path, "octopush", "acct-1") as journal:
        journal.confirm([(PHONE, "h1", "added", "vendor-7")])
    with sqlite3.connect(path) as db:  # as contactctl with schema 1 left it
        db.execute("ALTER TABLE deliveries DROP COLUMN delivery")
        db.execute("DROP TABLE run_rows")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    db.close()
    with Journal(path, "octopush", "acct-1") as journal:
        assert journal.unchanged(PHONE, "h1") is not None
        assert journal.written_by(1) == []  # run_rows exists; run 1 predates it
    assert _query(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [("4",)]


def test_vendor_id_survives_an_answer_without_one(journal: Journal) -> None:
    journal.confirm([(PHONE, "h1", "added", "vendor-7")])
    journal.confirm([(PHONE, "h2", "upserted", None)])
    assert journal.vendor_id(PHONE) == "vendor-7"
    journal.confirm([(PHONE, "h3", "updated", "vendor-8")])
    assert journal.vendor_id(PHONE) == "vendor-8"


def test_pending_survives_closing_without_confirm(path: Path) -> None:
    with Journal(path, "octopush", "acct-1") as first:
        first.intend([(PHONE, "h1"), (OTHER_PHONE, "h2")])
        first.confirm([(OTHER_PHONE, "h2", "added", None)])
    with Journal(path, "octopush", "acct-1") as again:
        assert _pending(again) == {PHONE}
        assert again.unchanged(OTHER_PHONE, "h2") is not None


def test_each_run_is_recorded_with_the_rows_it_confirmed_and_saved(
    path: Path, clock: VirtualClock
) -> None:
    with Journal(path, "octopush", "acct-1") as first:
        first.confirm([(PHONE, "h1", "added", None)])
        clock.advance(hours=1)
        first.confirm([(OTHER_PHONE, "h2", "added", None)])
    with Journal(path, "octopush", "acct-1") as second:
        second.unchanged(OTHER_PHONE, "h2")
        second.unchanged(PHONE, "h1")
        second.unchanged(PHONE, "changed")
    runs = _query(path, "SELECT pid, rows_confirmed, rows_saved, finished_at FROM runs")
    finished = "2026-11-23T09:00:00Z"
    assert runs == [(os.getpid(), 2, 0, finished), (os.getpid(), 0, 2, finished)]


def test_accounts_and_providers_do_not_see_each_others_rows(path: Path) -> None:
    with Journal(path, "octopush", "acct-1") as mine:
        mine.confirm([(PHONE, "h1", "added", "vendor-7")])
        mine.intend([(OTHER_PHONE, "h2")])
    for provider, account in [("octopush", "acct-2"), ("pabbly", "acct-1")]:
        with Journal(path, provider, account) as theirs:
            assert theirs.unchanged(PHONE, "h1") is None
            assert theirs.vendor_id(PHONE) is None
            assert _pending(theirs) == set()
            assert OTHER_PHONE not in _pending(theirs)


def test_one_call_is_one_transaction_even_for_100k_rows(journal: Journal, path: Path) -> None:
    rows = [(f"+3361{n:07d}", f"h{n}") for n in range(100_000)]
    statements: list[str] = []
    journal._db.set_trace_callback(statements.append)  # what the journal asks SQLite

    journal.intend(rows)
    journal.confirm([(identity, digest, "added", None) for identity, digest in rows])

    journal._db.set_trace_callback(None)
    assert [s for s in statements if s.strip().upper() == "COMMIT"] == ["COMMIT"] * 2
    confirmed = _query(path, "SELECT count(*) FROM deliveries WHERE content_hash IS NOT NULL")
    assert confirmed == [(100_000,)]
    assert _pending(journal) == set()


def test_usable_from_another_thread(journal: Journal) -> None:
    worker = threading.Thread(target=journal.confirm, args=([(PHONE, "h1", "added", None)],))
    worker.start()
    worker.join()
    assert journal.unchanged(PHONE, "h1") is not None


def test_two_accounts_writing_one_file_at_once_lose_nothing(path: Path) -> None:
    journals = [Journal(path, "octopush", f"acct-{n}") for n in range(2)]

    def write(journal: Journal) -> None:
        for batch in range(50):
            rows = [(f"+3361{batch:03d}{n:04d}", "h") for n in range(20)]
            journal.intend(rows)
            journal.confirm([(identity, "h", "added", None) for identity, _ in rows])

    workers = [threading.Thread(target=write, args=(journal,)) for journal in journals]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for journal in journals:
        journal.close()
    counts = _query(path, "SELECT account, count(*) FROM deliveries GROUP BY account")
    assert counts == [("acct-0", 1000), ("acct-1", 1000)]
    assert _query(path, "PRAGMA integrity_check") == [("ok",)]


# A real kill ---------------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from contactctl.journal import Journal

    journal = Journal(Path(sys.argv[1]), "octopush", "acct-1")
    journal.intend([("+33612345678", "h1")])
    if sys.argv[2] == "confirmed":
        journal.confirm([("+33612345678", "h1", "added", "vendor-7")])
    print("ready", flush=True)
    sys.stdin.read()  # hold the lock until killed
    """
)


@pytest.mark.parametrize("stage", ["intended", "confirmed"])
def test_a_run_killed_with_sigkill_leaves_its_writes_and_no_lock(path: Path, stage: str) -> None:
    repo = Path(contactctl.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(repo)}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), stage],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        with pytest.raises(JournalBusy, match=f"pid {child.pid},"):
            Journal(path, "octopush", "acct-1")
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL

    with Journal(path, "octopush", "acct-1") as after:
        if stage == "intended":
            assert _pending(after) == {PHONE}
            assert after.unchanged(PHONE, "h1") is None
        else:
            assert _pending(after) == set()
            delivered = after.unchanged(PHONE, "h1")
            assert delivered is not None
            assert delivered.vendor_id == "vendor-7"


# The run lock --------------------------------------------------------------------------------


def test_second_run_on_the_same_account_is_refused(journal: Journal, path: Path) -> None:
    with pytest.raises(JournalBusy) as caught:
        Journal(path, "octopush", "acct-1")
    message = str(caught.value)
    assert message == (
        f"Another contactctl run is importing to this octopush account (pid {os.getpid()}, "
        "since 2026-11-23 08:00:00 UTC); wait for it to finish, then run again."
    )
    assert isinstance(caught.value, ContactctlError)
    assert caught.value.exit_code == ExitCode.USAGE
    journal.confirm([(PHONE, "h1", "added", None)])  # the first run is unharmed


def test_another_journal_path_or_a_symlink_does_not_sidestep_the_lock(
    journal: Journal, path: Path, tmp_path: Path
) -> None:
    link = tmp_path / "link.sqlite3"
    link.symlink_to(path)
    for elsewhere in (tmp_path / "other" / "journal.sqlite3", link):
        with pytest.raises(JournalBusy, match=f"pid {os.getpid()},"):
            Journal(elsewhere, "octopush", "acct-1")


@pytest.mark.parametrize(
    "spelling",
    ["http://127.0.0.1:8080#ab12", "HTTP://LocalHost:8080#ab12", "http://127.0.0.1:8080/#ab12"],
)
def test_host_spellings_of_one_account_share_the_lock(tmp_path: Path, spelling: str) -> None:
    with (
        Journal(tmp_path / "a.sqlite3", "callbell", "http://localhost:8080#ab12"),
        pytest.raises(JournalBusy, match="wait for it to finish, then run again"),
    ):
        Journal(tmp_path / "b.sqlite3", "callbell", spelling)


def test_default_ports_are_one_origin() -> None:
    assert lock.canonical_account("https://API.example.com.#x") == ("https://api.example.com:443#x")
    assert lock.canonical_account("acct-1") == "acct-1"


def test_no_lock_file_is_left_after_a_run(path: Path) -> None:
    journal = Journal(path, "octopush", "acct-1")
    held = lock.lock_path_for("octopush", "acct-1")
    assert held.is_file()
    journal.close()
    assert not held.exists()
    assert list(held.parent.iterdir()) == []


def test_a_waiter_holding_a_removed_lock_file_opens_the_new_one(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that locked the inode its predecessor just removed must not count as the
    holder: a third run could lock a fresh file under the same name meanwhile."""
    held = lock.lock_path_for("octopush", "acct-1")
    opened: list[int] = []
    real_open = lock._open

    def open_then_lose_the_race(target: Path) -> int:
        fd = real_open(target)
        if not opened:
            target.unlink()  # the previous holder's release, between our open and our lock
        opened.append(fd)
        return fd

    monkeypatch.setattr(lock, "_open", open_then_lose_the_race)
    with Journal(path, "octopush", "acct-1"):
        assert len(opened) == 2
        assert held.is_file()
        with pytest.raises(JournalBusy):
            Journal(path.with_name("other.sqlite3"), "octopush", "acct-1")


@pytest.mark.parametrize(("provider", "account"), [("octopush", "acct-2"), ("pabbly", "acct-1")])
def test_other_accounts_are_not_blocked(
    journal: Journal, path: Path, provider: str, account: str
) -> None:
    with Journal(path, provider, account) as other:
        other.confirm([(PHONE, "h1", "added", None)])
    assert journal.unchanged(PHONE, "h1") is None


def test_closing_releases_the_lock(path: Path) -> None:
    Journal(path, "octopush", "acct-1").close()
    with Journal(path, "octopush", "acct-1") as again:
        again.close()  # twice is harmless
    Journal(path, "octopush", "acct-1").close()


def test_a_waiting_run_starts_once_the_first_closes(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = Journal(path, "octopush", "acct-1")
    first.intend([(PHONE, "h1")])
    second_tried = threading.Event()

    def close_first_once_second_waits() -> None:
        second_tried.wait()
        first.close()

    closer = threading.Thread(target=close_first_once_second_waits)
    closer.start()
    pauses: list[float] = []

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        second_tried.set()
        closer.join()

    monkeypatch.setattr(timing.clock, "pause", pause)
    with Journal(path, "octopush", "acct-1", lock_wait_s=60) as second:
        assert _pending(second) == {PHONE}
    assert len(pauses) == 1


def test_a_waiting_run_gives_up_after_lock_wait_s(
    journal: Journal, path: Path, virtual_clock: VirtualClock
) -> None:
    with pytest.raises(JournalBusy, match="still running after 5 s; wait for it"):
        Journal(path, "octopush", "acct-1", lock_wait_s=5)
    assert sum(virtual_clock.pauses) == pytest.approx(5.0)
    assert max(virtual_clock.pauses) <= lock.POLL_INTERVAL_S


# The file ------------------------------------------------------------------------------------


def test_creates_folders_a_private_file_and_a_versioned_wal_schema(journal: Journal) -> None:
    path = journal.path
    assert path.is_file()
    assert path.stat().st_mode & 0o777 == 0o600
    assert _query(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [("4",)]
    assert _query(path, "PRAGMA journal_mode") == [("wal",)]


@pytest.mark.parametrize(
    "content",
    [b"name,phone\nAxelle,+33612345678\n", b"SQLite format 3\x00" + b"\xff" * 200],
    ids=["csv", "damaged header"],
)
def test_a_file_that_is_not_sqlite_is_refused_cleanly(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(JournalError) as caught:
        Journal(path, "octopush", "acct-1")
    assert str(path) in caught.value.message
    assert "Move it away" in str(caught.value)
    assert caught.value.exit_code == ExitCode.USAGE
    assert path.read_bytes() == content  # never written over
    path.unlink()
    Journal(path, "octopush", "acct-1").close()  # and the lock was released


def test_another_programs_sqlite_file_is_refused(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    db.close()
    with pytest.raises(JournalError, match="not a contactctl journal"):
        Journal(path, "octopush", "acct-1")
    assert _query(path, "SELECT name FROM sqlite_schema") == [("invoices",)]


def test_a_journal_from_a_newer_contactctl_is_refused(path: Path) -> None:
    Journal(path, "octopush", "acct-1").close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    db.close()
    with pytest.raises(JournalError, match="newer contactctl"):
        Journal(path, "octopush", "acct-1")


def test_a_folder_in_the_way_is_a_clean_error(path: Path) -> None:
    path.mkdir(parents=True)
    with pytest.raises(JournalError, match="Cannot open the journal"):
        Journal(path, "octopush", "acct-1")


def test_no_secret_reaches_the_files(path: Path) -> None:
    secret = "sk-live-5ecret-Tok3n"
    account = "https://api.octopush.com#" + hashlib.sha256(secret.encode()).hexdigest()[:16]
    with Journal(path, "octopush", account) as journal:
        journal.intend([(PHONE, "h1")])
        journal.confirm([(PHONE, "h1", "added", "vendor-7")])
    written = b"".join(file.read_bytes() for file in path.parent.iterdir())
    assert account.encode() in written  # the fingerprint is what identifies the account
    assert secret.encode() not in written


def test_default_path_is_in_the_user_state_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("XDG_STATE_HOME steers platformdirs on Linux only")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_journal_path() == tmp_path / "contactctl" / "journal.sqlite3"


def _query(path: Path, statement: str) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(statement).fetchall()
    finally:
        db.close()


def test_a_journal_of_the_first_undo_release_gains_before_run(path: Path) -> None:
    with Journal(path, "octopush", "acct-1") as journal:
        journal.confirm([(PHONE, "h1", "added", "vendor-7")])
    with sqlite3.connect(path) as db:  # run_rows as schema 4 first had it
        db.execute("ALTER TABLE run_rows DROP COLUMN before_run")
    db.close()
    with Journal(path, "octopush", "acct-1") as journal:
        assert journal.written_by(1) == []
    columns = [row[1] for row in _query(path, "PRAGMA table_info(run_rows)")]
    assert "before_run" in columns


def test_each_account_keeps_the_contacts_of_its_latest_runs_only(path: Path) -> None:
    from contactctl.journal.store import KEEP_RUNS
    from contactctl.model import RunRow

    def one_run(account: str, n: int) -> None:
        written = RunRow("a.csv", 2, PHONE, "added", f"id-{n}", PHONE, {"name": "A"}, None)
        with Journal(path, "octopush", account) as journal:
            journal.confirm([(PHONE, f"h{n}", "added", f"id-{n}")], [written])

    one_run("other", 0)
    for n in range(KEEP_RUNS + 2):
        one_run("acct-1", n)
    kept = _query(
        path,
        "SELECT runs.account, count(*), min(run_id) FROM run_rows JOIN runs USING (run_id) "
        "GROUP BY runs.account ORDER BY runs.account",
    )
    # The other account's one run stays; acct-1 keeps its last KEEP_RUNS (runs 4 to 33).
    assert kept == [("acct-1", KEEP_RUNS, 4), ("other", 1, 1)]
