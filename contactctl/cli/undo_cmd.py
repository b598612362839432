"""`contactctl undo RUN_ID`: take back what one import run wrote (contactctl/undo.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contactctl.cli import options as o
from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode


def undo_command(
    run_id: Annotated[
        int, typer.Argument(metavar="RUN_ID", help="The run to take back (`contactctl runs`).")
    ],
    config: o.ConfigOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be taken back; change nothing.")
    ] = False,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Undo a run made with --sandbox.")
    ] = False,
    journal: Annotated[
        Path | None,
        typer.Option("--journal", metavar="FILE", help="The journal the run is in (as import's)."),
    ] = None,
    report: o.ReportOpt = None,
    output: o.OutputOpt = o.Output.TABLE,
    show: o.ShowOpt = o.Show.PROBLEMS,
    quiet: o.QuietOpt = False,
    allow_http: Annotated[
        bool, typer.Option("--allow-http", help="Allow a plain-http base_url (as import).")
    ] = False,
) -> None:
    """Take back what an import run wrote: delete the contacts it added, restore the ones it
    updated as they were, where the vendor allows it; list per row what cannot be undone."""

    def body() -> ExitCode:
        from contactctl.cli.common import consoles
        from contactctl.config import load_config
        from contactctl.journal import default_journal_path
        from contactctl.plan import report_settings
        from contactctl.undo import UndoRequest, run_undo

        settings = report_settings(
            provider=None,
            dry_run=dry_run,
            output=output,
            show=show,
            report=report,
            rejects=None,
            command="undo",
        )
        request = UndoRequest(
            run_id, journal or default_journal_path(), dry_run, allow_http, sandbox
        )
        stdout, stderr = consoles(quiet)
        return run_undo(request, load_config(config), settings, stdout, stderr)

    run_command(body)
