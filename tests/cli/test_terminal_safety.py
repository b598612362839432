"""Terminal escapes in files, headers and paths never reach the terminal raw."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.table import Table

from contactctl.printable import printable
from contactctl.safe_console import safe_console
from tests.cli.helpers import import_to, run_cli, write_csv
from tests.conftest import SandboxFactory

TITLE = "\x1b]0;title\x07"  # OSC: sets the window's title
CLEAR = "\x1b[2J"  # CSI: clears the screen
HOSTILE = f"Eve{TITLE}Mallory{CLEAR}\x9b31m\r"


def _raw_escape_in(text: str) -> bool:
    return any(code in text for code in ("\x1b", "\x07", "\x9b", "\r"))


def test_a_hostile_name_and_header_are_printed_without_their_escapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # room for the whole name beside the long tmp path
    source = write_csv(
        tmp_path / "a.csv",
        f"Mobile,First Name,Note{CLEAR}\nnot a number,{HOSTILE},x\n+33612345678,{HOSTILE},y\n",
    )
    run = run_cli("validate", source, "-p", "octopush", "--show", "all")
    assert run.exit_code == 1, run.stderr
    assert "Mallory" in run.stdout  # the name is shown, its escapes are not
    assert "Note" in run.stderr  # the unmapped column's warning names it
    assert not _raw_escape_in(run.stdout)
    assert not _raw_escape_in(run.stderr)


def test_an_error_line_shows_the_escapes_of_a_hostile_path(tmp_path: Path) -> None:
    run = run_cli("validate", tmp_path / f"x{TITLE}{CLEAR}.csv")
    assert run.exit_code == 2
    assert not _raw_escape_in(run.stderr)
    assert "\\x1b]0;title\\x07" in run.stderr  # shown escaped: the user can see what it was


def test_a_terminal_keeps_rich_colours_but_not_the_cells_escapes() -> None:
    out = io.StringIO()
    console = safe_console(Console(file=out, force_terminal=True, color_system="standard"))
    table = Table("Name")
    table.add_row(HOSTILE)
    console.print(table)
    console.print(f"[red]warning[/red]: {HOSTILE}")
    written = out.getvalue()
    assert TITLE not in written
    assert CLEAR not in written
    assert "\r" not in written
    assert "\x1b[31m" in written  # rich's own colour still reaches the terminal
    assert "Mallory" in written


def test_printable_escapes_every_control_but_newline_and_tab() -> None:
    assert printable("a\x1bb\x07c\x9bd\x7fe\tf\ng") == "a\\x1bb\\x07c\\x9bd\\x7fe\tf\ng"


def test_a_vendor_answer_with_escapes_is_shown_escaped_by_verbose(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345678\n")
    with sandbox("octopush") as (emulator, base_url):
        emulator.faults.answer_next(f'{{"note": "{TITLE}{CLEAR}"}}'.encode(), method="POST")
        run = import_to(tmp_path, "octopush", base_url, source, "-v")
    assert not _raw_escape_in(run.stdout)
    assert not _raw_escape_in(run.stderr)
    assert "\\x1b[2J" in run.stdout + run.stderr  # the -v dump shows what the vendor sent
