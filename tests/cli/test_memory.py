"""Reading and normalising stream: peak memory grows with the dedup keys, not the rows."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import peak_rss_kib


def _write(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("First Name,Last Name,Mobile,Email\n")
        for n in range(rows):
            out.write(f"Name{n},Family{n},+3361{n:07d},person{n}@example.com\n")


def _peak_rss_kib(path: Path) -> int:
    exit_code, kib = peak_rss_kib("validate", path, "--output", "quiet")
    assert exit_code == 0
    return kib


def test_peak_memory_grows_only_with_the_dedup_keys(tmp_path: Path) -> None:
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    _write(small, 20_000)
    _write(big, 200_000)
    growth_kib = _peak_rss_kib(big) - _peak_rss_kib(small)
    file_kib = big.stat().st_size // 1024
    # 180,000 more rows: the rows themselves would cost hundreds of MB as objects; the keys
    # (an E.164 string and a packed row number each) cost a few tens.
    assert growth_kib < 60 * 1024, f"grew {growth_kib} KiB for a {file_kib} KiB file"
