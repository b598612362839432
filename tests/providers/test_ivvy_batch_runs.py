"""iVvy's large imports in batch runs (issue 16 item 4), over the emulator's batch namespace.

Counts come from the emulator's request log; "stored" is its store, which (unlike the
phone-keyed vendors') can hold a person twice, so a duplicate would show there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.helpers import run_cli, write_config, write_csv
from tests.conftest import SandboxFactory, VirtualClock

BATCH = "/api/1.0/batch"
# A push in runs: look-ups (run, two progress polls, results), then writes (the same).
REQUESTS_PER_PUSH = 8


def _rows(count: int, renamed: range = range(0)) -> str:
    rows = [
        f"{'Renamed' if n in renamed else 'Name'}{n},Last{n},+336123{n:05d},p{n}@example.com\n"
        for n in range(count)
    ]
    return "First Name,Last Name,Mobile,Email\n" + "".join(rows)


def _import(
    tmp_path: Path, base_url: str, text: str, journal: str = "j.sqlite3", code: int = 0
) -> dict[str, Any]:
    source = write_csv(tmp_path / "contacts.csv", text)
    config = write_config(tmp_path / "c.yaml", "ivvy", base_url)
    report = tmp_path / "report.json"
    run = run_cli(
        "import", source, "-p", "ivvy", "-c", config,
        "--journal", tmp_path / journal, "--report", report,
    )  # fmt: skip
    assert run.exit_code == code, run.stderr
    loaded: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return loaded


def _jobs(requests: list[Any]) -> list[dict[str, Any]]:
    runs = [r.json for r in requests if r.path == BATCH and r.query.get("action") == ["run"]]
    return [job for run in runs for job in run["jobs"]]


def _actions(requests: list[Any]) -> list[str]:
    return sorted(job["action"] for job in _jobs(requests))


def _emails(emulator: Any) -> list[str]:
    return sorted(str(c["email"]) for c in emulator.stored())


def test_a_thousand_new_contacts_take_forty_requests(
    tmp_path: Path, sandbox: SandboxFactory, virtual_clock: VirtualClock
) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        report = _import(tmp_path, base_url, _rows(1000))
        requests = list(emulator.requests)
        emails = _emails(emulator)

    assert {r["status"] for r in report["rows"]} == {"added"}
    assert emails == sorted(f"p{n}@example.com" for n in range(1000))  # each once
    assert len(requests) == 5 * REQUESTS_PER_PUSH  # 0.04 requests a contact
    assert _actions(requests) == ["addOrUpdateContact"] * 1000 + ["getContactList"] * 1000
    assert all(r.path == BATCH for r in requests)
    # Polls back off: the first after 0.5 s, the next after twice that.
    assert {0.5, 1.0} <= set(virtual_clock.sleeps)
    assert max(virtual_clock.sleeps) <= 8.0


def test_half_there_then_one_in_ten_changed(tmp_path: Path, sandbox: SandboxFactory) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        # (a) 100 contacts into an empty account, from another machine's journal.
        _import(tmp_path, base_url, _rows(100), journal="other.sqlite3")
        # (b) 200 rows, half of them there with the same values.
        start = len(emulator.requests)
        second = _import(tmp_path, base_url, _rows(200))
        half_there = emulator.requests[start:]
        # (c) the same file with one row in ten changed: updated by the journal's ids.
        start = len(emulator.requests)
        third = _import(tmp_path, base_url, _rows(200, renamed=range(0, 200, 10)))
        changed = emulator.requests[start:]
        stored = emulator.stored()

    statuses = [r["status"] for r in second["rows"]]
    assert statuses == ["skipped"] * 100 + ["added"] * 100
    assert {r["reason"] for r in second["rows"][:100]} == {"already up to date at iVvy"}
    assert len(half_there) == REQUESTS_PER_PUSH
    assert _actions(half_there) == ["addOrUpdateContact"] * 100 + ["getContactList"] * 200
    assert [r["status"] for r in third["rows"]].count("updated") == 20
    assert len(changed) == REQUESTS_PER_PUSH // 2  # one run of 20 updates, no look-up
    assert all("id" in job["params"] for job in _jobs(changed))
    assert len(stored) == 200
    assert sum(str(c["firstName"]).startswith("Renamed") for c in stored) == 20


def test_a_run_of_writes_whose_answer_was_lost_is_looked_up_not_sent_blindly(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        # iVvy queued the writes, but the answer never came back; that batch runs only later.
        emulator.faults.drop_next(after_commit=True, path=BATCH, containing="addOrUpdateContact")
        report = _import(tmp_path, base_url, _rows(30))
        jobs = _jobs(emulator.requests)
        before_late_run = _emails(emulator)
        emulator.batches.complete_all()  # the lost run completes after all
        after_late_run = _emails(emulator)

    assert {r["status"] for r in report["rows"]} == {"added"}
    writes = [job for job in jobs if job["action"] == "addOrUpdateContact"]
    assert len(writes) == 60  # the lost run, then once more after the look-up found nothing
    assert all(job["params"]["updateIfExists"] is True for job in writes)
    # The look-up came between the lost run and the second one.
    actions = [job["action"] for job in jobs]
    assert (
        actions
        == ["getContactList"] * 30
        + ["addOrUpdateContact"] * 30
        + ["getContactList"] * 30
        + ["addOrUpdateContact"] * 30
    )
    assert before_late_run == after_late_run == sorted(f"p{n}@example.com" for n in range(30))


def test_a_lost_run_that_did_its_work_is_confirmed_by_look_up(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("ivvy", batch_polls_to_complete=0) as (emulator, base_url):
        emulator.faults.drop_next(after_commit=True, path=BATCH, containing="addOrUpdateContact")
        report = _import(tmp_path, base_url, _rows(12))
        writes = [j for j in _jobs(emulator.requests) if j["action"] == "addOrUpdateContact"]
        emails = _emails(emulator)

    assert {r["status"] for r in report["rows"]} == {"added"}
    assert all(r["reason"].startswith("confirmed by look-up after") for r in report["rows"])
    assert len(writes) == 12  # found: none sent again
    assert emails == sorted(f"p{n}@example.com" for n in range(12))


def test_an_add_that_could_merge_into_someone_else_is_never_sent_again(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    rows = "".join(f"Name{n},Last{n},+336123{n:05d},p{n}@example.com,ext-{n}\n" for n in range(12))
    text = "First Name,Last Name,Mobile,Email,External ID\n" + rows
    someone_else = "First Name,Last Name,Email,External ID\nName0,Last0,p0@example.com,other-9\n"
    with sandbox("ivvy") as (emulator, base_url):
        # Someone else (another externalId) already has row 2's e-mail and name.
        _import(tmp_path, base_url, someone_else, journal="other.sqlite3")
        emulator.requests.clear()
        emulator.faults.drop_next(after_commit=True, path=BATCH, containing="addOrUpdateContact")
        report = _import(tmp_path, base_url, text, code=1)
        writes = [j for j in _jobs(emulator.requests) if j["action"] == "addOrUpdateContact"]
        emulator.batches.complete_all()
        stored = emulator.stored()

    rows_by_number = {r["row"]: r for r in report["rows"]}
    assert rows_by_number[2]["status"] == "failed"
    assert rows_by_number[2]["reason"].endswith("a re-run looks it up before sending")
    assert {rows_by_number[n]["status"] for n in range(3, 14)} == {"added"}
    first_add = next(j for j in writes if j["params"]["email"] == "p0@example.com")
    assert "updateIfExists" not in first_add["params"]
    assert sum(j["params"]["email"] == "p0@example.com" for j in writes) == 1
    # The hand-made contact and row 2's contact are two people; nobody is there twice.
    assert sorted(str(c["email"]) for c in stored).count("p0@example.com") == 2
    assert len(stored) == 13


def test_journal_ids_gone_from_the_account_fall_back_to_look_ups_and_adds(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        _import(tmp_path, base_url, _rows(20))
        emulator.reset()  # the account lost its contacts
        report = _import(tmp_path, base_url, _rows(20, renamed=range(20)))
        jobs = _jobs(emulator.requests)
        stored = emulator.stored()

    assert {r["status"] for r in report["rows"]} == {"added"}
    assert [j["action"] for j in jobs] == ["addOrUpdateContact"] * 20 + ["getContactList"] * 20 + [
        "addOrUpdateContact"
    ] * 20
    assert sorted(str(c["firstName"]) for c in stored) == sorted(f"Renamed{n}" for n in range(20))


def test_a_refused_row_in_a_large_push_is_isolated_and_the_rest_land(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        emulator.faults.poison("p7@example.com")  # the vendor refuses any request holding it
        report = _import(tmp_path, base_url, _rows(40), code=1)
        emails = _emails(emulator)

    rows = {r["row"]: r for r in report["rows"]}
    assert rows[9]["status"] == "failed"
    assert "invalid value" in rows[9]["reason"]
    assert sum(r["status"] == "added" for r in report["rows"]) == 39
    assert emails == sorted(f"p{n}@example.com" for n in range(40) if n != 7)


def test_look_up_results_that_answer_no_job_send_the_push_again_in_halves(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        emulator.faults.answer_next({"asyncId": "x", "results": []}, path=f"{BATCH}?action=results")
        report = _import(tmp_path, base_url, _rows(12))
        direct = [r.query["action"][0] for r in emulator.requests if r.path != BATCH]
        emails = _emails(emulator)

    assert {r["status"] for r in report["rows"]} == {"added"}
    assert emails == sorted(f"p{n}@example.com" for n in range(12))  # each once
    # Nothing was written by the refused push: its halves (6 each) went by direct calls.
    assert sorted(set(direct)) == ["addOrUpdateContact", "getContactList"]


def test_write_results_that_answer_no_job_are_sent_again_only_as_updates(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        _import(tmp_path, base_url, _rows(12))
        start = len(emulator.requests)
        # The re-run updates all twelve by the journal's ids: one run of writes, no look-up;
        # its results come back listing nothing.
        emulator.faults.answer_next({"asyncId": "x", "results": []}, path=f"{BATCH}?action=results")
        report = _import(tmp_path, base_url, _rows(12, renamed=range(12)))
        runs = [j["action"] for j in _jobs(emulator.requests[start:])]
        stored = emulator.stored()

    assert {r["status"] for r in report["rows"]} == {"updated"}
    assert runs == ["addOrUpdateContact"] * 24  # sent again: an update by id cannot add
    assert len(stored) == 12
    assert {str(c["firstName"])[:7] for c in stored} == {"Renamed"}
