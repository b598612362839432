"""`import contactctl` as a scheduler task uses it: every row's status, no output, no exit."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

import contactctl
from contactctl.sandbox import SANDBOX_CREDENTIALS
from tests.cli.helpers import write_csv
from tests.conftest import SandboxFactory

CONTACTS = (
    "First Name,Last Name,Mobile,Email\n"
    "Axelle,Durand,+33612345601,axelle@example.com\n"
    "Bruno,Martin,06 12 34,bruno@example.com\n"
    "Chloe,Petit,+33612345603,chloe@example.com\n"
    "Axelle,Durand,+33612345601,axelle@example.com\n"
)


def _config(base_url: str) -> dict[str, Any]:
    return {"providers": {"octopush": {"base_url": base_url, **SANDBOX_CREDENTIALS["octopush"]}}}


def test_an_import_returns_every_row_in_file_order_and_prints_nothing(
    tmp_path: Path, sandbox: SandboxFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_csv(tmp_path / "c.csv", CONTACTS)
    seen: list[int] = []
    with sandbox("octopush") as (emulator, base_url):
        report = contactctl.import_contacts(
            [source],
            provider="octopush",
            config=_config(base_url),
            journal=tmp_path / "j.sqlite3",
            on_result=lambda row: seen.append(row.row),
        )
        stored = sorted(str(r["phone_number"]) for r in emulator.stored())
    assert [(r.row, r.status) for r in report.rows] == [
        (2, contactctl.Status.ADDED),
        (3, contactctl.Status.FAILED),
        (4, contactctl.Status.ADDED),
        (5, contactctl.Status.SKIPPED),
    ]
    assert report.summary == {
        "total": 4,
        "added": 2,
        "updated": 0,
        "upserted": 0,
        "skipped": 1,
        "failed": 1,
    }
    assert report.exit_code == 1
    assert sorted(seen) == [2, 3, 4, 5]  # once per row
    assert stored == ["+33612345601", "+33612345603"]
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""
    assert "Octopush has no place for email" in report.log


def test_the_report_writes_the_file_the_command_would(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "c.csv", CONTACTS)
    report = contactctl.import_contacts([source], provider="octopush", dry_run=True)
    report.write(tmp_path / "r.json")
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert written["summary"] == report.summary
    assert [row["row"] for row in written["rows"]] == [2, 3, 4, 5]


def test_inside_a_running_event_loop_both_calls_work(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "c.csv", CONTACTS)

    async def task(base_url: str) -> tuple[int, int]:
        blocking = contactctl.import_contacts(
            [source], provider="octopush", config=_config(base_url), journal=tmp_path / "a.db"
        )
        awaited = await contactctl.import_contacts_async(
            [source], provider="octopush", config=_config(base_url), journal=tmp_path / "b.db"
        )
        return blocking.summary["added"], awaited.summary["updated"]

    with sandbox("octopush") as (_, base_url):
        added, updated = asyncio.run(task(base_url))
    assert (added, updated) == (2, 2)  # the second run found both contacts there


@pytest.mark.parametrize(
    "config",
    [{"providers": {"octopush": {"batch_size": 0}}}, {"no_such_key": 1}],
)
def test_a_bad_config_raises_config_error(tmp_path: Path, config: dict[str, Any]) -> None:
    source = write_csv(tmp_path / "c.csv", CONTACTS)
    with pytest.raises(contactctl.ConfigError):
        contactctl.import_contacts([source], provider="octopush", config=config, dry_run=True)


def test_a_missing_file_and_an_unknown_option_raise_from_the_tree(tmp_path: Path) -> None:
    with pytest.raises(contactctl.InputError):
        contactctl.validate_contacts([tmp_path / "nope.csv"])
    with pytest.raises(contactctl.UsageError, match="Unknown option 'colour'"):
        contactctl.import_contacts([tmp_path / "c.csv"], provider="octopush", colour="red")


def test_refused_credentials_return_the_report_with_exit_3(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "c.csv", CONTACTS)
    with sandbox("octopush") as (_, base_url):
        config = _config(base_url)
        config["providers"]["octopush"]["api_key"] = "wrong-key"
        report = contactctl.import_contacts(
            [source], provider="octopush", config=config, journal=tmp_path / "j.db"
        )
    assert report.exit_code == 3
    assert report.aborted is not None
    assert "refused the credentials" in report.aborted
    assert "wrong-key" not in report.log


def test_validate_contacts_reports_each_row_without_sending(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "c.csv", CONTACTS)
    report = contactctl.validate_contacts([source], region="FR")
    assert [r.status for r in report.rows] == [
        contactctl.Status.SKIPPED,
        contactctl.Status.FAILED,
        contactctl.Status.SKIPPED,
        contactctl.Status.SKIPPED,
    ]
    assert report.exit_code == 1
