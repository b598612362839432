"""What emulators derive from a phone number (validity, country), cached per number:
phonenumbers is the costliest thing an emulator does per contact."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import geocoder

DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class NumberFacts:
    valid: bool
    region: str | None = None  # ISO 3166-1 alpha-2
    country: str | None = None  # English name
    dialing_code: int | None = None


INVALID = NumberFacts(valid=False)


@lru_cache(maxsize=100_000)
def number_facts(digits: str) -> NumberFacts:
    """Facts about an international number written as digits only, without "+"."""
    if not DIGITS.fullmatch(digits):
        return INVALID
    try:
        number = phonenumbers.parse(f"+{digits}")
    except phonenumbers.NumberParseException:
        return INVALID
    region = phonenumbers.region_code_for_number(number)
    known_region = region if region and region not in ("ZZ", "001") else None
    return NumberFacts(
        valid=bool(phonenumbers.is_valid_number(number)),
        region=known_region,
        country=geocoder.country_name_for_number(number, "en") or None,
        dialing_code=number.country_code,
    )
