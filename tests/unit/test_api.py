"""The Api's retry loop: the first attempt goes out on its own, and a failure it may retry
hands over to tenacity as attempt 1, so counts, waits and errors are as if tenacity had
sent it. Real HTTP to the Callbell emulator; waits on the virtual clock."""

from __future__ import annotations

import asyncio
import math
import random
from typing import Any

import httpx
import pytest

from contactctl.errors import RunAborted, UncertainDelivery
from contactctl.secrets import Redactor
from contactctl.send.api import Api, ApiSettings, Reply
from contactctl.send.pacing import TokenBucket
from tests.conftest import SandboxFactory, VirtualClock

TOKEN = "sandbox-callbell-token"
LOOKUP = "/v1/contacts/phone/33612345678"


def call(base_url: str, max_retries: int, **options: Any) -> Reply:
    async def go() -> Reply:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=base_url, headers=headers) as client:
            api = Api(
                client,
                TokenBucket(1000),
                ApiSettings("Callbell", max_retries),
                Redactor([TOKEN]),
                lambda _data, text: text,
            )
            return await api.call("GET", LOOKUP, accept=frozenset({404}), **options)

    return asyncio.run(go())


def test_a_first_success_is_one_request_and_no_wait(
    sandbox: SandboxFactory, virtual_clock: VirtualClock
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        reply = call(base_url, max_retries=3)
        paths = [r.path for r in emulator.requests]
    assert reply.status_code == 404
    assert paths == [LOOKUP]
    assert [s for s in virtual_clock.sleeps if s > 0.01] == []


def test_retry_after_on_the_first_attempt_is_honoured(
    sandbox: SandboxFactory, virtual_clock: VirtualClock
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        emulator.faults.fail_next(429, retry_after_s=7)
        reply = call(base_url, max_retries=3)
        statuses = [r.status for r in emulator.requests]
    assert reply.status_code == 404
    assert reply.after_uncertain is False
    assert statuses == [429, 404]
    assert 7 in virtual_clock.sleeps


@pytest.mark.parametrize("nonsense", [float("nan"), float("inf")])
def test_a_nonsense_retry_after_falls_back_to_ordinary_backoff(
    sandbox: SandboxFactory, virtual_clock: VirtualClock, nonsense: float
) -> None:
    random.seed(14)  # full-jitter backoff draws its waits from `random`
    with sandbox("callbell") as (emulator, base_url):
        emulator.faults.fail_next(429, retry_after_s=nonsense, count=2)
        reply = call(base_url, max_retries=3)
        statuses = [r.status for r in emulator.requests]
    assert reply.status_code == 404
    assert statuses == [429, 429, 404]
    assert all(math.isfinite(s) and 0 <= s <= 30 for s in virtual_clock.sleeps)
    # Two real backoff waits, not a hammering retry with no pause at all.
    assert len([s for s in virtual_clock.sleeps if s > 0.01]) == 2


def test_retries_exhausted_count_the_first_attempt(
    sandbox: SandboxFactory, virtual_clock: VirtualClock
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        emulator.faults.fail_next(503, count=10)
        with pytest.raises(RunAborted, match="Callbell unreachable after 3 attempts"):
            call(base_url, max_retries=2)
        sent = len(emulator.requests)
    assert sent == 3


def test_an_uncertain_first_attempt_is_retried_and_said_so_when_idempotent(
    sandbox: SandboxFactory,
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        emulator.faults.fail_next(502)
        reply = call(base_url, max_retries=2)
        sent = len(emulator.requests)
    assert sent == 2
    assert reply.after_uncertain is True


def test_an_uncertain_first_attempt_of_a_create_is_not_resent(sandbox: SandboxFactory) -> None:
    with sandbox("callbell") as (emulator, base_url):
        emulator.faults.fail_next(502)
        with pytest.raises(UncertainDelivery, match="502"):
            call(base_url, max_retries=2, idempotent=False)
        sent = len(emulator.requests)
    assert sent == 1
