"""The --report files: JSON document, CSV table, JUnit XML; formula safety; atomic writes."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from rich.console import Console

import contactctl
from contactctl.model import RawRow, RowResult, Status
from contactctl.report import OutputMode, Reporter, ReportSettings, spreadsheet_safe, xml_safe
from contactctl.report.spool import atomic_text_file

ROW_KEYS = ["source", "row", "name", "phone", "email", "status", "reason", "id"]


def write_report(
    path: Path, results: list[RowResult], output: OutputMode = OutputMode.QUIET
) -> Reporter:
    quiet = Console(file=io.StringIO(), no_color=True)
    reporter = Reporter(ReportSettings("octopush", False, output, report_path=path), quiet, quiet)
    for result in results:
        reporter.add(result)
    reporter.finish()
    return reporter


SAMPLE = [
    RowResult(
        "contacts.csv",
        2,
        Status.ADDED,
        None,
        "Axelle Durand",
        "+33612345678",
        "axelle@example.com",
        "c-1",
        raw=RawRow("contacts.csv", 2, {"Phone": "06 12 34 56 78", "Secret": "do-not-leak"}),
    ),
    RowResult("contacts.csv", 4, Status.UPDATED, None, "Bo", "+33612345679", None, "c-2"),
    RowResult("contacts.csv", 3, Status.SKIPPED, "duplicate of contacts.csv row 2", "A", None),
    RowResult("more.csv", 2, Status.FAILED, "phone number not valid: '12'", None, None),
]


# -- JSON ----------------------------------------------------------------------------------


def test_json_report_has_the_spec_shape(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_report(path, SAMPLE)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert set(document) == {"provider", "dry_run", "summary", "rows", "versions", "notes"}
    assert document["provider"] == "octopush"
    assert document["dry_run"] is False
    assert document["summary"] == {
        "total": 4,
        "added": 1,
        "updated": 1,
        "upserted": 0,
        "skipped": 1,
        "failed": 1,
    }
    assert document["versions"] == {
        "contactctl": contactctl.__version__,
        "phonenumbers": phonenumbers.__version__,
    }
    assert document["notes"] == []
    assert document["rows"][0] == {
        "source": "contacts.csv",
        "row": 2,
        "name": "Axelle Durand",
        "phone": "+33612345678",
        "email": "axelle@example.com",
        "status": "added",
        "reason": None,
        "id": "c-1",
    }
    assert all(list(row) == ROW_KEYS for row in document["rows"])
    # File order, not the order the rows finished in.
    assert [(r["source"], r["row"]) for r in document["rows"]] == [
        ("contacts.csv", 2),
        ("contacts.csv", 3),
        ("contacts.csv", 4),
        ("more.csv", 2),
    ]
    assert "do-not-leak" not in path.read_text(encoding="utf-8")


def test_json_report_carries_notes_and_extra_but_extra_cannot_replace_the_summary(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.json"
    quiet = Console(file=io.StringIO())
    reporter = Reporter(
        ReportSettings(None, True, OutputMode.QUIET, report_path=path, command="validate"),
        quiet,
        quiet,
    )
    reporter.add(SAMPLE[0])
    reporter.note("journal: 120 rows unchanged since 2024-05-01")
    reporter.extra.update({"journal_saved": 120, "aborted": "auth refused", "summary": "nope"})
    reporter.finish()
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["provider"] is None
    assert document["dry_run"] is True
    assert document["notes"] == ["journal: 120 rows unchanged since 2024-05-01"]
    assert document["journal_saved"] == 120
    assert document["aborted"] == "auth refused"
    assert document["summary"]["total"] == 1


def test_json_report_of_no_rows_is_a_valid_document(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_report(path, [])
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["rows"] == []
    assert document["summary"]["total"] == 0


def test_json_report_keeps_unicode_and_newlines(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    name = 'Zoë "Ω" O\'Brien\nsecond line\u2028'
    write_report(path, [RowResult("ünï.csv", 2, Status.FAILED, "tab\there", name)])
    row = json.loads(path.read_text(encoding="utf-8"))["rows"][0]
    assert (row["source"], row["name"], row["reason"]) == ("ünï.csv", name, "tab\there")


# -- CSV -----------------------------------------------------------------------------------


def test_csv_report_has_the_row_fields_as_columns(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    write_report(path, SAMPLE)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ROW_KEYS
    assert rows[0] == {
        "source": "contacts.csv",
        "row": "2",
        "name": "Axelle Durand",
        "phone": "+33612345678",
        "email": "axelle@example.com",
        "status": "added",
        "reason": "",
        "id": "c-1",
    }
    assert [row["status"] for row in rows] == ["added", "skipped", "updated", "failed"]
    assert "do-not-leak" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("field", "value", "written"),
    [
        ("phone", "+33612345678", "+33612345678"),  # E.164 in the phone column: kept
        ("phone", "+0612345678", "'+0612345678"),  # not E.164 (leading 0)
        ("phone", "+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("phone", "-", "'-"),  # a dash that is not a phone
        ("name", "+33612345678", "'+33612345678"),  # E.164 outside the phone column
        ("name", '=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("name", "-2+3", "'-2+3"),
        ("email", "@evil", "'@evil"),
        ("reason", "\tleading tab", "'\tleading tab"),
        ("reason", "\rleading CR", "'\rleading CR"),
        ("id", "=1", "'=1"),
        ("name", "Ann = Bob", "Ann = Bob"),  # only a leading character counts
    ],
)
def test_csv_report_defuses_formulas(tmp_path: Path, field: str, value: str, written: str) -> None:
    path = tmp_path / "report.csv"
    change: dict[str, Any] = {field: value}
    write_report(path, [replace(RowResult("c.csv", 2, Status.FAILED), **change)])
    with path.open(encoding="utf-8", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert row[field] == written


@pytest.mark.parametrize(
    ("text", "phone", "expected"),
    [
        ("=cmd", False, "'=cmd"),
        ("+1", True, "'+1"),  # too short for E.164
        ("+12", True, "+12"),
        ("+1234567890123456", True, "'+1234567890123456"),  # 16 digits: too long
        ("+٣٣٦١٢٣٤٥٦٧٨", True, "'+٣٣٦١٢٣٤٥٦٧٨"),  # other scripts' digits are not E.164
        ("+33612345678\n", True, "'+33612345678\n"),
        ("plain", False, "plain"),
        ("", False, ""),
    ],
)
def test_spreadsheet_safe(text: str, phone: bool, expected: str) -> None:
    assert spreadsheet_safe(text, phone=phone) == expected


def test_xml_safe_drops_forbidden_characters_then_defuses() -> None:
    assert xml_safe("\x00\x1b=SUM(A1)\x07") == "'=SUM(A1)"
    assert xml_safe("line\nnext\ttab") == "line\nnext\ttab"


# -- JUnit ---------------------------------------------------------------------------------


def test_junit_report_has_a_suite_per_source_and_counts_right(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    write_report(path, SAMPLE)
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("4", "1", "1")
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    assert list(suites) == ["contacts.csv", "more.csv"]
    first = suites["contacts.csv"]
    assert (first.get("tests"), first.get("failures"), first.get("skipped")) == ("3", "0", "1")
    names = [case.get("name") for case in first.iter("testcase")]
    assert names == ["contacts.csv row 2", "contacts.csv row 3", "contacts.csv row 4"]
    skipped = first.findall("testcase/skipped")
    assert [s.get("message") for s in skipped] == ["duplicate of contacts.csv row 2"]
    (failure,) = suites["more.csv"].findall("testcase/failure")
    assert failure.get("message") == "phone number not valid: '12'"
    assert suites["more.csv"].find("testcase").get("classname") == "more.csv"  # type: ignore[union-attr]


def test_junit_report_is_valid_xml_whatever_the_reason_holds(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    reason = 'vendor said \x00\x0b<b>&"bad"</b>\x1f\nsecond line'
    write_report(
        path,
        [
            RowResult("a&b <c>.csv", 2, Status.FAILED, reason),
            RowResult("a&b <c>.csv", 3, Status.FAILED, '=HYPERLINK("http://x")'),
        ],
    )
    failures = ET.parse(path).getroot().findall(".//failure")
    assert failures[0].get("message") == 'vendor said <b>&"bad"</b>\nsecond line'
    assert failures[0].text == 'vendor said <b>&"bad"</b>\nsecond line'
    assert failures[1].get("message") == '\'=HYPERLINK("http://x")'
    assert ET.parse(path).getroot().find("testsuite").get("name") == "a&b <c>.csv"  # type: ignore[union-attr]


def test_junit_report_of_no_rows_parses(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    write_report(path, [])
    root = ET.parse(path).getroot()
    assert (root.get("tests"), list(root)) == ("0", [])


# -- atomic writes -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["report.json", "report.csv", "report.xml", "REPORT.JSON"])
def test_report_leaves_no_temporary_file(tmp_path: Path, name: str) -> None:
    write_report(tmp_path / name, SAMPLE, output=OutputMode.JSON)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_tmp(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("previous report", encoding="utf-8")

    def interrupted_write() -> None:
        with atomic_text_file(path) as out:
            out.write('{"half": ')
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_write()
    assert path.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_atomic_write_replaces_the_file_when_complete(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("previous report", encoding="utf-8")
    with atomic_text_file(path) as out:
        out.write("new")
        assert path.read_text(encoding="utf-8") == "previous report"
    assert path.read_text(encoding="utf-8") == "new"
