"""Issue 16's three scenarios for every provider, counted from the emulator's request log.

(a) new contacts into an empty account, (b) the same file with half of them already there
(put there with another journal), (c) a re-run of (b) where one row in ten changed. The
counts are each provider's minimum (figure 7 measures the same at 1,000 contacts); the
statuses are checked row by row and the store holds every contact once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import run_cli, write_config, write_csv
from tests.conftest import SandboxFactory

CONTACTS = 40
# Requests for (a), (b) and (c) at each provider's default batch size: a batch vendor one a
# batch (Pabbly two where a batch holds existing contacts); Callbell a look-up and a create
# per new contact, a look-up alone for one already up to date, a PATCH by the journal's uuid
# per changed row; iVvy two batch runs of 4 requests (run, two polls, results) per push of
# 10 or more, and its 4 changed rows by direct updates (a push under 10 goes direct).
EXPECTED = {
    "octopush": (1, 1, 1),
    "shoutout": (1, 1, 1),
    "pabbly": (1, 2, 2),
    "callbell": (80, 60, 4),
    "ivvy": (8, 8, 4),
}


def _csv(path: Path, renamed: bool = False) -> Path:
    rows = [
        f"{'Changed' if renamed and n % 10 == 0 else 'Name'}{n},Last{n},+336140{n:05d},"
        f"p{n}@example.com\n"
        for n in range(CONTACTS)
    ]
    return write_csv(path, "First Name,Last Name,Mobile,Email\n" + "".join(rows))


def _import(tmp_path: Path, base_url: str, provider: str, source: Path, journal: str) -> Any:
    config = write_config(tmp_path / "c.yaml", provider, base_url)
    report = tmp_path / f"{journal}.json"
    run = run_cli(
        "import", source, "-p", provider, "-c", config,
        "--journal", tmp_path / f"{journal}.sqlite3", "--report", report,
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    return json.loads(report.read_text(encoding="utf-8"))["rows"]


def _new(provider: str) -> str:
    return "upserted" if provider == "shoutout" else "added"


def _existing(provider: str, row: dict[str, Any]) -> bool:
    if provider == "shoutout":
        return bool(row["status"] == "upserted")
    if row["status"] == "skipped":  # a look-up vendor found the same values
        return bool(row["reason"].startswith("already up to date at"))
    return bool(row["status"] == "updated")


@pytest.mark.parametrize("provider", sorted(EXPECTED))
def test_the_three_scenarios_at_each_vendors_minimum(
    tmp_path: Path, sandbox: SandboxFactory, provider: str
) -> None:
    counts = []
    with sandbox(provider) as (emulator, base_url):
        first = _import(tmp_path, base_url, provider, _csv(tmp_path / "a.csv"), "a")
        counts.append(len(emulator.requests))
    with sandbox(provider) as (emulator, base_url):
        half = write_csv(
            tmp_path / "half.csv",
            "\n".join(_csv(tmp_path / "all.csv").read_text().splitlines()[: CONTACTS // 2 + 1]),
        )
        _import(tmp_path, base_url, provider, half, "other")
        start = len(emulator.requests)
        second = _import(tmp_path, base_url, provider, _csv(tmp_path / "all.csv"), "b")
        counts.append(len(emulator.requests) - start)
        start = len(emulator.requests)
        changed = _csv(tmp_path / "changed.csv", renamed=True)
        third = _import(tmp_path, base_url, provider, changed, "b")
        counts.append(len(emulator.requests) - start)
        numbers = [str(c[emulator.phone_field]).lstrip("+") for c in emulator.stored()]

    assert tuple(counts) == EXPECTED[provider]
    assert {r["status"] for r in first} == {_new(provider)}
    assert all(_existing(provider, r) for r in second[: CONTACTS // 2])
    assert {r["status"] for r in second[CONTACTS // 2 :]} == {_new(provider)}
    assert all(_existing(provider, r) and r["status"] != "skipped" for r in third[::10])
    unchanged = [r for n, r in enumerate(third) if n % 10]
    assert all(r["reason"].startswith("unchanged since") for r in unchanged)
    assert len(numbers) == len(set(numbers)) == CONTACTS
