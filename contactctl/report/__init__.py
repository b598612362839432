"""RowResult stream → terminal table, summary, JSON/CSV/JUnit report, rejects file.

Reporting streams: whatever the run's size, memory holds the counts, a bounded sample of
problem rows for the table, and column names; every row waits in a temporary file until
`Reporter.finish` writes the outputs.
"""

from __future__ import annotations

from contactctl.report.reporter import TABLE_PROBLEM_LIMIT, Reporter, ReportWriteError
from contactctl.report.safety import is_e164, spreadsheet_safe, xml_safe
from contactctl.report.settings import (
    OutputMode,
    ReportFormat,
    ReportSettings,
    ShowMode,
    check_report_path,
    report_format,
)
from contactctl.report.summary import Summary

__all__ = [
    "TABLE_PROBLEM_LIMIT",
    "OutputMode",
    "ReportFormat",
    "ReportSettings",
    "ReportWriteError",
    "Reporter",
    "ShowMode",
    "Summary",
    "check_report_path",
    "is_e164",
    "report_format",
    "spreadsheet_safe",
    "xml_safe",
]
