"""`contactctl validate`: read, map, normalise, dedupe; send nothing."""

from __future__ import annotations

from contactctl.cli import options as o
from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode


def validate_command(
    files: o.Files,
    provider: o.ProviderOpt = None,
    config: o.ConfigOpt = None,
    region: o.RegionOpt = None,
    mapping: o.MappingOpt = None,
    input_format: o.InputFormatOpt = None,
    sheet: o.SheetOpt = None,
    delimiter: o.DelimiterOpt = None,
    encoding: o.EncodingOpt = None,
    report: o.ReportOpt = None,
    rejects: o.RejectsOpt = None,
    output: o.OutputOpt = o.Output.TABLE,
    show: o.ShowOpt = o.Show.PROBLEMS,
    allow_landlines: o.LandlinesOpt = False,
    quiet: o.QuietOpt = False,
) -> None:
    """Check contact files the way import would, without sending anything."""

    def body() -> ExitCode:
        from contactctl.cli.common import consoles
        from contactctl.config import load_config
        from contactctl.plan import input_plan, report_settings
        from contactctl.validator import run_validate

        loaded = load_config(config)
        plan = input_plan(
            files,
            loaded,
            region=region,
            mapping_path=mapping,
            input_format=input_format,
            sheet=sheet,
            delimiter=delimiter,
            encoding=encoding,
        )
        settings = report_settings(
            provider=provider,
            dry_run=True,
            output=output,
            show=show,
            report=report,
            rejects=rejects,
            command="validate",
        )
        stdout, stderr = consoles(quiet)
        return run_validate(plan, loaded, provider, allow_landlines, settings, stdout, stderr)

    run_command(body)
