"""What the harness found: one Figure per target, printed as a table and saved as JSON and
Markdown (the Markdown is the table in bench/README.md, "The latest full run")."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class Verdict(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    SKIP = "SKIP"  # could not be measured here (a missing emulator, say); says why
    ERROR = "ERROR"  # the measurement itself broke; says how
    INFO = "INFO"  # measured and shown, no target


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    measured: str
    target: str
    verdict: Verdict
    details: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def verdict(ok: bool) -> Verdict:
    return Verdict.PASS if ok else Verdict.FAIL


def table_rows(figures: list[Figure]) -> list[tuple[str, str, str, str, str]]:
    return [(f.key, f.title, f.measured, f.target, f.verdict.value) for f in figures]


def print_table(figures: list[Figure]) -> None:
    header = ("#", "figure", "measured", "target", "result")
    rows = [header, *table_rows(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    rule = "  ".join("-" * w for w in widths)
    print(rule)
    for index, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            print(rule)
    print(rule)
    for figure in figures:
        if figure.note:
            print(f"  [{figure.key}] {figure.note}")


def print_details(figures: list[Figure]) -> None:
    print("\nDetails (medians over rounds; wall and CPU in seconds, peak RSS in MB):")
    for figure in figures:
        if figure.details:
            print(f"  [{figure.key}] {json.dumps(figure.details, sort_keys=True)}")


def machine() -> dict[str, Any]:
    import os

    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }


def write_files(out: Path, figures: list[Figure], run: dict[str, Any]) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    document = {
        "run": run,
        "machine": machine(),
        "figures": [{**asdict(f), "verdict": f.verdict.value} for f in figures],
    }
    json_path = out / "results.json"
    json_path.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    md_path = out / "results.md"
    md_path.write_text(markdown(figures, run), encoding="utf-8")
    return json_path, md_path


def markdown(figures: list[Figure], run: dict[str, Any]) -> str:
    info = machine()
    lines = [
        f"Measured with `{run['command']}` on {run['date']} "
        f"({info['cpus']} CPUs, Python {info['python']}; {run['rounds']} rounds, medians).",
        "",
        "| # | figure | measured | target | result |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in table_rows(figures):
        cells = [cell.replace("|", "\\|") for cell in row]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [f"- [{f.key}] {f.note}" for f in figures if f.note]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"
