"""Compressed exports and other spreadsheets import exactly like the plain .csv / .xlsx."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from tests.cli.helpers import import_to, run_cli
from tests.conftest import SandboxFactory

CSV = (
    "First Name,Last Name,Mobile,Email\n"
    "Axelle,Durand,+33 6 12 34 56 01,axelle@example.com\n"
    "Bruno,Martin,3.3612345602E+10,bruno@example.com\n"  # spreadsheet damage, repaired
    "Chloe,Petit,06 12 34,chloe@example.com\n"  # too short: fails
    "Axelle,Durand,+33612345601,axelle@example.com\n"  # duplicate of row 2
)


# Distinct rows, so the compressed file is large enough to be cut halfway through its rows.
MANY_ROWS = (
    "Mobile,Name\n" + "".join(f"+336{n:08d},N{n * 7919 % 100003}\n" for n in range(20000))
).encode()


def _pack(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(data))
    elif name.endswith(".bz2"):
        path.write_bytes(bz2.compress(data))
    elif name.endswith(".xz"):
        path.write_bytes(lzma.compress(data))
    else:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("__MACOSX/._contacts.csv", b"\x00\x05\x16\x07")  # Finder's litter
            archive.writestr("contacts.csv", data)
    return path


def _outcome(tmp_path: Path, path: Path, sandbox: SandboxFactory) -> tuple[Any, ...]:
    report = tmp_path / "report.json"
    with sandbox("octopush") as (emulator, base_url):
        run = import_to(tmp_path, "octopush", base_url, path, "--report", report)
        stored = sorted(str(r["phone_number"]) for r in emulator.stored())
    rows = [
        (r["row"], r["status"], r["reason"] or "")
        for r in json.loads(report.read_text(encoding="utf-8"))["rows"]
    ]
    return run.exit_code, rows, stored


@pytest.mark.parametrize(
    "name", ["contacts.csv.gz", "contacts.csv.bz2", "contacts.csv.xz", "contacts.zip"]
)
def test_a_compressed_csv_imports_like_the_plain_one(
    tmp_path: Path, sandbox: SandboxFactory, name: str
) -> None:
    plain = tmp_path / "plain" / "contacts.csv"
    plain.parent.mkdir()
    plain.write_text(CSV, encoding="utf-8")
    packed_dir = tmp_path / "packed"
    packed_dir.mkdir()
    packed = _pack(packed_dir, name, CSV.encode())
    expected = _outcome(tmp_path / "plain", plain, sandbox)
    got = _outcome(packed_dir, packed, sandbox)
    # The reports name their own file; everything else is the same.
    assert got[0] == expected[0] == 1
    assert [(row, status) for row, status, _ in got[1]] == [(r, s) for r, s, _ in expected[1]]
    assert [reason.replace(str(packed), "FILE") for *_, reason in got[1]] == [
        reason.replace(str(plain), "FILE") for *_, reason in expected[1]
    ]
    assert got[2] == expected[2] == ["+33612345601", "+33612345602"]


def test_gzip_on_standard_input_is_recognised_by_its_bytes() -> None:
    run = run_cli(
        "validate",
        "-",
        "--input-format",
        "csv",
        "--output",
        "json",
        input=gzip.compress(CSV.encode()),
    )
    assert run.exit_code == 1
    assert [row["status"] for row in run.json()["rows"]] == [
        "skipped",
        "skipped",
        "failed",
        "skipped",
    ]


def test_an_explicit_format_on_a_gz_file_still_unpacks_it(tmp_path: Path) -> None:
    packed = _pack(tmp_path, "export.dat.gz", CSV.encode())
    run = run_cli("validate", packed, "--input-format", "csv", "--output", "json")
    assert run.exit_code == 1
    assert run.json()["rows"][0]["phone"] == "+33612345601"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cut.csv.gz", gzip.compress(MANY_ROWS)[:-4000], "is not a readable archive"),
        (
            "junk.csv.gz",
            b"\x1f\x8b\x08\x00 this is not gzip data at all",
            "is not a readable archive",
        ),
        ("junk.zip", b"PK\x03\x04 not really a zip", "is not a readable archive"),
        ("inside.txt.gz", gzip.compress(b""), "is empty"),
        ("notes.doc.gz", gzip.compress(b"hello"), "(the file inside: notes.doc): cannot tell"),
    ],
)
def test_broken_archives_exit_2_with_one_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    run = run_cli("validate", path)
    assert run.exit_code == 2, run.stderr
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_a_zip_holding_several_files_or_a_password_is_refused(tmp_path: Path) -> None:
    several = tmp_path / "two.zip"
    with zipfile.ZipFile(several, "w") as archive:
        archive.writestr("a.csv", CSV)
        archive.writestr("b.csv", CSV)
    run = run_cli("validate", several)
    assert run.exit_code == 2
    assert "holds 2 files (a.csv, b.csv)" in run.stderr
    locked = tmp_path / "locked.zip"
    with zipfile.ZipFile(locked, "w") as archive:
        archive.writestr("a.csv", CSV)
    raw = bytearray(locked.read_bytes())
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # set the "encrypted" flag, as zip -e does
        at = raw.find(header)
        flag_at = at + (6 if header == b"PK\x03\x04" else 8)
        raw[flag_at] |= 0x1
    locked.write_bytes(bytes(raw))
    run = run_cli("validate", locked)
    assert run.exit_code == 2
    assert "is encrypted" in run.stderr


def _write_ods(path: Path, rows: list[list[Any]]) -> Path:
    """A real OpenDocument spreadsheet: the zip of XML parts LibreOffice writes, minimal."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )

    def cell(value: Any) -> str:
        if isinstance(value, int | float):
            kind = f'office:value-type="float" office:value="{value}"'
            return f"<table:table-cell {kind}><text:p>{value}</text:p></table:table-cell>"
        text = escape(str(value))
        kind = 'office:value-type="string"'
        return f"<table:table-cell {kind}><text:p>{text}</text:p></table:table-cell>"

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Contacts">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        mimetype = "application/vnd.oasis.opendocument.spreadsheet"
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def test_an_ods_imports_like_the_same_xlsx(tmp_path: Path, sandbox: SandboxFactory) -> None:
    from tests.unit.readers_fixtures import write_xlsx

    rows: list[list[Any]] = [
        ["First Name", "Mobile", "Country"],
        ["Axelle", 33612345601, "FR"],  # a number cell: every digit kept
        ["Bruno", "06 12 34 56 02", "FR"],
        ["Chloe", 33612300000, "FR"],  # what Excel kept of 3.36123E+10: fails
    ]
    (tmp_path / "ods").mkdir()
    (tmp_path / "xlsx").mkdir()
    ods = _write_ods(tmp_path / "ods" / "contacts.ods", rows)
    xlsx = write_xlsx(tmp_path / "xlsx" / "contacts.xlsx", {"Contacts": rows})
    from_ods = _outcome(tmp_path / "ods", ods, sandbox)
    from_xlsx = _outcome(tmp_path / "xlsx", xlsx, sandbox)
    assert from_ods[0] == from_xlsx[0] == 1
    assert (
        [r[:2] for r in from_ods[1]]
        == [r[:2] for r in from_xlsx[1]]
        == [
            (2, "added"),
            (3, "added"),
            (4, "failed"),
        ]
    )
    assert "precision lost in a spreadsheet" in from_ods[1][2][2]
    assert from_ods[2] == from_xlsx[2] == ["+33612345601", "+33612345602"]
