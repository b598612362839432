"""Phone cells → E.164, undoing what spreadsheets do to numbers, or a reason quoting the cell.

Spreadsheet damage seen in real exports: a number stored as a float (`33612345678.0`), shown
in scientific notation with every digit (`3.3612345678E+10`) or with digits already lost
(`3.36123E+10`, which no one can recover), a leading apostrophe used to force text, and a
dropped leading `+` (`33612345678` stored as a number).

Speed: phonenumbers' `parse` + `is_valid_number` + `number_type` cost 50-90 µs a number, most
of it regular expressions compiled or looked up again on every call. Validity and type depend
only on the calling code and the national significant number, so `classify` answers them from
the same metadata, compiled once; numbers written internationally skip `parse` as well when nothing
in them needs phonenumbers' national-prefix handling. Anything unusual takes phonenumbers' own
path, so the answer is the same either way (the tests compare both on every region).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

import phonenumbers
from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    NumberParseException,
    PhoneMetadata,
    ValidationResult,
)

from contactctl.model import PhoneType

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


@dataclass(frozen=True, slots=True)
class Phone:
    e164: str
    type: PhoneType
    notes: tuple[str, ...] = ()


class PhoneProblem(ValueError):
    """The cell cannot become a valid number; the message is the row's reason."""


def normalize_phone(cell: str, region: str | None) -> Phone:
    """The number a cell means, in E.164, read in `region` when written nationally."""
    shown = cell.strip()
    notes: list[str] = []
    text = _undo_damage(shown, notes)
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        return _international(text, shown, notes)
    return _national(text, shown, region, notes)


def _undo_damage(shown: str, notes: list[str]) -> str:
    """Apostrophe, float and scientific notation undone; extensions dropped; letters refused."""
    text = shown
    if text.startswith("'"):
        text = text[1:].strip()
        notes.append(f"recovered from spreadsheet damage: leading apostrophe in {shown!r}")
    if _PLAIN.fullmatch(text):
        if text.endswith("0") and ("." in text or "," in text):
            return _float_tail(text, shown, notes)
        return text
    text = _ascii_digits(text)
    scientific = _SCIENTIFIC.fullmatch(text)
    if scientific:
        return _from_scientific(scientific, shown, notes)
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


def _float_tail(text: str, shown: str, notes: list[str]) -> str:
    tail = _FLOAT_TAIL.fullmatch(text)
    if tail is None:
        return text
    notes.append(f"recovered from spreadsheet damage: {shown!r} was stored as a number")
    return tail.group(1)


def _from_scientific(match: re.Match[str], shown: str, notes: list[str]) -> str:
    """3.3612345678E+10 → 33612345678 when every digit is shown; fail when some are gone."""
    whole, fraction, exponent = match.group(1), match.group(2) or "", int(match.group(3))
    if len(fraction) < exponent:
        # The digits the display left out are unknown, not zeros.
        raise PhoneProblem(f"{PRECISION_LOST}: {shown!r}")
    value = Decimal(f"{whole}.{fraction or '0'}E{exponent}")
    if value != value.to_integral_value():
        raise PhoneProblem(f"not a phone number: {shown!r}")
    notes.append(f"recovered from spreadsheet damage: {shown!r} was in scientific notation")
    return str(int(value))


def _international(text: str, shown: str, notes: list[str]) -> Phone:
    digits = text[1:].translate(_SEPARATORS)
    if digits.isascii() and digits.isdigit():
        split = split_international(digits)
        if split is not None:
            kind = classify(*split)
            if kind is not None:
                return Phone("+" + digits, kind, tuple(notes))
    return _via_phonenumbers(text, None, shown, notes)


def _national(text: str, shown: str, region: str | None, notes: list[str]) -> Phone:
    problem = PhoneProblem(
        f"no country for {shown!r}: add a country column, --region or default_region"
    )
    if region is not None:
        try:
            return _via_phonenumbers(text, region, shown, notes)
        except PhoneProblem as national_problem:
            problem = national_problem
    # A cell stored as a number lost its "+": read bare digits as international when the
    # region cannot make sense of them (the note says so).
    recovered = _missing_plus(text, notes) if text.isascii() and text.isdigit() else None
    if recovered is None:
        raise problem
    return recovered


def _missing_plus(digits: str, notes: list[str]) -> Phone | None:
    if digits.startswith("0"):
        return None
    try:
        phone = _international("+" + digits, digits, [])
    except PhoneProblem:
        return None
    note = f"{digits} had lost its leading +: read as {phone.e164}"
    return Phone(phone.e164, phone.type, (*notes, note))


def _via_phonenumbers(text: str, region: str | None, shown: str, notes: list[str]) -> Phone:
    """phonenumbers' own parser, for national numbers and anything unusual."""
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        detail = _PARSE_ERRORS.get(exc.error_type)
        if detail is None:
            raise PhoneProblem(f"not a phone number: {shown!r}") from None
        raise PhoneProblem(f"invalid phone number {shown!r}: {detail}") from None
    nsn = phonenumbers.national_significant_number(number)
    kind = classify(number.country_code or 0, nsn)
    if kind is None:
        reason = _IMPOSSIBLE.get(phonenumbers.is_possible_number_with_reason(number))
        raise PhoneProblem(f"invalid phone number {shown!r}: {reason or 'not a valid number'}")
    return Phone(f"+{number.country_code}{nsn}", kind, tuple(notes))


# --- validity and type, as phonenumbers decides them, from metadata compiled once ---

_SPECIAL_TYPES = (  # phonenumbers' order: the first that matches is the number's type
    ("premium_rate", PhoneType.PREMIUM_RATE),
    ("toll_free", PhoneType.TOLL_FREE),
    ("shared_cost", PhoneType.SHARED_COST),
    ("voip", PhoneType.VOIP),
    ("personal_number", PhoneType.PERSONAL_NUMBER),
    ("pager", PhoneType.PAGER),
    ("uan", PhoneType.UAN),
    ("voicemail", PhoneType.VOICEMAIL),
)
# (possible lengths, empty for any; the pattern) — None where the metadata has no such numbers.
_Desc = tuple[frozenset[int], re.Pattern[str]]


@dataclass(frozen=True, slots=True)
class _Rules:
    """One region's number patterns."""

    general: _Desc | None
    special: tuple[tuple[PhoneType, _Desc], ...]
    fixed_line: _Desc | None
    mobile: _Desc | None
    same_mobile_and_fixed_line: bool
    leading_digits: re.Pattern[str] | None
    national_prefix: re.Pattern[str] | None

    def type_of(self, nsn: str) -> PhoneType | None:
        """phonenumbers' number type for this region, None where it says UNKNOWN."""
        if not _matches(self.general, nsn):
            return None
        for kind, desc in self.special:
            if _matches(desc, nsn):
                return kind
        if _matches(self.fixed_line, nsn):
            if self.same_mobile_and_fixed_line or _matches(self.mobile, nsn):
                return PhoneType.FIXED_LINE_OR_MOBILE
            return PhoneType.FIXED_LINE
        if not self.same_mobile_and_fixed_line and _matches(self.mobile, nsn):
            return PhoneType.MOBILE
        return None


def _matches(desc: _Desc | None, nsn: str) -> bool:
    if desc is None:
        return False
    lengths, pattern = desc
    return (not lengths or len(nsn) in lengths) and pattern.fullmatch(nsn) is not None


def _desc(number_desc: object) -> _Desc | None:
    pattern = getattr(number_desc, "national_number_pattern", None)
    if not pattern:
        return None
    lengths = getattr(number_desc, "possible_length", ()) or ()
    return frozenset(lengths), re.compile(pattern)


def _compile(metadata: PhoneMetadata) -> _Rules:
    special = tuple(
        (kind, desc)
        for name, kind in _SPECIAL_TYPES
        if (desc := _desc(getattr(metadata, name))) is not None
    )
    prefix = metadata.national_prefix_for_parsing
    return _Rules(
        general=_desc(metadata.general_desc),
        special=special,
        fixed_line=_desc(metadata.fixed_line),
        mobile=_desc(metadata.mobile),
        same_mobile_and_fixed_line=bool(metadata.same_mobile_and_fixed_line_pattern),
        leading_digits=re.compile(metadata.leading_digits) if metadata.leading_digits else None,
        national_prefix=re.compile(prefix) if prefix else None,
    )


@functools.cache
def _rules_for(country_code: int) -> tuple[_Rules, ...]:
    """The regions sharing a calling code, main region first (as phonenumbers orders them)."""
    rules: list[_Rules] = []
    for region in COUNTRY_CODE_TO_REGION_CODE.get(country_code, ()):
        if region == "001":
            metadata = PhoneMetadata.metadata_for_nongeo_region(country_code)
        else:
            metadata = PhoneMetadata.metadata_for_region(region)
        if metadata is not None:
            rules.append(_compile(metadata))
    return tuple(rules)


def split_international(digits: str) -> tuple[int, str] | None:
    """Calling code and national number of international digits, when the fast path applies.

    None when no calling code matches or when the main region's national prefix could be
    read at the start of the rest: phonenumbers may strip it, so it gets to decide.
    """
    if digits.startswith("0"):
        return None  # phonenumbers: no calling code starts with 0
    for size in (1, 2, 3):
        code = int(digits[:size]) if len(digits) > size else 0
        rules = _rules_for(code) if code in COUNTRY_CODE_TO_REGION_CODE else ()
        if rules:
            nsn = digits[size:]
            prefix = rules[0].national_prefix
            hit = prefix.match(nsn) if prefix is not None else None
            if hit is not None and (hit.end() > 0 or any(g is not None for g in hit.groups())):
                return None
            return code, nsn
    return None


def classify(country_code: int, nsn: str) -> PhoneType | None:
    """The number's type when phonenumbers' is_valid_number would accept it, else None."""
    candidates = _rules_for(country_code)
    if len(candidates) > 1:
        # Several regions share the code: the one phonenumbers attributes the number to.
        for rules in candidates:
            if rules.leading_digits is not None:
                if rules.leading_digits.match(nsn):
                    return rules.type_of(nsn)
            elif (kind := rules.type_of(nsn)) is not None:
                return kind
        return None
    return candidates[0].type_of(nsn) if candidates else None
