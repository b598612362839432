"""Phone cells → E.164, undoing what spreadsheets do to numbers, or a reason quoting the cell.

Spreadsheet damage seen in real exports: a number stored as a float (`33612345678.0`), shown
in scientific notation with every digit (`3.3612345678E+10`) or with digits already lost
(`3.36123E+10`, which no one can recover), a leading apostrophe used to force text, and a
dropped leading `+` (`33612345678` read as a number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType, ValidationResult

from contactctl.model import PhoneType

PRECISION_LOST = "precision lost in a spreadsheet"
_SCIENTIFIC = re.compile(r"^\+?(\d)(?:[.,](\d*))?[eE]\+?(\d{1,2})$")
_FLOAT_TAIL = re.compile(r"^(\+?\d+)[.,]0+$")
_EXTENSION = re.compile(r"\s*(?:;?ext\.?|extension|x|#)\s*(\d{1,7})\s*$", re.IGNORECASE)
_LETTERS = re.compile(r"[A-Za-z]")

_TYPES = {
    PhoneNumberType.MOBILE: PhoneType.MOBILE,
    PhoneNumberType.FIXED_LINE: PhoneType.FIXED_LINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE: PhoneType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.TOLL_FREE: PhoneType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE: PhoneType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST: PhoneType.SHARED_COST,
    PhoneNumberType.VOIP: PhoneType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER: PhoneType.PERSONAL_NUMBER,
    PhoneNumberType.PAGER: PhoneType.PAGER,
    PhoneNumberType.UAN: PhoneType.UAN,
    PhoneNumberType.VOICEMAIL: PhoneType.VOICEMAIL,
}
_IMPOSSIBLE = {
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_COUNTRY_CODE: "unknown country code",
    ValidationResult.INVALID_LENGTH: "wrong length for its country",
}


@dataclass(frozen=True, slots=True)
class Phone:
    e164: str
    type: PhoneType
    notes: tuple[str, ...]


class PhoneProblem(ValueError):
    """The cell cannot be turned into a valid number; the message is the row's reason."""


def normalize_phone(cell: str, region: str | None) -> Phone:
    notes: list[str] = []
    text = _undo_spreadsheet(cell.strip(), notes)
    text = _drop_extension(text, notes)
    if _LETTERS.search(text) or not any(ch.isdigit() for ch in text):
        raise PhoneProblem(f"not a phone number: {cell.strip()!r}")
    if text.startswith("00"):
        text = "+" + text[2:]
    number = _parse(text, region, cell, notes)
    kind = _TYPES.get(phonenumbers.number_type(number), PhoneType.UNKNOWN)
    return Phone(phonenumbers.format_number(number, PhoneNumberFormat.E164), kind, tuple(notes))


def _undo_spreadsheet(text: str, notes: list[str]) -> str:
    if text.startswith("'"):
        text = text[1:].strip()
        notes.append("leading apostrophe removed")
    scientific = _SCIENTIFIC.match(text)
    if scientific:
        digits_after_point = scientific.group(2) or ""
        exponent = int(scientific.group(3))
        if len(digits_after_point) < exponent:  # the sheet kept fewer digits than the number has
            raise PhoneProblem(f"{PRECISION_LOST}: {text!r}")
        try:
            value = Decimal(text.lstrip("+").replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            raise PhoneProblem(f"not a phone number: {text!r}") from None
        if value != value.to_integral_value():
            raise PhoneProblem(f"not a phone number: {text!r}")
        notes.append(f"recovered from spreadsheet notation {text!r}")
        return str(int(value))
    float_tail = _FLOAT_TAIL.match(text)
    if float_tail:
        notes.append(f"recovered from spreadsheet number {text!r}")
        return float_tail.group(1)
    return text


def _drop_extension(text: str, notes: list[str]) -> str:
    match = _EXTENSION.search(text)
    if match and any(ch.isdigit() for ch in text[: match.start()]):
        notes.append(f"extension {match.group(1)} dropped")
        return text[: match.start()]
    return text


def _parse(text: str, region: str | None, cell: str, notes: list[str]) -> phonenumbers.PhoneNumber:
    quoted = repr(cell.strip())
    if text.startswith("+"):
        return _valid(_try_parse(text, None, quoted), quoted)
    if region is not None:
        number = _try_parse(text, region, quoted)
        if phonenumbers.is_valid_number(number):
            return number
    # A spreadsheet that stored the number as a number dropped its "+": try it as international.
    international = _international(text)
    if international is not None:
        notes.append("read as international: the + was missing")
        return international
    if region is None:
        raise PhoneProblem(
            f"no country for {quoted}: add a country column, --region or default_region"
        )
    return _valid(_try_parse(text, region, quoted), quoted)


def _international(text: str) -> phonenumbers.PhoneNumber | None:
    digits = re.sub(r"[\s().\-/]", "", text)
    if not digits.isdigit() or digits.startswith("0") or len(digits) < 8:
        return None
    try:
        number = phonenumbers.parse("+" + digits, None)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _try_parse(text: str, region: str | None, quoted: str) -> phonenumbers.PhoneNumber:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException as exc:
        detail = {
            NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
            NumberParseException.TOO_SHORT_NSN: "too short",
            NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
            NumberParseException.TOO_LONG: "too long",
        }.get(exc.error_type, "not a phone number")
        raise PhoneProblem(f"invalid phone number {quoted}: {detail}") from None


def _valid(number: phonenumbers.PhoneNumber, quoted: str) -> phonenumbers.PhoneNumber:
    if phonenumbers.is_valid_number(number):
        return number
    reason = _IMPOSSIBLE.get(phonenumbers.is_possible_number_with_reason(number))
    raise PhoneProblem(f"invalid phone number {quoted}: {reason or 'not a valid number'}")
