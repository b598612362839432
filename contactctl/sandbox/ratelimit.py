"""The emulators' own rate limit: a token bucket that refuses instead of waiting.

The bucket holds about one second's worth of requests (at least one) and refills continuously
at `requests_per_second`. The clock is the emulator's, so a test can freeze it and count
refusals without depending on how fast the machine is.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class RateLimiter:
    def __init__(self, requests_per_second: float, clock: Callable[[], float]) -> None:
        if requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive")
        self.requests_per_second = requests_per_second
        self.burst = max(1.0, requests_per_second)
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens = self.burst
        self._last_s = clock()

    def allow(self) -> bool:
        """Take a token if one is there; False means the request is over the limit."""
        with self._lock:
            now = self._clock()
            # A clock set backwards by a test must not drain the bucket.
            elapsed = max(0.0, now - self._last_s)
            self._last_s = now
            self._tokens = min(self.burst, self._tokens + elapsed * self.requests_per_second)
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False
