from __future__ import annotations

import asyncio
import itertools

import pytest

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
    [("2", 2.0), ("0.5", 0.5), (None, None), ("soon", None), ("-3", 0.0), ("99999", 120.0)],
)
def test_retry_after_parsing(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected
