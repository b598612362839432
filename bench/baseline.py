"""The script a user writes instead of contactctl: `python bench/baseline.py IN.csv OUT.csv`.

Deliberately plain (it is the yardstick): csv.DictReader, phonenumbers.parse with the Country
column as region, is_valid_number, format_number(E164), csv.DictWriter. Every row is written
back with its E.164 number or the reason it has none. No e-mail check, no duplicates, no repair
of spreadsheet damage, no report: that is what contactctl adds.
"""

from __future__ import annotations

import csv
import sys

import phonenumbers


def normalise(src: str, dst: str) -> tuple[int, int]:
    valid = invalid = 0
    with (
        open(src, newline="", encoding="utf-8") as fin,
        open(dst, "w", newline="", encoding="utf-8") as fout,
    ):
        reader = csv.DictReader(fin)
        writer = csv.DictWriter(fout, fieldnames=[*(reader.fieldnames or []), "E164", "Error"])
        writer.writeheader()
        for row in reader:
            region = (row.get("Country") or "").strip().upper() or None
            try:
                number = phonenumbers.parse(row.get("Phone") or "", region)
            except phonenumbers.NumberParseException as exc:
                writer.writerow({**row, "E164": "", "Error": str(exc)})
                invalid += 1
                continue
            if phonenumbers.is_valid_number(number):
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                writer.writerow({**row, "E164": e164, "Error": ""})
                valid += 1
            else:
                writer.writerow({**row, "E164": "", "Error": "invalid number"})
                invalid += 1
    return valid, invalid


if __name__ == "__main__":
    valid_rows, invalid_rows = normalise(sys.argv[1], sys.argv[2])
    print(f"{valid_rows} valid, {invalid_rows} invalid", file=sys.stderr)
