"""`import --dry-run --lookup`: each row's fate from a read-only look-up, and no write."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.helpers import import_to, write_csv
from tests.conftest import SandboxFactory

WRITES = {"POST", "PATCH", "PUT", "DELETE"}


def _plan(tmp_path: Path, provider: str, base_url: str, text: str, *extra: str) -> Any:
    source = write_csv(tmp_path / "plan.csv", text)
    report = tmp_path / "plan.json"
    run = import_to(
        tmp_path, provider, base_url, source, "--dry-run", "--lookup", "--report", report, *extra
    )
    return run, json.loads(report.read_text(encoding="utf-8")) if report.exists() else None


def test_callbell_rows_say_would_add_would_update_or_up_to_date_and_nothing_is_written(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        seed = write_csv(
            tmp_path / "seed.csv",
            "Name,Mobile,Tags\nAnn Lee,+33612345601,lead\nBob Ray,+33612345602,lead\n",
        )
        assert import_to(tmp_path, "callbell", base_url, seed).exit_code == 0
        before, start = emulator.stored(), len(emulator.requests)
        run, report = _plan(
            tmp_path,
            "callbell",
            base_url,
            "Name,Mobile,Tags\n"
            "Anne Lee,+33612345601,lead;vip\n"  # renamed, one tag more
            "Bob Ray,+33612345602,lead\n"  # as it is
            "Cleo Day,+33612345603,vip\n",  # not there
        )
        methods = {r.method for r in emulator.requests[start:]}
        after = emulator.stored()
    assert run.exit_code == 0, run.stderr
    assert [(r["status"], r["reason"]) for r in report["rows"]] == [
        ("skipped", "would update: name: 'Ann Lee' -> 'Anne Lee'; tags: +vip"),
        ("skipped", "already up to date"),
        ("skipped", "would add"),
    ]
    assert methods == {"GET"}  # look-ups only
    assert after == before


def test_ivvy_rows_are_planned_from_the_look_up(tmp_path: Path, sandbox: SandboxFactory) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        seed = write_csv(
            tmp_path / "seed.csv",
            "First Name,Last Name,Email,Mobile\nAnn,Lee,ann@example.com,+61455550000\n",
        )
        assert import_to(tmp_path, "ivvy", base_url, seed).exit_code == 0
        start = len(emulator.requests)
        run, report = _plan(
            tmp_path,
            "ivvy",
            base_url,
            "First Name,Last Name,Email,Mobile\n"
            "Ann,Lee,ANN@example.com,+61455550001\n"  # same address, another number
            "Cleo,Day,cleo@example.com,+61455550002\n",
        )
        actions = {r.query["action"][0] for r in emulator.requests[start:]}
    assert run.exit_code == 0, run.stderr
    assert [r["reason"] for r in report["rows"]] == [
        "would update: phone: '+61455550000' -> '+61455550001'",
        "would add",
    ]
    assert actions == {"getContactList"}


def test_a_vendor_without_a_look_up_and_lookup_without_dry_run_are_refused(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("octopush") as (emulator, base_url):
        run, _ = _plan(tmp_path, "octopush", base_url, "Mobile\n+33612345601\n")
        source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345601\n")
        alone = import_to(tmp_path, "octopush", base_url, source, "--lookup")
        requests = len(emulator.requests)
    assert run.exit_code == 2
    assert "Octopush has no look-up" in run.stderr
    assert alone.exit_code == 2
    assert "--lookup goes with --dry-run" in alone.stderr
    assert requests == 0


def test_pabbly_rows_are_planned_with_the_tags_an_overwrite_would_replace(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("pabbly") as (emulator, base_url):
        seed = write_csv(
            tmp_path / "seed.csv",
            "Name,Mobile,Tags\nAnn Lee,+33612345601,lead\nBob Ray,+33612345602,lead\n",
        )
        assert import_to(tmp_path, "pabbly", base_url, seed).exit_code == 0
        start = len(emulator.requests)
        run, report = _plan(
            tmp_path,
            "pabbly",
            base_url,
            "Name,Mobile,Tags\n"
            "Anne Lee,+33612345601,vip\n"
            "Bob Ray,+33612345602,lead\n"
            "Cleo Day,+33612345603,vip\n",
        )
        methods = {r.method for r in emulator.requests[start:]}
    assert run.exit_code == 0, run.stderr
    assert [r["reason"] for r in report["rows"]] == [
        "would update: name: 'Ann Lee' -> 'Anne Lee'; tags: +vip -lead",
        "already up to date",
        "would add",
    ]
    assert methods == {"GET"}


def test_pabbly_plan_fails_before_sending_a_row_naming_a_tag_the_account_lacks(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("pabbly") as (emulator, base_url):
        run, report = _plan(
            tmp_path,
            "pabbly",
            base_url,
            "Name,Mobile,Tags\n"
            "Ann Lee,+33612345601,Friends\n"  # no such tag in the account
            "Bob Ray,+33612345602,VIP\n"  # the account's "vip", spelled another way
            "Cleo Day,+33612345603,\n",
        )
        requests = [(r.method, r.path) for r in emulator.requests]
    assert run.exit_code == 1
    rows = report["rows"]
    assert rows[0]["status"] == "failed"
    assert rows[0]["reason"].startswith(
        "tag 'Friends' does not exist in this Pabbly Chatflow account"
    )
    assert [r["reason"] for r in rows[1:]] == ["would add", "would add"]
    assert requests.count(("GET", "/api/v1/settings/tags")) == 1  # read once for the run
    assert {method for method, _ in requests} == {"GET"}


def test_callbell_plan_fails_a_row_naming_a_custom_field_the_account_lacks(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text('attributes: {City: City, "Shoe Size": Shoe}\n', encoding="utf-8")
    with sandbox("callbell") as (emulator, base_url):
        run, report = _plan(
            tmp_path,
            "callbell",
            base_url,
            "Name,Mobile,City,Shoe\n"
            "Ann Lee,+33612345601,Lyon,42\n"  # no "Shoe Size" field in the account
            "Bob Ray,+33612345602,Paris,\n",  # a blank cell names nothing
            "--mapping",
            str(mapping),
        )
        calls = [(r.method, r.path, r.query.get("include_field_types")) for r in emulator.requests]
    assert run.exit_code == 1
    rows = report["rows"]
    assert rows[0]["reason"].startswith(
        "custom field 'Shoe Size' does not exist in this Callbell account"
    )
    assert rows[1]["reason"] == "would add"
    assert calls.count(("GET", "/v1/contacts", ["true"])) == 1  # read once for the run
    assert {method for method, _, _ in calls} == {"GET"}


def test_ivvy_plans_a_large_file_from_batch_runs_of_look_ups(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    rows = "".join(f"Name{n},Last{n},+336160{n:05d},p{n}@example.com\n" for n in range(30))
    header = "First Name,Last Name,Mobile,Email\n"
    with sandbox("ivvy") as (emulator, base_url):
        seed = write_csv(tmp_path / "seed.csv", header + rows.split("\n", 10)[10])  # 20 there
        assert (
            import_to(tmp_path, "ivvy", base_url, seed, "--journal", tmp_path / "s").exit_code == 0
        )
        start = len(emulator.requests)
        run, report = _plan(tmp_path, "ivvy", base_url, header + rows)
        actions = [r.query["action"][0] for r in emulator.requests[start:]]
        jobs = [
            job["action"]
            for r in emulator.requests[start:]
            if r.query["action"] == ["run"]
            for job in r.json["jobs"]
        ]

    assert run.exit_code == 0, run.stderr
    reasons = [r["reason"] for r in report["rows"]]
    assert reasons == ["would add"] * 10 + ["already up to date"] * 20
    assert sorted(actions) == ["progress"] * 2 + ["results", "run"]  # one run, 30 look-ups
    assert jobs == ["getContactList"] * 30
