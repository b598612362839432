"""Callbell at its minimum number of requests: journal-held uuids, and up-to-date rows.

Scenarios of issue 16 over the emulator, counted from its request log: (a) new contacts into
an empty account, (b) the same file with half of them already there, (c) a re-run of (b)
where one row in ten changed, plus a uuid that vanished and a changed row that adds tags.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from contactctl.sandbox import SANDBOX_CREDENTIALS
from tests.cli.helpers import import_to, write_csv
from tests.conftest import SandboxFactory

ROWS = 10
HEADER = "First Name,Last Name,Mobile\n"


def _rows(renamed: int | None = None, count: int = ROWS) -> str:
    names = [f"Name{n},Last{n},+336123456{n:02d}\n" for n in range(count)]
    if renamed is not None:
        names[renamed] = f"Renamed{renamed},Last{renamed},+336123456{renamed:02d}\n"
    return HEADER + "".join(names)


def _run(
    tmp_path: Path,
    base_url: str,
    text: str,
    journal: str = "j.sqlite3",
    provider: str = "callbell",
) -> dict[str, Any]:
    source = write_csv(tmp_path / "c.csv", text)
    report = tmp_path / "r.json"
    run = import_to(
        tmp_path, provider, base_url, source, "--journal", tmp_path / journal, "--report", report
    )
    assert run.exit_code == 0, run.stderr
    loaded: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return loaded


def _methods(emulator: Any, start: int) -> list[str]:
    return sorted(r.method for r in emulator.requests[start:])


def test_the_three_scenarios_at_the_minimum_number_of_requests(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        # (a) an empty account: a look-up and a create per contact.
        first = _run(tmp_path, base_url, _rows(count=ROWS // 2), journal="other.sqlite3")
        assert _methods(emulator, 0) == ["GET"] * 5 + ["POST"] * 5
        assert {r["status"] for r in first["rows"]} == {"added"}
        # (b) the whole file, half already there with the same values (put there by another
        # journal): the half found up to date costs its look-up and nothing more.
        start = len(emulator.requests)
        second = _run(tmp_path, base_url, _rows())
        assert _methods(emulator, start) == ["GET"] * 10 + ["POST"] * 5
        statuses = [(r["status"], r["reason"]) for r in second["rows"]]
        assert statuses[:5] == [("skipped", "already up to date at Callbell")] * 5
        assert {status for status, _ in statuses[5:]} == {"added"}
        # (c) one row in ten changed: one PATCH by the journal's uuid, nothing for the rest.
        start = len(emulator.requests)
        third = _run(tmp_path, base_url, _rows(renamed=3))
        assert _methods(emulator, start) == ["PATCH"]
        assert [r["status"] for r in third["rows"]].count("updated") == 1
        names = sorted(str(c["name"]) for c in emulator.stored())
    assert len(names) == ROWS
    assert "Renamed3 Last3" in names


def test_a_uuid_that_vanished_falls_back_to_a_look_up_and_a_create(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    token = SANDBOX_CREDENTIALS["callbell"]["api_token"]
    with sandbox("callbell") as (emulator, base_url):
        _run(tmp_path, base_url, _rows(count=2))
        gone = next(c for c in emulator.stored() if c["name"] == "Name1 Last1")
        httpx.delete(
            f"{base_url}/v1/contacts/{gone['uuid']}", headers={"Authorization": f"Bearer {token}"}
        ).raise_for_status()
        start = len(emulator.requests)
        report = _run(tmp_path, base_url, _rows(renamed=1, count=2))
        calls = [(r.method, r.status) for r in emulator.requests[start:]]
        names = sorted(str(c["name"]) for c in emulator.stored())
    assert calls == [("PATCH", 404), ("GET", 404), ("POST", 200)]
    assert report["rows"][1]["status"] == "added"
    assert names == ["Name0 Last0", "Renamed1 Last1"]  # created once, the other untouched


def test_a_changed_row_that_adds_tags_is_looked_up_so_no_tag_is_lost(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        _run(tmp_path, base_url, "First Name,Last Name,Mobile,Tags\nAnn,Lee,+33612345600,lead\n")
        start = len(emulator.requests)
        _run(tmp_path, base_url, "First Name,Last Name,Mobile,Tags\nAnn,Lee,+33612345600,vip\n")
        methods = [r.method for r in emulator.requests[start:]]
        [record] = emulator.stored()
    assert methods == ["GET", "PATCH"]
    assert record["tags"] == ["lead", "vip"]


def _ivvy_rows(renamed: int | None = None, count: int = ROWS) -> str:
    rows = [f"Name{n},Last{n},+336123456{n:02d},p{n}@example.com\n" for n in range(count)]
    if renamed is not None:
        rows[renamed] = rows[renamed].replace(f"Name{renamed},", f"Renamed{renamed},")
    return "First Name,Last Name,Mobile,Email\n" + "".join(rows)


def _actions(emulator: Any, start: int) -> list[str]:
    return sorted(str(r.query.get("action", ["?"])[0]) for r in emulator.requests[start:])


def _jobs(emulator: Any, start: int) -> list[str]:
    """The calls iVvy's batch runs carried."""
    runs = [r.json for r in emulator.requests[start:] if r.query.get("action") == ["run"]]
    return sorted(job["action"] for run in runs for job in run["jobs"])


# A push of 10 contacts or more goes in batch runs: a run, two progress polls and the
# results for the look-ups, the same again for the writes (providers/ivvy_batch.py).
TWO_RUNS = ["progress"] * 4 + ["results"] * 2 + ["run"] * 2


def test_ivvy_scenarios_at_the_minimum_number_of_requests(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        _run(
            tmp_path,
            base_url,
            _ivvy_rows(count=ROWS // 2),
            journal="other.sqlite3",
            provider="ivvy",
        )
        assert _actions(emulator, 0) == ["addOrUpdateContact"] * 5 + ["getContactList"] * 5
        start = len(emulator.requests)
        second = _run(tmp_path, base_url, _ivvy_rows(), provider="ivvy")
        assert _actions(emulator, start) == TWO_RUNS  # 8 requests; 15 by direct calls
        assert _jobs(emulator, start) == ["addOrUpdateContact"] * 5 + ["getContactList"] * 10
        reasons = [r["reason"] for r in second["rows"][:5]]
        assert reasons == ["already up to date at iVvy"] * 5
        start = len(emulator.requests)
        third = _run(tmp_path, base_url, _ivvy_rows(renamed=3), provider="ivvy")
        assert _actions(emulator, start) == ["addOrUpdateContact"]  # by the journal's id
        assert [r["status"] for r in third["rows"]].count("updated") == 1
        names = sorted(str(c["firstName"]) for c in emulator.stored())
    assert len(names) == ROWS
    assert "Renamed3" in names


def test_ivvy_id_that_vanished_falls_back_to_a_look_up_and_an_add(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        _run(tmp_path, base_url, _ivvy_rows(count=2), provider="ivvy")
        emulator.reset()  # the account lost its contacts (deleted at iVvy)
        report = _run(tmp_path, base_url, _ivvy_rows(renamed=1, count=2), provider="ivvy")
        calls = [(r.query["action"][0], r.status) for r in emulator.requests]
        stored = sorted(str(c["firstName"]) for c in emulator.stored())
    assert report["rows"][1]["status"] == "added"
    assert calls[:3] == [
        ("addOrUpdateContact", 404),
        ("getContactList", 200),
        ("addOrUpdateContact", 200),
    ]
    assert stored == ["Renamed1"]  # the unchanged row 0 was skipped by the journal
