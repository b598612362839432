"""Create a record at most once, when the vendor's create is not idempotent.

`Api.call(..., idempotent=False)` raises UncertainDelivery when a create may have landed (a read
timeout, a connection dropped after sending, a 502/504, a 2xx answer that cannot be read).
Sending it again blindly could make a second contact, so `create_once` asks the vendor first:
found → the first attempt landed, nothing is sent again; absent → it did not, send again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from contactctl.errors import UncertainDelivery
from contactctl.send import timing

T = TypeVar("T")

# A vendor may answer 504 while its backend still commits the write: give it a moment before
# asking, so the look-up does not miss a contact that is about to appear (doubled each time).
SETTLE_S = 1.0
MAX_SETTLE_S = 30.0


@dataclass(frozen=True)
class Created(Generic[T]):
    """What the create (or the look-up that confirmed it) returned."""

    value: T
    # Why a look-up had to confirm it ("no answer: ReadTimeout ..."); None when the create
    # answered for itself.
    confirmed_after: str | None = None

    def reason(self) -> str | None:
        """The row's reason when a look-up, not the create's answer, confirmed it."""
        if self.confirmed_after is None:
            return None
        return f"confirmed by look-up after {self.confirmed_after}"


async def create_once(
    create: Callable[[], Awaitable[T]],
    find: Callable[[], Awaitable[T | None]],
    attempts: int,
    settle_s: float = SETTLE_S,
) -> Created[T]:
    """Run `create` until it answers, never twice for one record.

    After each uncertain attempt `find` looks for the record: found, it is the result; absent,
    `create` runs again, up to `attempts` creates in all. When every attempt was uncertain and
    the last look-up still finds nothing, UncertainDelivery is raised: the record may yet
    appear, so the caller must not call it failed-for-sure.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    what_happened = ""
    for attempt in range(attempts):
        try:
            return Created(await create())
        except UncertainDelivery as exc:
            what_happened = exc.message
        await timing.sleep(min(settle_s * 2**attempt, MAX_SETTLE_S))
        found = await find()
        if found is not None:
            return Created(found, confirmed_after=what_happened)
    raise UncertainDelivery(
        f"not confirmed after {attempts} uncertain attempts (last: {what_happened}); "
        "the vendor had no record of it when asked"
    )
