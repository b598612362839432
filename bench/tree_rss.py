"""The memory a process and all its descendants hold together, sampled while it runs.

GNU time's peak RSS is that of the largest single process; a command that starts worker
processes uses them all, which is what a user's machine has to hold. Each process counts
its proportional set size (PSS: pages it shares with the others, such as the interpreter
and its libraries, split between them), so the sum counts every page once; where the kernel
has no smaps_rollup, plain RSS (which counts shared pages in every process). Linux only
(/proc); elsewhere nothing is sampled and the figure says so.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

SAMPLE_EVERY_S = 0.05
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class TreeRssSampler:
    """Samples the process tree under `pid` until stopped; `peak_mb` is the largest sum."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._stop = threading.Event()
        self.peak_mb: float | None = None
        self._thread = threading.Thread(target=self._run, name="tree-rss", daemon=True)

    def __enter__(self) -> TreeRssSampler:
        if Path("/proc/self/statm").exists():
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(_rss_bytes(pid) for pid in _tree(self._pid))
            if total:
                self.peak_mb = max(self.peak_mb or 0.0, total / 2**20)
            self._stop.wait(SAMPLE_EVERY_S)


def _tree(root: int) -> list[int]:
    """`root` and its descendants, found through each process's children list."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(_children(pid))
    return found


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            children.extend(int(child) for child in text.split())
    except OSError:  # the process ended meanwhile
        pass
    return children


def _rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * _PAGE_BYTES
