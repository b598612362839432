"""Phone cells → E.164, undoing what spreadsheets do to numbers, or a reason quoting the cell.

Spreadsheet damage seen in real exports: a number stored as a float (`33612345678.0`), shown
in scientific notation with every digit (`3.3612345678E+10`) or with digits already lost
(`3.36123E+10`, which no one can recover), a leading apostrophe used to force text, and a
dropped leading `+` (`33612345678` stored as a number).

Speed: validity and type come from phone_rules.classify (phonenumbers' metadata compiled
once), and numbers written plainly skip phonenumbers' `parse` as well when nothing in them
needs its national-prefix handling. Anything unusual takes phonenumbers' own path, so the
answer is the same either way (the tests compare both on every region). With
CONTACTCTL_PLAIN_PHONENUMBERS=1 every number takes phonenumbers' own path: about 10x slower,
for a phonenumbers release whose metadata the fast path would misread.
"""

from __future__ import annotations

import os
import re
import unicodedata
from decimal import Decimal
from typing import NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType, ValidationResult

from contactctl.intake.phone_rules import Region, classify, region_rules, split_international
from contactctl.model import PhoneType

# Read once: the process pool's workers inherit the environment, so every worker agrees.
PLAIN_PHONENUMBERS = os.environ.get("CONTACTCTL_PLAIN_PHONENUMBERS", "") not in ("", "0")

PRECISION_LOST = "precision lost in a spreadsheet"

# Characters people put between digits; dropped before looking at the digits themselves.
_SEPARATORS = str.maketrans("", "", " -.()/\u00a0")
_PLAIN = re.compile(r"\+?[ ().\-/\u00a0]*\d[0-9 ().\-/\u00a0]*", re.ASCII)
_SCIENTIFIC = re.compile(r"\+?(\d+)(?:[.,](\d*))?[eE]\+?(\d{1,2})")
_FLOAT_TAIL = re.compile(r"(\+?\d+)[.,]0+")
_EXTENSION = re.compile(
    r"\s*[,;]?\s*(?:ext(?:ension)?\.?|x|#)\s*[:=]?\s*(\d{1,7})\s*$", re.IGNORECASE
)
_PARSE_ERRORS = {
    NumberParseException.INVALID_COUNTRY_CODE: "invalid country code",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
    NumberParseException.TOO_LONG: "too long",
}
_IMPOSSIBLE = {
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_COUNTRY_CODE: "invalid country code",
    ValidationResult.INVALID_LENGTH: "wrong length for its country",
}


class Phone(NamedTuple):
    """A valid number (a named tuple: one is made per row, and a tuple is cheaper)."""

    e164: str
    type: PhoneType
    notes: tuple[str, ...] = ()


class PhoneProblem(ValueError):
    """The cell cannot become a valid number; the message is the row's reason."""


_Found = tuple[str, PhoneType]  # E.164 and type


def normalize_phone(cell: str, region: str | None) -> Phone:
    """The number a cell means, in E.164, read in `region` when written nationally.

    Repairs are noted in one line ("recovered from spreadsheet damage: '33612345678.0' read
    as +33612345678 (stored as a number, + missing)"); a dropped extension in another.
    """
    if not PLAIN_PHONENUMBERS and cell[:1] == "+" and cell.isascii() and cell[1:].isdigit():
        digits = cell[1:]
        # Already E.164, as most cells of a clean export are: no repair, no phonenumbers.
        split = split_international(digits)
        if split is not None and (kind := classify(*split)) is not None:
            return Phone(cell, kind)
    shown = cell.strip()
    repairs: list[str] = []
    notes: list[str] = []
    text = _undo_damage(shown, repairs, notes)
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        e164, kind = _international(text, shown)
    else:
        e164, kind = _national(text, shown, region, repairs)
    if repairs:
        repaired = ", ".join(repairs)
        notes.insert(0, f"recovered from spreadsheet damage: {shown!r} read as {e164} ({repaired})")
    return Phone(e164, kind, tuple(notes))


def _undo_damage(shown: str, repairs: list[str], notes: list[str]) -> str:
    """Apostrophe, float and scientific notation undone; extensions dropped; letters refused."""
    text = shown
    if text.startswith("'"):
        text = text[1:].strip()
        repairs.append("leading apostrophe")
    if text.endswith("0") and ("." in text or "," in text):
        tail = _FLOAT_TAIL.fullmatch(text)
        if tail is not None:
            repairs.append("stored as a number")
            return tail.group(1)
    if _PLAIN.fullmatch(text):
        return text
    text = _ascii_digits(text)
    scientific = _SCIENTIFIC.fullmatch(text)
    if scientific:
        repairs.append("scientific notation")
        return _from_scientific(scientific, shown)
    extension = _EXTENSION.search(text)
    if extension and _PLAIN.fullmatch(text[: extension.start()]):
        notes.append(f"extension {extension.group(1)} dropped")
        text = text[: extension.start()]
    if not _PLAIN.fullmatch(text):
        raise PhoneProblem(f"not a phone number: {shown!r}")
    return text


def _ascii_digits(text: str) -> str:
    """Full-width and other scripts' digits as ASCII (phonenumbers accepts them too)."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _from_scientific(match: re.Match[str], shown: str) -> str:
    """3.3612345678E+10 → 33612345678 when every digit is shown; fail when some are gone."""
    whole, fraction, exponent = match.group(1), match.group(2) or "", int(match.group(3))
    if len(fraction) < exponent:
        # The digits the display left out are unknown, not zeros.
        raise PhoneProblem(f"{PRECISION_LOST}: {shown!r}")
    value = Decimal(f"{whole}.{fraction or '0'}E{exponent}")
    if value != value.to_integral_value():
        raise PhoneProblem(f"not a phone number: {shown!r}")
    return str(int(value))


def _international(text: str, shown: str) -> _Found:
    digits = text[1:].replace(" ", "")
    if not digits.isdigit():
        digits = digits.translate(_SEPARATORS)
    if not PLAIN_PHONENUMBERS and digits.isascii() and digits.isdigit():
        split = split_international(digits)
        if split is not None:
            kind = classify(*split)
            if kind is not None:
                return "+" + digits, kind
    return _via_phonenumbers(text, None, shown)


def _national(text: str, shown: str, region: str | None, repairs: list[str]) -> _Found:
    rules = region_rules(region) if region is not None else None
    # Bare digits may be a cell a spreadsheet stored as a number, losing a leading "+".
    bare = text.isascii() and text.isdigit()
    if bare and rules is not None and text.startswith(rules.code_digits):
        # Digits that start with the row's own calling code are an international number
        # far more often than a national one whose area code happens to start that way
        # (German "4915123456789" is +49 151..., not a 13-digit number in area 049).
        found = _missing_plus(text, repairs)
        if found is not None:
            return found
        bare = False  # tried
    if rules is None:
        problem = PhoneProblem(
            f"no country for {shown!r}: add a country column, --region or default_region"
        )
    else:
        found = _fast_national(text, rules)
        if found is not None:
            return found
        try:
            return _via_phonenumbers(text, rules.region, shown)
        except PhoneProblem as national_problem:
            problem = national_problem
    # Not a number here, or no region to read it in: the "+" may be what is missing.
    found = _missing_plus(text, repairs) if bare else None
    if found is None:
        raise problem
    return found


def _fast_national(text: str, rules: Region) -> _Found | None:
    """phonenumbers' reading of a plainly written national number, without its parser."""
    if PLAIN_PHONENUMBERS:
        return None
    digits = text if text.isdigit() else text.replace(" ", "")
    if not digits.isdigit():
        digits = digits.translate(_SEPARATORS)
    if not (digits.isascii() and digits.isdigit()):
        return None
    nsn = rules.national_number(digits)
    kind = classify(rules.country_code, nsn) if nsn is not None else None
    return (f"+{rules.code_digits}{nsn}", kind) if kind is not None else None


def _missing_plus(digits: str, repairs: list[str]) -> _Found | None:
    if digits.startswith("0"):
        return None
    try:
        found = _international("+" + digits, digits)
    except PhoneProblem:
        return None
    repairs.append("+ missing")
    return found


def _via_phonenumbers(text: str, region: str | None, shown: str) -> _Found:
    """phonenumbers' own parser, for national numbers and anything unusual."""
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        detail = _PARSE_ERRORS.get(exc.error_type)
        if detail is None:
            raise PhoneProblem(f"not a phone number: {shown!r}") from None
        raise PhoneProblem(f"invalid phone number {shown!r}: {detail}") from None
    nsn = phonenumbers.national_significant_number(number)
    kind = _plain_kind(number) if PLAIN_PHONENUMBERS else classify(number.country_code or 0, nsn)
    if kind is None:
        reason = _IMPOSSIBLE.get(phonenumbers.is_possible_number_with_reason(number))
        raise PhoneProblem(f"invalid phone number {shown!r}: {reason or 'not a valid number'}")
    return f"+{number.country_code}{nsn}", kind


_AS_MODEL = {
    getattr(PhoneNumberType, kind.name): kind for kind in PhoneType if kind.name != "UNKNOWN"
}


def _plain_kind(number: PhoneNumber) -> PhoneType | None:
    """classify's answer, from phonenumbers' own API."""
    if not phonenumbers.is_valid_number(number):
        return None
    return _AS_MODEL.get(phonenumbers.number_type(number))
