"""The values that flow through the pipeline.

`RawRow` is what a reader saw, `Contact` is a normalised record, `RowResult` is the final word
on one row. Each carries the source file and the row number a person would look for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Re-exported: the small enums live apart so `--help` need not load this module.
from contactctl.choices import Delivery as Delivery
from contactctl.choices import InputFormat as InputFormat
from contactctl.choices import OnDuplicate as OnDuplicate
from contactctl.choices import OutputMode as OutputMode
from contactctl.choices import ShowMode as ShowMode

# A cell as readers hand it on: text, or a list of texts where the format has real lists
# (a JSON array of tags, several vCard categories). Blank cells are "" and are treated as
# absent by the mapping stage, never as a value to send.
Cell = str | list[str]


class Status(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UPSERTED = "upserted"
    SKIPPED = "skipped"
    FAILED = "failed"
    # `contactctl undo`: an added contact deleted, an updated one put back as it was.
    DELETED = "deleted"
    RESTORED = "restored"


WRITTEN_STATUSES = frozenset({Status.ADDED, Status.UPDATED, Status.UPSERTED})


class PhoneType(StrEnum):
    """phonenumbers' number types, by the names the report and the senders use."""

    MOBILE = "mobile"
    FIXED_LINE = "fixed_line"
    FIXED_LINE_OR_MOBILE = "fixed_line_or_mobile"
    TOLL_FREE = "toll_free"
    PREMIUM_RATE = "premium_rate"
    SHARED_COST = "shared_cost"
    VOIP = "voip"
    PERSONAL_NUMBER = "personal_number"
    PAGER = "pager"
    UAN = "uan"
    VOICEMAIL = "voicemail"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class RawRow:
    """One record as read: where it came from and its cells by header.

    `problem` is set when the reader could read the record but not trust it (a ragged CSV row);
    such a row fails with that reason and is never sent.
    """

    source: str
    row: int
    cells: Mapping[str, Cell]
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A normalised contact: blank values are None / empty, never empty strings."""

    source: str
    row: int
    phone: str | None = None  # E.164, with the leading +
    phone_type: PhoneType | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    name: str | None = None
    external_id: str | None = None
    tags: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    attributes: Mapping[str, str] = field(default_factory=dict)
    opt_in: bool | None = None
    country: str | None = None
    # What normalisation changed or noticed ("recovered from spreadsheet damage: ...").
    notes: tuple[str, ...] = ()
    # The original record, kept so a failure can be written back to the rejects file.
    raw: RawRow | None = field(default=None, compare=False, repr=False)
    # The vendor's id for this contact from a confirmed earlier delivery to the same account
    # (the journal's), for providers that can update by id without a look-up.
    known_id: str | None = None

    @property
    def display_name(self) -> str | None:
        """The name a person would recognise: the full name, else first and last joined."""
        if self.name:
            return self.name
        first, last = self.first_name, self.last_name
        return f"{first} {last}" if first and last else first or last or None


@dataclass(frozen=True, slots=True)
class Change:
    """What a write set at the vendor, in the vendor's own field names, and (where a look-up
    read the contact first) what those fields held before: the journal keeps both, so
    `contactctl undo` can tell whether the contact changed since, and put it back."""

    sent: Mapping[str, Any]
    before: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class RunRow:
    """One contact a run wrote, as the journal keeps it and `contactctl undo` reads it."""

    source: str
    row: int
    identity: str
    status: str  # added, updated or upserted
    vendor_id: str | None
    phone: str | None
    sent: dict[str, Any] | None  # what the write set, in the vendor's field names
    before: dict[str, Any] | None  # those fields as a look-up showed them before the write
    undone: str | None = None  # what undo did: deleted, restored, gone...
    undone_by: int | None = None  # the undo run that did it
    # When no look-up was made (an update by the journal's id), `before` is what the earlier
    # run `before_run` left in those fields, as the journal recorded it.
    before_run: int | None = None


@dataclass(frozen=True, slots=True)
class RowResult:
    """The final word on one row."""

    source: str
    row: int
    status: Status
    reason: str | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    id: str | None = None
    raw: RawRow | None = field(default=None, compare=False, repr=False)
    # Whether the write reached the vendor (a written row landed; others say so explicitly).
    delivery: Delivery = Delivery.NOT_SENT
    change: Change | None = field(default=None, compare=False, repr=False)

    @classmethod
    def for_contact(
        cls,
        contact: Contact,
        status: Status,
        reason: str | None = None,
        id: str | None = None,
        delivery: Delivery | None = None,
        change: Change | None = None,
    ) -> RowResult:
        # What normalisation repaired rides along, so the row says so whatever its status.
        if contact.notes:
            reason = "; ".join((reason, *contact.notes) if reason else contact.notes)
        if delivery is None:
            delivery = Delivery.LANDED if status in WRITTEN_STATUSES else Delivery.NOT_SENT
        return cls(
            contact.source,
            contact.row,
            status,
            reason or None,
            contact.display_name,
            contact.phone,
            contact.email,
            id,
            contact.raw,
            delivery,
            change,
        )

    @classmethod
    def not_confirmed(cls, contact: Contact, why: str) -> RowResult:
        """A row whose write may have landed but that no answer confirmed: failed, and the
        journal keeps it open so the next run checks or re-sends it."""
        reason = f"not confirmed: {why}"
        return cls.for_contact(contact, Status.FAILED, reason, delivery=Delivery.MAY_HAVE_LANDED)

    @classmethod
    def for_raw(cls, raw: RawRow, status: Status, reason: str) -> RowResult:
        return cls(source=raw.source, row=raw.row, status=status, reason=reason, raw=raw)
