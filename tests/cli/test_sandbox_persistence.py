"""`--sandbox` remembers what it received between runs (one store per provider in the user
state directory, which the suite points at tmp_path), and `sandbox --reset` forgets it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from contactctl.sandbox.persist import store_path
from tests.cli.helpers import run_cli, write_csv

STATUSES = ("added", "updated", "upserted", "skipped", "failed")


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


def _contacts(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "people.csv",
        "First Name,Last Name,Email,Mobile\n"
        "Ann,Lee,ann@example.com,+33612345678\n"
        "Bob,Ray,bob@example.com,+33612345679\n"
        "Cy,Oda,cy@example.com,+447400123456\n",
    )


def _import(source: Path, provider: str, *options: str) -> dict[str, Any]:
    run = run_cli("import", source, "-p", provider, "--sandbox", "--output", "json", *options)
    assert run.exit_code == 0, run.stderr
    return run.json()  # type: ignore[no-any-return]


def _counts(report: dict[str, Any]) -> dict[str, int]:
    return {status: report["summary"][status] for status in STATUSES}


def test_a_second_identical_run_finds_every_row_unchanged(tmp_path: Path) -> None:
    source = _contacts(tmp_path)
    first = _import(source, "octopush")
    second = _import(source, "octopush")
    assert first["summary"]["added"] == 3
    assert _counts(second) == {**dict.fromkeys(STATUSES, 0), "skipped": 3}
    assert all("unchanged" in row["reason"] for row in second["rows"])


@pytest.mark.parametrize("provider", ["octopush", "callbell", "pabbly", "ivvy"])
def test_the_store_itself_is_kept_so_a_resend_updates(tmp_path: Path, provider: str) -> None:
    source = _contacts(tmp_path)
    assert _import(source, provider)["summary"]["added"] == 3
    again = _import(source, provider, "--no-resume")  # past the journal, to the store
    assert _counts(again) == {**dict.fromkeys(STATUSES, 0), "updated": 3}
    assert store_path(provider).is_file()


def test_reset_empties_the_store_and_the_journal_forgets_it(tmp_path: Path) -> None:
    source = _contacts(tmp_path)
    _import(source, "octopush")
    _import(source, "ivvy")
    reset = run_cli("sandbox", "-p", "octopush", "--reset")
    assert reset.exit_code == 0
    assert "octopush: sandbox store emptied" in reset.stdout
    assert not store_path("octopush").exists()
    assert store_path("ivvy").exists()  # only the one named
    after = _import(source, "octopush")
    assert after["summary"]["added"] == 3  # not "unchanged": a new sandbox account
    run_cli("sandbox", "--reset")
    assert not store_path("ivvy").exists()


def test_the_store_file_is_private(tmp_path: Path) -> None:
    _import(_contacts(tmp_path), "octopush")
    assert os.stat(store_path("octopush")).st_mode & 0o077 == 0


def test_a_damaged_store_is_one_line_that_says_how_to_start_afresh(tmp_path: Path) -> None:
    path = store_path("octopush")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00not a store")
    run = run_cli("import", _contacts(tmp_path), "-p", "octopush", "--sandbox")
    assert run.exit_code == 2
    assert "cannot be read" in run.stderr
    assert "contactctl sandbox -p octopush --reset" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
