"""`contactctl import`: push contacts to a provider; the main job."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from contactctl.cli import options as o
from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode
from contactctl.providers.minimums import MINIMUMS

if TYPE_CHECKING:
    from contactctl.config import Config


def import_command(
    files: o.Files,
    provider: o.ProviderOpt = None,
    config: o.ConfigOpt = None,
    region: o.RegionOpt = None,
    mapping: o.MappingOpt = None,
    input_format: o.InputFormatOpt = None,
    sheet: o.SheetOpt = None,
    delimiter: o.DelimiterOpt = None,
    encoding: o.EncodingOpt = None,
    on_duplicate: Annotated[
        o.Duplicate,
        typer.Option("--on-duplicate", help="When the contact exists: overwrite it, or keep it."),
    ] = o.Duplicate.UPDATE,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", metavar="TAG", help="Tag added to every contact (repeatable)."),
    ] = None,
    list_name: Annotated[
        str | None, typer.Option("--list", metavar="NAME", help="Contact list every contact joins.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Everything but sending: the plan, per row.")
    ] = False,
    lookup: Annotated[
        bool,
        typer.Option(
            "--lookup",
            help="With --dry-run: look each contact up (read-only) and say what would change.",
        ),
    ] = False,
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Send to the built-in emulator on 127.0.0.1.")
    ] = False,
    batch_size: Annotated[
        int | None,
        typer.Option(
            "--batch-size",
            min=MINIMUMS["batch_size"],
            metavar="N",
            help="Contacts per request.",
        ),
    ] = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            min=MINIMUMS["concurrency"],
            metavar="N",
            help="Requests in flight at once.",
        ),
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option("--rate", min=MINIMUMS["rate"], metavar="PER_S", help="Requests per second."),
    ] = None,
    report: o.ReportOpt = None,
    rejects: o.RejectsOpt = None,
    output: o.OutputOpt = o.Output.TABLE,
    show: o.ShowOpt = o.Show.PROBLEMS,
    max_failures: Annotated[
        int | None,
        typer.Option("--max-failures", min=1, metavar="N", help="Stop after N failed rows."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--no-resume", help="Skip rows an earlier run already delivered unchanged."
        ),
    ] = True,
    allow_landlines: o.LandlinesOpt = False,
    journal: Annotated[
        Path | None,
        typer.Option("--journal", metavar="FILE", help="Delivery journal (SQLite) for --resume."),
    ] = None,
    allow_http: Annotated[
        bool, typer.Option("--allow-http", help="Permit a non-loopback base_url over http.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="HTTP exchanges on stderr, secrets redacted.")
    ] = False,
    quiet: o.QuietOpt = False,
) -> None:
    """Push contacts to a provider and report every row."""
    options = {
        "region": region,
        "mapping": mapping,
        "input_format": input_format,
        "sheet": sheet,
        "delimiter": delimiter,
        "encoding": encoding,
        "on_duplicate": on_duplicate,
        "tags": tuple(tag or ()),
        "list_name": list_name,
        "dry_run": dry_run,
        "lookup": lookup,
        "sandbox": sandbox,
        "batch_size": batch_size,
        "concurrency": concurrency,
        "rate": rate,
        "max_failures": max_failures,
        "resume": resume,
        "journal": journal,
        "allow_landlines": allow_landlines,
        "allow_http": allow_http,
        "verbose": verbose,
    }
    outputs = {"output": output, "show": show, "report": report, "rejects": rejects}
    run_command(lambda: _run(files, provider, config, quiet, outputs, options))


def _run(
    files: list[str],
    provider: str | None,
    config: Path | None,
    quiet: bool,
    outputs: dict[str, Any],
    options: dict[str, Any],
) -> ExitCode:
    """Options → one plan (contactctl.plan.import_plan, as the Python API builds it) → run."""
    from contactctl.cli.common import consoles
    from contactctl.config import load_config
    from contactctl.importer import run_import
    from contactctl.plan import import_plan, report_settings

    loaded = load_config(config)
    name = provider or loaded.default_provider
    if name and not quiet:
        _warn_literal_secrets(loaded, name)
    report = report_settings(
        provider=name, dry_run=bool(options["dry_run"]), command="import", **outputs
    )
    plan = import_plan(files, loaded, report, provider=name, **options)
    stdout, stderr = consoles(quiet)
    return run_import(plan, stdout, stderr)


def _warn_literal_secrets(config: Config, provider: str) -> None:
    """A secret written into a file that others can read deserves a word."""
    import sys

    from contactctl.config import config_is_readable_by_others
    from contactctl.printable import printable
    from contactctl.setup import credential_keys

    if config.path is None or not config_is_readable_by_others(config.path):
        return
    literal = [
        f"providers.{provider}.{key}"
        for key in credential_keys(provider)
        if f"providers.{provider}.{key}" in config.literal_keys
    ]
    if literal:
        print(
            printable(
                f"contactctl: warning: {config.path} holds {', '.join(literal)} in clear text "
                "and other users can read it; use ${ENV_VAR} or chmod 600 it."
            ),
            file=sys.stderr,
        )
