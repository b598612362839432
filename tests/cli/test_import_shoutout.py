"""`contactctl import --provider shoutout` end to end against the ShoutOUT emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.helpers import rows_by_number, run_cli, write_config, write_csv
from tests.conftest import SandboxFactory

MESSY = """
Full Name,Mobile,Email,Customer ID,Tags,City
Axelle Durand,+33 6 12 34 56 78,axelle@example.com,c-1,lead;vip,Paris
Bruno Martin,0612345679,BRUNO@Example.COM,,customer,
Bad Number,12,bad@example.com,c-3,,
Only Id,,only@example.com,c-4,,
Dup Axelle,+33612345678,dup@example.com,c-1,,
"""


def _import(tmp_path: Path, base_url: str, *extra: str) -> tuple[Any, dict[str, Any]]:
    source = write_csv(tmp_path / "messy.csv", MESSY)
    config = write_config(tmp_path / "c.yaml", "shoutout", base_url)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("attributes: {city: City}\n")
    report = tmp_path / "r.json"
    run = run_cli(
        "import",
        source,
        "-p",
        "shoutout",
        "-c",
        config,
        "-r",
        "FR",
        "--mapping",
        mapping,
        "--report",
        report,
        "--journal",
        tmp_path / "j.sqlite3",
        "--tag",
        "import-2026",
        *extra,
    )
    return run, json.loads(report.read_text())


def test_messy_file_lands_as_upserts_in_the_vendor_format(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("shoutout") as (emulator, base_url):
        run, report = _import(tmp_path, base_url)
        stored = {
            c["user_id"] if "user_id" in c else c["mobile_number"]: c for c in emulator.stored()
        }
    rows = rows_by_number(report)
    assert run.exit_code == 1, run.stderr
    assert rows[2]["status"] == "upserted"
    assert "does not say whether the contact was new" in rows[2]["reason"]
    assert rows[2]["id"]
    assert rows[3]["status"] == "upserted"
    assert rows[4]["status"] == "failed"
    assert rows[5]["status"] == "upserted"  # no phone, but an external id: ShoutOUT takes it
    assert rows[6]["status"] == "skipped"
    assert "duplicate of" in rows[6]["reason"]
    axelle = stored["c-1"]
    assert axelle["mobile_number"] == "33612345678"  # E.164 digits, no "+"
    assert axelle["name"] == "Axelle Durand"
    assert axelle["tags"] == ["lead", "vip", "import-2026"]
    assert axelle["city"] == "Paris"
    bruno = stored["33612345679"]
    assert bruno["email"] == "BRUNO@example.com"
    assert "user_id" not in bruno
    assert "city" not in bruno
    assert len(stored) == 3


def test_reimport_without_resume_is_upserted_again_and_nothing_doubles(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("shoutout") as (emulator, base_url):
        _import(tmp_path, base_url)
        _run, report = _import(tmp_path, base_url, "--no-resume")
        _resumed_run, resumed = _import(tmp_path, base_url)
        count = len(emulator.stored())
    assert report["summary"]["upserted"] == 3
    assert resumed["summary"]["upserted"] == 0
    assert resumed["journal_saved"] == 3
    assert count == 3
