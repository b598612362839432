"""The raw options of `import`, as typed values (no parsing or checking yet)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from contactctl.cli.options import Duplicate, Format, Output, Show


@dataclass(frozen=True)
class ImportArgs:
    files: list[str]
    provider: str | None
    config: Path | None
    region: str | None
    mapping: Path | None
    input_format: Format | None
    sheet: str | None
    delimiter: str | None
    encoding: str | None
    on_duplicate: Duplicate
    tags: tuple[str, ...]
    list_name: str | None
    dry_run: bool
    sandbox: bool
    batch_size: int | None
    concurrency: int | None
    rate: float | None
    report: Path | None
    rejects: Path | None
    output: Output
    show: Show
    max_failures: int | None
    resume: bool
    allow_landlines: bool
    journal: Path | None
    allow_http: bool
    verbose: bool
    quiet: bool = False
