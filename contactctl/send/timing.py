"""The one place the sender waits, so tests can make waiting free and observable.

Tests replace `Clock.sleep` on the shared `clock` (our own object; httpx is never patched)
to record requested waits instead of spending them.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable


class Clock:
    def __init__(self) -> None:
        self.now: Callable[[], float] = time.monotonic
        self.sleep: Callable[[float], Awaitable[None]] = _event_loop_sleep


async def _event_loop_sleep(seconds: float) -> None:
    # asyncio is imported at the first wait, not with the providers that use this module:
    # `contactctl providers` lists them without paying for the event loop's import.
    import asyncio

    await asyncio.sleep(seconds)


clock = Clock()


async def sleep(seconds: float) -> None:
    if seconds > 0:
        await clock.sleep(seconds)
