"""Create a record at most once, when the vendor's create is not idempotent.

`Api.call(..., idempotent=False)` raises UncertainDelivery when a create may have landed (a read
timeout, a connection dropped after sending, a 502/504, a 2xx answer that cannot be read).
Sending it again blindly could make a second contact, so `create_once` asks the vendor first:
found → the first attempt landed, nothing is sent again; absent → it did not, send again.

The core runs the protocol (`confirm_or_resend`, called by the sender); a provider only
declares how to find a contact (`Provider.find_created`) and never sleeps or retries itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from contactctl.errors import (
    AuthError,
    BatchRejected,
    ProviderError,
    RunAborted,
    UncertainDelivery,
)
from contactctl.model import Contact, Delivery, RowResult, Status
from contactctl.send import timing

if TYPE_CHECKING:
    from contactctl.providers.base import Provider
    from contactctl.send.api import Api

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
    *,
    first_failure: UncertainDelivery | None = None,
) -> Created[T]:
    """Run `create` until it answers, never twice for one record.

    After each uncertain attempt `find` looks for the record: found, it is the result; absent,
    `create` runs again, up to `attempts` creates in all. When every attempt was uncertain and
    the last look-up still finds nothing, UncertainDelivery is raised: the record may yet
    appear, so the caller must not call it failed-for-sure. `first_failure`: the first create
    was already sent and may have landed, so the protocol starts with its look-up.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    what_happened = first_failure.message if first_failure else ""
    for attempt in range(attempts):
        if attempt > 0 or first_failure is None:
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


async def confirm_or_resend(
    provider: Provider[Any], contact: Contact, api: Api, first: UncertainDelivery
) -> RowResult:
    """The row of a create that may have landed: found by look-up, or sent again if absent."""

    async def send_again() -> RowResult:
        results = await provider.push([contact], api)
        if results:
            return results[0]
        return RowResult.not_confirmed(contact, "the vendor's answer has no result for this row")

    async def find() -> RowResult | None:
        found = await provider.find_created(contact, api)
        if found is None:
            return None
        change = provider.created_change(contact)
        return RowResult.for_contact(contact, Status.ADDED, id=found, change=change)

    attempts = provider.settings.max_retries + 1
    try:
        created = await create_once(send_again, find, attempts, first_failure=first)
    except UncertainDelivery as exc:
        why = f"{exc.message}; a re-run looks it up before sending"
        return RowResult.not_confirmed(contact, why)
    except BatchRejected as exc:
        return RowResult.not_confirmed(contact, f"checking it was refused: {exc.message}")
    except (AuthError, RunAborted) as exc:
        exc.delivery = Delivery.MAY_HAVE_LANDED  # the first create may still have landed
        raise
    except ProviderError as exc:  # the check itself failed: the first create may have landed
        return RowResult.not_confirmed(contact, f"checking it failed: {exc.message}")
    if created.confirmed_after is None:
        return created.value
    found = created.value
    return RowResult.for_contact(
        contact, Status.ADDED, created.reason(), id=found.id, change=found.change
    )
