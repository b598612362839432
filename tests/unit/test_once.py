"""create_once: a create that may have landed is looked up before it is ever sent again."""

from __future__ import annotations

import asyncio

import pytest

from contactctl.errors import BatchRejected, UncertainDelivery
from contactctl.send.once import Created, create_once


class FakeVendor:
    """A store plus a create whose answer can be lost before or after it commits."""

    def __init__(self, faults: list[str]) -> None:
        # One entry per create call: "ok", "lost_after_commit" or "lost_before_commit".
        self.faults = faults
        self.records: list[str] = []
        self.creates = 0
        self.finds = 0

    async def create(self) -> str:
        fault = self.faults[self.creates] if self.creates < len(self.faults) else "ok"
        self.creates += 1
        if fault != "lost_before_commit":
            self.records.append(f"id-{len(self.records) + 1}")
        if fault != "ok":
            raise UncertainDelivery(f"no answer: ReadTimeout ({fault})")
        return self.records[-1]

    async def find(self) -> str | None:
        self.finds += 1
        return self.records[0] if self.records else None


def run(vendor: FakeVendor, attempts: int = 3) -> Created[str]:
    return asyncio.run(create_once(vendor.create, vendor.find, attempts))


def test_a_clean_create_is_not_looked_up() -> None:
    vendor = FakeVendor(["ok"])
    created = run(vendor)
    assert created == Created("id-1")
    assert created.reason() is None
    assert vendor.finds == 0


def test_landed_but_answer_lost_is_found_and_not_sent_again() -> None:
    vendor = FakeVendor(["lost_after_commit"])
    created = run(vendor)
    assert created.value == "id-1"
    assert vendor.creates == 1
    assert vendor.records == ["id-1"]
    assert created.reason() == (
        "confirmed by look-up after no answer: ReadTimeout (lost_after_commit)"
    )


def test_not_landed_is_sent_again() -> None:
    vendor = FakeVendor(["lost_before_commit", "ok"])
    created = run(vendor)
    assert created == Created("id-1")
    assert vendor.creates == 2
    assert vendor.records == ["id-1"]


def test_a_later_attempt_that_landed_is_found_too() -> None:
    vendor = FakeVendor(["lost_before_commit", "lost_after_commit"])
    created = run(vendor)
    assert (created.value, vendor.creates, vendor.records) == ("id-1", 2, ["id-1"])
    assert created.confirmed_after is not None


def test_attempts_exhausted_raises_uncertain() -> None:
    vendor = FakeVendor(["lost_before_commit"] * 5)
    with pytest.raises(UncertainDelivery, match="not confirmed after 3 uncertain attempts"):
        run(vendor, attempts=3)
    assert vendor.creates == 3
    assert vendor.finds == 3
    assert vendor.records == []


def test_a_refusal_is_not_looked_up_nor_retried() -> None:
    calls: list[str] = []

    async def create() -> str:
        calls.append("create")
        raise BatchRejected("name is required")

    async def find() -> str | None:
        calls.append("find")
        return None

    with pytest.raises(BatchRejected):
        asyncio.run(create_once(create, find, 3))
    assert calls == ["create"]


def test_attempts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        run(FakeVendor([]), attempts=0)
