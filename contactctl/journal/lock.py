"""The run lock: one contactctl run per (provider, account) at a time.

Two runs against one account would each pace themselves under the vendor's limit and together
exceed it, and would race on the same contacts. The lock is `flock` on a small file in the user
state directory, named after the provider and the account with its host spelled canonically
(`localhost` and `127.0.0.1` are one), never after the journal: two `--journal` paths or a
symlinked journal still collide. The file is removed when the run ends. The kernel drops a
flock when its holder dies, even by SIGKILL, so a killed run never leaves a stale lock behind;
nothing has to guess from a pid whether the holder still lives. The holder writes its pid and
start time into the file, only so the message can name it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import ipaddress
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

from contactctl.journal.errors import JournalBusy, JournalError
from contactctl.send.timing import clock

# How often a waiting run tries the lock again.
POLL_INTERVAL_S = 0.1


def lock_path_for(provider: str, account: str) -> Path:
    """The lock file of one (provider, account), in the user state directory."""
    canonical = canonical_account(account)
    key = hashlib.sha256(f"{provider}\x00{canonical}".encode()).hexdigest()[:16]
    return Path(platformdirs.user_state_dir("contactctl")) / "locks" / f"{provider}.{key}.lock"


def canonical_account(account: str) -> str:
    """The account with its origin spelled one way: scheme and host in lower case, loopback
    hosts as 127.0.0.1, the default port written out. Not a URL: returned unchanged."""
    parts = urlsplit(account)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return account
    scheme = parts.scheme.lower()
    host = parts.hostname.rstrip(".")
    if host == "localhost" or _is_loopback_ip(host):
        host = "127.0.0.1"
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return account
    rest = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    rest += f"#{parts.fragment}" if parts.fragment else ""
    return f"{scheme}://{host}:{port}{rest}"


def _is_loopback_ip(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RunLock:
    """An exclusive lock held for the whole run; `release` (or process death) frees it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, path: Path, provider: str, started_at: datetime, wait_s: float) -> RunLock:
        """Take the lock, trying again until `wait_s` has passed; JournalBusy if still held."""
        deadline = clock.now() + wait_s
        while True:
            fd = _open(path)
            try:
                _lock_within(fd, path, provider, deadline - clock.now(), wait_s)
                if _is_current(fd, path):
                    break
            except BaseException:
                os.close(fd)
                raise
            # The previous holder removed the file between our open and our lock: the inode
            # we hold is gone from the folder, so a third run could lock a new one. Retry.
            os.close(fd)
        _write_holder(fd, started_at)
        return cls(path, fd)

    def release(self) -> None:
        if self._fd is None:
            return
        # Removed while still locked, and only if the name still means our file: a waiter
        # that locked the old inode sees it is gone (`_is_current`) and opens the new one.
        if _is_current(self._fd, self.path):
            with contextlib.suppress(OSError):
                self.path.unlink()
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # os.open makes the descriptor non-inheritable (PEP 446): a child process we spawn
        # must not keep the lock alive after we die.
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise JournalError(
            f"Cannot create the run lock file {path}: {exc.strerror}.",
            "Make the user state directory writable (XDG_STATE_HOME on Linux).",
        ) from exc


def _is_current(fd: int, path: Path) -> bool:
    """Whether `path` still names the file open as `fd`."""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


def _lock_within(fd: int, path: Path, provider: str, remaining_s: float, wait_s: float) -> None:
    deadline = clock.now() + remaining_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            remaining_s = deadline - clock.now()
            if remaining_s <= 0:
                raise _busy(path, provider, wait_s) from None
            clock.pause(min(POLL_INTERVAL_S, remaining_s))
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
        "wait for it to finish, then run again.",
    )


def _read_holder(path: Path) -> str:
    """ "pid 1234, since ..." from the lock file; vague if the holder has not written it yet."""
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {int(holder['pid'])}, since {holder['started_at']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "pid unknown"
