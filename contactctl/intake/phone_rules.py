"""Validity and type of a number as phonenumbers decides them, from its metadata compiled once.

phonenumbers' `parse` + `is_valid_number` + `number_type` cost 50-90 µs a number, most of it
regular expressions compiled or looked up again on every call. Validity and type depend only
on the calling code and the national significant number, so `classify` answers them from the
same metadata, compiled once per region and number length (about 10x faster). This reads
phonenumbers' metadata objects, not its API, so the dependency is pinned to one major
version; the tests compare both answers on every region's examples and on random digits, and
CONTACTCTL_PLAIN_PHONENUMBERS=1 (see phones.py) bypasses this module altogether.
"""

from __future__ import annotations

import functools
import re

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

from contactctl.model import PhoneType

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


class Region:
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
def region_rules(region: str) -> Region | None:
    metadata = PhoneMetadata.metadata_for_region(region)
    return Region(region, metadata) if metadata is not None else None


@functools.cache
def _regions_for(country_code: int) -> tuple[Region, ...]:
    """The regions sharing a calling code, main region first (as phonenumbers orders them)."""
    regions = COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    if regions == ("001",):
        metadata = PhoneMetadata.metadata_for_nongeo_region(country_code)
        return (Region("001", metadata),) if metadata is not None else ()
    return tuple(rules for region in regions if (rules := region_rules(region)) is not None)


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
