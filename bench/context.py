"""What every measurement needs: the commands to run, the sizes, and the generated files.

Generated files are kept under bench/out/data and reused while the generator's source and the
parameters are unchanged: inputs are deterministic, so regenerating them buys nothing.
Results are never reused: every figure is measured afresh on each run.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from child import run_child

BENCH_DIR = Path(__file__).resolve().parent
GENERATOR_SOURCES = ("generate.py", "phones.py", "people.py", "writers.py")


@dataclass(frozen=True)
class Sizes:
    rows: int  # figures 1 and 2: contactctl validate vs the baseline
    xlsx_rows: int  # figure 3
    octopush_contacts: int  # figure 4
    callbell_contacts: int  # figure 5

    def scaled(self, divisor: int) -> Sizes:
        return Sizes(
            rows=max(1000, self.rows // divisor),
            xlsx_rows=max(1000, self.xlsx_rows // divisor),
            octopush_contacts=max(400, self.octopush_contacts // divisor),
            callbell_contacts=max(100, self.callbell_contacts // divisor),
        )


FULL_SIZES = Sizes(
    rows=1_000_000, xlsx_rows=100_000, octopush_contacts=20_000, callbell_contacts=5_000
)


@dataclass(frozen=True)
class Dataset:
    directory: Path
    meta: dict[str, Any]
    generation_s: float | None  # None when reused

    def file(self, fmt: str) -> Path:
        return self.directory / f"contacts.{fmt}"

    @property
    def rows(self) -> int:
        return int(self.meta["rows"])


@dataclass(frozen=True)
class Context:
    python: str
    contactctl: str
    out: Path  # bench/out: results and generated files
    sizes: Sizes
    rounds: int
    seed: int
    regen: bool

    @property
    def work(self) -> Path:
        path = self.out / "work"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def bench_script(self, name: str) -> str:
        return str(BENCH_DIR / name)

    def dataset(self, rows: int, profile: str, formats: tuple[str, ...]) -> Dataset:
        name = f"{profile}-{rows}-{'-'.join(formats)}-seed{self.seed}"
        directory = self.out / "data" / name
        stamp = {
            "rows": rows,
            "profile": profile,
            "seed": self.seed,
            "generator": _generator_fingerprint(),
        }
        stamp_path = directory / "stamp.json"
        present = all((directory / f"contacts.{fmt}").is_file() for fmt in formats)
        if not self.regen and present and _read_json(stamp_path) == stamp:
            return Dataset(directory, _read_json(directory / "meta.json") or {}, None)
        if directory.exists():
            shutil.rmtree(directory)
        argv = [self.python, self.bench_script("generate.py"), str(rows), "--out", str(directory)]
        argv += ["--seed", str(self.seed), "--formats", ",".join(formats), "--profile", profile]
        run = run_child(argv)
        stamp_path.write_text(json.dumps(stamp), encoding="utf-8")
        return Dataset(directory, _read_json(directory / "meta.json") or {}, run.wall_s)


def find_contactctl() -> str | None:
    """The console script of the interpreter running the harness, else the one on PATH."""
    beside = Path(sys.executable).with_name("contactctl")
    if beside.is_file():
        return str(beside)
    return shutil.which("contactctl")


def _generator_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in GENERATOR_SOURCES:
        digest.update((BENCH_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
