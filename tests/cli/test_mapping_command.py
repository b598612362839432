"""`contactctl mapping` and the columns that hold phones: printed, reused, never lost."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.cli.helpers import import_to, run_cli, write_csv
from tests.cli.test_export_files import GOOGLE_LEGACY, OUTLOOK_HEADER, outlook_row
from tests.conftest import SandboxFactory


def rows_of(*args: str | Path) -> list[dict[str, object]]:
    run = run_cli("validate", *args, "--output", "json", "-p", "octopush")
    assert run.exit_code in (0, 1), run.stderr
    return list(run.json()["rows"])


def test_the_printed_mapping_maps_the_file_the_same_way_when_passed_back(
    tmp_path: Path,
) -> None:
    google = tmp_path / "google.csv"
    google.write_bytes(b"\xef\xbb\xbf" + GOOGLE_LEGACY.encode())
    outlook = tmp_path / "outlook.csv"
    outlook.write_text(
        OUTLOOK_HEADER
        + outlook_row("A", {"Home Country/Region": "France"}, {"Home Phone": "0612345678"})
        + outlook_row("B", {"Other Country/Region": "FR"}, {"Business Phone": "0612345679"}),
        encoding="utf-8",
    )
    for source in (google, outlook):
        run = run_cli("mapping", source)
        assert run.exit_code == 0, run.stderr
        mapping = tmp_path / "mapping.yaml"
        mapping.write_text(run.stdout, encoding="utf-8")
        assert isinstance(yaml.safe_load(run.stdout), dict)
        assert rows_of(source, "--mapping", mapping) == rows_of(source)
    text = run_cli("mapping", google).stdout
    assert '  - "Phone 1 - Value"  # +33 1 42 68 53 00 | +33 6 12 34 56 82' in text
    assert 'email: "E-mail 1 - Value"  # axelle@example.com' in text
    assert '#   - "Additional Name"\n' in text  # a blank column shows no values...
    assert '#   - "E-mail 1 - Type"  # * Home' in text  # ...and left-out ones are listed


def test_a_mapping_file_can_reorder_phones_and_ignore_columns(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "c.csv",
        "Name,Mobile,Home Phone,Notes\nA,+33612345678,+33612345679,call after 6\n",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text("phone: [Home Phone, Mobile]\nignore: [Notes]\n", encoding="utf-8")
    run = run_cli("validate", source, "--mapping", mapping, "--output", "json")
    assert run.json()["rows"][0]["phone"] == "+33612345679"
    assert "Notes" not in run.stderr
    assert "phone: [Home Phone, Mobile]" not in run_cli("mapping", source).stdout
    printed = run_cli("mapping", source, "--mapping", mapping).stdout
    assert '  - "Home Phone"  # +33612345679\n  - "Mobile"  # +33612345678' in printed
    assert 'ignore:\n  - "Notes"' in printed


FRENCH_CRM = (
    "Nom;Courriel;Numéro perso\n"
    "Durand;axelle@example.fr;06 12 34 56 78\n"
    "Petit;bruno@example.fr;+33 6 12 34 56 79\n"
)


def test_a_column_of_phone_numbers_that_maps_to_nothing_stops_the_run(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "crm.csv", FRENCH_CRM)
    run = run_cli("validate", source, "-r", "FR", "--output", "json")
    assert run.exit_code == 2
    assert run.stdout == ""
    assert run.stderr == (
        f"contactctl: error: {source}: column 'Numéro perso' holds phone numbers, but nothing "
        "maps to the phone. Add `phone: Numéro perso` to the mapping (--mapping or the "
        "config's mapping:), or `ignore: [Numéro perso]` to leave it out.\n"
    )
    printed = run_cli("mapping", source, "-r", "FR").stdout
    assert '# phone: "Numéro perso"  # holds phone numbers: 06 12 34 56 78' in printed


def test_ignore_or_a_phone_mapping_lets_the_run_go_on(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "crm.csv", FRENCH_CRM)
    ignore = tmp_path / "ignore.yaml"
    ignore.write_text("ignore: [Numéro perso]\n", encoding="utf-8")
    run = run_cli("validate", source, "-r", "FR", "--mapping", ignore, "--output", "json")
    assert run.exit_code == 0, run.stderr
    assert [row["phone"] for row in run.json()["rows"]] == [None, None]
    phone = tmp_path / "phone.yaml"
    phone.write_text("phone: Numéro perso\n", encoding="utf-8")
    run = run_cli("validate", source, "-r", "FR", "--mapping", phone, "--output", "json")
    assert [row["phone"] for row in run.json()["rows"]] == ["+33612345678", "+33612345679"]


def test_a_column_of_ids_is_not_mistaken_for_phones(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "c.csv", "Email,Client\na@example.com,12345678\n")
    run = run_cli("validate", source, "--output", "json")
    assert run.exit_code == 0, run.stderr


def test_import_sends_nothing_while_a_phone_column_is_left_out(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "crm.csv", FRENCH_CRM)
    with sandbox("shoutout") as (emulator, base_url):
        run = import_to(tmp_path, "shoutout", base_url, source, "-r", "FR")
        assert run.exit_code == 2
        assert "column 'Numéro perso' holds phone numbers" in run.stderr
        assert emulator.requests == []
