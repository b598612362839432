"""Unique, valid phone numbers for the generator, rendered fast in every way people write them.

A *stem* is a valid national number with its last few digits left free. Stems are taken from
phonenumbers' example numbers (mobile and fixed-line, per region), and each is checked once at
start-up: a sample of suffixes must stay valid, keep the same number type and keep the same
formatting. After that, rendering a number is string formatting, not phonenumbers work: the
generator must write a million rows in seconds, and the benchmark is about the tools that read
them, not about the generator.

Each stem hands out suffixes through an affine bijection of its counter, so numbers never repeat
by accident: every duplicate in a generated file is a deliberate one, and the truth file can say
which row it repeats.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# English names, as some files write the country column; the keys are the regions used.
COUNTRY_NAMES = {
    "FR": "France",
    "DE": "Germany",
    "GB": "United Kingdom",
    "ES": "Spain",
    "IT": "Italy",
    "BE": "Belgium",
    "NL": "Netherlands",
    "CH": "Switzerland",
    "PT": "Portugal",
    "PL": "Poland",
    "SE": "Sweden",
    "US": "United States",
    "CA": "Canada",
    "BR": "Brazil",
    "MX": "Mexico",
    "IN": "India",
    "AU": "Australia",
    "JP": "Japan",
    "ZA": "South Africa",
    "NG": "Nigeria",
    "MA": "Morocco",
}
REGIONS = tuple(COUNTRY_NAMES)
STYLES = ("e164", "intl", "national")
_FORMATS = {
    "e164": PhoneNumberFormat.E164,
    "intl": PhoneNumberFormat.INTERNATIONAL,
    "national": PhoneNumberFormat.NATIONAL,
}
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_FIXED_TYPES = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
_MAX_FREE_DIGITS = 6
_SAMPLES_PER_STEM = 12
_STEP = 7919  # coprime with 10, so counter → suffix is a bijection modulo 10**k


@dataclass(frozen=True)
class Stem:
    region: str
    mobile: bool
    prefix: str  # national significant number without its free digits
    free_digits: int
    # One str.format template per style; "{}" slots take the free digits in order.
    templates: dict[str, str]

    @property
    def capacity(self) -> int:
        return int(10**self.free_digits)

    def render(self, style: str, suffix: str) -> str:
        return self.templates[style].format(*suffix)


@dataclass(frozen=True)
class Number:
    """One generated number: its stem and free digits; E.164 is the truth."""

    stem: Stem
    suffix: str

    def render(self, style: str) -> str:
        return self.stem.render(style, self.suffix)

    @property
    def e164(self) -> str:
        return self.stem.render("e164", self.suffix)


def build_stems(regions: tuple[str, ...] = REGIONS) -> list[Stem]:
    """Every stem that passes the start-up check, in a fixed order (the generator's seed
    then picks among them, so the same seed gives the same file)."""
    checker = random.Random(0)
    stems: list[Stem] = []
    for region in regions:
        for mobile in (True, False):
            kind = PhoneNumberType.MOBILE if mobile else PhoneNumberType.FIXED_LINE
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None or example.country_code is None:
                continue
            nsn = phonenumbers.national_significant_number(example)
            code = example.country_code
            for stem in _stems_from_example(region, mobile, code, nsn, checker):
                if not any(_overlap(stem, other) for other in stems):
                    stems.append(stem)
    return stems


def _overlap(one: Stem, other: Stem) -> bool:
    """Whether two stems could produce the same number (a US example is both mobile and
    fixed-line, for one)."""
    a, b = one.templates["e164"].split("{")[0], other.templates["e164"].split("{")[0]
    if len(a) + one.free_digits != len(b) + other.free_digits:
        return False
    return a.startswith(b) or b.startswith(a)


def _stems_from_example(
    region: str, mobile: bool, country_code: int, nsn: str, checker: random.Random
) -> list[Stem]:
    free = min(_MAX_FREE_DIGITS, len(nsn) - 3)
    found: list[Stem] = []
    for digit in "0123456789":
        prefix = nsn[: -free - 1] + digit
        stem = _checked_stem(region, mobile, country_code, prefix, free, checker)
        if stem is not None:
            found.append(stem)
    return found


def _checked_stem(
    region: str,
    mobile: bool,
    country_code: int,
    prefix: str,
    free: int,
    checker: random.Random,
) -> Stem | None:
    allowed = _MOBILE_TYPES if mobile else _FIXED_TYPES
    suffixes = ["0" * free, "9" * free]
    suffixes += [f"{checker.randrange(10**free):0{free}d}" for _ in range(_SAMPLES_PER_STEM)]
    templates: dict[str, str] | None = None
    for suffix in suffixes:
        number = phonenumbers.parse(f"+{country_code}{prefix}{suffix}")
        if not phonenumbers.is_valid_number(number):
            return None
        if phonenumbers.number_type(number) not in allowed:
            return None
        if phonenumbers.region_code_for_number(number) != region:
            return None
        rendered = {s: phonenumbers.format_number(number, f) for s, f in _FORMATS.items()}
        templates = templates or {s: _template(text, free) for s, text in rendered.items()}
        if any(templates[s].format(*suffix) != rendered[s] for s in STYLES):
            return None
    assert templates is not None
    return Stem(region, mobile, prefix, free, templates)


def _template(formatted: str, free: int) -> str:
    """`formatted` with its last `free` digits turned into "{}" slots."""
    chars = list(formatted)
    remaining = free
    for index in range(len(chars) - 1, -1, -1):
        if remaining == 0:
            break
        if chars[index].isdigit():
            chars[index] = "{}"
            remaining -= 1
    return "".join(chars)


class NumberSource:
    """Hands out never-repeating numbers from the stems, chosen by the caller's random."""

    def __init__(self, stems: list[Stem], rng: random.Random) -> None:
        self._rng = rng
        self._by_region: dict[tuple[str, bool], list[int]] = {}
        for index, stem in enumerate(stems):
            self._by_region.setdefault((stem.region, stem.mobile), []).append(index)
        self._stems = stems
        self._used = [0] * len(stems)
        self.regions = sorted({stem.region for stem in stems})

    def take(self, region: str, mobile: bool) -> Number:
        candidates = self._by_region.get((region, mobile)) or self._by_region[(region, True)]
        start = self._rng.randrange(len(candidates))
        for offset in range(len(candidates)):
            index = candidates[(start + offset) % len(candidates)]
            stem = self._stems[index]
            if self._used[index] < stem.capacity:
                count = self._used[index]
                self._used[index] += 1
                value = (count * _STEP + index * 7877) % stem.capacity
                return Number(stem, f"{value:0{stem.free_digits}d}")
        raise RuntimeError(f"every {region} stem is used up; generate fewer rows")
