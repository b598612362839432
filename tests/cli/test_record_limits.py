"""A huge record fails its row without costing its size in memory; the limit is configurable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import peak_rss_kib, run_cli

LINE_CHARS = 256 << 20  # far past the default 1,000,000-character limit
# A short file's validate peaks near 40 MB; holding the long line once would add 256 MB.
PEAK_LIMIT_KIB = 140 * 1024


def _write_long(path: Path, start: str, end: str) -> None:
    """`start`, LINE_CHARS of "x", `end`, written a piece at a time."""
    piece = "x" * (1 << 20)
    with path.open("w", encoding="utf-8") as out:
        out.write(start)
        for _ in range(LINE_CHARS >> 20):
            out.write(piece)
        out.write(end)


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("long.csv", "Mobile,Notes\n+33612345678,", "\n+33612345679,hi\n"),
        ("long.jsonl", '{"Mobile": "+33612345678", "Notes": "', '"}\n{"Mobile": "+33612345679"}\n'),
        (
            "long.vcf",
            "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+33612345678\r\nNOTE:",
            "\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+33612345679\r\nEND:VCARD\r\n",
        ),
    ],
)
def test_a_256_mb_record_fails_alone_in_bounded_memory(
    tmp_path: Path, name: str, start: str, end: str
) -> None:
    path = tmp_path / name
    _write_long(path, start, end)
    report = tmp_path / "report.json"
    exit_code, peak_kib = peak_rss_kib("validate", path, "--report", report)
    assert peak_kib < PEAK_LIMIT_KIB, f"peak {peak_kib >> 10} MB"
    assert exit_code == 1  # the long row failed; the next one was read
    run = run_cli("validate", path, "--output", "json")
    statuses = [(row["phone"], row["status"]) for row in run.json()["rows"]]
    assert ("+33612345679", "failed") not in statuses
    assert any("record longer than" in row["reason"] for row in run.json()["rows"])


@pytest.mark.parametrize("value", ["10", "-1", "true", "lots", "999"])
def test_a_record_limit_below_a_thousand_is_refused_naming_the_key(
    tmp_path: Path, value: str
) -> None:
    config = tmp_path / "contactctl.yaml"
    config.write_text(f"max_record_chars: {value}\n", encoding="utf-8")
    contacts = tmp_path / "c.csv"
    contacts.write_text("Mobile\n+33612345678\n", encoding="utf-8")
    run = run_cli("validate", contacts, "--config", config)
    assert run.exit_code == 2
    assert "max_record_chars must be a whole number of at least 1,000" in run.stderr
    assert str(config) in run.stderr


def test_a_raised_limit_reads_the_long_record(tmp_path: Path) -> None:
    config = tmp_path / "contactctl.yaml"
    config.write_text("max_record_chars: 3000000\n", encoding="utf-8")
    contacts = tmp_path / "c.csv"
    contacts.write_text("Mobile,Notes\n+33612345678," + "n" * 2_000_000 + "\n", encoding="utf-8")
    assert run_cli("validate", contacts).exit_code == 1  # default limit: the row fails
    assert run_cli("validate", contacts, "--config", config).exit_code == 0
