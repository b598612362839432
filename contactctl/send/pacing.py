"""A token bucket (GCRA form) that keeps requests under the vendor's rate.

Every request, from every worker, takes one token. A 429 with Retry-After pauses the whole
bucket, not just the worker that saw it: the vendor is telling the account to slow down.
"""

from __future__ import annotations

from contactctl.send import timing

LATE_WAKE_UP_S = 0.05


class TokenBucket:
    def __init__(self, requests_per_second: float, burst: int = 1) -> None:
        if requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive")
        self.interval_s = 1.0 / requests_per_second
        self.burst = max(1, burst)
        self._theoretical_arrival = 0.0
        self._paused_until = 0.0
        # How late a wake-up may be and still send: a busy event loop is a few ms late at
        # every turn, which must not cost slots; a stall is not, and must not be caught up.
        self._late_allowed_s = max(self.interval_s, LATE_WAKE_UP_S)

    async def acquire(self) -> None:
        """Wait for this request's slot, then return: it may go out."""
        while True:
            now = timing.clock.now()
            slot = max(self._theoretical_arrival, now, self._paused_until)
            # The slot is taken before waiting, so concurrent workers queue one interval
            # apart: none wakes for a slot another takes, and one that wakes a little late
            # does not push the later slots back (the rate is kept, not lost to the loop).
            self._theoretical_arrival = slot + self.interval_s
            allowed_at = slot - (self.burst - 1) * self.interval_s
            if allowed_at > now:
                await timing.sleep(allowed_at - now)
            if self._paused_until > slot:
                continue  # a Retry-After arrived while this worker waited: queue behind it
            if timing.clock.now() - slot <= self._late_allowed_s:
                return
            # Woken far too late (a stalled event loop): the slots booked meanwhile have
            # passed too, and sending them all now would be a burst. Queue again: the first
            # to do so goes now, the others one interval apart after it.

    def pause(self, seconds: float) -> None:
        """Hold every request back for `seconds` (a vendor's Retry-After)."""
        self._paused_until = max(self._paused_until, timing.clock.now() + seconds)
