"""`contactctl validate`: the import pipeline up to the point of sending."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from rich.console import Console

from contactctl.config import Config
from contactctl.errors import ExitCode
from contactctl.intake.parallel import worker_count
from contactctl.intake.pipeline import InputPlan, Screen, open_inputs, read_contacts
from contactctl.model import RowResult, Status
from contactctl.providers.base import Provider, RunOptions
from contactctl.report import Reporter, ReportSettings
from contactctl.report.progress import InputMeter, ProgressSink

VALID = "valid: nothing sent (validate)"


def run_validate(
    plan: InputPlan,
    config: Config,
    provider_name: str | None,
    allow_landlines: bool,
    settings: ReportSettings,
    stdout: Console,
    stderr: Console,
) -> ExitCode:
    def warn(text: str) -> None:
        stderr.print(f"warning: {text}", markup=False, highlight=False)

    provider: Provider[Any] | None = None
    if provider_name:
        from contactctl.setup import build_provider

        provider = build_provider(provider_name, config, RunOptions())
    with ExitStack() as stack:
        inputs = open_inputs(plan, stack, warn)
        workers = worker_count(plan.files)
        reporter = Reporter(settings, stdout, stderr)
        reporter.expect_sources(table.source for table, _ in inputs)
        meter = InputMeter(table for table, _ in inputs)
        with ProgressSink(reporter.add, stderr, settings.output, meter) as sink:
            screened = Screen(provider, allow_landlines, warn)(
                read_contacts(inputs, plan.normalize, workers)
            )
            for item in screened:
                if isinstance(item, RowResult):
                    sink(item)
                else:
                    # A valid row is reported as skipped: nothing was written anywhere.
                    sink(RowResult.for_contact(item, Status.SKIPPED, VALID))
        reporter.finish()
        return reporter.summary.exit_code
