"""The words of a remote plan (`import --dry-run --lookup`): what an import would do."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from contactctl.model import Contact, RowResult, Status

WOULD_ADD = "would add"
UP_TO_DATE = "already up to date"


def planned(contact: Contact, reason: str, contact_id: str | None = None) -> RowResult:
    """A planned row: skipped (nothing is written), with what would have happened."""
    return RowResult.for_contact(contact, Status.SKIPPED, reason, id=contact_id)


def would_update(changes: Iterable[str]) -> str:
    listed = list(changes)
    return f"would update: {'; '.join(listed)}" if listed else UP_TO_DATE


def value_change(field: str, held: object, wanted: object) -> list[str]:
    """`name: 'Ann' -> 'Anne'` when the row would change the field, else nothing."""
    return [] if held == wanted else [f"{field}: {held!r} -> {wanted!r}"]


def tag_change(held: Iterable[str], wanted: Iterable[str]) -> list[str]:
    """`tags: +vip +lead` for the tags the row would add (an import never removes one)."""
    have = {tag.casefold() for tag in held}
    added = [tag for tag in wanted if tag.casefold() not in have]
    return [f"tags: {' '.join('+' + tag for tag in added)}"] if added else []


def fields_change(held: Mapping[str, object], wanted: Mapping[str, object]) -> list[str]:
    """One `key: 'old' -> 'new'` per field the row would change."""
    return [
        change
        for key, value in wanted.items()
        for change in value_change(key, held.get(key), value)
    ]
