"""Nothing lost, nothing twice: a killed run, a busy journal, a vendor that goes away."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from contactctl.journal import Journal
from tests.cli.helpers import (
    count_in_journal,
    import_to,
    rows_by_number,
    run_cli,
    wait_until,
    write_config,
    write_csv,
)
from tests.conftest import SandboxFactory
from tests.written import phones_written

ROWS = 300


def _many(tmp_path: Path) -> Path:
    rows = "".join(f"+336124{n:05d},Name{n},Last{n},name{n}@example.com\n" for n in range(ROWS))
    return write_csv(tmp_path / "many.csv", "Mobile,First Name,Last Name,Email\n" + rows)


def confirmed_in(journal: Path) -> int:
    """Deliveries a running import has confirmed so far (0 until its journal exists)."""
    query = "SELECT count(*) FROM deliveries WHERE confirmed_at IS NOT NULL"
    return count_in_journal(journal, query)


def _confirmed_identities(journal: Path) -> set[str]:
    with closing(sqlite3.connect(f"file:{journal}?mode=ro", uri=True)) as db:
        query = "SELECT identity FROM deliveries WHERE confirmed_at IS NOT NULL"
        return {str(row[0]) for row in db.execute(query)}


# Vendors whose store is keyed by the number (a second write cannot show as a second record).
PHONE_KEYED = {"octopush", "shoutout", "pabbly"}
# Each vendor's stored phone field, and a pace at which the run lasts a few seconds.
KILLED: dict[str, tuple[str, dict[str, int]]] = {
    "octopush": ("phone_number", {"batch_size": 10, "rate": 20}),
    "shoutout": ("mobile_number", {"batch_size": 10, "rate": 20}),
    "pabbly": ("mobile", {"batch_size": 10, "rate": 20}),
    "callbell": ("phoneNumber", {"rate": 50}),
    "ivvy": ("phone", {"batch_size": 10, "rate": 50}),  # in batch runs of 10 contacts
}


@pytest.mark.parametrize("provider", sorted(KILLED))
def test_sigkill_mid_run_then_rerun_delivers_each_contact_once(
    tmp_path: Path, sandbox: SandboxFactory, provider: str
) -> None:
    phone_field, settings = KILLED[provider]
    source = _many(tmp_path)
    journal = tmp_path / "j.sqlite3"
    with sandbox(provider) as (emulator, base_url):
        emulator.faults.latency_s = 0.1
        emulator.set_rate_limit(None)  # the pace in KILLED is above some vendors' default
        config = write_config(tmp_path / "c.yaml", provider, base_url, **settings)
        args = [
            sys.executable,
            "-m",
            "contactctl",
            "import",
            str(source),
            "-p",
            provider,
            "-c",
            str(config),
            "--journal",
            str(journal),
            "--output",
            "quiet",
        ]
        process = subprocess.Popen(
            [*args, "--report", str(tmp_path / "killed.json")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_until(lambda: confirmed_in(journal) > 0, "a confirmation in the journal")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
        landed_before = len(emulator.stored())
        confirmed_before = _confirmed_identities(journal)
        requests_before = len(emulator.requests)
        emulator.faults.latency_s = 0.0
        rerun = run_cli(*args[3:], "--report", tmp_path / "rerun.json")
        stored = ["+" + str(c[phone_field]).lstrip("+") for c in emulator.stored()]
        rerun_writes = phones_written(provider, emulator.requests[requests_before:])
    report = json.loads((tmp_path / "rerun.json").read_text())
    assert process.returncode == -signal.SIGKILL
    assert not (tmp_path / "killed.json").exists()  # no half-written report either
    assert 0 < landed_before < ROWS
    assert rerun.exit_code == 0, rerun.stderr
    assert len(stored) == len(set(stored)) == ROWS  # every contact, each once
    if provider in PHONE_KEYED:
        # Their store holds a number once however often it is written: the request log shows
        # that no contact the killed run had confirmed was written again.
        assert confirmed_before
        assert all(identity.startswith("+") for identity in confirmed_before)
        assert not confirmed_before & set(rerun_writes)
        assert len(rerun_writes) == ROWS - len(confirmed_before)
    summary = report["summary"]
    assert summary["total"] == ROWS
    # What the killed run had confirmed is skipped; a look-up vendor also finds what it wrote
    # without confirming (in flight: a whole batch run for iVvy) already there; the rest is
    # written now.
    skipped = [r["reason"] for r in report["rows"] if r["status"] == "skipped"]
    from_journal = [reason for reason in skipped if reason.startswith("unchanged since")]
    assert len(from_journal) == report["journal_saved"] > 0
    assert all(r.startswith(("unchanged since", "already up to date at")) for r in skipped)
    assert summary["failed"] == 0
    assert sum(summary[s] for s in ("added", "updated", "upserted", "skipped")) == ROWS


def test_a_second_run_on_the_same_account_is_refused_while_the_first_holds_the_journal(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    from contactctl.config import parse_config_text
    from contactctl.providers.base import RunOptions
    from contactctl.sandbox import SANDBOX_CREDENTIALS
    from contactctl.setup import build_provider

    source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345678\n")
    journal_path = tmp_path / "j.sqlite3"
    with sandbox("octopush") as (emulator, base_url):
        config = write_config(tmp_path / "c.yaml", "octopush", base_url)
        provider = build_provider(
            "octopush", parse_config_text(config.read_text(), config), RunOptions()
        )
        assert SANDBOX_CREDENTIALS["octopush"]["api_login"] in provider.account_fingerprint()
        with Journal(journal_path, "octopush", provider.account_fingerprint()):
            run = run_cli(
                "import", source, "-p", "octopush", "-c", config, "--journal", journal_path
            )
        stored = emulator.stored()
    assert run.exit_code == 2
    assert "Another contactctl run is importing" in run.stderr
    assert stored == []


def test_vendor_going_away_mid_run_aborts_and_the_rest_resumes(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = _many(tmp_path)
    with sandbox("octopush") as (emulator, base_url):
        config = write_config(
            tmp_path / "c.yaml", "octopush", base_url, batch_size=50, max_retries=1
        )
        args = (
            "import",
            source,
            "-p",
            "octopush",
            "-c",
            config,
            "--journal",
            tmp_path / "j",
            "--output",
            "json",
        )
        emulator.faults.drop_next(1000, after_commit=False, path="/v1/public/contact/create")
        first = run_cli(*args)
        emulator.faults.clear()
        second = run_cli(*args)
        stored = len(emulator.stored())
    assert first.exit_code == 3
    assert first.json()["summary"]["failed"] == ROWS
    assert second.exit_code == 0, second.stderr
    assert stored == ROWS


def test_a_file_that_breaks_halfway_aborts_with_what_was_read_reported(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    good = "".join(f"+336125{n:05d},Name{n}\n" for n in range(3000)).encode()
    source = tmp_path / "broken.csv"
    source.write_bytes(b"Mobile,First Name\n" + good + b"+33612599999,Bad\xff\xfe name\n")
    with sandbox("octopush") as (emulator, base_url):
        run = import_to(
            tmp_path,
            "octopush",
            base_url,
            source,
            "--encoding",
            "utf-8",
            "--report",
            tmp_path / "r.json",
            "--output",
            "quiet",
        )
        stored = len(emulator.stored())
    report = json.loads((tmp_path / "r.json").read_text())
    assert run.exit_code == 3
    assert "line 3002" in run.stderr
    # Every row before the bad line is accounted for, even those in the chunk that holds it.
    assert sorted(rows_by_number(report)) == list(range(2, 3002))
    assert stored == report["summary"]["added"]
    failed = [r for r in report["rows"] if r["status"] == "failed"]
    assert all(r["reason"].startswith("not sent: run aborted") for r in failed)
