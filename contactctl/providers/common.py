"""Small helpers vendor modules share: name splitting, phone formats, run-wide tags."""

from __future__ import annotations

from typing import Any

from contactctl.model import Contact


def first_and_last(contact: Contact) -> tuple[str | None, str | None]:
    """First and last name, split from the full name when the file only had that."""
    if contact.first_name or contact.last_name:
        return contact.first_name, contact.last_name
    if not contact.name:
        return None, None
    from contactctl.intake.normalize import split_name

    return split_name(contact.name)


def digits(e164: str) -> str:
    """E.164 without its "+": the form most vendors in this family expect."""
    return e164.lstrip("+")


def echoed_digits(value: Any) -> str:
    """The digits of a number a vendor echoed ("+33 6 12..." or 33612...), to match answers to
    rows; "" for anything that is not a number (a list, an object), which matches no row."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return "".join(ch for ch in str(value) if ch.isdigit())


def merged_tags(contact: Contact, run_tags: tuple[str, ...]) -> list[str]:
    """The row's tags then the run's --tag values, each once, in order."""
    return list(dict.fromkeys((*contact.tags, *run_tags)))


def drop_blank(body: dict[str, object]) -> dict[str, object]:
    """Remove absent values: a blank cell must never overwrite what the vendor holds."""
    return {k: v for k, v in body.items() if v not in (None, "", [], {})}
