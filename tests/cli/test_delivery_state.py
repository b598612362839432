"""Whether a write landed is a typed fact: a row that may have landed is never `unchanged`."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from tests.cli.helpers import import_to, write_csv
from tests.conftest import SandboxFactory

PHONES = ("+33612345601", "+33612345602", "+33612345603")


def _names(tmp_path: Path, name: str, first: str) -> Path:
    rows = "".join(f"{phone},{first}{n}\n" for n, phone in enumerate(PHONES))
    return write_csv(tmp_path / name, "Mobile,First Name\n" + rows)


def _stored_names(emulator: object) -> dict[str, str]:
    stored = emulator.stored()  # type: ignore[attr-defined]
    return {r["phone_number"]: r["first_name"] for r in stored}


def _journal_states(tmp_path: Path) -> set[str]:
    """How the last attempt of each contact ended, as the journal recorded it."""
    with closing(sqlite3.connect(tmp_path / "j.sqlite3")) as db:
        return {row[0] for row in db.execute("SELECT delivery FROM deliveries")}


def test_answers_lost_after_commit_leave_rows_unconfirmed_and_the_next_run_rewrites_them(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    first_file = _names(tmp_path, "a.csv", "Alice")
    second_file = _names(tmp_path, "b.csv", "Bob")
    report = ("--output", "json")
    with sandbox("octopush") as (emulator, base_url):
        first = import_to(tmp_path, "octopush", base_url, first_file, *report, max_retries=1)
        # Every answer is lost after Octopush stored the contacts: they hold B's names now.
        emulator.faults.drop_next(1000, after_commit=True)
        second = import_to(tmp_path, "octopush", base_url, second_file, *report, max_retries=1)
        emulator.faults.clear()
        after_second = _stored_names(emulator)
        states_after_second = _journal_states(tmp_path)
        third = import_to(tmp_path, "octopush", base_url, first_file, *report, max_retries=1)
        after_third = _stored_names(emulator)
    assert first.exit_code == 0, first.stderr
    assert second.exit_code == 3
    reasons = [row["reason"] for row in second.json()["rows"]]
    assert all(reason.startswith("not confirmed: run aborted") for reason in reasons), reasons
    assert set(after_second.values()) == {"Bob0", "Bob1", "Bob2"}
    assert states_after_second == {"may have landed"}
    assert _journal_states(tmp_path) == {"landed"}
    assert third.exit_code == 0, third.stderr
    assert {row["status"] for row in third.json()["rows"]} == {"updated"}
    assert after_third == {phone: f"Alice{n}" for n, phone in enumerate(PHONES)}


def test_answers_are_matched_to_rows_on_the_digits_of_the_number(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "a.csv", "Mobile,First Name\n+33612345601,Ann\n")
    echoed = {"items": [{"phone_number": "33 6 12 34 56 01", "status": "added"}]}
    with sandbox("octopush") as (emulator, base_url):
        emulator.faults.answer_next(echoed)
        run = import_to(tmp_path, "octopush", base_url, source, "--output", "json")
    assert run.exit_code == 0, run.stderr
    assert [row["status"] for row in run.json()["rows"]] == ["added"]


def test_an_unreadable_answer_ends_the_run_with_one_line_and_a_report(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = _names(tmp_path, "a.csv", "Ann")
    report = tmp_path / "r.json"
    with sandbox("octopush") as (emulator, base_url):
        emulator.faults.answer_next(b"[" * 200_000 + b"]" * 200_000, count=10)
        run = import_to(tmp_path, "octopush", base_url, source, "--report", report, max_retries=1)
    assert run.exit_code == 3
    assert "Traceback" not in run.stderr
    assert [line for line in run.stderr.splitlines() if line.startswith("Run aborted")]
    rows = json.loads(report.read_text())["rows"]
    assert len(rows) == len(PHONES)
    assert all(row["reason"].startswith("not confirmed: run aborted") for row in rows)
