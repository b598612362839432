"""The Reporter: takes every RowResult as it arrives and, at the end, writes what was asked.

During the run it keeps only counts, a bounded sample of problem rows for the table, and the
column names of the input files; the rows themselves wait in temporary files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import phonenumbers
from rich.console import Console
from rich.text import Text

from contactctl import __version__
from contactctl.errors import ContactctlError, ExitCode
from contactctl.model import RowResult
from contactctl.report.files import write_csv_report, write_json_document, write_junit
from contactctl.report.ordering import SourceOrder
from contactctl.report.rejects import RejectsCollector
from contactctl.report.settings import (
    OutputMode,
    ReportFormat,
    ReportSettings,
    ShowMode,
    report_format,
)
from contactctl.report.spool import RowRecord, RowSpool, atomic_text_file
from contactctl.report.summary import IMPORT_STATUSES, UNDO_STATUSES, Summary
from contactctl.report.terminal import ProblemRows, print_table, result_records

# Problem rows in the default table; the rest are counted, and listed in --report.
TABLE_PROBLEM_LIMIT = 200
# Keys of the JSON document that `extra` cannot replace.
RESERVED_KEYS = frozenset({"provider", "dry_run", "summary", "versions", "notes", "rows"})


class ReportWriteError(ContactctlError):
    """A report or rejects file could not be written (the rows were still processed)."""

    exit_code = ExitCode.ROWS_FAILED


class Reporter:
    """Receives one RowResult per row, in any order; `finish` writes files and standard output."""

    def __init__(self, settings: ReportSettings, stdout: Console, stderr: Console) -> None:
        self.settings = settings
        self.extra: dict[str, object] = {}
        self._stdout = stdout
        self._stderr = stderr
        self._summary = Summary(shown=_shown(settings))
        self._per_source: dict[str, Summary] = {}  # insertion order = order of first arrival
        self._notes: list[str] = []
        self._any_id = False
        self._finished = False
        # Rows arrive as they finish; every report file lists them in file order.
        self._order = SourceOrder()
        self._rows = RowSpool(self._order) if _needs_every_row(settings) else None
        table = settings.output is OutputMode.TABLE and settings.show is ShowMode.PROBLEMS
        self._problems = ProblemRows(TABLE_PROBLEM_LIMIT) if table else None
        self._rejects = RejectsCollector(self._order) if settings.rejects_path is not None else None

    @property
    def summary(self) -> Summary:
        """The totals so far (a copy: the Reporter's own counts cannot be changed from outside)."""
        return replace(self._summary)

    @property
    def finished(self) -> bool:
        return self._finished

    def expect_sources(self, sources: Iterable[str]) -> None:
        """The files in the order they are read, so report files follow it."""
        self._order.expect(sources)

    def add(self, result: RowResult) -> None:
        if self.settings.on_result is not None:
            self.settings.on_result(result)
        self._order.rank(result.source)
        self._summary.count(result.status)
        tally = self._per_source.get(result.source)
        if tally is None:
            tally = self._per_source[result.source] = Summary(shown=_shown(self.settings))
        tally.count(result.status)
        self._any_id = self._any_id or result.id is not None
        if self._rows is not None:
            self._rows.append(result)
        if self._problems is not None:
            self._problems.add(result)
        if self._rejects is not None:
            self._rejects.add(result)

    def note(self, text: str) -> None:
        """A run-level note: printed on standard error now, and kept for the JSON "notes"."""
        self._notes.append(text)
        self._stderr.print(Text(text), soft_wrap=True)

    def finish(self, status_line: str | None = None) -> Summary:
        """Write the report and rejects files, then standard output; return the totals.

        A file that cannot be written does not stop the others or the standard output; the
        ReportWriteError comes last.
        """
        if self._finished:
            raise RuntimeError("Reporter.finish() was already called")
        self._finished = True
        try:
            problems = self._write_files()
            self._write_output(status_line)
        finally:
            self._close()
        if problems:
            raise ReportWriteError("; ".join(problems), "Check the path and free space.")
        return self.summary

    # -- files -------------------------------------------------------------------------------

    def _write_files(self) -> list[str]:
        """Write --report and --rejects; the messages of those that could not be written."""
        problems: list[str] = []
        targets = (
            (self.settings.report_path, self._write_report),
            (self.settings.rejects_path, self._write_rejects),
        )
        for path, write in targets:
            if path is None:
                continue
            try:
                write(path)
            except OSError as exc:
                problems.append(f"Could not write {path}: {exc.strerror or exc}")
        return problems

    def _write_report(self, path: Path) -> None:
        fmt = report_format(path)
        with atomic_text_file(path) as out:
            if fmt is ReportFormat.JSON:
                write_json_document(out, self._document_head(), self._records())
            elif fmt is ReportFormat.CSV:
                write_csv_report(out, self._records())
            else:
                suite = f"contactctl {self.settings.command}"
                rank = self._order.rank
                per_source = dict(sorted(self._per_source.items(), key=lambda s: rank(s[0])))
                write_junit(out, suite, self._summary, per_source, self._records)
        self._tell(f"Report written to {path}")

    def _write_rejects(self, path: Path) -> None:
        assert self._rejects is not None
        with atomic_text_file(path) as out:
            self._rejects.write(out)
        count = self._rejects.count
        self._tell(f"{count} failed {'row' if count == 1 else 'rows'} written to {path}")

    def _records(self, source: str | None = None) -> Iterable[RowRecord]:
        assert self._rows is not None
        return self._rows.records(source)

    def _document_head(self) -> dict[str, object]:
        """Everything of the JSON document but "rows", which is streamed after it."""
        head: dict[str, object] = {
            "provider": self.settings.provider,
            "dry_run": self.settings.dry_run,
            "summary": self._summary.as_dict(),
            "versions": {"contactctl": __version__, "phonenumbers": phonenumbers.__version__},
            "notes": list(self._notes),
        }
        head.update((key, value) for key, value in self.extra.items() if key not in RESERVED_KEYS)
        return head

    # -- standard output ---------------------------------------------------------------------

    def _write_output(self, status_line: str | None) -> None:
        lines = [self._summary_line()] + ([status_line] if status_line else [])
        output = self.settings.output
        if output is OutputMode.JSON:
            # Straight to the file: rich would wrap and colour it. ASCII keeps it intact
            # whatever the terminal's encoding; the parsed document is the same.
            write_json_document(
                self._stdout.file, self._document_head(), self._records(), ensure_ascii=True
            )
            self._stdout.file.flush()
        elif output is OutputMode.TABLE:
            self._print_table()
        console = self._stdout if output is OutputMode.TABLE else self._stderr
        for line in lines:
            console.print(Text(line), soft_wrap=True)

    def _summary_line(self) -> str:
        """The counts, and where every row is listed when a report was asked for."""
        line = self._summary.line()
        path = self.settings.report_path
        return f"{line}; report: {path}" if path is not None else line

    def _print_table(self) -> None:
        if self._problems is None:
            print_table(self._stdout, self._records, with_id=self._any_id)
            return
        shown = self._problems.shown()
        if shown:
            with_id = any(result.id is not None for result in shown)
            print_table(self._stdout, lambda: result_records(shown), with_id=with_id)
        hidden = self._summary.failed + self._summary.skipped - len(shown)
        if hidden > 0:
            where = self.settings.report_path or "--report"
            self._print(f"… and {hidden} more problems (see {where})")
        if shown and self._summary.written:
            self._print(f"… and {self._summary.written} more rows added/updated/upserted")

    def _print(self, line: str) -> None:
        self._stdout.print(Text(line), soft_wrap=True)

    def _tell(self, line: str) -> None:
        """Where a file went: for a person, so on standard error, and not in quiet mode."""
        if self.settings.output is not OutputMode.QUIET:
            self._stderr.print(Text(line), soft_wrap=True)

    def _close(self) -> None:
        for spool in (self._rows, self._rejects):
            if spool is not None:
                spool.close()


def _shown(settings: ReportSettings) -> tuple[str, ...]:
    return UNDO_STATUSES if settings.command == "undo" else IMPORT_STATUSES


def _needs_every_row(settings: ReportSettings) -> bool:
    """Whether any output lists every row: only then are rows kept (on disk) until the end."""
    return (
        settings.report_path is not None
        or settings.output is OutputMode.JSON
        or (settings.output is OutputMode.TABLE and settings.show is ShowMode.ALL)
    )
