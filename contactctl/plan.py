"""What a run was asked to do, parsed from the command line and the config into values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contactctl.config import Config
from contactctl.pipeline import InputPlan
from contactctl.providers.base import RunOptions
from contactctl.report import ReportSettings


@dataclass(frozen=True)
class Tuning:
    """--batch-size, --concurrency, --rate as given (None: config, else the vendor default)."""

    batch_size: int | None = None
    concurrency: int | None = None
    rate: float | None = None


@dataclass(frozen=True)
class ImportPlan:
    inputs: InputPlan
    provider: str
    config: Config
    run: RunOptions
    report: ReportSettings
    tuning: Tuning
    dry_run: bool = False
    sandbox: bool = False
    max_failures: int | None = None
    resume: bool = True
    journal_path: Path | None = None
    allow_landlines: bool = False
    allow_http: bool = False
    verbose: bool = False
