"""The run lock: one contactctl run per (provider, account) at a time.

Two runs against one account would each pace themselves under the vendor's limit and together
exceed it, and would race on the same contacts. The lock is `flock` on a small sidecar file next
to the journal. The kernel drops a flock when its holder dies, even by SIGKILL, so a killed run
never leaves a stale lock behind; nothing has to guess from a pid whether the holder still lives.
The holder writes its pid and start time into the file, only so the message can name it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from contactctl.journal.errors import JournalBusy, JournalError

# How often a waiting run tries the lock again. The clock and the pause are module-level so
# tests can step them instead of sleeping.
POLL_INTERVAL_S = 0.1
_pause = time.sleep
_monotonic = time.monotonic


def lock_path_for(journal_path: Path, provider: str, account: str) -> Path:
    """The sidecar lock file of one (provider, account) next to the journal."""
    key = hashlib.sha256(f"{provider}\x00{account}".encode()).hexdigest()[:16]
    return journal_path.with_name(f"{journal_path.name}.{key}.lock")


class RunLock:
    """An exclusive lock held for the whole run; `release` (or process death) frees it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, path: Path, provider: str, started_at: datetime, wait_s: float) -> RunLock:
        """Take the lock, trying again until `wait_s` has passed; JournalBusy if still held."""
        try:
            # os.open makes the descriptor non-inheritable (PEP 446): a child process we spawn
            # must not keep the lock alive after we die.
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise JournalError(
                f"Cannot create the journal lock file {path}: {exc.strerror}.",
                "Use --journal to choose a folder you can write to.",
            ) from exc
        try:
            _lock_within(fd, path, provider, wait_s)
        except BaseException:
            os.close(fd)
            raise
        _write_holder(fd, started_at)
        return cls(path, fd)

    def release(self) -> None:
        if self._fd is None:
            return
        # The file stays: unlinking it would let a waiter lock an inode nobody else can see.
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def _lock_within(fd: int, path: Path, provider: str, wait_s: float) -> None:
    deadline = _monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            remaining_s = deadline - _monotonic()
            if remaining_s <= 0:
                raise _busy(path, provider, wait_s) from None
            _pause(min(POLL_INTERVAL_S, remaining_s))
        except OSError as exc:
            raise JournalError(
                f"Cannot lock {path}: {exc.strerror}.",
                "Use --journal to put the journal on a local disk.",
            ) from exc


def _write_holder(fd: int, started_at: datetime) -> None:
    holder = {
        "pid": os.getpid(),
        "started_at": started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(holder).encode(), 0)


def _busy(path: Path, provider: str, wait_s: float) -> JournalBusy:
    holder = _read_holder(path)
    waited = f" and was still running after {wait_s:g} s" if wait_s > 0 else ""
    return JournalBusy(
        f"Another contactctl run is importing to this {provider} account ({holder}){waited};",
        "wait for it to finish, or use --journal to point at a different journal.",
    )


def _read_holder(path: Path) -> str:
    """ "pid 1234, since ..." from the lock file; vague if the holder has not written it yet."""
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {int(holder['pid'])}, since {holder['started_at']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "pid unknown"
