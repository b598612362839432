"""What a run was asked to do, parsed from the command line and the config into values."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from contactctl.config import Config
from contactctl.errors import UsageError
from contactctl.intake.mapping import MappingSpec
from contactctl.intake.normalize import NormalizeOptions
from contactctl.intake.pipeline import InputPlan
from contactctl.model import InputFormat, OnDuplicate
from contactctl.providers.base import RunOptions
from contactctl.readers import ReadOptions
from contactctl.report import OutputMode, ReportSettings, ShowMode, check_report_path


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
    lookup: bool = False  # with dry_run: a read-only look-up says what would happen per row
    sandbox: bool = False
    max_failures: int | None = None
    resume: bool = True
    journal_path: Path | None = None
    allow_landlines: bool = False
    allow_http: bool = False
    verbose: bool = False


def input_plan(
    files: list[str],
    config: Config,
    *,
    region: str | None,
    mapping_path: Path | None,
    input_format: str | None,
    sheet: str | None,
    delimiter: str | None,
    encoding: str | None,
) -> InputPlan:
    if delimiter in ("\\t", "tab", "TAB"):
        delimiter = "\t"  # a tab is awkward to type in a shell
    if delimiter is not None and len(delimiter) != 1:
        raise UsageError(f"--delimiter must be one character, not {delimiter!r}.")
    return InputPlan(
        files=tuple(files),
        read=ReadOptions(
            fmt=InputFormat(input_format) if input_format else None,
            sheet=sheet,
            delimiter=delimiter,
            encoding=encoding,
            max_record_chars=config.max_record_chars,
        ),
        mapping=_mapping(config, mapping_path),
        normalize=NormalizeOptions(default_region=_region(region or config.default_region)),
    )


def _region(region: str | None) -> str | None:
    if region is None:
        return None
    import phonenumbers

    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise UsageError(
            f"Unknown region {region!r}.", "Use an ISO 3166-1 alpha-2 code such as FR or GB."
        )
    return code


def _mapping(config: Config, mapping_path: Path | None) -> MappingSpec | None:
    if mapping_path is None:
        if config.mapping is None:
            return None
        return MappingSpec.from_mapping(config.mapping, f"{config.path}: mapping")
    import yaml

    try:
        data = yaml.safe_load(mapping_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"Mapping file {mapping_path} does not exist.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UsageError(f"Cannot read mapping file {mapping_path}: {exc}") from None
    if isinstance(data, dict) and set(data) == {"mapping"}:
        data = data["mapping"]
    return MappingSpec.from_mapping(data, f"--mapping {mapping_path}")


def report_settings(
    *,
    provider: str | None,
    dry_run: bool,
    output: str,
    show: str,
    report: Path | None,
    rejects: Path | None,
    command: str,
) -> ReportSettings:
    for path in (report, rejects):
        if path is not None:
            check_report_path(path)
    if rejects is not None and rejects.suffix.lower() != ".csv":
        raise UsageError(f"--rejects writes CSV: give a .csv path, not {rejects}.")
    if report is not None and rejects is not None and report.resolve() == rejects.resolve():
        raise UsageError(
            f"--report and --rejects both name {report}.", "Give them different files."
        )
    return ReportSettings(
        provider=provider,
        dry_run=dry_run,
        output=OutputMode(output),
        show=ShowMode(show),
        report_path=report,
        rejects_path=rejects,
        command=command,
    )


def import_plan(
    files: Sequence[str],
    config: Config,
    report: ReportSettings,
    *,
    provider: str | None = None,
    region: str | None = None,
    mapping: Path | None = None,
    input_format: str | None = None,
    sheet: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    on_duplicate: str = "update",
    tags: Sequence[str] = (),
    list_name: str | None = None,
    dry_run: bool = False,
    lookup: bool = False,
    sandbox: bool = False,
    batch_size: int | None = None,
    concurrency: int | None = None,
    rate: float | None = None,
    max_failures: int | None = None,
    resume: bool = True,
    journal: Path | None = None,
    allow_landlines: bool = False,
    allow_http: bool = False,
    verbose: bool = False,
) -> ImportPlan:
    """The one place an import's options (the command's, or the Python API's by the same
    names) become a plan; `report` says where results go."""
    if lookup and not dry_run:
        raise UsageError("--lookup goes with --dry-run.", "Add --dry-run, or leave --lookup out.")
    chosen = provider or config.default_provider
    if not chosen:
        raise UsageError(
            "No provider given.", "Pass --provider NAME or set default_provider in the config."
        )
    inputs = input_plan(
        list(files),
        config,
        region=region,
        mapping_path=mapping,
        input_format=input_format,
        sheet=sheet,
        delimiter=delimiter,
        encoding=encoding,
    )
    return ImportPlan(
        inputs=inputs,
        provider=chosen,
        config=config,
        run=RunOptions(
            on_duplicate=OnDuplicate(on_duplicate),
            tags=tuple(t.strip() for t in tags if t.strip()),
            list_name=list_name,
        ),
        report=report,
        tuning=Tuning(batch_size, concurrency, rate),
        dry_run=dry_run,
        lookup=lookup,
        sandbox=sandbox,
        max_failures=max_failures,
        resume=resume,
        journal_path=journal,
        allow_landlines=allow_landlines,
        allow_http=allow_http,
        verbose=verbose,
    )
