"""`contactctl import` end to end against the Octopush emulator over loopback HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.helpers import import_to, rows_by_number, run_cli, write_config, write_csv
from tests.conftest import SandboxFactory

SECRET = "octopush-test-secret-9f8e7d"

MESSY = """
First Name,Last Name,Mobile,Email,Country,City
Axelle,Durand,+33 6 12 34 56 78,axelle@example.com,FR,Paris
John,Smith,07400 123456,john@example.co.uk,GB,London
Bad,Number,12,bad@example.com,FR,
Fixed,Line,+33 1 42 68 53 00,fixed@example.com,FR,
Dup,Axelle,0612345678,dup@example.com,FR,
Blank,Cells,+33 6 98 76 54 32,,FR,
"""


def _stored(emulator: Any) -> dict[str, dict[str, Any]]:
    return {c["phone_number"]: c for c in emulator.stored()}


def test_messy_file_lands_once_each_with_an_honest_report(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "messy.csv", MESSY)
    with sandbox("octopush") as (emulator, base_url):
        run = import_to(tmp_path, "octopush", base_url, source, "--report", tmp_path / "r.json")
        stored = _stored(emulator)
    report = json.loads((tmp_path / "r.json").read_text())
    rows = rows_by_number(report)
    assert run.exit_code == 1, run.stderr
    assert rows[2]["status"] == "added"
    assert rows[2]["phone"] == "+33612345678"
    assert rows[3]["status"] == "added"
    assert rows[3]["phone"] == "+447400123456"
    assert rows[4]["status"] == "failed"
    assert "12" in rows[4]["reason"]
    assert rows[5]["status"] == "failed"
    assert "--allow-landlines" in rows[5]["reason"]
    assert rows[6]["status"] == "skipped"
    assert rows[6]["reason"] == "duplicate of " + str(source) + " row 2"
    assert rows[7]["status"] == "added"
    assert report["summary"] == {
        "total": 6,
        "added": 3,
        "updated": 0,
        "upserted": 0,
        "skipped": 1,
        "failed": 2,
    }
    assert set(stored) == {"+33612345678", "+447400123456", "+33698765432"}
    assert stored["+33612345678"]["first_name"] == "Axelle"


def test_reimport_without_resume_updates_and_skip_mode_keeps(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "a.csv", "Mobile,First Name\n+33612345678,Axelle\n")
    journal = tmp_path / "j.sqlite3"
    with sandbox("octopush") as (emulator, base_url):
        config = write_config(tmp_path / "c.yaml", "octopush", base_url)
        common = ("-p", "octopush", "-c", config, "--journal", journal, "--output", "json")
        first = run_cli("import", source, *common)
        again = run_cli("import", source, *common, "--no-resume")
        kept = run_cli("import", source, *common, "--no-resume", "--on-duplicate", "skip")
        resumed = run_cli("import", source, *common)
        stored_count = len(emulator.stored())
    assert first.json()["rows"][0]["status"] == "added"
    assert again.json()["rows"][0]["status"] == "updated"
    assert kept.json()["rows"][0]["status"] == "skipped"
    assert resumed.json()["rows"][0]["status"] == "skipped"
    assert resumed.json()["rows"][0]["reason"].startswith("unchanged since")
    assert resumed.json()["journal_saved"] == 1
    assert stored_count == 1


def test_blank_cells_never_wipe_what_the_vendor_holds(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    full = write_csv(
        tmp_path / "full.csv", "Mobile,First Name,Last Name\n+33612345678,Axelle,Durand\n"
    )
    blank = write_csv(tmp_path / "blank.csv", "Mobile,First Name,Last Name\n+33612345678,,Martin\n")
    with sandbox("octopush") as (emulator, base_url):
        config = write_config(tmp_path / "c.yaml", "octopush", base_url)
        for source in (full, blank):
            run = run_cli(
                "import",
                source,
                "-p",
                "octopush",
                "-c",
                config,
                "--no-resume",
                "--journal",
                tmp_path / "j.sqlite3",
            )
            assert run.exit_code == 0, run.stderr
        stored = _stored(emulator)["+33612345678"]
    assert stored["first_name"] == "Axelle"
    assert stored["last_name"] == "Martin"


def test_refused_credentials_stop_the_run_and_never_show_the_secret(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345678\n+33698765432\n")
    with sandbox("octopush") as (emulator, base_url):
        run = import_to(
            tmp_path,
            "octopush",
            base_url,
            source,
            "-v",
            "--report",
            tmp_path / "r.json",
            api_key=SECRET,
        )
        stored = emulator.stored()
    report_text = (tmp_path / "r.json").read_text()
    assert run.exit_code == 3
    assert stored == []
    assert all(
        r["reason"].startswith("not sent: run aborted") for r in json.loads(report_text)["rows"]
    )
    for text in (
        run.stdout,
        run.stderr,
        report_text,
        (tmp_path / "j.sqlite3").read_bytes().decode("latin-1"),
    ):
        assert SECRET not in text


def test_list_name_over_thirty_characters_is_refused_before_sending(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345678\n")
    with sandbox("octopush") as (emulator, base_url):
        config = write_config(tmp_path / "c.yaml", "octopush", base_url)
        run = run_cli("import", source, "-p", "octopush", "-c", config, "--list", "x" * 31)
        requests = list(emulator.requests)
    assert run.exit_code == 2
    assert "30" in run.stderr
    assert requests == []


def test_after_a_lost_answer_an_update_is_not_claimed(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345678\n+33698765432\n")
    with sandbox("octopush") as (emulator, base_url):
        emulator.faults.drop_next(1, after_commit=True)  # created, but we never hear it
        run = import_to(tmp_path, "octopush", base_url, source, "--output", "json")
        stored = len(emulator.stored())
    rows = run.json()["rows"]
    assert stored == 2
    # The retry's "updated" may be our own first attempt: the row says what is known.
    assert {r["status"] for r in rows} == {"upserted"}
    assert all("earlier attempt may have created it" in r["reason"] for r in rows)


def test_invisible_cells_are_blank_and_never_replace_stored_names(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    full = write_csv(
        tmp_path / "full.csv", "Mobile,First Name,Last Name\n+33612345678,Axelle,Durand\n"
    )
    # Zero-width space, BOM, word joiner, soft hyphen: format characters (Unicode Cf).
    invisible = write_csv(
        tmp_path / "invisible.csv",
        "Mobile,First Name,Last Name\n+33612345678,\u200b \ufeff,\u2060\u00ad\n",
    )
    with sandbox("octopush") as (emulator, base_url):
        config = write_config(tmp_path / "c.yaml", "octopush", base_url)
        for source in (full, invisible):
            run = run_cli(
                "import",
                source,
                "-p",
                "octopush",
                "-c",
                config,
                "--no-resume",
                "--journal",
                tmp_path / "j.sqlite3",
            )
            assert run.exit_code == 0, run.stderr
        stored = _stored(emulator)["+33612345678"]
    assert stored["first_name"] == "Axelle"
    assert stored["last_name"] == "Durand"
