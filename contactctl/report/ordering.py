"""File order for the report files: rows arrive as they finish, the files list them as read.

A row that fails a check is reported at once while earlier rows wait for the vendor, so
rows reach the Reporter out of order. The spool is sorted at the end in runs of a bounded
size, each run on disk, merged as they are read: memory stays bounded whatever the file.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from contactctl.report.spool import JsonLinesSpool

# Values sorted in memory at a time (a few MB of report fields).
RUN_VALUES = 20_000

OrderKey = Callable[[Any], tuple[int, int]]


class SourceOrder:
    """Each source's place: the order the run read them in, else the order first seen."""

    def __init__(self) -> None:
        self._rank: dict[str, int] = {}

    def expect(self, sources: Iterable[str]) -> None:
        for source in sources:
            self.rank(source)

    def rank(self, source: str) -> int:
        return self._rank.setdefault(source, len(self._rank))


def in_order(values: Iterable[Any], key: OrderKey, run_values: int = RUN_VALUES) -> Iterator[Any]:
    """`values` sorted by `key` (stable), holding at most `run_values` of them in memory."""
    runs: list[JsonLinesSpool] = []
    chunk: list[Any] = []
    try:
        for value in values:
            chunk.append(value)
            if len(chunk) >= run_values:
                runs.append(_spooled(sorted(chunk, key=key)))
                chunk = []
        chunk.sort(key=key)
        if not runs:
            yield from chunk
            return
        runs.append(_spooled(chunk))
        chunk = []
        yield from heapq.merge(*runs, key=key)
    finally:
        for run in runs:
            run.close()


def _spooled(values: list[Any]) -> JsonLinesSpool:
    run = JsonLinesSpool()
    for value in values:
        run.append(value)
    return run
