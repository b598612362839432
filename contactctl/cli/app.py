"""The `contactctl` command. Only typer is imported here: each command imports the HTTP,
phone, Excel and YAML machinery it needs when it runs, so `--help` starts fast."""

from __future__ import annotations

from typing import Annotated

import typer

from contactctl.cli import (
    export_cmd,
    help_text,
    import_,
    mapping_cmd,
    providers,
    runs_cmd,
    sandbox,
    undo_cmd,
    validate,
)

app = typer.Typer(
    name="contactctl",
    help="Bulk contact importer: read any contact file, normalise it, push it to a vendor, "
    "and account for every row.",
    no_args_is_help=True,
    epilog=help_text.EXIT_CODES,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("import", no_args_is_help=True, epilog=help_text.IMPORT_EXAMPLES)(
    import_.import_command
)
app.command("validate", no_args_is_help=True, epilog=help_text.VALIDATE_EXAMPLES)(
    validate.validate_command
)
app.command("mapping", no_args_is_help=True, epilog=help_text.MAPPING_EXAMPLES)(
    mapping_cmd.mapping_command
)
app.command("providers", epilog=help_text.PROVIDERS_EXAMPLES)(providers.providers_command)
app.command("sandbox", epilog=help_text.SANDBOX_EXAMPLES)(sandbox.sandbox_command)
app.command("export", epilog=help_text.EXPORT_EXAMPLES)(export_cmd.export_command)
app.command("runs", epilog=help_text.RUNS_EXAMPLES)(runs_cmd.runs_command)
app.command("undo", no_args_is_help=True, epilog=help_text.UNDO_EXAMPLES)(undo_cmd.undo_command)


def _print_version(asked: bool) -> None:
    if asked:
        from contactctl import __version__

        print(f"contactctl {__version__}")
        raise typer.Exit()


@app.callback()
def _global_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version, exit."
        ),
    ] = False,
) -> None:
    """Bulk contact importer: read any contact file, normalise it, push it to a vendor, and
    account for every row."""


def main() -> None:
    app()
