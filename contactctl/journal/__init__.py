"""The delivery journal behind --resume: a SQLite file of what each account was confirmed.

default_journal_path()           where it lives without --journal
content_hash(contact, extra)     what would be sent, as a hash
Journal(path, provider, account) one account's rows, under that account's run lock
"""

from __future__ import annotations

from contactctl.journal.errors import JournalBusy, JournalError, JournalFailed
from contactctl.journal.hashing import content_hash
from contactctl.journal.store import Journal
from contactctl.journal.values import (
    Delivered,
    default_journal_path,
)

__all__ = [
    "Delivered",
    "Journal",
    "JournalBusy",
    "JournalError",
    "JournalFailed",
    "content_hash",
    "default_journal_path",
]
