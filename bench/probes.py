"""Small programs the harness runs as separate processes, each printing one JSON line.

python bench/probes.py key-cost N            bytes per {E.164: row} dict entry
python bench/probes.py xlsx-contactctl FILE  rows/s of contactctl's reader
python bench/probes.py xlsx-openpyxl FILE    rows/s of openpyxl's read-only mode
python bench/probes.py imports OUT ARG...    run the contactctl CLI with ARGs, then write
                                             the modules it had imported to OUT (JSON)
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def key_cost(count: int) -> dict[str, float]:
    """What an in-file dedup key costs at the least: a dict entry from an E.164 string to the
    row that holds it, as resident memory (what the figure it is compared with measures)."""
    before = _resident_bytes()
    seen = {f"+3361{index:07d}": index + 2 for index in range(count)}
    after = _resident_bytes()
    return {"keys": len(seen), "bytes_per_key": (after - before) / count}


def _resident_bytes() -> int:
    """Current resident set size (Linux), else the peak so far."""
    try:
        pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
        return pages * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def xlsx_contactctl(path: str) -> dict[str, float]:
    from contactctl.readers import ReadOptions, open_table

    started, cpu_started = time.perf_counter(), time.process_time()
    rows = 0
    with open_table(path, ReadOptions()) as table:
        for _ in table.rows:
            rows += 1
    return _timed(rows, started, cpu_started)


def xlsx_calamine(path: str) -> dict[str, float]:
    """python-calamine alone, no conversion: the ceiling for any reader built on it."""
    from python_calamine import CalamineWorkbook

    started, cpu_started = time.perf_counter(), time.process_time()
    rows = 0
    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    for _ in sheet.iter_rows():
        rows += 1
    return _timed(rows - 1, started, cpu_started)  # less the header


def xlsx_openpyxl(path: str) -> dict[str, float]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    started, cpu_started = time.perf_counter(), time.process_time()
    rows = 0
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for _ in sheet.iter_rows(values_only=True):
            rows += 1
    finally:
        workbook.close()
    return _timed(rows - 1, started, cpu_started)  # less the header


def _timed(rows: int, started: float, cpu_started: float) -> dict[str, float]:
    elapsed_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu_started
    return {"rows": rows, "elapsed_s": elapsed_s, "cpu_s": cpu_s}


def imports(out: str, args: list[str]) -> None:
    """Run the CLI exactly as the console script does, and record what it imported."""
    sys.argv = ["contactctl", *args]
    try:
        from contactctl.cli.app import main

        main()
    except SystemExit:
        pass
    finally:
        modules = sorted(name for name in sys.modules if "." not in name)
        Path(out).write_text(json.dumps(modules), encoding="utf-8")


def main(argv: list[str]) -> int:
    command, *rest = argv
    if command == "imports":
        imports(rest[0], rest[1:])
        return 0
    probes = {"key-cost": lambda: key_cost(int(rest[0]))}
    probes["xlsx-contactctl"] = lambda: xlsx_contactctl(rest[0])
    probes["xlsx-openpyxl"] = lambda: xlsx_openpyxl(rest[0])
    probes["xlsx-calamine"] = lambda: xlsx_calamine(rest[0])
    print(json.dumps(probes[command]()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
