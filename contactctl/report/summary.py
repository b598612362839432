"""Totals per status: the one thing every run keeps whatever its size."""

from __future__ import annotations

from dataclasses import dataclass, field

from contactctl.errors import ExitCode
from contactctl.model import Status

_FIELD = {status: str(status.value) for status in Status}
# The statuses a run's summary lists, by command: undo deletes and restores, import writes.
IMPORT_STATUSES = ("added", "updated", "upserted", "skipped", "failed")
UNDO_STATUSES = ("deleted", "restored", "skipped", "failed")


@dataclass
class Summary:
    """Counts per status. `total` always equals the sum of the statuses."""

    total: int = 0
    added: int = 0
    updated: int = 0
    upserted: int = 0
    skipped: int = 0
    failed: int = 0
    deleted: int = 0
    restored: int = 0
    shown: tuple[str, ...] = field(default=IMPORT_STATUSES, compare=False)

    def count(self, status: Status) -> None:
        self.total += 1
        # A Status's value is its field's name, so the two cannot drift apart; the plain
        # text (not the enum) makes the attribute look-up the interpreter's fast one.
        name = _FIELD[status]
        setattr(self, name, getattr(self, name) + 1)

    def as_dict(self) -> dict[str, int]:
        return {"total": self.total} | {name: getattr(self, name) for name in self.shown}

    @property
    def written(self) -> int:
        """Rows the provider now holds: added, updated or upserted."""
        return self.added + self.updated + self.upserted

    @property
    def exit_code(self) -> ExitCode:
        """OK when nothing failed; the caller overrides it for an abort or an interrupt."""
        return ExitCode.OK if self.failed == 0 else ExitCode.ROWS_FAILED

    def line(self) -> str:
        """`60 rows: 57 added, 0 updated, 0 upserted, 3 skipped, 0 failed`."""
        noun = "row" if self.total == 1 else "rows"
        counts = ", ".join(
            f"{count} {name}" for name, count in self.as_dict().items() if name != "total"
        )
        return f"{self.total} {noun}: {counts}"
