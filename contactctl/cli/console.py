"""The two consoles every command writes to (kept light: `providers` imports only this)."""

from __future__ import annotations

import os
import sys

from rich.console import Console

from contactctl.safe_console import safe_console


def consoles(quiet: bool = False) -> tuple[Console, Console]:
    """Standard output holds only the result; everything else goes to standard error.

    `quiet` (-q) silences the standard error console: warnings, notes, progress. Errors are
    written past it (cli/errors.py, and the importer's abort line).
    """
    stdout = Console(file=sys.stdout, soft_wrap=False)
    if not stdout.is_terminal:
        stdout = Console(file=sys.stdout, soft_wrap=False, width=piped_width())
    # Cells, names and vendor messages may hold terminal escapes: none is printed raw.
    return safe_console(stdout), safe_console(Console(file=sys.stderr, soft_wrap=True, quiet=quiet))


# Piped output (a log, a CI job) has no terminal to fit: COLUMNS if the caller set it, else
# a width that still reads in an editor or a CI log viewer.
PIPED_WIDTH = 100


def piped_width() -> int:
    columns = os.environ.get("COLUMNS", "").strip()
    return int(columns) if columns.isdigit() and int(columns) > 0 else PIPED_WIDTH
