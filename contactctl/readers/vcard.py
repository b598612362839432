"""vCard 3.0 / 4.0 through vobject: one card is one row, numbered from 1.

Each card becomes fixed headers the mapping knows: Full Name (FN), First Name and Last Name
(N), Phone (the cell/mobile TEL, else the preferred one, else the first), Other Phones, Email
(the preferred, else the first), Tags (CATEGORIES) and Organization (ORG).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from contactctl.errors import InputError
from contactctl.model import Cell, RawRow
from contactctl.readers.text import decode_error, open_text

if TYPE_CHECKING:
    from contactctl.readers import Table

HEADERS = [
    "Full Name",
    "First Name",
    "Last Name",
    "Phone",
    "Other Phones",
    "Email",
    "Tags",
    "Organization",
]
_CARD = re.compile(r"BEGIN:VCARD.*?END:VCARD", re.IGNORECASE | re.DOTALL)


def read(stream: BinaryIO, source: str, encoding: str | None) -> Table:
    from contactctl.readers import Table

    text, chosen = open_text(stream, source, encoding)
    try:
        content = text.read()
    except UnicodeDecodeError as exc:
        raise decode_error(source, 1, exc, chosen) from None
    cards = _CARD.findall(content)
    if not cards:
        raise InputError(f"{source}: no vCard (BEGIN:VCARD … END:VCARD) in the file.")
    return Table(source, list(HEADERS), _rows(cards, source))


def _rows(cards: list[str], source: str) -> Iterator[RawRow]:
    import vobject

    for number, card_text in enumerate(cards, start=1):
        try:
            card = vobject.readOne(card_text)
        except Exception as exc:  # vobject raises many unrelated types for bad cards
            yield RawRow(source, number, {}, f"unreadable vCard: {str(exc)[:80] or 'bad syntax'}")
            continue
        yield RawRow(source, number, _cells(card))


def _cells(card: Any) -> dict[str, Cell]:
    contents = card.contents
    given, family = _n(contents.get("n"))
    phones = _ordered_phones(contents.get("tel", []))
    return {
        "Full Name": _first_value(contents.get("fn")),
        "First Name": given,
        "Last Name": family,
        "Phone": phones[0] if phones else "",
        "Other Phones": "; ".join(phones[1:]),
        "Email": _preferred(contents.get("email", [])),
        "Tags": [t for c in contents.get("categories", []) for t in _listed(c.value)],
        "Organization": _org(contents.get("org")),
    }


def _types(line: Any) -> set[str]:
    found: set[str] = set()
    for value in line.params.get("TYPE", []):
        found |= {part.strip().lower() for part in str(value).split(",")}
    if "PREF" in line.params:
        found.add("pref")
    return found


def _ordered_phones(lines: list[Any]) -> list[str]:
    def rank(line: Any) -> int:
        kinds = _types(line)
        if kinds & {"cell", "mobile", "iphone"}:
            return 0
        return 1 if "pref" in kinds else 2

    ordered = sorted(lines, key=rank)
    return [str(line.value).removeprefix("tel:").strip() for line in ordered if line.value]


def _preferred(lines: list[Any]) -> str:
    ordered = sorted(lines, key=lambda line: 0 if "pref" in _types(line) else 1)
    return str(ordered[0].value).strip() if ordered else ""


def _first_value(lines: list[Any] | None) -> str:
    return str(lines[0].value).strip() if lines else ""


def _n(lines: list[Any] | None) -> tuple[str, str]:
    if not lines:
        return "", ""
    value = lines[0].value
    given = " ".join(_listed(getattr(value, "given", "")))
    family = " ".join(_listed(getattr(value, "family", "")))
    return given, family


def _org(lines: list[Any] | None) -> str:
    if not lines:
        return ""
    return " ".join(_listed(lines[0].value))


def _listed(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    return [text] if text else []
