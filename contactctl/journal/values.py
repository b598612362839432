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

    @property
    def reason(self) -> str:
        """The reason a row skipped for this delivery gives."""
        return f"unchanged since {self.confirmed_at}"


@dataclass(frozen=True)
class JournalStats:
    """What the journal saved this run, for the report."""

    saved_rows: int  # rows `unchanged` recognised, so not sent again
    saved_since: str | None  # the oldest confirmation among them

    @property
    def note(self) -> str | None:
        """The report's line (journal: 120 rows unchanged since ...), or None if none saved."""
        if not self.saved_rows:
            return None
        noun = "row" if self.saved_rows == 1 else "rows"
        return f"journal: {self.saved_rows} {noun} unchanged since {self.saved_since}"
