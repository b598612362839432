"""`contactctl undo RUN_ID` over the emulators: what lands (the store, the request log, the
journal), not what was called."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from contactctl.sandbox import HandMade
from tests.cli.helpers import Run, count_in_journal, run_cli, write_config, write_csv
from tests.conftest import SandboxFactory

CONTACTS = """
First Name,Last Name,Mobile,Email
Axelle,Durand,+33612345601,axelle@example.com
Bruno,Martin,+33612345602,bruno@example.com
Chloe,Petit,+33612345603,chloe@example.com
Dylan,Roux,+33612345604,dylan@example.com
"""
AXELLE = HandMade("33612345601", "Old", "Name", "Axelle@Example.com", "c-01")


class Account:
    """One provider's emulator, a config pointing at it, and one journal."""

    def __init__(self, tmp_path: Path, provider: str, emulator: Any, base_url: str) -> None:
        self.tmp_path = tmp_path
        self.provider = provider
        self.emulator = emulator
        self.base_url = base_url
        self.config = write_config(tmp_path / "c.yaml", provider, base_url)
        self.journal = tmp_path / "j.sqlite3"

    def import_(self, text: str = CONTACTS) -> Run:
        source = write_csv(self.tmp_path / "contacts.csv", text)
        return run_cli("import", source, "-p", self.provider, *self._common(), "--output", "json")

    def undo(self, run_id: int, *extra: str) -> tuple[Run, dict[int, dict[str, Any]]]:
        report = self.tmp_path / f"undo-{run_id}.json"
        run = run_cli("undo", str(run_id), *self._common(), "--report", report, *extra)
        rows = json.loads(report.read_text())["rows"] if report.exists() else []
        return run, {r["row"]: r for r in rows}

    def runs(self) -> list[dict[str, Any]]:
        run = run_cli("runs", "--journal", self.journal, "--output", "json")
        runs: list[dict[str, Any]] = run.json()["runs"]
        return runs

    def _common(self) -> tuple[str | Path, ...]:
        return ("-c", self.config, "--journal", self.journal)


def _names(emulator: Any) -> dict[str, str]:
    return {str(c["phoneNumber"]).lstrip("+"): str(c["name"]) for c in emulator.stored()}


def _rename_at_callbell(base_url: str, emulator: Any, number: str, name: str) -> None:
    """Someone edits a contact in Callbell's own screens after the run."""
    from contactctl.sandbox import SANDBOX_CREDENTIALS

    [uuid] = [c["uuid"] for c in emulator.stored() if c["phoneNumber"].endswith(number)]
    token = SANDBOX_CREDENTIALS["callbell"]["api_token"]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers) as client:
        assert client.patch(f"/v1/contacts/{uuid}", json={"name": name}).status_code == 200


def test_callbell_added_deleted_updated_restored_changed_since_left_alone(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        emulator.add_by_hand(AXELLE)  # there before the run, as "Old Name"
        account = Account(tmp_path, "callbell", emulator, base_url)
        imported = account.import_()
        [run] = account.runs()
        _rename_at_callbell(base_url, emulator, "33612345604", "Dylan (edited by hand)")
        undone, rows = account.undo(run["id"])
        names_after_undo = _names(emulator)
        again, rows_again = account.undo(run["id"])
        names_after_second = _names(emulator)
        deletes = [r for r in emulator.requests if r.method == "DELETE"]
        reimported = account.import_()
        runs = account.runs()

    assert imported.exit_code == 0, imported.stderr
    assert undone.exit_code == 1, undone.stderr  # one row could not be taken back
    assert rows[2]["status"] == "restored"
    assert (rows[3]["status"], rows[4]["status"]) == ("deleted", "deleted")
    assert rows[5]["status"] == "failed"
    assert rows[5]["reason"] == f"changed at Callbell since run {run['id']}; left alone"
    assert names_after_undo == {
        "33612345601": "Old Name",
        "33612345604": "Dylan (edited by hand)",
    }
    # A second undo changes nothing: what was taken back is skipped, the rest still refused.
    assert again.exit_code == 1
    assert {rows_again[n]["status"] for n in (2, 3, 4)} == {"skipped"}
    assert rows_again[3]["reason"].startswith("already undone by run")
    assert names_after_second == names_after_undo
    assert len(deletes) == 2
    # What was taken back is sent again by the next import (the journal forgot it).
    assert reimported.exit_code == 0, reimported.stderr
    statuses = {r["row"]: r["status"] for r in reimported.json()["rows"]}
    assert statuses == {2: "updated", 3: "added", 4: "added", 5: "skipped"}
    assert [r["files"] for r in runs][:2] == [
        [str(tmp_path / "contacts.csv")],
        [f"undo of run {run['id']}"],
    ]


def test_octopush_deletes_what_the_run_added_in_one_request(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("octopush") as (emulator, base_url):
        account = Account(tmp_path, "octopush", emulator, base_url)
        account.import_()
        renamed = CONTACTS.replace("Axelle,", "Axelle-Marie,")
        account.import_(renamed)  # run 2 overwrites Axelle: Octopush shows no before-image
        first, second = sorted(run["id"] for run in account.runs())
        undo_update, update_rows = account.undo(second)
        start = len(emulator.requests)
        undone, rows = account.undo(first)
        requests = emulator.requests[start:]
        stored = emulator.stored()

    assert undo_update.exit_code == 1
    assert update_rows[2]["reason"] == "Octopush cannot write a contact back"
    assert undone.exit_code == 0, undone.stderr
    assert {r["status"] for r in rows.values()} == {"deleted"}
    assert [(r.method, r.path) for r in requests] == [("DELETE", "/v1/public/contact/delete")]
    assert len(requests[0].json["phone_numbers"]) == 4
    assert stored == []


def test_ivvy_restores_the_contact_it_updated_and_cannot_delete_one_it_added(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        emulator.add_by_hand(AXELLE)
        account = Account(tmp_path, "ivvy", emulator, base_url)
        account.import_()
        [run] = account.runs()
        undone, rows = account.undo(run["id"])
        stored = {str(c["email"]).lower(): c for c in emulator.stored()}

    assert undone.exit_code == 1
    assert rows[2]["status"] == "restored"
    assert stored["axelle@example.com"]["firstName"] == "Old"
    assert not stored["axelle@example.com"]["phone"]  # it had none before the run
    assert {rows[n]["reason"] for n in (3, 4, 5)} == {"iVvy has no call that deletes a contact"}
    assert len(stored) == 4


def test_dry_run_says_what_it_would_do_and_sends_nothing(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        emulator.add_by_hand(AXELLE)
        account = Account(tmp_path, "callbell", emulator, base_url)
        account.import_()
        [run] = account.runs()
        before = (emulator.stored(), len(emulator.requests))
        planned, rows = account.undo(run["id"], "--dry-run")
        as_json = run_cli(
            "undo", str(run["id"]), "--dry-run", "--output", "json", *account._common()
        )
        after = (emulator.stored(), len(emulator.requests))

    assert planned.exit_code == 0, planned.stderr
    assert rows[2]["reason"] == "would restore it as it was before (--dry-run)"
    assert rows[3]["reason"] == "would delete it (--dry-run)"
    assert after == before
    assert as_json.json()["summary"] == {
        "total": 4,
        "deleted": 0,
        "restored": 0,
        "skipped": 4,
        "failed": 0,
    }


def test_an_undo_cut_short_is_resumed_and_nothing_is_done_twice(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        account = Account(tmp_path, "callbell", emulator, base_url)
        account.import_()
        [run] = account.runs()
        uuids = {c["phoneNumber"].replace(" ", "")[-2:]: c["uuid"] for c in emulator.stored()}
        # Callbell stops answering for the third contact: the undo aborts there.
        emulator.faults.fail_next(503, count=1000, path=f"/v1/contacts/{uuids['03']}")
        cut, cut_rows = account.undo(run["id"])
        emulator.faults.clear()
        resumed, rows = account.undo(run["id"])
        deletes = [r.path for r in emulator.requests if r.method == "DELETE"]
        stored = emulator.stored()

    assert cut.exit_code == 3
    # The four are taken back side by side: the others finish, the third cannot.
    cut_statuses = [cut_rows[n]["status"] for n in (2, 3, 4, 5)]
    assert cut_statuses == ["deleted", "deleted", "failed", "deleted"]
    assert cut_rows[4]["reason"].startswith("not undone: run aborted")
    assert resumed.exit_code == 0, resumed.stderr
    resumed_statuses = [rows[n]["status"] for n in (2, 3, 4, 5)]
    assert resumed_statuses == ["skipped", "skipped", "deleted", "skipped"]
    assert sorted(deletes) == sorted(f"/v1/contacts/{u}" for u in uuids.values())  # once each
    assert stored == []


def test_an_unknown_run_or_another_account_is_refused(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("octopush") as (emulator, base_url):
        account = Account(tmp_path, "octopush", emulator, base_url)
        account.import_()
        [run] = account.runs()
        missing, _ = account.undo(99)
        other = write_config(tmp_path / "other.yaml", "octopush", base_url, api_login="x@y.z")
        elsewhere = run_cli("undo", str(run["id"]), "-c", other, "--journal", account.journal)
        stored = emulator.stored()

    assert missing.exit_code == 2
    assert "has no run 99" in missing.stderr
    assert elsewhere.exit_code == 2
    assert "Undo with the config" in elsewhere.stderr
    assert len(stored) == 4


def test_what_shoutout_and_pabbly_cannot_take_back_is_listed_with_the_reason(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    reasons = {}
    for provider in ("shoutout", "pabbly"):
        with sandbox(provider) as (emulator, base_url):
            (tmp_path / provider).mkdir()
            account = Account(tmp_path / provider, provider, emulator, base_url)
            account.import_()
            [run] = account.runs()
            undone, rows = account.undo(run["id"])
            reasons[provider] = ({r["reason"] for r in rows.values()}, undone.exit_code)
            assert len(emulator.stored()) == 4  # nothing was touched

    assert reasons["shoutout"] == (
        {"ShoutOUT did not say whether it was new, so what it held before is unknown"},
        1,
    )
    assert reasons["pabbly"] == ({"Pabbly Chatflow has no call that deletes a contact"}, 1)


def _undone_rows(journal: Path) -> int:
    """Rows an undo has marked as taken back so far."""
    return count_in_journal(journal, "SELECT count(*) FROM run_rows WHERE undone IS NOT NULL")


def test_an_undo_killed_mid_way_is_resumed_and_nothing_is_deleted_twice(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    import os
    import signal
    import subprocess
    import sys

    from tests.cli.helpers import wait_until

    rows = "".join(f"Name{n},Last{n},+336150{n:05d},p{n}@example.com\n" for n in range(60))
    with sandbox("callbell") as (emulator, base_url):
        account = Account(tmp_path, "callbell", emulator, base_url)
        account.import_("First Name,Last Name,Mobile,Email\n" + rows)
        [run] = account.runs()
        emulator.faults.latency_s = 0.05  # the undo takes a few seconds: time to kill it
        argv = [sys.executable, "-m", "contactctl", "undo", str(run["id"]), *account._common()]
        child = subprocess.Popen(
            [str(a) for a in argv], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(lambda: _undone_rows(account.journal) >= 5, "five rows undone")
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=20)
        emulator.faults.latency_s = 0.0
        left_after_kill = len(emulator.stored())
        resumed, results = account.undo(run["id"])
        deleted = [r.path for r in emulator.requests if r.method == "DELETE" and r.status == 200]
        stored = emulator.stored()

    assert child.returncode == -signal.SIGKILL
    assert 0 < left_after_kill < 60
    assert resumed.exit_code == 0, resumed.stderr
    assert {r["status"] for r in results.values()} <= {"deleted", "skipped"}
    assert len(deleted) == len(set(deleted)) == 60  # each contact deleted once, none twice
    assert stored == []


def test_a_nightly_update_by_the_journals_id_is_restored_to_what_the_run_before_wrote(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        account = Account(tmp_path, "callbell", emulator, base_url)
        account.import_()  # run 1 adds the four
        start = len(emulator.requests)
        second = account.import_(CONTACTS.replace("Bruno,Martin", "Bruno,Martin-Leroy"))
        patched_without_look_up = [r.method for r in emulator.requests[start:]]
        latest = max(run["id"] for run in account.runs())
        undone, rows = account.undo(latest)
        names = _names(emulator)

    assert second.exit_code == 0, second.stderr
    assert patched_without_look_up == ["PATCH"]  # by the journal's uuid (issue 16)
    assert undone.exit_code == 0, undone.stderr
    assert rows[3]["status"] == "restored"
    assert rows[3]["reason"].startswith(f"restored to what run {latest - 1} wrote")
    assert names["33612345602"] == "Bruno Martin"
    assert len(rows) == 1  # the unchanged rows were not written by run 2


def test_pabbly_puts_back_what_the_run_before_wrote_and_cannot_guess_the_rest(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("pabbly") as (emulator, base_url):
        emulator.add_by_hand(AXELLE)  # never written by contactctl: no before-image anywhere
        account = Account(tmp_path, "pabbly", emulator, base_url)
        account.import_()  # run 1: Axelle updated, the other three added
        renamed = CONTACTS.replace("Bruno,Martin", "Bruno,Martin-Leroy")
        account.import_(renamed.replace("Axelle,Durand", "Axelle,Durand-Roy"))
        latest = max(run["id"] for run in account.runs())
        undone, rows = account.undo(latest)
        names = {str(c["mobile"]): str(c["name"]) for c in emulator.stored()}
        puts = [r for r in emulator.requests if r.method == "PUT"]
        first_run, first_rows = account.undo(latest - 1)

    assert undone.exit_code == 0, undone.stderr
    assert rows[3]["status"] == "restored"
    assert rows[3]["reason"].startswith(f"restored to what run {latest - 1} wrote")
    assert (names["33612345602"], names["33612345601"]) == ("Bruno Martin", "Axelle Durand")
    assert len(puts) == 2
    # Run 1 itself overwrote Axelle with no look-up and nothing earlier recorded her: what she
    # held before it is unknown; the contacts it added cannot be deleted at Pabbly.
    assert first_run.exit_code == 1
    assert first_rows[2]["reason"].startswith("what Pabbly Chatflow held before is unknown")
    assert first_rows[3]["reason"] == "Pabbly Chatflow has no call that deletes a contact"


def test_a_sandbox_run_is_undone_with_sandbox(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "contacts.csv", CONTACTS)
    imported = run_cli("import", source, "-p", "octopush", "--sandbox", "--output", "json")
    [run] = run_cli("runs", "--output", "json").json()["runs"]
    undone = run_cli("undo", str(run["id"]), "--sandbox", "--output", "json")
    without_sandbox = run_cli("undo", str(run["id"]), "--output", "json")
    again = run_cli("import", source, "-p", "octopush", "--sandbox", "--output", "json")

    assert imported.exit_code == 0, imported.stderr
    assert undone.exit_code == 0, undone.stderr
    assert {r["status"] for r in undone.json()["rows"]} == {"deleted"}
    assert without_sandbox.exit_code == 2  # the sandbox's account, not a configured one
    # The sandbox's saved store lost them, and the journal forgot them: added again.
    assert {r["status"] for r in again.json()["rows"]} == {"added"}


def test_after_an_abort_the_rows_not_yet_started_are_not_sent(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        account = Account(tmp_path, "callbell", emulator, base_url)
        account.import_()
        [run] = account.runs()
        account.config = write_config(tmp_path / "c.yaml", "callbell", base_url, concurrency=1)
        uuids = {c["phoneNumber"].replace(" ", "")[-2:]: c["uuid"] for c in emulator.stored()}
        emulator.faults.fail_next(503, count=1000, path=f"/v1/contacts/{uuids['02']}")
        cut, rows = account.undo(run["id"])
        touched = {r.path for r in emulator.requests if r.path.startswith("/v1/contacts/")}

    assert cut.exit_code == 3
    assert [rows[n]["status"] for n in (2, 3, 4, 5)] == ["deleted", "failed", "failed", "failed"]
    assert all(rows[n]["reason"].startswith("not undone: run aborted") for n in (3, 4, 5))
    assert not touched & {f"/v1/contacts/{uuids[k]}" for k in ("03", "04")}  # never asked


def test_a_contact_confirmed_by_look_up_after_a_lost_answer_is_undone_too(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        account = Account(tmp_path, "callbell", emulator, base_url)
        emulator.faults.drop_next(after_commit=True, containing="identifier")  # a create
        imported = account.import_()
        [run] = account.runs()
        undone, rows = account.undo(run["id"])
        stored = emulator.stored()

    reasons = [r["reason"] or "" for r in imported.json()["rows"]]
    assert any(reason.startswith("confirmed by look-up after") for reason in reasons)
    assert undone.exit_code == 0, undone.stderr
    assert {r["status"] for r in rows.values()} == {"deleted"}
    assert stored == []


def test_a_read_back_that_names_no_contact_is_not_taken_for_gone(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        account = Account(tmp_path, "callbell", emulator, base_url)
        account.import_()
        [run] = account.runs()
        # Callbell answers the read-backs 200 with nothing in them.
        emulator.faults.answer_next({"message": "ok"}, count=4, method="GET")
        first, first_rows = account.undo(run["id"])
        kept = len(emulator.stored())
        emulator.faults.clear()
        second, second_rows = account.undo(run["id"])
        stored = emulator.stored()

    assert first.exit_code == 1
    assert {r["reason"] for r in first_rows.values()} == {
        "not undone: Callbell's answer names no contact"
    }
    assert kept == 4  # nothing deleted, nothing marked: the next undo does it
    assert second.exit_code == 0, second.stderr
    assert {r["status"] for r in second_rows.values()} == {"deleted"}
    assert stored == []


def test_a_restore_whose_answer_proves_nothing_is_checked_by_the_next_undo(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        emulator.add_by_hand(AXELLE)
        account = Account(tmp_path, "callbell", emulator, base_url)
        account.import_()
        [run] = account.runs()
        # The PATCH that restores Axelle lands, but its answer is an empty object.
        emulator.faults.answer_next({}, method="PATCH")
        first, first_rows = account.undo(run["id"])
        second, second_rows = account.undo(run["id"])
        names = _names(emulator)

    assert first_rows[2]["status"] == "failed"
    assert "answer to the restore names no contact" in first_rows[2]["reason"]
    assert first.exit_code == 1
    # Read back, Axelle holds her old name again: restored, and no second PATCH was needed.
    assert (second_rows[2]["status"], second_rows[2]["reason"]) == (
        "restored",
        "already as it was before the run",
    )
    assert second.exit_code == 0, second.stderr
    assert names["33612345601"] == "Old Name"
