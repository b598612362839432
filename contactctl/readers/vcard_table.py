"""vCard (2.1, 3.0, 4.0) through vobject: one card is one row, numbered from 1.

The file is split into cards here, line by line, and each card is parsed on its own, so a card
vobject cannot read fails alone and a large address book is never held whole. Each card
becomes the same headers, which the column mapping already knows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from contactctl.errors import InputError
from contactctl.intake.headers import PhoneKind, label_kind
from contactctl.model import Cell, RawRow
from contactctl.readers.base import ReadOptions, Table
from contactctl.readers.decoding import (
    BoundedLines,
    TextInput,
    failed_line,
    open_text,
    oversize_problem,
    undecodable,
)
from contactctl.readers.source import ByteInput

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


def open_vcard(data: ByteInput, options: ReadOptions) -> Table:
    text = open_text(data, options.encoding)
    cards = _card_texts(text, options.max_record_chars)
    first = next(cards, None)
    if first is None:
        raise InputError(
            f"{data.source} contains no vCard (no BEGIN:VCARD line).",
            "Check that it is a .vcf file, or pass the right --input-format.",
        )
    rows = (
        _card_row(data.source, number, card, options.max_record_chars)
        for number, card in enumerate(chain([first], cards), start=1)
    )
    return Table(data.source, list(HEADERS), rows)


@dataclass(slots=True)
class _Card:
    """One card's lines as read; past the size limit its lines are dropped, not kept."""

    lines: list[str] = field(default_factory=list)
    chars: int = 0
    closed: bool = False  # an END:VCARD line ended it
    oversized: bool = False

    def add(self, line: str, limit: int) -> None:
        self.chars += len(line)
        if self.chars > limit:
            self.oversized = True
            self.lines.clear()
        elif not self.oversized:
            self.lines.append(line)


def _card_texts(text: TextInput, limit: int) -> Iterator[_Card]:
    """Each card as read, whether or not an END:VCARD line closed it."""
    card: _Card | None = None
    line_count = 0
    lines = BoundedLines(text.text, limit)
    try:
        for line in lines:
            line_count += 1
            if lines.oversized and card is not None:
                card.oversized = True
                card.lines.clear()
            lines.oversized = 0
            tag = line.strip().upper()
            if tag == "BEGIN:VCARD":
                if card is not None:  # the card before never ended
                    yield card
                card = _Card()
                card.add(line, limit)
            elif card is not None:
                card.add(line, limit)
                if tag == "END:VCARD":
                    card.closed = True
                    yield card
                    card = None
    except UnicodeDecodeError as exc:
        raise undecodable(text.source, text.encoding, exc, failed_line(line_count, exc)) from exc
    if card is not None:
        yield card


def _card_row(source: str, number: int, read: _Card, limit: int) -> RawRow:
    import vobject

    if read.oversized:
        return RawRow(source, number, {}, oversize_problem(limit))
    if not read.closed:
        return RawRow(source, number, {}, "unreadable vCard: no END:VCARD line")
    card_text = "".join(read.lines)
    try:
        card = vobject.readOne(card_text, allowQP=True)
        cells = card_cells(card)
    except Exception as exc:  # vobject raises many unrelated types for a bad card
        detail = str(exc).strip().splitlines()[0][:100] if str(exc).strip() else "bad syntax"
        return RawRow(source, number, {}, f"unreadable vCard: {detail}")
    return RawRow(source, number, cells)


def card_cells(card: Any) -> dict[str, Cell]:
    """A parsed card as cells under HEADERS."""
    contents: dict[str, list[Any]] = card.contents
    labels = {
        str(line.group).casefold(): str(line.value)
        for line in contents.get("x-ablabel", [])
        if getattr(line, "group", None)
    }
    tels = _ranked_phones(contents.get("tel", []), labels)
    phones = [_phone_text(line.value) for line in tels]
    phones = [phone for phone in phones if phone]
    emails = [str(line.value).strip() for line in _ranked(contents.get("email", []))]
    emails = [email for email in emails if email]
    given, family = _name_parts(contents.get("n", []))
    return {
        "Full Name": _first_text(contents.get("fn", [])),
        "First Name": given,
        "Last Name": family,
        "Phone": phones[0] if phones else "",
        "Other Phones": "; ".join(phones[1:]),
        "Email": emails[0] if emails else "",
        "Tags": _categories(contents.get("categories", [])),
        "Organization": _organization(contents.get("org", [])),
    }


def _ranked(lines: list[Any]) -> list[Any]:
    """Preferred ones first, then the rest in file order."""
    return sorted(lines, key=lambda line: 0 if _preferred(line) else 1)


def _preferred(line: Any) -> bool:
    return "pref" in _types(line) or "PREF" in line.params


def _ranked_phones(lines: list[Any], labels: dict[str, str]) -> list[Any]:
    """Mobile numbers first (by TYPE, or Apple's item group label "_$!<Mobile>!$_"), then
    untyped, then home, work, other, preferred ones first within each; fax and pager never."""

    def kind(line: Any) -> PhoneKind:
        label = labels.get(str(getattr(line, "group", None) or "").casefold(), "")
        return label_kind(" ".join((*sorted(_types(line) - {"voice", "pref"}), label)))

    kinds = [(kind(line), 0 if _preferred(line) else 1, line) for line in lines]
    return [
        line for k, pref, line in sorted(kinds, key=lambda item: item[:2]) if k != PhoneKind.NEVER
    ]


def _types(line: Any) -> set[str]:
    # 3.0/4.0 write TYPE=cell,voice (or TYPE="cell,voice"); 2.1 writes bare ;CELL;VOICE.
    values = [*line.params.get("TYPE", []), *getattr(line, "singletonparams", [])]
    return {part.strip().strip('"').lower() for value in values for part in value.split(",")}


def _phone_text(value: Any) -> str:
    """A TEL value as text; a 4.0 URI (tel:+33-6-...;ext=12) loses its scheme, keeps the ext."""
    text = str(value).strip()
    if text[:4].lower() == "tel:":
        number, _, extension = text[4:].partition(";ext=")
        text = f"{number} ext. {extension}" if extension else number
    return text


def _name_parts(lines: list[Any]) -> tuple[str, str]:
    if not lines:
        return "", ""
    name = lines[0].value
    return _joined(getattr(name, "given", "")), _joined(getattr(name, "family", ""))


def _first_text(lines: list[Any]) -> str:
    return _joined(lines[0].value) if lines else ""


def _categories(lines: list[Any]) -> list[str]:
    tags: dict[str, None] = {}
    for line in lines:
        values = line.value if isinstance(line.value, list) else str(line.value).split(",")
        tags.update((tag.strip(), None) for tag in values if tag.strip())
    return list(tags)


def _organization(lines: list[Any]) -> str:
    if not lines:
        return ""
    value = lines[0].value
    parts = value if isinstance(value, list) else [value]
    return ", ".join(str(part).strip() for part in parts if str(part).strip())


def _joined(value: Any) -> str:
    """vobject gives a str, or a list where the field had several values."""
    if isinstance(value, list):
        return " ".join(str(part).strip() for part in value if str(part).strip())
    return str(value).strip() if value is not None else ""
