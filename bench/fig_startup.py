"""Figure 6: start-up. `contactctl --help` and `contactctl providers` against
`python -c "import typer"`, and the heavy machinery those commands must not import."""

from __future__ import annotations

import json
from pathlib import Path

from child import median, run_child
from context import Context
from results import Figure, Verdict, verdict

STARTUP_RATIO_TARGET = 1.5
STARTUP_RUNS = 9
# Top-level packages of the HTTP, phone, Excel and YAML machinery.
HEAVY = ("httpx", "httpcore", "phonenumbers", "python_calamine", "openpyxl", "yaml", "vobject")
# Worth knowing about, not forbidden by the target.
ALSO_SHOWN = ("email_validator", "tenacity", "charset_normalizer", "sqlite3", "asyncio")
COMMANDS = {"--help": ["--help"], "providers": ["providers"]}
# Issue 15 dropped the target for `providers`: it now reads each vendor's own module (one
# place per vendor) and importlib.metadata for plug-ins; its time is shown, not judged.
JUDGED = ("--help",)


def startup_figures(ctx: Context) -> list[Figure]:
    _compile_package(ctx)
    yardstick = [ctx.python, "-c", "import typer"]
    walls: dict[str, list[float]] = {"typer": [], **{name: [] for name in COMMANDS}}
    for _ in range(STARTUP_RUNS):
        walls["typer"].append(run_child(yardstick).wall_s)
        for name, args in COMMANDS.items():
            walls[name].append(run_child([ctx.contactctl, *args]).wall_s)
    typer_s = median(walls["typer"])
    figures = []
    for name, args in COMMANDS.items():
        command_s = median(walls[name])
        ratio = command_s / typer_s
        imported = _imported(ctx, name, args)
        heavy = [module for module in HEAVY if module in imported]
        also = [module for module in ALSO_SHOWN if module in imported]
        figures.append(
            Figure(
                key="6",
                title=f"start-up of `contactctl {name}` vs `import typer`",
                measured=(
                    f"{ratio:.2f}x ({command_s * 1000:.0f} vs {typer_s * 1000:.0f} ms); "
                    f"heavy imports: {', '.join(heavy) or 'none'}"
                ),
                target=(
                    f"≤ {STARTUP_RATIO_TARGET}x, no heavy imports"
                    if name in JUDGED
                    else "(no target)"
                ),
                verdict=(
                    verdict(ratio <= STARTUP_RATIO_TARGET and not heavy)
                    if name in JUDGED
                    else Verdict.INFO
                ),
                details={
                    "command_ms": round(command_s * 1000, 1),
                    "typer_ms": round(typer_s * 1000, 1),
                    "runs": STARTUP_RUNS,
                    "heavy_imports": heavy,
                    "other_imports_of_note": also,
                },
            )
        )
    return figures


def _imported(ctx: Context, name: str, args: list[str]) -> set[str]:
    out = ctx.work / f"imports-{name.strip('-')}.json"
    run_child([ctx.python, ctx.bench_script("probes.py"), "imports", str(out), *args])
    return set(json.loads(out.read_text(encoding="utf-8")))


def _compile_package(ctx: Context) -> None:
    """Byte-compile contactctl first, as `pip install` does: an editable install under
    PYTHONDONTWRITEBYTECODE=1 never writes .pyc files and would compile every module of
    ours on each start, which no installed contactctl does (typer's are compiled already)."""
    import contactctl

    package = str(Path(contactctl.__file__).parent)
    run_child([ctx.python, "-m", "compileall", "-q", package])
