from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

import pytest

from contactctl.send import timing
from contactctl.send.api import parse_retry_after
from contactctl.send.pacing import TokenBucket
from tests.conftest import VirtualClock


def test_bucket_spaces_requests_at_the_rate(virtual_clock: VirtualClock) -> None:
    bucket = TokenBucket(requests_per_second=5)
    times: list[float] = []

    async def take(n: int) -> None:
        for _ in range(n):
            await bucket.acquire()
            times.append(virtual_clock.now())

    asyncio.run(take(11))
    assert times[-1] - times[0] == pytest.approx(2.0)  # 10 gaps of 0.2 s


def test_bucket_is_shared_by_concurrent_workers(virtual_clock: VirtualClock) -> None:
    bucket = TokenBucket(requests_per_second=10)
    times: list[float] = []

    async def worker() -> None:
        for _ in range(5):
            await bucket.acquire()
            times.append(virtual_clock.now())

    async def main() -> None:
        await asyncio.gather(*(worker() for _ in range(4)))

    asyncio.run(main())
    times.sort()
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.1 - 1e-9  # never faster than the rate, whatever the worker count
    assert times[-1] - times[0] == pytest.approx(1.9)


def test_pause_holds_every_request_back(virtual_clock: VirtualClock) -> None:
    bucket = TokenBucket(requests_per_second=100)

    async def main() -> float:
        await bucket.acquire()
        bucket.pause(3.0)
        start = virtual_clock.now()
        await bucket.acquire()
        return virtual_clock.now() - start

    assert asyncio.run(main()) >= 3.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("2", 2.0),
        ("0.5", 0.5),
        (None, None),
        ("soon", None),
        ("99999", 120.0),
        # Nonsense means "no advice": the caller falls back to its ordinary backoff.
        ("-3", None),
        ("nan", None),
        ("inf", None),
        ("-inf", None),
    ],
)
def test_retry_after_parsing(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_retry_after_as_a_date_is_read_against_the_wall_clock(
    virtual_clock: VirtualClock,
) -> None:
    virtual_clock.set_wall(datetime(2026, 11, 23, 8, 0, 0, tzinfo=UTC))
    assert parse_retry_after("Mon, 23 Nov 2026 08:00:30 GMT") == 30.0
    assert parse_retry_after("Mon, 23 Nov 2026 07:00:00 GMT") == 0.0  # already past


class LateClock(VirtualClock):
    """Every wait ends `late_s` after it was due, as on a busy event loop."""

    def __init__(self, late_s: float) -> None:
        super().__init__()
        self.late_s = late_s

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds + self.late_s)


def test_late_wake_ups_do_not_slow_the_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = LateClock(late_s=0.05)  # half of every interval
    monkeypatch.setattr(timing.clock, "now", clock.now)
    monkeypatch.setattr(timing.clock, "sleep", clock.sleep)
    bucket = TokenBucket(requests_per_second=10)
    times: list[float] = []

    async def worker() -> None:
        for _ in range(25):
            await bucket.acquire()
            times.append(clock.now())

    async def main() -> None:
        await asyncio.gather(*(worker() for _ in range(4)))

    asyncio.run(main())
    times.sort()
    # 100 requests at 10/s: 9.9 s, and the lateness once, not once per request (14.85 s).
    assert times[-1] - times[0] == pytest.approx(9.9 + 0.05, abs=0.01)


def test_waiting_workers_wake_once_per_request(virtual_clock: VirtualClock) -> None:
    bucket = TokenBucket(requests_per_second=50)

    async def worker() -> None:
        for _ in range(5):
            await bucket.acquire()

    async def main() -> None:
        await asyncio.gather(*(worker() for _ in range(8)))

    asyncio.run(main())
    # 40 requests, the first without a wait: no worker wakes for a slot another one takes.
    assert len(virtual_clock.sleeps) == 39


def test_workers_already_waiting_queue_again_behind_a_pause(virtual_clock: VirtualClock) -> None:
    bucket = TokenBucket(requests_per_second=10)
    times: list[float] = []

    async def record() -> None:
        await bucket.acquire()
        times.append(virtual_clock.now())

    async def main() -> None:
        await bucket.acquire()  # at 1000.0
        waiting = [asyncio.create_task(record()) for _ in range(3)]
        await asyncio.sleep(0)  # each takes its slot (1000.1 … 1000.3) and waits for it
        bucket.pause(5.0)  # then a Retry-After arrives
        await asyncio.gather(*waiting)

    asyncio.run(main())
    assert sorted(times) == pytest.approx([1005.0, 1005.1, 1005.2])


def test_a_stalled_event_loop_does_not_release_its_backlog_at_once(
    virtual_clock: VirtualClock,
) -> None:
    bucket = TokenBucket(requests_per_second=10)
    times: list[float] = []

    async def worker() -> None:
        for _ in range(4):
            await bucket.acquire()
            times.append(virtual_clock.now())

    async def stall() -> None:
        await asyncio.sleep(0)  # the workers have booked their slots and wait
        virtual_clock.now_s += 1.0  # a second passes with the loop blocked

    async def main() -> None:
        await asyncio.gather(stall(), *(worker() for _ in range(16)))

    asyncio.run(main())
    times.sort()
    assert len(times) == 64
    # Never more than the rate allows in any second: 10, plus the one that opens the window.
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 11, busiest
