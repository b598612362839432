"""What a person sees: the table's width when piped, and the progress display cleared first."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from contactctl.cli import common
from tests.cli.helpers import run_cli, write_csv

ERASE_LINE = "\x1b[2K"


def _problem_file(tmp_path: Path) -> Path:
    # Long names, emails and reasons: wider than any width tried here.
    return write_csv(
        tmp_path / "a.csv",
        "Name,Mobile,Email\n"
        "Jean-Philippe Dupont-Aignan de la Fontaine,+44 7400 124628,"
        "jean.philippe.dupont-aignan@example-company.co.uk\n"
        "Ann Smith-Featherstonehaugh,12,ann.smith.featherstonehaugh@example-company.co.uk\n",
    )


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_piped_table_is_100_wide_by_default(tmp_path: Path) -> None:
    run = run_cli("validate", _problem_file(tmp_path))
    assert run.exit_code == 1
    assert _widest(run.stdout) == 100
    assert " +447400124628 " in run.stdout


def test_piped_table_honours_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    run = run_cli("validate", _problem_file(tmp_path))
    assert _widest(run.stdout) == 80
    assert " +447400124628 " in run.stdout
    assert run.stdout.splitlines()[0].split() == [
        "Source",
        "Row",
        "Name",
        "Phone",
        "Email",
        "Status",
        "Reason",
    ]


def test_progress_display_is_cleared_before_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One terminal for both streams, as a person sees them.
    screen = io.StringIO()

    def terminal_consoles(quiet: bool = False) -> tuple[Console, Console]:
        return (
            Console(file=screen, force_terminal=True, width=100),
            Console(file=screen, force_terminal=True, width=100, quiet=quiet),
        )

    monkeypatch.setattr(common, "consoles", terminal_consoles)
    run = run_cli("import", _problem_file(tmp_path), "-p", "octopush", "--dry-run")
    assert run.exit_code == 1
    shown = screen.getvalue()
    assert ERASE_LINE in shown  # the display was drawn, then erased
    assert shown.rindex(ERASE_LINE) < shown.index("Source")


def test_a_reader_that_leaves_early_is_not_an_internal_error() -> None:
    # `contactctl providers | head -1`, made certain: the pipe has no reader at all.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "contactctl", "providers"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 1
