"""The one place the sender waits, so tests can make waiting free and observable.

Tests replace `Clock.sleep` on the shared `clock` (our own object; httpx is never patched)
to record requested waits instead of spending them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Clock:
    def __init__(self) -> None:
        self.now: Callable[[], float] = time.monotonic
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


clock = Clock()


async def sleep(seconds: float) -> None:
    if seconds > 0:
        await clock.sleep(seconds)
