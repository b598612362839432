"""The journal's values and its small helpers: where it lives, what a delivery looks like."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs


def default_journal_path() -> Path:
    """The journal used without --journal: in the user's state directory."""
    return Path(platformdirs.user_state_dir("contactctl")) / "journal.sqlite3"


def iso(moment: datetime) -> str:
    """ISO 8601 UTC to the second: what the journal stores and reasons quote."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Delivered:
    """A contact confirmed earlier with some content."""

    identity: str
    content_hash: str
    status: str
    vendor_id: str | None
    confirmed_at: str  # ISO 8601 UTC, seconds
