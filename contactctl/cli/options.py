"""Options shared by `import` and `validate`, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contactctl.choices import InputFormat, OnDuplicate, OutputMode, ShowMode
from contactctl.providers import BUILTIN

# The command line takes the same enumerations the rest of the code uses.
Format = InputFormat
Output = OutputMode
Show = ShowMode
Duplicate = OnDuplicate


# Our vendors' names, in --help and in shell completion (plug-ins are added when completing).
PROVIDER_NAMES = ", ".join(BUILTIN)


def complete_provider(incomplete: str) -> list[str]:
    from contactctl.providers import provider_names

    return [name for name in provider_names() if name.startswith(incomplete)]


Files = Annotated[
    list[str],
    typer.Argument(
        metavar="FILE...", help="Contact files (csv, tsv, json, jsonl, xlsx, vcf); - for stdin."
    ),
]
ProviderOpt = Annotated[
    str | None,
    typer.Option(
        "--provider",
        "-p",
        metavar="NAME",
        autocompletion=complete_provider,
        help=f"{PROVIDER_NAMES}; default: the config's default_provider.",
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        metavar="FILE",
        help="Config file; default $CONTACTCTL_CONFIG, ./contactctl.yaml, user config dir.",
    ),
]
RegionOpt = Annotated[
    str | None,
    typer.Option(
        "--region",
        "-r",
        metavar="CC",
        help="ISO country for numbers without a country code (e.g. FR).",
    ),
]
MappingOpt = Annotated[
    Path | None,
    typer.Option(
        "--mapping", metavar="FILE", help="YAML column mapping (the config's mapping: shape)."
    ),
]
InputFormatOpt = Annotated[
    Format | None, typer.Option("--input-format", help="Default: from the file's extension.")
]
SheetOpt = Annotated[
    str | None, typer.Option("--sheet", metavar="NAME", help="Excel sheet; default: the first.")
]
DelimiterOpt = Annotated[
    str | None,
    typer.Option("--delimiter", metavar="CHAR", help="CSV delimiter (tab: \\t); default: sniffed."),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", metavar="NAME", help="Text encoding; default: detected."),
]
ReportOpt = Annotated[
    Path | None,
    typer.Option("--report", metavar="FILE", help="Per-row results: .json, .csv or .xml (JUnit)."),
]
RejectsOpt = Annotated[
    Path | None,
    typer.Option("--rejects", metavar="FILE.csv", help="Failed rows as CSV, with an error column."),
]
OutputOpt = Annotated[Output, typer.Option("--output", help="What goes to standard output.")]
QuietOpt = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="No warnings on standard error, errors still (cron)."),
]
ShowOpt = Annotated[
    Show,
    typer.Option("--show", help="Table rows: problems first with a count of the rest, or all."),
]
LandlinesOpt = Annotated[
    bool,
    typer.Option("--allow-landlines", help="Send fixed-line numbers to SMS/WhatsApp vendors."),
]
