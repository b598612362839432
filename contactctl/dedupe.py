"""Duplicates within one import (across all its files), by the provider's identity key."""

from __future__ import annotations

import sys
from collections.abc import Callable

from contactctl.model import Contact, RowResult, Status


class Deduper:
    """Remembers the first row of each key; later rows with the same key are skipped.

    Memory grows with the keys only: each entry is the key and (source, row), with the source
    string shared, so a million rows cost tens of megabytes, not the rows themselves.
    """

    def __init__(self, key: Callable[[Contact], str | None]) -> None:
        self._key = key
        self._first: dict[str, tuple[str, int]] = {}

    def check(self, contact: Contact) -> RowResult | None:
        key = self._key(contact)
        if key is None:
            return None
        first = self._first.get(key)
        if first is None:
            self._first[sys.intern(key)] = (sys.intern(contact.source), contact.row)
            return None
        reason = f"duplicate of {first[0]} row {first[1]}"
        return RowResult.for_contact(contact, Status.SKIPPED, reason)

    @staticmethod
    def default_key(contact: Contact) -> str | None:
        """The E.164 phone, else the lower-cased e-mail."""
        if contact.phone:
            return contact.phone
        return contact.email.lower() if contact.email else None
