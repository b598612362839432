"""Figure 3: contactctl's .xlsx reader against openpyxl's read-only mode, on the same sheet.

Each reader runs in its own process (alternately, several rounds); rows/s is timed inside the
child around open + iterate, so interpreter start-up does not blur a reader's speed, and the
child's peak RSS is documented beside it.
"""

from __future__ import annotations

import json

from child import ChildRun, Summary, median, run_child
from context import Context, Dataset
from results import Figure, verdict

XLSX_RATIO_TARGET = 10.0
# python-calamine alone is measured too: the ceiling of any reader built on it.
READERS = ("contactctl", "openpyxl", "calamine")


def xlsx_figure(ctx: Context, data: Dataset) -> Figure:
    path = str(data.file("xlsx"))
    runs: dict[str, list[ChildRun]] = {reader: [] for reader in READERS}
    for round_index in range(ctx.rounds):
        order = READERS if round_index % 2 == 0 else READERS[::-1]
        for reader in order:
            argv = [ctx.python, ctx.bench_script("probes.py"), f"xlsx-{reader}", path]
            runs[reader].append(run_child(argv))
    speed = {reader: _rows_per_s(reader_runs, data.rows) for reader, reader_runs in runs.items()}
    cpu_speed = {
        reader: _rows_per_s(reader_runs, data.rows, "cpu_s") for reader, reader_runs in runs.items()
    }
    ratio = speed["contactctl"] / speed["openpyxl"]
    memory = {reader: Summary.of(reader_runs).peak_rss_mb for reader, reader_runs in runs.items()}
    return Figure(
        key="3",
        title=f"read {data.rows:,}-row .xlsx vs openpyxl read-only",
        measured=(
            f"{ratio:.1f}x ({speed['contactctl']:,.0f} vs {speed['openpyxl']:,.0f} rows/s; "
            f"CPU time {cpu_speed['contactctl'] / cpu_speed['openpyxl']:.1f}x); "
            f"peak RSS {memory['contactctl']:.0f} vs {memory['openpyxl']:.0f} MB"
        ),
        target=f"≥ {XLSX_RATIO_TARGET:g}x, memory documented",
        verdict=verdict(ratio >= XLSX_RATIO_TARGET),
        note=(
            f"python-calamine alone, no conversion: {speed['calamine'] / speed['openpyxl']:.1f}x "
            f"openpyxl ({speed['calamine']:,.0f} rows/s); contactctl's reader reaches "
            f"{speed['contactctl'] / speed['calamine']:.0%} of it."
        ),
        details={
            reader: {**Summary.of(reader_runs).as_dict(), "rows_per_s": round(speed[reader])}
            for reader, reader_runs in runs.items()
        },
    )


def _rows_per_s(runs: list[ChildRun], expected_rows: int, clock: str = "elapsed_s") -> float:
    rates = []
    for run in runs:
        found = json.loads(run.stdout)
        if int(found["rows"]) != expected_rows:
            raise RuntimeError(
                f"{run.argv[2]} read {found['rows']} rows, the sheet has {expected_rows}"
            )
        rates.append(found["rows"] / found[clock])
    return median(rates)
