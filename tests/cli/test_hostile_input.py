"""Hostile files: a clear one-line error or rows, exit 2 at worst, never a traceback."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli


def _zip_bomb(path: Path) -> None:
    # 2.2 GiB of zeros deflate to about 10 MB: what a decompression bomb looks like.
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        chunk = bytes(1 << 24)
        for _ in range(140):
            member.write(chunk)


def test_a_zip_bomb_disguised_as_xlsx_is_refused_unopened(tmp_path: Path) -> None:
    bomb = tmp_path / "contacts.xlsx"
    _zip_bomb(bomb)
    run = run_cli("validate", bomb)
    assert run.exit_code == 2
    assert "refused as unsafe" in run.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nested.json", "[" * 200_000 + "]" * 200_000, "nested too deeply"),
        ("nul.json", '[{"phone": "+336\x0012345678"}]', "NUL bytes"),
    ],
)
def test_hostile_text_files_fail_cleanly(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    run = run_cli("validate", path)
    assert run.exit_code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) <= 2  # the error, and at most one warning


def test_a_20_mb_line_fails_its_row_and_the_next_row_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    huge.write_text(
        "Mobile,Notes\n+33612345678," + "x" * (20 << 20) + "\n+33612345679,hi\n", encoding="utf-8"
    )
    run = run_cli("validate", huge, "--output", "json")
    assert run.exit_code == 1
    rows = {row["row"]: row for row in run.json()["rows"]}
    assert rows[2]["status"] == "failed"
    assert "record longer than 1,000,000 characters" in rows[2]["reason"]
    assert rows[3]["phone"] == "+33612345679"
    assert rows[3]["status"] != "failed"


def test_a_million_columns_are_read_and_the_warning_stays_one_short_line(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    columns = ",".join(f"c{i}" for i in range(1_000_000))
    wide.write_text(f"Mobile,{columns}\n+33612345678{',' * 1_000_000}\n", encoding="utf-8")
    # The header alone is 6.9 million characters: past the default record limit.
    config = tmp_path / "contactctl.yaml"
    config.write_text("max_record_chars: 10000000\n", encoding="utf-8")
    run = run_cli("validate", wide, "--output", "json", "--config", config)
    assert run.exit_code == 0
    assert run.json()["rows"][0]["phone"] == "+33612345678"
    warning = next(line for line in run.stderr.splitlines() if "not imported" in line)
    assert "and 999980 more" in warning
    assert len(warning) < 400
