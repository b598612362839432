"""The `contactctl` command. Only typer is imported here: each command imports the HTTP,
phone, Excel and YAML machinery it needs when it runs, so `--help` starts fast."""

from __future__ import annotations

import typer

from contactctl.cli import import_, mapping_cmd, providers, sandbox, validate

app = typer.Typer(
    name="contactctl",
    help="Bulk contact importer: read any contact file, normalise it, push it to a vendor, "
    "and account for every row.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.command("import", no_args_is_help=True)(import_.import_command)
app.command("validate", no_args_is_help=True)(validate.validate_command)
app.command("mapping", no_args_is_help=True)(mapping_cmd.mapping_command)
app.command("providers")(providers.providers_command)
app.command("sandbox")(sandbox.sandbox_command)


def main() -> None:
    app()
