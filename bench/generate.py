"""Deterministic messy contacts: `python bench/generate.py N --out DIR [--seed S]`.

Writes DIR/contacts.csv, .jsonl and .xlsx (as asked by --formats), DIR/truth.csv (per row:
what kind of mess it is, the E.164 number a careful tool should find, and which earlier row it
duplicates) and DIR/meta.json (the counts). Rows are written as they are made, so a million
rows never sit in memory; the same seed gives the same bytes, and the first M rows of an
N-row file are the M-row file.

Profiles: `messy` (the default: 21 countries, every way people write numbers, spreadsheet
damage, invalid numbers, ~3% duplicates, broken e-mails) and `clean` (valid, unique mobile
numbers only: the sender benchmarks send every row).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import phonenumbers
from people import email, person
from phones import COUNTRY_NAMES, Number, NumberSource, build_stems
from writers import Writers

HEADERS = ("First Name", "Last Name", "Phone", "Email", "Country")
GARBAGE = ("n/a", "call me", "tbd", "0000", "12345", "-", "+", "ask reception", "none")
RECENT_KEPT = 5000  # duplicates repeat one of the last valid rows, so memory stays bounded
# (kind, cumulative probability) for the messy profile; the rest are valid numbers.
MESSY_KINDS = (
    ("duplicate", 0.03),
    ("empty", 0.04),
    ("invalid", 0.08),
    ("precision_lost", 0.09),
    ("float", 0.11),
    ("sci", 0.125),
    ("apostrophe", 0.14),
    ("00", 0.24),
    ("intl", 0.44),
    ("national", 0.70),
)
# Kinds whose number a careful tool recovers (and whose duplicates are therefore duplicates).
VALID_KINDS = {"e164", "intl", "00", "national", "float", "sci", "apostrophe", "duplicate"}


@dataclass(frozen=True)
class Row:
    first_name: str
    last_name: str
    phone: str
    email: str
    country: str
    kind: str
    e164: str  # what the phone cell means, "" when it means nothing valid
    duplicate_of: int | None = None

    def cells(self) -> tuple[str, str, str, str, str]:
        return (self.first_name, self.last_name, self.phone, self.email, self.country)


class ContactMaker:
    """Makes row after row; every random draw comes from one seeded generator, in order."""

    def __init__(self, seed: int, clean: bool) -> None:
        self._rng = random.Random(seed)
        self._numbers = NumberSource(build_stems(), self._rng)
        self._clean = clean
        self._recent: list[tuple[int, Number]] = []

    def rows(self, count: int) -> Iterator[Row]:
        for index in range(count):
            yield self._row(index + 2)  # the spreadsheet row: the header is row 1

    def _row(self, row: int) -> Row:
        rng = self._rng
        first, last = person(rng)
        address = email(rng, first, last, row, self._clean)
        kind = self._kind()
        region = rng.choice(self._numbers.regions)
        if kind == "duplicate" and not self._recent:
            kind = "e164"  # nothing to repeat yet
        if kind == "duplicate":
            first_row, number = rng.choice(self._recent)
            phone, country = self._valid_phone(number, rng.choice(("e164", "intl", "national")))
            return Row(first, last, phone, address, country, kind, number.e164, first_row)
        mobile = self._clean or rng.random() < 0.85
        number = self._numbers.take(region, mobile)
        phone, country, e164 = self._phone(kind, number)
        if e164:
            self._remember(row, number)
        return Row(first, last, phone, address, country, kind, e164)

    def _kind(self) -> str:
        if self._clean:
            return self._rng.choice(("e164", "intl", "national"))
        roll = self._rng.random()
        return next((kind for kind, limit in MESSY_KINDS if roll < limit), "e164")

    def _phone(self, kind: str, number: Number) -> tuple[str, str, str]:
        """The phone cell, the country cell and the E.164 truth for one kind of mess."""
        if kind in ("e164", "intl", "national", "00"):
            phone, country = self._valid_phone(number, kind)
            return phone, country, number.e164
        # Damaged cells get their own country or none: another country's code would make
        # the bare digits mean something else, and the truth must be unambiguous.
        country = self._country(number.stem.region, required=False, foreign=False)
        digits = number.e164[1:]
        # E-notation cannot tell a trailing zero from a lost digit: such a number is written
        # in the float form instead, so the truth stays unambiguous.
        if kind == "float" or (kind == "sci" and digits.endswith("0")):
            return f"{digits}.0", country, number.e164
        if kind == "sci":
            return _scientific(digits, len(digits)), country, number.e164
        if kind == "apostrophe":
            return f"'{number.e164}", country, number.e164
        if kind == "precision_lost" and digits[6:].strip("0"):
            return _scientific(digits, 6), country, ""
        if kind == "empty":
            return "", country, ""
        return self._invalid(number), country, ""

    def _valid_phone(self, number: Number, style: str) -> tuple[str, str]:
        region = number.stem.region
        if style == "national":
            return number.render("national"), self._country(region, required=True)
        if style == "00":
            spaced = self._rng.random() < 0.5
            text = number.render("intl" if spaced else "e164")
            return f"00{text[1:]}", self._country(region, required=False)
        return number.render(style), self._country(region, required=False)

    def _country(self, region: str, required: bool, foreign: bool = True) -> str:
        """Mostly the ISO code; sometimes lower-case, an English name, blank or another
        country's (a valid foreign number is still valid)."""
        if self._clean:
            return region
        roll = self._rng.random()
        if roll < 0.06:
            return region.lower()
        if roll < 0.10:
            return COUNTRY_NAMES[region]
        if not required and roll < 0.18:
            return ""
        if not required and foreign and roll < 0.21:
            return self._rng.choice(self._numbers.regions)
        return region

    def _invalid(self, number: Number) -> str:
        nsn = number.e164[1:]
        roll = self._rng.random()
        if roll < 0.4:
            return f"+{nsn[:5]}"  # too short
        if roll < 0.7:
            longer = f"+{nsn}{self._rng.randrange(100, 1000)}"
            # Some plans (Germany's) take longer numbers: only a really invalid one will do.
            if not phonenumbers.is_valid_number(phonenumbers.parse(longer)):
                return longer
        return self._rng.choice(GARBAGE)

    def _remember(self, row: int, number: Number) -> None:
        if len(self._recent) >= RECENT_KEPT:
            self._recent[self._rng.randrange(RECENT_KEPT)] = (row, number)
        else:
            self._recent.append((row, number))


def _scientific(digits: str, significant: int) -> str:
    """How a spreadsheet shows a long number: 3.3612345678E+10 (or 3.36123E+10, digits lost)."""
    mantissa = digits[1:significant].rstrip("0")
    return f"{digits[0]}{'.' + mantissa if mantissa else ''}E+{len(digits) - 1:02d}"


def generate(
    count: int, out: Path, seed: int, formats: list[str], clean: bool
) -> dict[str, object]:
    """Write the files; returns what meta.json holds."""
    out.mkdir(parents=True, exist_ok=True)
    kinds: Counter[str] = Counter()
    valid_unique = 0
    with Writers(out, formats, HEADERS) as writers:
        for row in ContactMaker(seed, clean).rows(count):
            writers.write(row.cells(), row.kind, row.e164, row.duplicate_of)
            kinds[row.kind] += 1
            valid_unique += bool(row.e164) and row.duplicate_of is None
    meta: dict[str, object] = {
        "rows": count,
        "seed": seed,
        "profile": "clean" if clean else "messy",
        "formats": formats,
        "valid_unique_numbers": valid_unique,
        "kinds": dict(sorted(kinds.items())),
        "phonenumbers": phonenumbers.__version__,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate N messy contacts.")
    parser.add_argument("rows", type=int, help="how many contacts")
    parser.add_argument("--out", type=Path, required=True, help="directory to write into")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--formats", default="csv,jsonl,xlsx", help="any of csv,jsonl,xlsx")
    parser.add_argument("--profile", choices=("messy", "clean"), default="messy")
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - {"csv", "jsonl", "xlsx"})
    if unknown or args.rows < 1:
        parser.error(f"unknown format {unknown[0]}" if unknown else "rows must be at least 1")
    meta = generate(args.rows, args.out, args.seed, formats, args.profile == "clean")
    print(json.dumps(meta), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
