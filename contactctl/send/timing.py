"""Every source of time contactctl reads, on one object, so a test replaces them together.

`clock.now` (monotonic seconds: pacing, backoff, deadlines), `clock.sleep` (a wait inside the
event loop), `clock.pause` (a blocking wait outside it: the run lock) and `clock.wall` (the
UTC time stamped on the journal and on signed requests). Tests swap these on the shared
`clock` (tests/conftest.py's virtual clock); httpx and the time module are never patched.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime


class Clock:
    def __init__(self) -> None:
        self.now: Callable[[], float] = time.monotonic
        self.sleep: Callable[[float], Awaitable[None]] = _event_loop_sleep
        self.pause: Callable[[float], None] = time.sleep
        self.wall: Callable[[], datetime] = _utc_now


async def _event_loop_sleep(seconds: float) -> None:
    # asyncio is imported at the first wait, not with the providers that use this module:
    # `contactctl providers` lists them without paying for the event loop's import.
    import asyncio

    await asyncio.sleep(seconds)


def _utc_now() -> datetime:
    return datetime.now(UTC)


clock = Clock()


async def sleep(seconds: float) -> None:
    if seconds > 0:
        await clock.sleep(seconds)


def utc_now() -> datetime:
    """The wall clock's time now (read through `clock`, so a test's clock answers)."""
    return clock.wall()
