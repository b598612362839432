"""Mapping and normalising on every core, for large inputs.

Duplicates can only be told in file order, and the report is kept in it, so reading,
screening and reporting stay in this process; mapping and normalising, about two thirds of
what a row costs, go to worker processes a chunk of rows at a time and come back in the
order they were read. The report is the same, row for row, as with one process.
"""

from __future__ import annotations

import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING

from contactctl.errors import ConfigError, ContactctlError, ExitCode
from contactctl.intake.wire import (
    WireResult,
    WireRow,
    result_from_wire,
    result_to_wire,
    row_from_wire,
    row_to_wire,
)
from contactctl.model import Contact, RawRow, RowResult

if TYPE_CHECKING:
    from contactctl.intake.mapping import ColumnMap
    from contactctl.intake.normalize import NormalizeOptions
    from contactctl.readers import Table

WORKERS_VARIABLE = "CONTACTCTL_WORKERS"
# Below this much input, starting the workers (each imports phonenumbers: ~0.3 s) costs
# more than they save.
PARALLEL_MIN_BYTES = 8 * 1024 * 1024
CHUNK_ROWS = 1000
# At most this many cells a chunk (1,000 rows of 20 columns): a file with 20,000 columns
# goes one row at a time.
CHUNK_CELLS = 20_000
# Chunks in flight per worker: enough that none waits while the next chunk is read, few
# enough that memory does not grow with the file.
AHEAD_PER_WORKER = 3
# How long a killed worker or the pool's own thread gets to end before it is left behind.
STOP_WAIT_S = 5.0

Normalized = Contact | RowResult


class WorkerDied(ContactctlError):
    """A worker process ended without answering (killed, out of memory)."""

    exit_code = ExitCode.ABORTED


def worker_count(files: Iterable[str], cores: int | None = None) -> int:
    """Worker processes to normalise with; 0 means this process does it.

    CONTACTCTL_WORKERS wins when set (0: this process alone). Otherwise there is one worker
    per core when there are several cores and the files hold at least PARALLEL_MIN_BYTES.
    """
    configured = os.environ.get(WORKERS_VARIABLE, "").strip()
    if configured:
        if not configured.isdigit():
            raise ConfigError(
                f"{WORKERS_VARIABLE}={configured!r} is not a number of processes.",
                "Set it to a number of worker processes (0: normalise in this one), or unset it.",
            )
        return int(configured)
    cores = cores if cores is not None else _usable_cores()
    if cores < 2 or _input_bytes(files) < PARALLEL_MIN_BYTES:
        return 0
    return cores


def _usable_cores() -> int:
    if hasattr(os, "sched_getaffinity"):  # the cores this process may run on, not the machine's
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _input_bytes(files: Iterable[str]) -> int:
    total = 0
    for path in files:
        try:
            total += os.path.getsize(path)
        except OSError:  # standard input, a pipe: its size is unknown
            continue
    return total


def normalized_in_parallel(
    inputs: Iterable[tuple[Table, ColumnMap]], options: NormalizeOptions, workers: int
) -> Iterator[Normalized]:
    """What `pipeline.read_contacts` yields, with the normalising done by `workers` processes."""
    import multiprocessing

    try:
        # "spawn": a fork would copy whatever threads and locks this process holds.
        # Ignored here too: building the pool starts multiprocessing's resource tracker.
        with _sigint_ignored(starting=True):
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    except (OSError, ImportError):
        # No working process support here (multiprocessing raises ImportError where the
        # platform lacks sem_open, OSError where /dev/shm is missing): one process does it.
        from contactctl.intake.pipeline import read_contacts

        yield from read_contacts(inputs, options)
        return
    try:
        yield from _run(pool, _chunks(inputs), options, workers)
    except BaseException:
        # A dead worker, a bad file, Ctrl-C, the caller stopping early: waiting for the pool
        # to wind down can wait forever once a worker died (its queues may be stuck).
        _abandon(pool)
        raise
    pool.shutdown(wait=True)  # every chunk answered: nothing left to wait for


def _abandon(pool: ProcessPoolExecutor) -> None:
    """Stop the pool without waiting on it: its workers are killed, its thread let go."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    if isinstance(manager, threading.Thread):
        silence_failures_of(manager)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(STOP_WAIT_S)
    if isinstance(manager, threading.Thread):
        # With no worker left to read its queues, the pool's thread fails what was pending
        # and ends; the bound only keeps a CPython bug from turning into a hang here.
        manager.join(STOP_WAIT_S)


def silence_failures_of(thread: threading.Thread) -> None:
    """Keep an abandoned thread's dying words off standard error.

    Killing a pool's workers under its manager thread can make that thread fail on a queue
    whose other end is gone; the run already says what happened in its one line, and a
    thread's traceback after it would read as a crash. Other threads' failures still print.
    """
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.thread is not thread:
            previous(args)

    threading.excepthook = hook


def _run(
    pool: ProcessPoolExecutor,
    chunks: Iterator[tuple[ColumnMap, list[RawRow]]],
    options: NormalizeOptions,
    workers: int,
) -> Iterator[Normalized]:
    # Each chunk's own rows stay here: the results come back without them.
    pending: deque[tuple[Future[list[WireResult]], list[RawRow]]] = deque()
    while True:
        try:
            chunk = next(chunks, None)
        except ContactctlError:
            # A file that breaks halfway: the rows read before the break are still reported.
            while pending:
                yield from _answer(*pending.popleft())
            raise
        if chunk is None:
            break
        columns, raws = chunk
        rows = [row_to_wire(raw) for raw in raws]
        pending.append((_submit(pool, workers, (columns, options, rows)), raws))
        if len(pending) >= workers * AHEAD_PER_WORKER:
            yield from _answer(*pending.popleft())
    while pending:
        yield from _answer(*pending.popleft())


def _submit(
    pool: ProcessPoolExecutor,
    workers: int,
    work: tuple[ColumnMap, NormalizeOptions, list[WireRow]],
) -> Future[list[WireResult]]:
    try:
        # The pool starts its processes inside submit(). A process started while SIGINT is
        # ignored ignores it from its first instruction: Ctrl-C reaches the whole process
        # group, and a worker still importing must not die with a traceback of its own;
        # the main process alone decides what Ctrl-C means.
        with _sigint_ignored(starting=_still_starting(pool, workers)):
            return pool.submit(normalize_chunk, *work)
    except BrokenProcessPool:
        raise _worker_died() from None


def _still_starting(pool: ProcessPoolExecutor, workers: int) -> bool:
    processes = getattr(pool, "_processes", None)  # CPython's; unknown elsewhere
    return processes is None or len(processes) < workers


@contextmanager
def _sigint_ignored(starting: bool) -> Iterator[None]:
    """While processes start: they inherit SIGINT ignored; this one only holds it back.

    SIGINT is blocked in this thread first, so a Ctrl-C meanwhile stays pending instead of
    being ignored, and arrives as soon as the block ends. The pool's manager thread, started
    in here, keeps the block for good: Ctrl-C is always this thread's to handle.
    """
    if (
        not starting
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "pthread_sigmask")  # Windows: Ctrl-C works differently there
    ):
        yield
        return
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _chunks(
    inputs: Iterable[tuple[Table, ColumnMap]],
) -> Iterator[tuple[ColumnMap, list[RawRow]]]:
    for table, columns in inputs:
        rows = table.rows
        # A wide file sends fewer rows a chunk, so what is in flight stays about the same size.
        size = max(1, min(CHUNK_ROWS, CHUNK_CELLS // max(1, len(table.headers))))
        chunk: list[RawRow] = []
        try:
            while True:
                chunk = []
                chunk.extend(islice(rows, size))  # keeps what it got if the file breaks
                if not chunk:
                    break
                yield columns, chunk
        except ContactctlError:
            if chunk:  # the rows read before the file broke go on like any others
                yield columns, chunk
            raise


def _answer(future: Future[list[WireResult]], raws: list[RawRow]) -> Iterator[Normalized]:
    try:
        results = future.result()
    except BrokenProcessPool:
        raise _worker_died() from None
    return map(result_from_wire, results, raws)


def _worker_died() -> WorkerDied:
    return WorkerDied(
        "A worker process normalising rows stopped unexpectedly (out of memory?).",
        f"Run again with {WORKERS_VARIABLE}=0 to normalise in this process.",
    )


def normalize_chunk(
    columns: ColumnMap, options: NormalizeOptions, rows: list[WireRow]
) -> list[WireResult]:
    """In a worker: the chunk's rows mapped and normalised, in order."""
    from contactctl.intake.normalize import normalize

    results: list[WireResult] = []
    for wire in rows:
        raw = row_from_wire(wire)
        results.append(result_to_wire(normalize(raw, columns.apply(raw), options)))
    return results
