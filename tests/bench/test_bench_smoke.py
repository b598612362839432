"""Smoke test of the benchmark's inputs: the generator and the baseline script, on 200 rows.

No timing here: the figures themselves come from `bench/run`. What is checked is that the
harness measures what it claims to: messy files that are the same in every format, a truth
file that says what each row means, and a baseline that really normalises numbers.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SandboxFactory

BENCH = Path(__file__).resolve().parents[2] / "bench"
ROWS = 200
HEADERS = ["First Name", "Last Name", "Phone", "Email", "Country"]
MESSY_KINDS = {
    "e164",
    "intl",
    "00",
    "national",
    "float",
    "sci",
    "apostrophe",
    "precision_lost",
    "invalid",
    "empty",
    "duplicate",
}


def generate(out: Path, rows: int = ROWS, *extra: str) -> Path:
    command = [sys.executable, str(BENCH / "generate.py"), str(rows), "--out", str(out), *extra]
    subprocess.run(command, check=True, capture_output=True)
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("messy"))


def test_generator_writes_every_format_with_the_same_records(messy: Path) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    rows = read_csv(messy / "contacts.csv")
    lines = (messy / "contacts.jsonl").read_text(encoding="utf-8").splitlines()
    sheet = load_workbook(messy / "contacts.xlsx", read_only=True).worksheets[0]
    cells = list(sheet.iter_rows(values_only=True))

    assert len(rows) == len(lines) == ROWS
    assert list(rows[0]) == HEADERS
    assert [json.loads(line) for line in lines] == rows
    assert list(cells[0]) == HEADERS
    for row, sheet_row in zip(rows, cells[1:], strict=True):
        for header, value in zip(HEADERS, sheet_row, strict=True):
            if isinstance(value, int | float):  # spreadsheet damage is a number in a workbook
                assert value == float(row[header])
            else:
                assert (value or "") == row[header]


def test_generator_makes_the_mess_the_issue_asks_for(messy: Path) -> None:
    rows = read_csv(messy / "contacts.csv")
    truth = read_csv(messy / "truth.csv")
    meta = json.loads((messy / "meta.json").read_text(encoding="utf-8"))

    assert {t["kind"] for t in truth} == MESSY_KINDS
    assert len({r["Country"].upper() for r in rows if len(r["Country"]) == 2}) >= 15
    assert any(r["Phone"].startswith("00") for r in rows)
    assert any(r["Phone"].endswith(".0") for r in rows)
    assert any("E+" in r["Phone"] for r in rows)
    assert any(r["Phone"].startswith("'") for r in rows)
    assert any(not r["Email"] for r in rows)
    assert any(r["Email"] and "@" not in r["Email"] for r in rows)
    assert any(c in "".join(r["First Name"] + r["Last Name"] for r in rows) for c in "éøüñ")
    assert meta["rows"] == ROWS
    assert meta["valid_unique_numbers"] == sum(
        1 for t in truth if t["e164"] and not t["duplicate_of"]
    )


def test_truth_duplicates_point_to_an_earlier_row_with_the_same_number(messy: Path) -> None:
    truth = {int(t["row"]): t for t in read_csv(messy / "truth.csv")}
    duplicates = [t for t in truth.values() if t["duplicate_of"]]

    assert duplicates
    for entry in duplicates:
        first = truth[int(entry["duplicate_of"])]
        assert int(first["row"]) < int(entry["row"])
        assert first["e164"] == entry["e164"]
        assert not first["duplicate_of"]
    unique = [t["e164"] for t in truth.values() if t["e164"] and not t["duplicate_of"]]
    assert len(unique) == len(set(unique))


def test_generator_is_deterministic_and_streams_a_prefix(messy: Path, tmp_path: Path) -> None:
    again = generate(tmp_path / "again")
    prefix = generate(tmp_path / "prefix", 50)
    other_seed = generate(tmp_path / "other", ROWS, "--seed", "7")

    full = (messy / "contacts.csv").read_text(encoding="utf-8")
    assert (again / "contacts.csv").read_text(encoding="utf-8") == full
    assert full.startswith((prefix / "contacts.csv").read_text(encoding="utf-8"))
    assert (other_seed / "contacts.csv").read_text(encoding="utf-8") != full


def test_clean_profile_has_only_valid_unique_mobile_numbers(tmp_path: Path) -> None:
    import phonenumbers

    clean = generate(tmp_path / "clean", ROWS, "--profile", "clean", "--formats", "csv")
    rows = read_csv(clean / "contacts.csv")
    numbers = [phonenumbers.parse(r["Phone"], r["Country"]) for r in rows]
    mobile = {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }

    assert all(phonenumbers.is_valid_number(n) for n in numbers)
    assert all(phonenumbers.number_type(n) in mobile for n in numbers)
    assert len({phonenumbers.format_number(n, 0) for n in numbers}) == ROWS
    assert all(r["First Name"].strip() and "@" in r["Email"] for r in rows)


def test_baseline_normalises_what_a_plain_script_can(messy: Path, tmp_path: Path) -> None:
    out = tmp_path / "baseline.csv"
    subprocess.run(
        [sys.executable, str(BENCH / "baseline.py"), str(messy / "contacts.csv"), str(out)],
        check=True,
        capture_output=True,
    )
    rows = read_csv(messy / "contacts.csv")
    written = read_csv(out)
    truth = read_csv(messy / "truth.csv")

    assert len(written) == ROWS
    assert [{h: w[h] for h in HEADERS} for w in written] == rows
    for source, result, expected in zip(rows, written, truth, strict=True):
        # What the plain script can do: numbers with a +, and national numbers beside an ISO
        # country code. Not its job: "00" prefixes outside Europe, country names, damage.
        with_plus = source["Phone"].startswith("+") and expected["kind"] != "invalid"
        national = expected["kind"] in ("national", "duplicate") and len(source["Country"]) == 2
        if with_plus or national:
            assert result["E164"] == expected["e164"], source
        if expected["kind"] in ("invalid", "precision_lost", "empty"):
            assert result["E164"] == "", source
            assert result["Error"], source


def test_the_bare_callbell_script_does_contactctls_work_with_httpx_alone(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    """Figure 5c's yardstick must really look up and create each contact, once."""
    from contactctl.sandbox import SANDBOX_CREDENTIALS

    clean = generate(tmp_path / "clean", 30, "--profile", "clean", "--formats", "csv")
    token = SANDBOX_CREDENTIALS["callbell"]["api_token"]
    with sandbox("callbell") as (emulator, base_url):
        script = [sys.executable, str(BENCH / "bare_callbell.py"), str(clean / "contacts.csv")]
        done = subprocess.run(
            [*script, base_url, token, "4", "1000"], check=True, capture_output=True, text=True
        )
        assert int(done.stdout) == 60  # a look-up and a create per contact
        assert len(emulator.contacts) == 30
