"""Running the real command in-process and reading what it wrote."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from contactctl.cli.app import app


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str | Path, input: str | bytes | None = None) -> Run:
    result = CliRunner().invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def write_config(path: Path, provider: str, base_url: str, **settings: Any) -> Path:
    from contactctl.sandbox import emulator_class

    emulator = emulator_class(provider)
    assert emulator is not None, f"{provider} has no emulator"
    block = {"base_url": base_url, **emulator.sandbox_credentials, **settings}
    path.write_text(yaml.safe_dump({"providers": {provider: block}}))
    return path


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def rows_by_number(report: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {row["row"]: row for row in report["rows"]}


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 120.0) -> None:
    """Block until `condition()` holds (another process is working); fail loudly if it never
    does. The deadline only stops a broken test from hanging: nothing depends on its size."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


def wait_for_requests(emulator: Any, count: int) -> None:
    """Block until the emulator's request log holds `count` requests (a child is sending)."""
    wait_until(lambda: len(emulator.requests) >= count, f"{count} requests at the emulator")


def import_to(
    tmp_path: Path,
    provider: str,
    base_url: str,
    source: Path,
    *options: str | Path,
    **settings: Any,
) -> Run:
    """`contactctl import source` to an emulator, with a config and journal in tmp_path."""
    config = write_config(tmp_path / "c.yaml", provider, base_url, **settings)
    journal = tmp_path / "j.sqlite3"
    return run_cli("import", source, "-p", provider, "-c", config, "--journal", journal, *options)


# Runs one command and prints its exit code and peak RSS. It has to be a fresh interpreter: a
# process started straight from pytest (fork or vfork, then exec) starts its peak-RSS count
# at pytest's own size, which would hide whatever the command itself used.
_PEAK_RSS_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def peak_rss_kib(*args: str | Path) -> tuple[int, int]:
    """`contactctl ARGS` run in its own process: its exit code and peak memory in KiB."""
    import subprocess
    import sys

    command = [sys.executable, "-c", _PEAK_RSS_LAUNCHER, sys.executable, "-m", "contactctl"]
    done = subprocess.run([*command, *map(str, args)], capture_output=True, text=True, check=True)
    exit_code, kib = done.stdout.split()
    return int(exit_code), int(kib)


def count_in_journal(journal: Path, query: str) -> int:
    """A `SELECT count(*) ...` over a journal another process is writing (read-only), 0
    until the journal and its tables exist."""
    import sqlite3
    from contextlib import closing

    try:
        with closing(sqlite3.connect(f"file:{journal}?mode=ro", uri=True)) as db:
            return int(db.execute(query).fetchone()[0])
    except sqlite3.Error:
        return 0
