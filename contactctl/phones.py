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
from decimal import Decimal
from typing import NamedTuple

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
    if cell[:1] == "+" and cell.isascii() and (digits := cell[1:]).isdigit():
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
    if digits.isascii() and digits.isdigit():
        split = split_international(digits)
        if split is not None:
            kind = classify(*split)
            if kind is not None:
                return "+" + digits, kind
    return _via_phonenumbers(text, None, shown)


def _national(text: str, shown: str, region: str | None, repairs: list[str]) -> _Found:
    rules = _region(region) if region is not None else None
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


def _fast_national(text: str, rules: _Region) -> _Found | None:
    """phonenumbers' reading of a plainly written national number, without its parser."""
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
    kind = classify(number.country_code or 0, nsn)
    if kind is None:
        reason = _IMPOSSIBLE.get(phonenumbers.is_possible_number_with_reason(number))
        raise PhoneProblem(f"invalid phone number {shown!r}: {reason or 'not a valid number'}")
    return f"+{number.country_code}{nsn}", kind


# --- validity and type, as phonenumbers decides them, from metadata compiled once ---

# phonenumbers' order of number types: the first whose pattern matches is the number's type.
_TYPE_ORDER = (
    ("premium_rate", PhoneType.PREMIUM_RATE),
    ("toll_free", PhoneType.TOLL_FREE),
    ("shared_cost", PhoneType.SHARED_COST),
    ("voip", PhoneType.VOIP),
    ("personal_number", PhoneType.PERSONAL_NUMBER),
    ("pager", PhoneType.PAGER),
    ("uan", PhoneType.UAN),
    ("voicemail", PhoneType.VOICEMAIL),
)
_KINDS = {kind.name: kind for kind in PhoneType}
_CALLING_CODES = {str(code): code for code in COUNTRY_CODE_TO_REGION_CODE}
_NO_MATCH = re.compile(r"(?!)")


class _Region:
    """One region's numbering rules, compiled once.

    `type_of` answers with one regular expression per number length: the general pattern
    as a look-ahead, then every type's pattern as a named alternative in phonenumbers'
    order, so the first alternative that matches the whole number names its type.
    """

    def __init__(self, region: str, metadata: PhoneMetadata) -> None:
        self.region = region
        self.metadata = metadata
        self.country_code: int = metadata.country_code or 0
        general = metadata.general_desc
        self.general = re.compile(getattr(general, "national_number_pattern", None) or "(?!)")
        self.lengths = tuple(sorted(getattr(general, "possible_length", None) or ()))
        self.local_only = frozenset(getattr(general, "possible_length_local_only", None) or ())
        digits = metadata.leading_digits
        self.leading_digits = re.compile(digits) if digits else None
        prefix = metadata.national_prefix_for_parsing or ""
        # Most national prefixes are plain digits ("0", "1", "8"): startswith says what the
        # regular expression would, in a fraction of the time.
        self.prefix_digits = prefix if prefix.isdigit() else None
        self.national_prefix = re.compile(prefix) if prefix and not prefix.isdigit() else None
        self.transforms = bool(metadata.national_prefix_transform_rule)
        self.idd = re.compile(metadata.international_prefix or "(?!)")
        self.code_digits = str(self.country_code)
        self._by_length: dict[int, re.Pattern[str]] = {}

    def type_of(self, nsn: str) -> PhoneType | None:
        """phonenumbers' type of a national significant number, None for UNKNOWN."""
        pattern = self._by_length.get(len(nsn))
        if pattern is None:
            pattern = self._by_length[len(nsn)] = self._combined(len(nsn))
        match = pattern.fullmatch(nsn)
        return _KINDS[match.lastgroup] if match and match.lastgroup else None

    def _combined(self, length: int) -> re.Pattern[str]:
        if self.lengths and length not in self.lengths:
            return _NO_MATCH
        meta = self.metadata
        choices = [
            (kind.name, p) for name, kind in _TYPE_ORDER if (p := _pattern(meta, name, length))
        ]
        fixed, mobile = _pattern(meta, "fixed_line", length), _pattern(meta, "mobile", length)
        if fixed and meta.same_mobile_and_fixed_line_pattern:
            choices.append((PhoneType.FIXED_LINE_OR_MOBILE.name, fixed))
        elif fixed:
            if mobile:
                both = f"(?=(?:{mobile})\\Z)(?:{fixed})"
                choices.append((PhoneType.FIXED_LINE_OR_MOBILE.name, both))
            choices.append((PhoneType.FIXED_LINE.name, fixed))
        if mobile and not meta.same_mobile_and_fixed_line_pattern:
            choices.append((PhoneType.MOBILE.name, mobile))
        if not choices:
            return _NO_MATCH
        alternatives = "|".join(f"(?P<{name}>{pattern})" for name, pattern in choices)
        return re.compile(f"(?=(?:{self.general.pattern})\\Z)(?:{alternatives})")

    def prefix_length(self, digits: str) -> int:
        """How many leading digits phonenumbers would read as the national prefix; -1 when
        it would rewrite the number instead (a transform rule with a captured group)."""
        if self.prefix_digits is not None:
            return len(self.prefix_digits) if digits.startswith(self.prefix_digits) else 0
        hit = self.national_prefix.match(digits) if self.national_prefix is not None else None
        if hit is None:
            return 0
        if self.transforms and any(group is not None for group in hit.groups()):
            return -1
        return hit.end()

    def national_number(self, digits: str) -> str | None:
        """The national significant number phonenumbers.parse reads from national digits,
        or None where its answer needs more than this (an international prefix, the
        region's calling code at the start, a prefix transform rule)."""
        if digits.startswith(self.code_digits) or self.idd.match(digits):
            return None
        end = self.prefix_length(digits)
        if end <= 0:
            return digits if end == 0 else None
        stripped = digits[end:]
        if self.general.fullmatch(digits) and not self.general.fullmatch(stripped):
            return digits
        return stripped if self._length_allows_stripping(len(stripped)) else digits

    def _length_allows_stripping(self, length: int) -> bool:
        # phonenumbers keeps the prefix when the rest is too short or an odd length.
        if length in self.local_only or not self.lengths:
            return False
        return length in self.lengths or length > self.lengths[-1]


def _pattern(metadata: PhoneMetadata, name: str, length: int) -> str | None:
    """A number type's pattern when numbers of `length` digits can be of that type."""
    desc = getattr(metadata, name)
    if desc is None or not desc.national_number_pattern:
        return None
    lengths = desc.possible_length or ()
    return desc.national_number_pattern if not lengths or length in lengths else None


@functools.cache
def _region(region: str) -> _Region | None:
    metadata = PhoneMetadata.metadata_for_region(region)
    return _Region(region, metadata) if metadata is not None else None


@functools.cache
def _regions_for(country_code: int) -> tuple[_Region, ...]:
    """The regions sharing a calling code, main region first (as phonenumbers orders them)."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    if regions == ("001",):
        metadata = PhoneMetadata.metadata_for_nongeo_region(country_code)
        return (_Region("001", metadata),) if metadata is not None else ()
    return tuple(rules for region in regions if (rules := _region(region)) is not None)


def split_international(digits: str) -> tuple[int, str] | None:
    """Calling code and national number of international digits, when the fast path applies.

    None when no calling code matches or when the main region's national prefix could be
    read at the start of the rest: phonenumbers may strip it, so it gets to decide.
    """
    for size in (1, 2, 3):
        code = _CALLING_CODES.get(digits[:size])
        if code is not None:
            nsn = digits[size:]
            regions = _regions_for(code)
            if not nsn or not regions or regions[0].prefix_length(nsn) != 0:
                return None
            return code, nsn
    return None


def classify(country_code: int, nsn: str) -> PhoneType | None:
    """The number's type when phonenumbers' is_valid_number would accept it, else None."""
    candidates = _regions_for(country_code)
    if len(candidates) == 1:
        return candidates[0].type_of(nsn)
    # Several regions share the code: the one phonenumbers attributes the number to decides.
    for region in candidates:
        if region.leading_digits is not None:
            if region.leading_digits.match(nsn):
                return region.type_of(nsn)
        elif (kind := region.type_of(nsn)) is not None:
            return kind
    return None
