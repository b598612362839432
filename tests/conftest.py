"""Shared fixtures: a virtual clock for pacing and backoff, and vendor emulators on loopback."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import signal
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from contactctl.send import timing


class VirtualClock:
    """Time that advances only when the code under test sleeps; every wait is recorded.

    It stands in for every source of time contactctl reads (send/timing.py's `clock`): the
    monotonic `now`, `sleep` in the event loop, the blocking `pause` (the run lock) and the
    `wall` clock, which starts at the real time (vendors' emulators check signed dates) and
    moves with the virtual one.

    Sleepers wake in the order of their wake-up times and time moves to each one's as it
    wakes, so workers waiting side by side do not add their waits up. The earliest sleeper
    wakes after YIELDS turns of the loop: a task that needs more turns than that to reach
    its own sleep (it is waiting on real I/O) sees that sleeper's time pass first.
    """

    # Turns of the event loop a sleeper gives the other tasks to reach their own sleeps
    # before the earliest one wakes.
    YIELDS = 4

    def __init__(self) -> None:
        self.now_s = 1000.0
        self._wall_at_start = datetime.now(UTC)
        self.sleeps: list[float] = []
        self.pauses: list[float] = []
        self._sleeping: list[tuple[float, int]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self.now_s

    def wall(self) -> datetime:
        return self._wall_at_start + timedelta(seconds=self.now_s - 1000.0)

    def set_wall(self, moment: datetime) -> None:
        self._wall_at_start = moment - timedelta(seconds=self.now_s - 1000.0)

    def advance(self, **delta: float) -> None:
        """Move time on by hand (timedelta's keywords: hours=1, seconds=3)."""
        self.now_s += timedelta(**delta).total_seconds()

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now_s += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        me = (self.now_s + seconds, next(self._order))
        heapq.heappush(self._sleeping, me)
        try:
            while True:
                for _ in range(self.YIELDS):
                    await asyncio.sleep(0)
                if self._sleeping[0] == me:
                    break
        finally:
            self._sleeping.remove(me)
            heapq.heapify(self._sleeping)
        self.now_s = max(self.now_s, me[0])


@pytest.fixture(autouse=True)
def virtual_clock(request: pytest.FixtureRequest) -> Iterator[VirtualClock]:
    """Pacing and backoff cost nothing in tests (unless marked `real_time`)."""
    clock = VirtualClock()
    if request.node.get_closest_marker("real_time"):
        yield clock
        return
    real = timing.clock
    saved = (real.now, real.sleep, real.pause, real.wall)
    real.now, real.sleep, real.pause, real.wall = clock.now, clock.sleep, clock.pause, clock.wall
    try:
        yield clock
    finally:
        real.now, real.sleep, real.pause, real.wall = saved


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "real_time: use the real clock for pacing and backoff")
    # A suite started in the background by a non-interactive shell inherits SIGINT ignored,
    # and so would every command it starts: the tests that press Ctrl-C on one would see it
    # ignored. A handler here is reset to the default in each child (an ignore is not).
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


SandboxFactory = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def sandbox() -> SandboxFactory:
    """`with sandbox("octopush", **emulator_kwargs) as (emulator, base_url): ...`"""
    from contactctl.sandbox import SandboxServer, emulator_class

    @contextmanager
    def start(name: str, **kwargs: Any) -> Iterator[tuple[Any, str]]:
        found = emulator_class(name)
        assert found is not None, f"{name} has no emulator"
        emulator = found(**kwargs)
        with SandboxServer(emulator) as server:
            yield emulator, server.base_url

    return start


# What the caller's shell says about its terminal (a dumb one switches rich's live display
# off, NO_COLOR its colours, COLUMNS its width); a test that needs one of these sets it.
TERMINAL_VARIABLES = (
    "TERM",
    "COLORTERM",
    "NO_COLOR",
    "FORCE_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "COLUMNS",
    "LINES",
)


@pytest.fixture(autouse=True)
def neutral_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite passes whatever terminal the caller runs it from (TERM=dumb, NO_COLOR...)."""
    for name in TERMINAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads the developer's config or writes to their journal."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.delenv("CONTACTCTL_CONFIG", raising=False)
    for name in list(__import__("os").environ):
        if name.startswith("CONTACTCTL_") and name != "CONTACTCTL_DEBUG":
            monkeypatch.delenv(name, raising=False)
