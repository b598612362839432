"""What the user asked the report to be: output mode, table rows, and the files to write."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from contactctl.errors import UsageError
from contactctl.model import OutputMode, RowResult, ShowMode

__all__ = ["OutputMode", "ReportFormat", "ReportSettings", "ShowMode"]


class ReportFormat(StrEnum):
    """The --report file types, chosen by the file's extension."""

    JSON = "json"
    CSV = "csv"
    JUNIT = "xml"


@dataclass(frozen=True, slots=True)
class ReportSettings:
    provider: str | None  # None for `validate` without --provider
    dry_run: bool
    output: OutputMode = OutputMode.TABLE
    show: ShowMode = ShowMode.PROBLEMS
    report_path: Path | None = None
    rejects_path: Path | None = None
    command: str = "import"
    # Called with each row's result as it is known (the Python API's on_result).
    on_result: Callable[[RowResult], None] | None = None


def report_format(path: Path) -> ReportFormat:
    """The report type its extension names; a UsageError for any other extension."""
    suffix = path.suffix.lower()
    for fmt in ReportFormat:
        if suffix == f".{fmt.value}":
            return fmt
    raise UsageError(
        f"--report {path}: unknown report type {suffix or '(no extension)'}.",
        "Name the file .json, .csv or .xml (JUnit).",
    )


def check_report_path(path: Path) -> None:
    """Refuse, before anything is sent, a report the run could not write at the end."""
    report_format(path)
    check_writable_location(path, "--report")


def check_writable_location(path: Path, option: str) -> None:
    """The folder must exist and be writable, and the path must not be a folder itself."""
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(
            f"{option} {path}: the folder {folder} does not exist.",
            "Create it first, or choose another path.",
        )
    if path.is_dir():
        raise UsageError(f"{option} {path} is a folder.", "Give a file name inside it.")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{option} {path}: the folder {folder} is not writable.")
