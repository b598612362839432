"""`contactctl runs`: list the import runs the journal recorded, newest first."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contactctl.cli import options as o
from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode


def runs_command(
    provider: Annotated[
        str | None,
        typer.Option(
            "--provider",
            "-p",
            metavar="NAME",
            autocompletion=o.complete_provider,
            help="Only this provider's runs.",
        ),
    ] = None,
    journal: Annotated[
        Path | None,
        typer.Option("--journal", metavar="FILE", help="The journal to read (as import's)."),
    ] = None,
    output: o.OutputOpt = o.Output.TABLE,
) -> None:
    """List the import runs the journal recorded: when, which files, what became of the rows."""

    def body() -> ExitCode:
        import json

        from contactctl.journal import default_journal_path
        from contactctl.printable import printable
        from contactctl.runs import describe, list_runs

        runs = list_runs(journal or default_journal_path(), provider)
        if output is o.Output.JSON:
            print(json.dumps({"runs": [run.as_dict() for run in runs]}, ensure_ascii=False))
        elif output is o.Output.TABLE:
            for run in runs:
                print(printable(describe(run)))
            if not runs:
                print("No import runs recorded yet.")
        return ExitCode.OK

    run_command(body)
