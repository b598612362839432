"""In-import duplicates: the second and later rows with one identity key are skipped.

Memory is the point: a million-row import keeps one entry per distinct key, the key and
where it was first seen, with the source name shared rather than copied per row.
"""

from __future__ import annotations

from collections.abc import Callable

from contactctl.model import Contact, RowResult, Status

E164_MAX_DIGITS = 15
_SOURCE_BITS = 20  # up to a million input files in one import
_SOURCE_MASK = (1 << _SOURCE_BITS) - 1


class Deduper:
    """Remembers each identity key's first row across every file of one import."""

    def __init__(self, key: Callable[[Contact], str | None]) -> None:
        self._key = key
        # key → the first row and its source's index packed in one int: no tuple per key,
        # and each source name stored once however many rows it has.
        self._first: dict[str | int, int] = {}
        self._sources: list[str] = []
        self._source_index: dict[str, int] = {}

    def check(self, contact: Contact) -> RowResult | None:
        """None the first time a key is seen (or when the contact has none), else the
        skipped result that names the first row."""
        text = self._key(contact)
        if text is None:
            return None
        key = compact_key(text)
        first = self._first.get(key)
        if first is None:
            self._first[key] = contact.row << _SOURCE_BITS | self._source_id(contact.source)
            return None
        source, row = self._sources[first & _SOURCE_MASK], first >> _SOURCE_BITS
        return RowResult.for_contact(contact, Status.SKIPPED, f"duplicate of {source} row {row}")

    def _source_id(self, source: str) -> int:
        index = self._source_index.get(source)
        if index is None:
            if len(self._sources) > _SOURCE_MASK:
                raise OverflowError("more input files than one import can tell apart")
            index = self._source_index[source] = len(self._sources)
            self._sources.append(source)
        return index

    def __len__(self) -> int:
        """How many distinct keys have been seen."""
        return len(self._first)

    @staticmethod
    def default_key(contact: Contact) -> str | None:
        """The E.164 phone, else the lower-cased e-mail."""
        if contact.phone:
            return contact.phone
        return contact.email.lower() if contact.email else None


def compact_key(key: str) -> str | int:
    """An E.164 number as an int: 32 bytes instead of about 60, which is a quarter of what
    a million keys cost. Only "+" then ASCII digits with no leading zero become ints: the int
    gives that text back exactly, so two different keys never become one (and an int never
    equals a text key)."""
    digits = key[1:]
    if (
        key[:1] == "+"
        and len(digits) <= E164_MAX_DIGITS  # also keeps int() off a 5,000-digit cell
        and digits[:1] != "0"
        and digits.isascii()
        and digits.isdigit()
    ):
        return int(digits)
    return key
