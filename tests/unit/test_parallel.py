"""Normalising in worker processes: the same rows, in the same order, as in one process."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from pathlib import Path

import pytest

from contactctl.errors import ConfigError, ExitCode, InputError
from contactctl.intake.mapping import ColumnMap, MappingSpec
from contactctl.intake.normalize import NormalizeOptions
from contactctl.intake.parallel import (
    CHUNK_CELLS,
    CHUNK_ROWS,
    PARALLEL_MIN_BYTES,
    WORKERS_VARIABLE,
    WorkerDied,
    _answer,
    _chunks,
    normalized_in_parallel,
    worker_count,
)
from contactctl.intake.pipeline import read_contacts
from contactctl.intake.wire import (
    WireResult,
    result_from_wire,
    result_to_wire,
    row_from_wire,
    row_to_wire,
)
from contactctl.model import Contact, PhoneType, RawRow, RowResult, Status
from contactctl.readers import Table

HEADERS = ["Phone", "Email", "Name"]
OPTIONS = NormalizeOptions(default_region="FR")


def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "big.csv"
    with path.open("wb") as out:  # sparse: the size is what counts, not the bytes
        out.truncate(PARALLEL_MIN_BYTES)
    return path


def test_workers_follow_the_cores_only_for_a_large_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(WORKERS_VARIABLE, raising=False)
    small = tmp_path / "small.csv"
    small.write_text("Phone\n+33612345678\n")
    large = str(big_file(tmp_path))
    assert worker_count([str(small)], cores=2) == 0
    assert worker_count([large], cores=2) == 2
    assert worker_count([large], cores=1) == 0
    assert worker_count(["-"], cores=2) == 0  # standard input: size unknown


@pytest.mark.parametrize(("value", "workers"), [("3", 3), ("1", 1), ("0", 0), (" 2 ", 2)])
def test_the_environment_variable_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, workers: int
) -> None:
    monkeypatch.setenv(WORKERS_VARIABLE, value)
    assert worker_count([str(big_file(tmp_path))], cores=4) == workers
    assert worker_count(["-"], cores=1) == workers


def test_a_wrong_workers_value_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKERS_VARIABLE, "many")
    with pytest.raises(ConfigError, match=WORKERS_VARIABLE):
        worker_count([])


def test_results_cross_the_wire_with_every_field_and_get_the_raw_row_back() -> None:
    raw = RawRow("a.csv", 7, {"Phone": "+33612345678", "Tags": ["a", "b"]}, "ragged")
    contact = Contact(
        "a.csv", 7, "+33612345678", PhoneType.MOBILE, "a@example.com", "Axelle", "Durand",
        "Axelle Durand", "X-1", ("vip",), ("news",), {"plan": "pro"}, True, "FR",
        ("recovered",), raw,
    )  # fmt: skip
    result = RowResult("a.csv", 7, Status.FAILED, "why", "Axelle", "+336", "a@x.fr", "id-1", raw)
    assert row_from_wire(pickle.loads(pickle.dumps(row_to_wire(raw)))) == raw
    for value in (contact, result, replace(contact, phone_type=None)):
        sent = pickle.loads(pickle.dumps(result_to_wire(value)))
        # Nothing but builtins crosses: no enum, no dataclass, no raw row.
        assert all(type(field) in PLAIN for field in sent), sent
        back = result_from_wire(sent, raw)
        assert back == value
        assert type(back) is type(value)
        assert back.raw is raw


PLAIN = {str, int, bool, tuple, dict, type(None)}


def rows(count: int, break_after: int | None = None) -> Iterator[RawRow]:
    for number in range(2, count + 2):
        if break_after is not None and number - 2 == break_after:
            raise InputError("big.csv: not valid UTF-8 at line 9.")
        phone = f"06{number % 1500:08d}" if number % 7 else "call me"
        yield RawRow("big.csv", number, {"Phone": phone, "Email": "", "Name": f" P  {number} "})


def inputs(count: int, break_after: int | None = None) -> list[tuple[Table, ColumnMap]]:
    table = Table("big.csv", HEADERS, rows(count, break_after))
    return [(table, ColumnMap.build("big.csv", HEADERS, None))]


def test_workers_give_the_serial_results_in_file_order() -> None:
    count = CHUNK_ROWS * 3 + 17
    expected = list(read_contacts(inputs(count), OPTIONS))
    stream = normalized_in_parallel(inputs(count), OPTIONS, workers=2)
    first = next(stream)
    # The work really is elsewhere: two worker processes are running.
    assert len(multiprocessing.active_children()) == 2
    got = [first, *stream]
    assert got == expected
    assert [item.raw for item in got] == [item.raw for item in expected]
    assert sum(isinstance(item, RowResult) for item in got) > 0  # "call me" rows failed
    assert multiprocessing.active_children() == []  # the pool is shut down at the end


def test_a_file_that_breaks_still_yields_every_row_read_before_the_break() -> None:
    stream = normalized_in_parallel(inputs(5000, break_after=2500), OPTIONS, workers=2)
    got: list[Contact | RowResult] = []
    with pytest.raises(InputError, match="line 9"):
        got.extend(stream)
    assert [item.row for item in got] == list(range(2, 2502))


def test_a_dead_worker_is_reported_in_one_line_with_what_to_do() -> None:
    future: Future[list[WireResult]] = Future()
    future.set_exception(BrokenProcessPool("A process in the process pool was terminated"))
    with pytest.raises(WorkerDied) as caught:
        _answer(future, [])
    assert caught.value.exit_code is ExitCode.ABORTED
    assert f"{WORKERS_VARIABLE}=0" in str(caught.value)


def test_a_worker_killed_mid_run_is_reported_as_a_dead_worker() -> None:
    stream = normalized_in_parallel(inputs(CHUNK_ROWS * 40), OPTIONS, workers=2)
    next(stream)
    victim = multiprocessing.active_children()[0]
    os.kill(victim.pid, signal.SIGKILL)  # type: ignore[arg-type]
    with pytest.raises(WorkerDied):
        for _ in stream:
            pass
    assert multiprocessing.active_children() == []


def test_a_wide_file_goes_in_smaller_chunks() -> None:
    headers = [f"c{n}" for n in range(5000)]
    wide_rows = (RawRow("wide.csv", n, {"c0": "+33612345678"}) for n in range(2, 30))
    table = Table("wide.csv", headers, wide_rows)
    columns = ColumnMap.build("wide.csv", ["c0", *headers[1:]], MappingSpec({"phone": "c0"}))
    sizes = [len(rows) for _, rows in _chunks([(table, columns)])]
    assert sizes == [4] * 7  # CHUNK_CELLS // 5000 rows at a time
    assert CHUNK_CELLS // 5000 == 4


@pytest.mark.parametrize(
    "failure",
    [ImportError("This platform lacks a functioning sem_open"), OSError(38, "not implemented")],
)
def test_without_process_support_this_process_normalises_alone(
    monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    import contactctl.intake.parallel

    def no_pool(*_: object, **__: object) -> None:
        raise failure

    monkeypatch.setattr(contactctl.intake.parallel, "ProcessPoolExecutor", no_pool)
    count = CHUNK_ROWS + 5
    got = list(normalized_in_parallel(inputs(count), OPTIONS, workers=2))
    assert got == list(read_contacts(inputs(count), OPTIONS))
    assert multiprocessing.active_children() == []


def test_an_abandoned_threads_failure_is_swallowed_and_others_still_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    from contactctl.intake.parallel import silence_failures_of

    reported: list[str] = []  # what would have printed a traceback
    monkeypatch.setattr(threading, "excepthook", lambda args: reported.append(str(args.exc_value)))

    def fail(message: str) -> None:
        raise RuntimeError(message)

    abandoned = threading.Thread(target=fail, args=("abandoned pool thread",))
    other = threading.Thread(target=fail, args=("some other thread",))
    silence_failures_of(abandoned)
    for thread in (abandoned, other):
        thread.start()
        thread.join()
    assert reported == ["some other thread"]
