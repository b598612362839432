"""The report formats: one JSON document, a CSV table, a JUnit XML file.

Each writer takes the rows as an iterable and writes them as they come, so a report of a
million rows costs the same memory as one of ten.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any, TextIO
from xml.sax.saxutils import escape, quoteattr

from contactctl.model import Status
from contactctl.report.safety import spreadsheet_safe, xml_safe
from contactctl.report.spool import ROW_FIELDS, RowRecord
from contactctl.report.summary import Summary


def write_json_document(
    out: IO[str],
    head: Mapping[str, object],
    rows: Iterable[RowRecord],
    *,
    ensure_ascii: bool = False,
) -> None:
    """`head`'s keys, then "rows" last with one row per line (readable, and greppable)."""
    text = json.dumps(dict(head), indent=2, ensure_ascii=ensure_ascii, default=str)
    # One encoder for every row: json.dumps builds a new one per call when given options.
    encode = json.JSONEncoder(ensure_ascii=ensure_ascii, default=str).encode
    # Reopen the object json.dumps closed ("...\n}"), to stream "rows" into it.
    out.write(text[:-2] + ",\n" if head else "{\n")
    out.write('  "rows": [')
    empty = True
    for row in rows:
        out.write("\n    " if empty else ",\n    ")
        out.write(encode(row))
        empty = False
    out.write("]\n}\n" if empty else "\n  ]\n}\n")


def write_csv_report(out: TextIO, rows: Iterable[RowRecord]) -> None:
    """The report fields as columns; formula-like cells defused, E.164 phones kept."""
    writer = csv.writer(out)
    writer.writerow(ROW_FIELDS)
    for row in rows:
        writer.writerow([_csv_cell(name, row[name]) for name in ROW_FIELDS])


def _csv_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    return spreadsheet_safe(str(value), phone=name == "phone")


def write_junit(
    out: TextIO,
    suite_name: str,
    total: Summary,
    tallies: Mapping[str, Summary],
    rows_of: Callable[[str], Iterable[RowRecord]],
) -> None:
    """One <testsuite> per source file (`tallies`: its counts), one <testcase> per row.

    `rows_of(source)` is read once per source: the rows of several files arrive interleaved,
    and a suite's rows must sit together.
    """
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f"<testsuites name={_attr(suite_name)}{_counts(total)}>\n")
    for source, tally in tallies.items():
        out.write(f"  <testsuite name={_attr(source)}{_counts(tally)}>\n")
        for row in rows_of(source):
            out.write(_testcase(row))
        out.write("  </testsuite>\n")
    out.write("</testsuites>\n")


def _counts(tally: Summary) -> str:
    return f' tests="{tally.total}" failures="{tally.failed}" skipped="{tally.skipped}" errors="0"'


def _testcase(row: RowRecord) -> str:
    source = str(row["source"])
    name = f"{source} row {row['row']}"
    opening = f"    <testcase classname={_attr(source)} name={_attr(name)}"
    reason = str(row["reason"] or row["status"])
    if row["status"] == Status.FAILED:
        failure = f'<failure message={_attr(reason)} type="failed">{_text(reason)}</failure>'
        return f"{opening}>\n      {failure}\n    </testcase>\n"
    if row["status"] == Status.SKIPPED:
        return f"{opening}>\n      <skipped message={_attr(reason)}/>\n    </testcase>\n"
    return f"{opening}/>\n"


def _attr(text: str) -> str:
    """A quoted attribute value; quoteattr also escapes newlines and tabs as references."""
    return quoteattr(xml_safe(text))


def _text(text: str) -> str:
    return escape(xml_safe(text))
