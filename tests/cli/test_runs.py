"""`contactctl runs`: each import run the journal recorded, newest first, with what it did."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from contactctl.journal import Journal
from tests.cli.helpers import import_to, run_cli, write_csv
from tests.conftest import SandboxFactory


def test_runs_lists_each_import_newest_first_with_its_files_and_counts(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    first = write_csv(tmp_path / "first.csv", "Mobile\n+33612345601\n+33612345602\n")
    second = write_csv(tmp_path / "second.csv", "Mobile\n+33612345602\n12\n")
    journal = tmp_path / "j.sqlite3"
    with sandbox("octopush") as (_, base_url):
        for source, code in ((first, 0), (second, 1)):
            done = import_to(tmp_path, "octopush", base_url, source, "--journal", journal)
            assert done.exit_code == code, done.stderr
    run = run_cli("runs", "--journal", journal, "--output", "json")
    assert run.exit_code == 0, run.stderr
    runs = run.json()["runs"]
    assert [r["id"] for r in runs] == [2, 1]
    assert runs[0]["files"] == [str(second)]
    assert runs[0]["summary"] == {
        "total": 2,
        "added": 0,
        "updated": 0,
        "upserted": 0,
        "skipped": 1,
        "failed": 1,
    }
    assert runs[1]["summary"]["added"] == 2
    assert all(r["provider"] == "octopush" and r["finished"] for r in runs)
    assert "sandbox-octopush-key" not in run.stdout  # the account is a fingerprint
    table = run_cli("runs", "--journal", journal)
    assert table.stdout.splitlines()[0].startswith("#2  ")
    assert "2 rows: 0 added, 0 updated, 0 upserted, 1 skipped, 1 failed" in table.stdout
    only = run_cli("runs", "--journal", journal, "-p", "callbell", "--output", "json")
    assert only.json() == {"runs": []}


def test_no_journal_yet_is_no_runs(tmp_path: Path) -> None:
    run = run_cli("runs", "--journal", tmp_path / "none.sqlite3")
    assert run.exit_code == 0
    assert run.stdout == "No import runs recorded yet.\n"


def test_a_schema_2_journal_is_upgraded_and_its_runs_listed(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with Journal(path, "octopush", "acct-1"):
        pass
    with closing(sqlite3.connect(path)) as db:  # as contactctl 0.1 left it
        db.execute("ALTER TABLE runs DROP COLUMN files")
        db.execute("ALTER TABLE runs DROP COLUMN summary")
        db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
        db.commit()
    with Journal(path, "octopush", "acct-1") as journal:
        journal.record_run(["a.csv"], {"total": 1, "added": 1})
    runs = run_cli("runs", "--journal", path, "--output", "json").json()["runs"]
    assert [(r["id"], r["files"]) for r in runs] == [(2, ["a.csv"]), (1, None)]
