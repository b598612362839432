"""A row's phone among all its candidates: every phone column, every number in a cell.

The candidates come best kind first (mobile, untyped, then home, work, other, main; see
`mapping.py`). The first valid number that can receive messages wins; when every valid one
is a fixed line (or toll-free, ...), the first of those is used, so an SMS or WhatsApp
vendor refuses the row as a fixed line rather than as "no phone". A cell holding several
numbers (Google's " ::: ", a newline, " / ", ";") gives each of them, in order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from contactctl.intake.phones import Phone, PhoneProblem, normalize_phone
from contactctl.model import Cell, PhoneType

# Numbers that cannot receive SMS or WhatsApp messages: a later candidate is better.
_NOT_TEXTABLE = frozenset(
    {
        PhoneType.FIXED_LINE,
        PhoneType.TOLL_FREE,
        PhoneType.PREMIUM_RATE,
        PhoneType.SHARED_COST,
        PhoneType.UAN,
        PhoneType.VOICEMAIL,
        PhoneType.PAGER,
    }
)
_SEPARATOR = re.compile(r"\s+:::\s+|:::|\s*[\r\n]+\s*|\s+/\s+|\s*;\s*")
_DIGIT = re.compile(r"\d")


def split_numbers(text: str) -> list[str]:
    """The numbers in one cell, in order; the cell whole when a part holds too few digits
    to be a number (so "+33 6 12 34 56 78; ext 12" stays one number with its extension)."""
    if ":::" not in text and "\n" not in text and " / " not in text and ";" not in text:
        return [text]
    parts = [part for part in _SEPARATOR.split(text.strip()) if part]
    if len(parts) < 2 or any(len(_DIGIT.findall(part)) < 6 for part in parts):
        return [text]
    return parts


def _texts(cell: Cell) -> list[str]:
    if isinstance(cell, str):
        return split_numbers(cell)
    return [text for value in cell if value.strip() for text in split_numbers(value)]


def choose_phone(
    candidates: Sequence[tuple[str, Cell]], first_column: str, region: str | None
) -> tuple[Phone, str | None]:
    """The row's phone and, when it is not the first number of the file's first phone
    column, a note saying where it came from; PhoneProblem when no candidate is valid."""
    fallback: tuple[Phone, str, int, int] | None = None
    problems: list[tuple[str, str]] = []
    for column, cell in candidates:
        texts = _texts(cell)
        for position, text in enumerate(texts, start=1):
            try:
                phone = normalize_phone(text, region)
            except PhoneProblem as problem:
                problems.append((column, str(problem)))
                continue
            if phone.type not in _NOT_TEXTABLE:
                return phone, _origin(column, position, len(texts), first_column)
            if fallback is None:
                fallback = (phone, column, position, len(texts))
    if fallback is not None:
        phone, column, position, count = fallback
        return phone, _origin(column, position, count, first_column)
    raise PhoneProblem(_failure(problems, first_column))


def _origin(column: str, position: int, count: int, first_column: str) -> str | None:
    if count > 1 and position > 1:
        return f"phone: number {position} of {count} in column {column!r}"
    if column != first_column:
        return f"phone from column {column!r}"
    return None


def _failure(problems: list[tuple[str, str]], first_column: str) -> str:
    if len(problems) == 1 and problems[0][0] == first_column:
        return problems[0][1]
    return "; ".join(
        problem if column == first_column and index == 0 else f"{column}: {problem}"
        for index, (column, problem) in enumerate(problems)
    )
