"""`contactctl export`: write an account's contacts as a file `import` reads back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from contactctl.cli import options as o
from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode


def export_command(
    provider: o.ProviderOpt = None,
    config: o.ConfigOpt = None,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Export from the built-in emulator's store.")
    ] = False,
    output_file: Annotated[
        Path | None,
        typer.Option(
            "--output-file",
            "-o",
            metavar="FILE",
            help="Where to write (written whole or not at all); default standard output.",
        ),
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", metavar="csv|json", help="CSV (default) or JSON.")
    ] = "csv",
    output: Annotated[
        o.Output,
        typer.Option(
            "--output",
            help="With -o: a line on standard error (table), a JSON summary on standard "
            "output (json), or nothing (quiet).",
        ),
    ] = o.Output.TABLE,
    quiet: o.QuietOpt = False,
) -> None:
    """Write the account's contacts (Callbell, Pabbly Chatflow, iVvy) in the columns import maps.

    Moving an account is two commands: export from one vendor, import into another.
    """

    def body() -> ExitCode:
        import json

        from contactctl.cli.common import consoles
        from contactctl.config import load_config
        from contactctl.errors import UsageError
        from contactctl.exporter import run_export
        from contactctl.printable import printable

        loaded = load_config(config)
        name = provider or loaded.default_provider
        if not name:
            raise UsageError("No provider given.", "Pass --provider NAME.")
        target = None if output_file in (None, Path("-")) else output_file
        if target is None and output is o.Output.JSON:
            raise UsageError(
                "--output json needs -o FILE: without it the contacts are standard output.",
                "Pass -o FILE, or --format json for the contacts themselves as JSON.",
            )
        _, stderr = consoles(quiet or output is o.Output.QUIET)
        code, count = run_export(
            name,
            loaded,
            sandbox=sandbox,
            output=target,
            fmt=fmt.lower(),
            stdout=sys.stdout,
            progress=stderr,
        )
        if output is o.Output.JSON:
            summary = {"provider": name, "exported": count, "file": str(target)}
            print(json.dumps(summary, ensure_ascii=False))
        elif output is o.Output.TABLE and not quiet:
            where = f" to {target}" if target is not None else ""
            print(printable(f"Exported {count} contacts{where}."), file=sys.stderr)
        return code

    run_command(body)
