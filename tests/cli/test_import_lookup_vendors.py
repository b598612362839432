"""Callbell, Pabbly Chatflow and iVvy end to end: the look-up vendors, through the command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import rows_by_number, run_cli, write_config, write_csv
from tests.conftest import SandboxFactory

MESSY = """
First Name,Last Name,Mobile,Email,Customer ID
Axelle,Durand,+33 6 12 34 56 78,axelle@example.com,c-1
Bruno,Martin,06 12 34 56 79,bruno@example.com,c-2
Bad,Number,12,bad@example.com,c-3
Office,Line,+33 1 42 68 53 00,office@example.com,c-4
Dup,Axelle,+33612345678,axelle@example.com,c-1
"""
PHONE_KEY = {"callbell": "phoneNumber", "pabbly": "mobile", "ivvy": "phone"}


def _run(tmp_path: Path, name: str, base_url: str, *extra: str) -> tuple[Any, dict[str, Any]]:
    source = write_csv(tmp_path / "messy.csv", MESSY)
    config = write_config(tmp_path / "c.yaml", name, base_url)
    report = tmp_path / "r.json"
    run = run_cli(
        "import",
        source,
        "-p",
        name,
        "-c",
        config,
        "-r",
        "FR",
        "--report",
        report,
        "--journal",
        tmp_path / "j.sqlite3",
        *extra,
    )
    return run, json.loads(report.read_text())


def _phones(emulator: Any, name: str) -> list[str]:
    return sorted("+" + str(r[PHONE_KEY[name]]).lstrip("+") for r in emulator.stored())


@pytest.mark.parametrize("name", ["callbell", "pabbly", "ivvy"])
def test_messy_file_then_reimport_then_skip_mode(
    tmp_path: Path, sandbox: SandboxFactory, name: str
) -> None:
    with sandbox(name) as (emulator, base_url):
        first_run, first = _run(tmp_path, name, base_url)
        after_first = _phones(emulator, name)
        _, again = _run(tmp_path, name, base_url, "--no-resume")
        requests_before_skip = len(emulator.requests)
        _, kept = _run(tmp_path, name, base_url, "--no-resume", "--on-duplicate", "skip")
        writes_in_skip = [
            r
            for r in emulator.requests[requests_before_skip:]
            if r.method in ("PATCH", "PUT")
            or (
                (r.method == "POST" and "getContactList" not in str(r.query))
                and not (name == "pabbly" and "skip" in str(r.query))
            )
        ]
        after_all = _phones(emulator, name)
    rows = rows_by_number(first)
    assert first_run.exit_code == 1, first_run.stderr
    assert rows[2]["status"] == "added"
    assert rows[3]["status"] == "added"
    assert rows[4]["status"] == "failed"
    assert rows[6]["status"] == "skipped"
    assert "duplicate of" in rows[6]["reason"]
    if name == "ivvy":  # not a messaging vendor: a fixed line is a fine phone number
        assert rows[5]["status"] == "added"
        assert after_first == ["+33142685300", "+33612345678", "+33612345679"]
    else:
        assert rows[5]["status"] == "failed"
        assert "--allow-landlines" in rows[5]["reason"]
        assert after_first == ["+33612345678", "+33612345679"]
    assert {rows_by_number(again)[n]["status"] for n in (2, 3)} == {"updated"}
    assert {rows_by_number(kept)[n]["status"] for n in (2, 3)} == {"skipped"}
    assert writes_in_skip == []
    assert after_all == after_first  # every contact once, whatever was re-run
