"""Turns every failure into one line on standard error and an exit code, never a traceback."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable

import typer

from contactctl.errors import ContactctlError, ExitCode
from contactctl.printable import printable


def run_command(body: Callable[[], ExitCode]) -> None:
    """Run a command body; exit with its code, or print the error as one line."""
    try:
        code = body()
    except ContactctlError as exc:
        _say(f"error: {exc}")
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        _say("interrupted")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except BrokenPipeError:
        # The reader of standard output left early (`| head`): not a bug, and nothing is
        # left to say. Python's advice: point stdout at /dev/null so the exit flush is quiet.
        _drop_stdout()
        raise typer.Exit(int(ExitCode.ROWS_FAILED)) from None
    except Exception as exc:  # a bug of ours: still one line, and a way to see more
        if os.environ.get("CONTACTCTL_DEBUG"):
            traceback.print_exc()
        _say(
            f"internal error ({type(exc).__name__}): this is a bug in contactctl; "
            "run again with CONTACTCTL_DEBUG=1 to see where."
        )
        raise typer.Exit(int(ExitCode.ABORTED)) from None
    raise typer.Exit(int(code))


def _say(line: str) -> None:
    print(f"contactctl: {printable(line)}", file=sys.stderr)


def _drop_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests)
        pass
