"""The benchmark of issue #6, run by `bench/run`: every figure, its target, PASS or FAIL.

    bench/run                 the full sizes (1,000,000 rows; takes a while)
    bench/run --quick         1/20 of every size, a smoke run of the whole harness
    bench/run --only 1,6      some figures only
    bench/run --help          every option (sizes can also come from BENCH_* variables)

Prints the table, then the details; writes bench/out/results.json and bench/out/results.md.
Exits 0 when nothing failed, 1 when a figure FAILed or could not be measured (ERROR).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from context import BENCH_DIR, FULL_SIZES, Context, Sizes, find_contactctl
from results import Figure, Verdict, print_details, print_table, write_files

QUICK_DIVISOR = 20
Step = Callable[[Context], list[Figure]]


def say(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def validate_step(ctx: Context) -> list[Figure]:
    from fig_validate import measure_speed, memory_figure, speed_figure, truth_figure

    rows = ctx.sizes.rows
    say(f"[1,2] generating {rows:,} and {rows // 10:,} messy rows (reused when unchanged)")
    big = ctx.dataset(rows, "messy", ("csv",))
    small = ctx.dataset(rows // 10, "messy", ("csv",))
    say(f"[1] contactctl validate vs baseline, {ctx.rounds} rounds on {rows:,} rows")
    ours, theirs = measure_speed(ctx, big)
    say("[2] memory: a tenth of the rows, and the cost of a dict entry")
    peak, growth = memory_figure(ctx, big, small, ours)
    say("[1t] contactctl's report against the generator's truth")
    truth = truth_figure(ctx, small)
    return [speed_figure(big, ours, theirs), truth, peak, growth]


def xlsx_step(ctx: Context) -> list[Figure]:
    from fig_xlsx import xlsx_figure

    rows = ctx.sizes.xlsx_rows
    say(f"[3] generating a {rows:,}-row .xlsx, then {ctx.rounds} rounds of both readers")
    return [xlsx_figure(ctx, ctx.dataset(rows, "messy", ("xlsx",)))]


def octopush_step(ctx: Context) -> list[Figure]:
    from fig_send import OCTOPUSH, sender_figure

    say(f"[4] octopush sandbox, {ctx.sizes.octopush_contacts:,} contacts")
    return [sender_figure(ctx, OCTOPUSH, ctx.sizes.octopush_contacts)]


def callbell_step(ctx: Context) -> list[Figure]:
    from fig_send import CALLBELL, bare_script_figure, sender_figure, transport_figure

    say(f"[5] callbell sandbox, {ctx.sizes.callbell_contacts:,} contacts")
    figure = sender_figure(ctx, CALLBELL, ctx.sizes.callbell_contacts)
    if figure.verdict is Verdict.SKIP:
        return [figure]
    contacts = ctx.sizes.callbell_contacts
    say(f"[5c] the same import by a bare httpx script, {contacts:,} contacts")
    bare = bare_script_figure(ctx, CALLBELL, contacts, figure)
    say(f"[5b] the same pace through each HTTP client option, {contacts:,} look-ups each")
    return [figure, bare, transport_figure(ctx, CALLBELL, contacts)]


def requests_step(ctx: Context) -> list[Figure]:
    from fig_requests import CONTACTS, requests_figures

    say(f"[7] requests per contact, each provider, 3 imports of {CONTACTS:,} contacts")
    return requests_figures(ctx)


def startup_step(ctx: Context) -> list[Figure]:
    from fig_startup import startup_figures

    say("[6] start-up and lazy imports")
    return startup_figures(ctx)


STEPS: dict[str, tuple[str, Step]] = {
    "1": ("validate vs baseline, memory", validate_step),
    "3": ("xlsx reader", xlsx_step),
    "4": ("sender, batch vendor", octopush_step),
    "5": ("sender, one-contact vendor", callbell_step),
    "6": ("start-up", startup_step),
    "7": ("requests per contact", requests_step),
}
ALIASES = {"2": "1"}  # figure 2 is measured with figure 1


def run_step(ctx: Context, key: str) -> list[Figure]:
    title, step = STEPS[key]
    try:
        return step(ctx)
    except Exception as exc:  # one broken figure must not hide the others
        traceback.print_exc(file=sys.stderr)
        return [Figure(key, title, "-", "-", Verdict.ERROR, note=f"{type(exc).__name__}: {exc}")]


def parse_args(argv: list[str]) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"1/{QUICK_DIVISOR} of every size")
    parser.add_argument("--rows", type=int, default=int(env("BENCH_ROWS", FULL_SIZES.rows)))
    parser.add_argument(
        "--xlsx-rows", type=int, default=int(env("BENCH_XLSX_ROWS", FULL_SIZES.xlsx_rows))
    )
    parser.add_argument(
        "--octopush-contacts",
        type=int,
        default=int(env("BENCH_OCTOPUSH_CONTACTS", FULL_SIZES.octopush_contacts)),
    )
    parser.add_argument(
        "--callbell-contacts",
        type=int,
        default=int(env("BENCH_CALLBELL_CONTACTS", FULL_SIZES.callbell_contacts)),
    )
    parser.add_argument("--rounds", type=int, default=int(env("BENCH_ROUNDS", "3")))
    parser.add_argument("--seed", type=int, default=6, help="generator seed")
    parser.add_argument("--only", default="", help="comma-separated figures, e.g. 1,3,6")
    parser.add_argument("--regen", action="store_true", help="regenerate the input files")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out")
    parser.add_argument(
        "--contactctl",
        default=env("BENCH_CONTACTCTL") or find_contactctl(),
        help="the contactctl command to measure (default: this virtualenv's)",
    )
    return parser.parse_args(argv)


def build_context(args: argparse.Namespace, contactctl: str) -> Context:
    sizes = Sizes(args.rows, args.xlsx_rows, args.octopush_contacts, args.callbell_contacts)
    return Context(
        python=sys.executable,
        contactctl=contactctl,
        out=args.out.resolve(),
        sizes=sizes.scaled(QUICK_DIVISOR) if args.quick else sizes,
        rounds=max(1, args.rounds),
        seed=args.seed,
        regen=args.regen,
    )


def selected(only: str) -> list[str]:
    if not only.strip():
        return list(STEPS)
    keys = {ALIASES.get(k.strip(), k.strip()) for k in only.split(",") if k.strip()}
    unknown = sorted(keys - set(STEPS))
    if unknown:
        raise SystemExit(f"bench/run: unknown figure {unknown[0]}; figures are 1 to 7")
    return [key for key in STEPS if key in keys]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    contactctl = args.contactctl
    if not contactctl:
        say("contactctl is not installed here: run `pip install -e .` in this virtualenv first")
        return 2
    ctx = build_context(args, contactctl)
    started = time.perf_counter()
    figures: list[Figure] = []
    for key in selected(args.only):
        figures += run_step(ctx, key)
    run = {
        "command": shlex.join(["bench/run", *argv]),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "rounds": ctx.rounds,
        "sizes": asdict(ctx.sizes),
        "seed": ctx.seed,
        "duration_s": round(time.perf_counter() - started, 1),
    }
    print_table(figures)
    print_details(figures)
    json_path, md_path = write_files(ctx.out, figures, run)
    print(f"\nwritten: {json_path} and {md_path} ({run['duration_s']} s)")
    bad = {Verdict.FAIL, Verdict.ERROR}
    return 1 if any(f.verdict in bad for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
