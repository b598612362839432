"""Country cells → ISO 3166-1 alpha-2 codes: codes in any case, or English names."""

from __future__ import annotations

import functools
import re

import phonenumbers

# Names people write that are not phonenumbers' English display names.
EXTRA_NAMES = {
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "us": "US",
    "united states of america": "US",
    "america": "US",
    "holland": "NL",
    "the netherlands": "NL",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "uae": "AE",
    "deutschland": "DE",
    "espana": "ES",
    "españa": "ES",
    "italia": "IT",
    "belgique": "BE",
    "belgië": "BE",
    "schweiz": "CH",
    "suisse": "CH",
    "brasil": "BR",
}


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip().casefold().replace("&", "and"))


@functools.cache
def _names() -> dict[str, str]:
    """English country names from phonenumbers' own locale data (loaded on first use)."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    table: dict[str, str] = {}
    for region in phonenumbers.SUPPORTED_REGIONS:
        names = LOCALE_DATA.get(region, {})
        name = names.get("en", "")
        while name.startswith("*"):
            name = names.get(name[1:], "")
        if name:
            table[_key(name)] = region
    table.update({_key(k): v for k, v in EXTRA_NAMES.items()})
    return table


def region_for(cell: str) -> str | None:
    """The ISO alpha-2 code a country cell means, or None when it is not understood."""
    text = cell.strip()
    if len(text) == 2 and text.upper() in phonenumbers.SUPPORTED_REGIONS:
        return text.upper()
    return _names().get(_key(text))
