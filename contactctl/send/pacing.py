"""A token bucket (GCRA form) that keeps requests under the vendor's rate.

Every request, from every worker, takes one token. A 429 with Retry-After pauses the whole
bucket, not just the worker that saw it: the vendor is telling the account to slow down.
"""

from __future__ import annotations

from contactctl.send import timing


class TokenBucket:
    def __init__(self, requests_per_second: float, burst: int = 1) -> None:
        if requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive")
        self.interval_s = 1.0 / requests_per_second
        self.burst = max(1, burst)
        self._theoretical_arrival = 0.0
        self._paused_until = 0.0

    async def acquire(self) -> None:
        """Wait until a request may go out, then take its slot."""
        while True:
            now = timing.clock.now()
            tat = max(self._theoretical_arrival, now, self._paused_until)
            allowed_at = tat - (self.burst - 1) * self.interval_s
            if allowed_at <= now:
                self._theoretical_arrival = tat + self.interval_s
                return
            # Other workers may take slots while this one sleeps: recompute after waking.
            await timing.sleep(allowed_at - now)

    def pause(self, seconds: float) -> None:
        """Hold every request back for `seconds` (a vendor's Retry-After)."""
        self._paused_until = max(self._paused_until, timing.clock.now() + seconds)
