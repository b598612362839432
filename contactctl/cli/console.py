"""The two consoles every command writes to (kept light: `providers` imports only this)."""

from __future__ import annotations

import sys

from rich.console import Console

from contactctl.printable import safe_console


def consoles(quiet: bool = False) -> tuple[Console, Console]:
    """Standard output holds only the result; everything else goes to standard error.

    `quiet` (-q) silences the standard error console: warnings, notes, progress. Errors are
    written past it (cli/errors.py, and the importer's abort line).
    """
    # Piped output (a log, a CI job) has no width to fit: give tables room instead of 80.
    stdout = Console(file=sys.stdout, soft_wrap=False)
    if not stdout.is_terminal:
        stdout = Console(file=sys.stdout, soft_wrap=False, width=160)
    # Cells, names and vendor messages may hold terminal escapes: none is printed raw.
    return safe_console(stdout), safe_console(Console(file=sys.stderr, soft_wrap=True, quiet=quiet))
