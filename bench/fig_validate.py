"""Figures 1 and 2: `contactctl validate` against the plain script, and its memory.

Both commands read the same generated CSV, alternately (the order flips each round so neither
always runs on a warm page cache), and the medians are compared. A third check, shown but
without a target, compares contactctl's per-row report with the generator's truth: speed must
never come from skipping validation.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from pathlib import Path

from child import ChildRun, Summary, run_child
from context import Context, Dataset
from results import Figure, Verdict, verdict

from contactctl.intake.parallel import WORKERS_VARIABLE, worker_count

SPEED_RATIO_TARGET = 1.5
PEAK_RSS_TARGET_MB = 200.0
# Memory may grow with the in-file dedup keys only: per new key, at most this many times
# what a plain dict {E.164: row} entry costs in the same interpreter (measured, not assumed).
KEY_COST_FACTOR = 2.0
VALIDATE_OK = (0, 1)  # 1: some rows failed, as a messy file must


def validate_argv(ctx: Context, path: Path, *extra: str) -> list[str]:
    return [ctx.contactctl, "validate", str(path), "--output", "quiet", *extra]


def measure_speed(ctx: Context, data: Dataset) -> tuple[list[ChildRun], list[ChildRun]]:
    """Alternate contactctl and the baseline; returns (contactctl runs, baseline runs)."""
    source = data.file("csv")
    baseline_out = ctx.work / "baseline-out.csv"
    ours: list[ChildRun] = []
    theirs: list[ChildRun] = []
    for round_index in range(ctx.rounds):
        contactctl_first = round_index % 2 == 0
        for is_ours in (contactctl_first, not contactctl_first):
            if is_ours:
                ours.append(run_child(validate_argv(ctx, source), VALIDATE_OK))
            else:
                argv = [ctx.python, ctx.bench_script("baseline.py"), str(source)]
                theirs.append(run_child([*argv, str(baseline_out)]))
    return ours, theirs


def speed_figure(data: Dataset, ours: list[ChildRun], theirs: list[ChildRun]) -> Figure:
    mine, base = Summary.of(ours), Summary.of(theirs)
    ratio = base.wall_s / mine.wall_s
    ours_rate, base_rate = data.rows / mine.wall_s, data.rows / base.wall_s
    return Figure(
        key="1",
        title=f"validate {data.rows:,} CSV rows vs baseline script",
        measured=(
            f"{ratio:.2f}x ({ours_rate:,.0f} vs {base_rate:,.0f} rows/s; "
            f"CPU time {base.cpu_s / mine.cpu_s:.2f}x)"
        ),
        target=f"≥ {SPEED_RATIO_TARGET}x",
        verdict=verdict(ratio >= SPEED_RATIO_TARGET),
        details={
            "contactctl": mine.as_dict(),
            "baseline": base.as_dict(),
            "contactctl_rows_per_s": round(ours_rate),
            "baseline_rows_per_s": round(base_rate),
            "cpu_ratio": round(base.cpu_s / mine.cpu_s, 2),
        },
    )


def memory_figure(
    ctx: Context, big: Dataset, small: Dataset, ours_big: list[ChildRun]
) -> tuple[Figure, Figure]:
    """Peak RSS at the full size, and how it grows between a tenth of the rows and all."""
    # The small file runs with the big one's worker processes, so the two differ only in rows.
    env = {**os.environ, WORKERS_VARIABLE: str(worker_count([str(big.file("csv"))]))}
    small_runs = [
        run_child(validate_argv(ctx, small.file("csv")), VALIDATE_OK, env)
        for _ in range(ctx.rounds)
    ]
    big_summary = Summary.of(ours_big)
    # The main process holds the dedup keys: its growth is what 2b is about.
    rss_big = big_summary.peak_rss_mb
    rss_small = Summary.of(small_runs).peak_rss_mb
    # A user's machine holds every process at once: 2a is judged on the sum when known.
    total = big_summary.tree_peak_rss_mb
    judged = total if total is not None else rss_big
    new_keys = int(big.meta["valid_unique_numbers"]) - int(small.meta["valid_unique_numbers"])
    growth_per_key = (rss_big - rss_small) * 1024 * 1024 / max(new_keys, 1)
    key_cost = dict_entry_cost(ctx, new_keys)
    allowed = KEY_COST_FACTOR * key_cost
    peak = Figure(
        key="2a",
        title=f"peak memory of validate at {big.rows:,} rows",
        measured=(
            f"{judged:.0f} MB, all processes (largest one {rss_big:.0f} MB)"
            if total is not None
            else f"{rss_big:.0f} MB (one process; its workers not sampled here)"
        ),
        target=f"≤ {PEAK_RSS_TARGET_MB:.0f} MB",
        verdict=verdict(judged <= PEAK_RSS_TARGET_MB),
        details={
            "all_processes_mb": round(total, 1) if total is not None else None,
            "largest_process_mb": round(rss_big, 1),
        },
    )
    growth = Figure(
        key="2b",
        title=f"RSS growth {small.rows:,} → {big.rows:,} rows, per new dedup key",
        measured=f"{growth_per_key:.0f} B/key ({rss_small:.0f} → {rss_big:.0f} MB)",
        target=f"≤ {allowed:.0f} B/key ({KEY_COST_FACTOR:g}x a dict entry)",
        verdict=verdict(growth_per_key <= allowed),
        details={
            "rss_small_mb": round(rss_small, 1),
            "rss_big_mb": round(rss_big, 1),
            "new_unique_numbers": new_keys,
            "dict_entry_bytes": round(key_cost),
        },
    )
    return peak, growth


def dict_entry_cost(ctx: Context, count: int) -> float:
    """Bytes one {E.164 string: row number} entry costs, measured in a child interpreter."""
    argv = [ctx.python, ctx.bench_script("probes.py"), "key-cost", str(max(count, 200_000))]
    run = run_child(argv)
    return float(json.loads(run.stdout)["bytes_per_key"])


def truth_figure(ctx: Context, data: Dataset) -> Figure:
    """contactctl's report against the generator's truth (no target: a guard on honesty)."""
    report = ctx.work / "validate-report.csv"
    run_child(validate_argv(ctx, data.file("csv"), "--report", str(report)), VALIDATE_OK)
    scores, misses = _agreement(data.directory / "truth.csv", report)
    shown = ", ".join(f"{name} {hit}/{total}" for name, (hit, total) in scores.items())
    details: dict[str, object] = {
        name: {"agree": hit, "of": total} for name, (hit, total) in scores.items()
    }
    details["disagreements_by_kind"] = dict(misses.most_common())
    return Figure(
        key="1t",
        title=f"validate's report agrees with the truth ({data.rows:,} rows)",
        measured=shown,
        target="(no target)",
        verdict=Verdict.INFO,
        details=details,
    )


def _agreement(
    truth_path: Path, report_path: Path
) -> tuple[dict[str, tuple[int, int]], Counter[str]]:
    """Per class of row: how many of the report's rows say what the truth says; and the
    rows that do not, by the generator's kind of mess."""
    with report_path.open(encoding="utf-8", newline="") as handle:
        report = {int(r["row"]): r for r in csv.DictReader(handle) if r.get("row", "").isdigit()}
    scores = {"valid numbers found": [0, 0], "invalid failed": [0, 0], "duplicates": [0, 0]}
    misses: Counter[str] = Counter()
    with truth_path.open(encoding="utf-8", newline="") as handle:
        for truth in csv.DictReader(handle):
            judged = _judge(truth, report)
            if judged is None:
                continue
            name, ok = judged
            scores[name][0] += ok
            scores[name][1] += 1
            if not ok:
                misses[f"{name}: {truth['kind']}"] += 1
    return {name: (hit, total) for name, (hit, total) in scores.items()}, misses


def _judge(truth: dict[str, str], report: dict[int, dict[str, str]]) -> tuple[str, bool] | None:
    """(class, agrees) for one row, or None where the truth says nothing about it: a row
    failed for its e-mail (the phone is not reported), or a duplicate of a row that failed
    (so it rightly is no duplicate)."""
    got = report.get(int(truth["row"]), {})
    status, reason = got.get("status", ""), got.get("reason") or ""
    if status == "failed" and "e-mail" in reason:
        return None
    if truth["duplicate_of"]:
        if report.get(int(truth["duplicate_of"]), {}).get("status") == "failed":
            return None
        return "duplicates", status == "skipped" and "duplicate" in reason
    if truth["e164"]:
        return "valid numbers found", got.get("phone") == truth["e164"]
    if truth["kind"] in ("invalid", "precision_lost"):
        return "invalid failed", status == "failed"
    return None
