"""Fault injection: the knobs tests turn to make an emulator misbehave like a real vendor.

Queued faults are consumed first in, first out: each request that reaches the emulator takes
the first queued fault whose path prefix matches it (one fault per request), so
`fail_next(429); fail_next(503)` answers the next two requests 429 then 503. Every knob is
safe to turn from any thread while the server runs.

- `fail_next(status, ...)`: answer that status (with Retry-After when given) and leave the
  store alone;
- `slow_next(seconds, commit=...)`: delay one answer; `commit=True` does the work first (it
  lands even if the client gives up), `commit=False` waits first and does the work after;
- `drop_next(after_commit=...)`: close the connection with no answer, before doing anything
  or after committing the change;
- `containing` (drop_next, answer_next, malformed_next): only a request whose body holds
  this text takes the fault (iVvy's batch run of writes, not its run of look-ups);
- `malformed_next(after_commit=...)`: a 2xx whose body is not JSON (the work is committed
  first unless `after_commit=False`);
- `answer_next(body, ...)`: the work is done (unless `after_commit=False`), then the answer is
  replaced by `body` (JSON value, or raw bytes) with a 2xx status: a reply without the field
  that proves the write, a hostile or unreadable body; `method` narrows it (GET vs POST);
- `latency_s`: every answer delayed by this much (the server waits in the request's own
  thread, so other requests are not held up);
- `go_away()` / `come_back()`: the vendor disappears: the server stops listening (new
  connections are refused) and cuts open ones, until `come_back()`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    FAIL = "fail"
    SLOW = "slow"
    DROP = "drop"
    MALFORMED = "malformed"
    ANSWER = "answer"


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    path: str | None = None
    status: int = 0
    retry_after_s: float | None = None
    body: object | bytes | None = None
    seconds: float = 0.0
    # SLOW: the work is done before the delay. DROP / MALFORMED / ANSWER: after the work.
    commit: bool = True
    method: str | None = None
    containing: bytes | None = None

    def matches(self, path: str, method: str | None = None, body: bytes = b"") -> bool:
        if self.method is not None and method is not None and method != self.method:
            return False
        if self.containing is not None and self.containing not in body:
            return False
        return self.path is None or path.startswith(self.path)


PresenceListener = Callable[[bool], None]


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[tuple[Fault, int]] = []
        self._gone = False
        self._listeners: list[PresenceListener] = []
        self.latency_s = 0.0
        self.poisoned: set[str] = set()

    def poison(self, value: str) -> None:
        """Refuse (400, whole request) every request whose body contains `value`."""
        self.poisoned.add(value)

    # Queued faults -----------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        count: int = 1,
        retry_after_s: float | None = None,
        body: object | bytes | None = None,
        path: str | None = None,
    ) -> None:
        """Answer the next `count` requests with `status`; the body defaults to the vendor's
        error envelope."""
        if not 100 <= status <= 599:
            raise ValueError(f"not an HTTP status: {status}")
        if retry_after_s is not None and retry_after_s < 0:
            raise ValueError("retry_after_s must not be negative")
        fault = Fault(FaultKind.FAIL, path, status=status, retry_after_s=retry_after_s, body=body)
        self._push(fault, count)

    def slow_next(
        self, seconds: float, count: int = 1, *, commit: bool = True, path: str | None = None
    ) -> None:
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self._push(Fault(FaultKind.SLOW, path, seconds=seconds, commit=commit), count)

    def drop_next(
        self,
        count: int = 1,
        *,
        after_commit: bool,
        path: str | None = None,
        containing: str | None = None,
    ) -> None:
        fault = Fault(FaultKind.DROP, path, commit=after_commit, containing=_bytes(containing))
        self._push(fault, count)

    def malformed_next(
        self,
        count: int = 1,
        *,
        after_commit: bool = True,
        path: str | None = None,
        containing: str | None = None,
    ) -> None:
        fault = Fault(FaultKind.MALFORMED, path, commit=after_commit, containing=_bytes(containing))
        self._push(fault, count)

    def answer_next(
        self,
        body: object | bytes,
        count: int = 1,
        *,
        status: int = 200,
        after_commit: bool = True,
        path: str | None = None,
        method: str | None = None,
        containing: str | None = None,
    ) -> None:
        """Do the work, then answer `status` (a 2xx) with `body` instead of the real answer."""
        if not 200 <= status < 300:
            raise ValueError(f"not a 2xx status: {status}")
        fault = Fault(
            FaultKind.ANSWER,
            path,
            status,
            body=body,
            commit=after_commit,
            method=method,
            containing=_bytes(containing),
        )
        self._push(fault, count)

    def take(self, path: str, method: str | None = None, body: bytes = b"") -> Fault | None:
        """The fault for a request to `path`, consumed; None when nothing is queued for it."""
        with self._lock:
            for index, (fault, remaining) in enumerate(self._queue):
                if fault.matches(path, method, body):
                    if remaining > 1:
                        self._queue[index] = (fault, remaining - 1)
                    else:
                        del self._queue[index]
                    return fault
        return None

    @property
    def pending(self) -> int:
        """Requests still to be shaped by queued faults."""
        with self._lock:
            return sum(remaining for _, remaining in self._queue)

    def clear(self) -> None:
        """Forget queued faults and latency (presence is left as it is)."""
        with self._lock:
            self._queue.clear()
        self.latency_s = 0.0
        self.poisoned.clear()

    def _push(self, fault: Fault, count: int) -> None:
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._queue.append((fault, count))

    # Presence ----------------------------------------------------------------------------

    @property
    def gone(self) -> bool:
        return self._gone

    def go_away(self) -> None:
        """Refuse every connection until `come_back()`."""
        self._set_presence(gone=True)

    def come_back(self) -> None:
        self._set_presence(gone=False)

    def subscribe(self, listener: PresenceListener) -> Callable[[], None]:
        """Call `listener(gone)` on every change of presence; returns the unsubscribe."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _set_presence(self, *, gone: bool) -> None:
        with self._lock:
            changed = self._gone != gone
            self._gone = gone
            listeners = list(self._listeners)
        # Outside the lock: a listener (the server) may take a while to stop or rebind.
        if changed:
            for listener in listeners:
                listener(gone)


def _bytes(text: str | None) -> bytes | None:
    return None if text is None else text.encode()
