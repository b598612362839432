"""Runs one child process and measures it: wall time, CPU time and peak RSS of that child alone.

`os.wait4` returns the CPU time of exactly the process it reaped (and anything it reaped), so
figures never mix with the harness's own work (the sandbox emulators run in the harness
process) or with other children.

Peak RSS needs care: Linux carries the high-water mark of the memory a process had before
`exec` into the new program's `ru_maxrss`, so a child forked from a large harness would report
the harness's size. The command therefore runs under GNU time (`/usr/bin/time`, a few MB),
which forks it from its own small image and writes that child's peak RSS to a file. Without
GNU time, the child's own `ru_maxrss` is used, and a figure may include the harness's size.
"""

from __future__ import annotations

import functools
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO

from tree_rss import TreeRssSampler

OUTPUT_KEPT_CHARS = 4000
GNU_TIME = "/usr/bin/time"


@dataclass(frozen=True)
class ChildRun:
    argv: tuple[str, ...]
    exit_code: int
    wall_s: float
    user_s: float
    system_s: float
    peak_rss_mb: float
    stdout: str
    stderr: str
    # All the command's processes together (sampled; None where /proc is missing).
    tree_peak_rss_mb: float | None = None

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.system_s

    def describe_failure(self) -> str:
        tail = (self.stderr or self.stdout).strip().splitlines()[-3:]
        return f"`{' '.join(self.argv)}` exited {self.exit_code}: {' / '.join(tail)}"


class ChildFailed(RuntimeError):
    """A measured command did not end the way the benchmark needs."""


def run_child(
    argv: Sequence[str],
    ok_codes: tuple[int, ...] = (0,),
    env: Mapping[str, str] | None = None,
) -> ChildRun:
    """Run `argv` to completion; raise ChildFailed unless it exits with one of `ok_codes`."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".time") as rss_file,
    ):
        wrapper = [GNU_TIME, "-o", rss_file.name, "-f", "maxrss_kb=%M"] if has_gnu_time() else []
        started = time.perf_counter()
        process = subprocess.Popen([*wrapper, *argv], stdout=out, stderr=err, env=env)
        with TreeRssSampler(process.pid) as tree:
            _, status, usage = os.wait4(process.pid, 0)
        wall_s = time.perf_counter() - started
        exit_code = os.waitstatus_to_exitcode(status)
        process.returncode = exit_code  # reaped here; Popen must not wait for it again
        peak_kb = _gnu_time_peak_kb(rss_file.read()) if wrapper else usage.ru_maxrss
        run = ChildRun(
            argv=tuple(argv),
            exit_code=exit_code,
            wall_s=wall_s,
            user_s=usage.ru_utime,
            system_s=usage.ru_stime,
            peak_rss_mb=peak_kb / 1024,  # Linux reports kilobytes
            stdout=_tail(out),
            stderr=_tail(err),
            # GNU time itself is in the tree: a few MB, left in (it is small and constant).
            tree_peak_rss_mb=tree.peak_mb,
        )
    if exit_code not in ok_codes:
        raise ChildFailed(run.describe_failure())
    return run


@functools.cache
def has_gnu_time() -> bool:
    """Whether /usr/bin/time is GNU time (BSD's has no -o/-f)."""
    try:
        probe = subprocess.run(
            [GNU_TIME, "-f", "%M", "true"], capture_output=True, text=True, check=False
        )
    except OSError:
        return False
    return probe.returncode == 0 and probe.stderr.strip().isdigit()


def _gnu_time_peak_kb(report: str) -> int:
    # The last line; GNU time puts "Command exited with non-zero status N" before it.
    for line in reversed(report.splitlines()):
        if line.startswith("maxrss_kb="):
            return int(line.removeprefix("maxrss_kb="))
    raise ChildFailed(f"GNU time wrote no peak RSS: {report!r}")


def _tail(handle: IO[bytes]) -> str:
    handle.seek(0)
    return handle.read()[-OUTPUT_KEPT_CHARS:].decode("utf-8", "replace")


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass(frozen=True)
class Summary:
    """Medians over rounds of one command."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    rounds: int
    tree_peak_rss_mb: float | None = None

    @classmethod
    def of(cls, runs: Sequence[ChildRun]) -> Summary:
        trees = [r.tree_peak_rss_mb for r in runs if r.tree_peak_rss_mb is not None]
        return cls(
            wall_s=median([r.wall_s for r in runs]),
            cpu_s=median([r.cpu_s for r in runs]),
            peak_rss_mb=median([r.peak_rss_mb for r in runs]),
            rounds=len(runs),
            tree_peak_rss_mb=median(trees) if trees else None,
        )

    def as_dict(self) -> dict[str, float]:
        tree = self.tree_peak_rss_mb
        return {
            "wall_s": round(self.wall_s, 3),
            "cpu_s": round(self.cpu_s, 3),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            **({"all_processes_peak_rss_mb": round(tree, 1)} if tree is not None else {}),
            "rounds": self.rounds,
        }
