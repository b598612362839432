"""Batches contacts, pushes them with bounded concurrency, and isolates bad rows.

The sender owns the control flow the providers must not: batching, workers, splitting a
rejected batch until the bad rows are isolated, the result-count check, --max-failures, and
what happens to unsent rows when the run stops (each is reported, none is dropped).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from contactctl.errors import (
    AuthError,
    BatchRejected,
    ContactctlError,
    InputError,
    ProviderError,
    RunAborted,
    UncertainDelivery,
)
from contactctl.model import Contact, Delivery, RowResult, Status
from contactctl.providers.base import Provider
from contactctl.send.api import Api
from contactctl.send.once import confirm_or_resend

NOT_SENT_ABORTED = "not sent: run aborted"
NOT_SENT_INTERRUPTED = "not sent: interrupted"
NOT_CONFIRMED_INTERRUPTED = "not confirmed: interrupted while sending; a re-run checks it"
NOT_CONFIRMED_ABORTED = "not confirmed: run aborted"
RECHECKED = "; a re-run checks it"
Emit = Callable[[RowResult], None]


class SendHooks:
    """Called around every request's batch; the delivery journal is the one user."""

    def before_send(self, batch: Sequence[Contact]) -> None:
        """The batch is about to go out (write-ahead: record the intent)."""

    def after_send(self, batch: Sequence[Contact], results: Sequence[RowResult]) -> None:
        """The vendor answered for these rows (record the outcomes)."""


@dataclass(frozen=True)
class SendSettings:
    batch_size: int
    concurrency: int
    max_failures: int | None = None


@dataclass
class SendOutcome:
    aborted: str | None = None  # why the run stopped early, if it did
    interrupted: bool = False
    failed: int = 0
    in_flight: set[tuple[str, int]] = field(default_factory=set)


RowKey = tuple[str, int]


class Sender:
    def __init__(
        self,
        provider: Provider[Any],
        api: Api,
        settings: SendSettings,
        emit: Emit,
        hooks: SendHooks | None = None,
    ) -> None:
        self._provider = provider
        self._api = api
        self._settings = settings
        self._emit_out = emit
        self._hooks = hooks or SendHooks()
        self.outcome = SendOutcome()
        # Every contact accepted but not yet reported, so an interrupted run can still account
        # for each of them.
        self._pending: dict[RowKey, Contact] = {}

    def emit(self, result: RowResult) -> None:
        if result.status is Status.FAILED:
            self.outcome.failed += 1
            limit = self._settings.max_failures
            if limit is not None and self.outcome.failed >= limit and not self.outcome.aborted:
                self.outcome.aborted = f"--max-failures {limit} reached"
        self._emit_out(result)

    async def run(self, items: Iterable[Contact | RowResult]) -> SendOutcome:
        """Send every contact in `items`; RowResults (decided earlier) pass straight through."""
        queue: asyncio.Queue[list[Contact] | None] = asyncio.Queue(self._settings.concurrency * 2)
        workers = [
            asyncio.create_task(self._worker(queue)) for _ in range(self._settings.concurrency)
        ]
        # The producer is a task of its own, so a worker that dies (say, reporting a row fails)
        # ends the run here instead of leaving the producer blocked on a full queue forever.
        producer = asyncio.create_task(self._produce_all(items, queue, len(workers)))
        tasks = [producer, *workers]
        try:
            await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            # Ctrl-C or SIGTERM: stop sending, and report every row we were holding.
            self.outcome.interrupted = True
            await _cancel_all(tasks)
            self._report_pending()
        finally:
            for task in tasks:
                task.cancel()
        return self.outcome

    async def _produce_all(
        self,
        items: Iterable[Contact | RowResult],
        queue: asyncio.Queue[list[Contact] | None],
        workers: int,
    ) -> None:
        await self._produce(items, queue)
        for _ in range(workers):
            await queue.put(None)

    def _report_pending(self) -> None:
        for key, contact in list(self._pending.items()):
            if key in self.outcome.in_flight:
                reason, delivery = NOT_CONFIRMED_INTERRUPTED, Delivery.MAY_HAVE_LANDED
            else:
                reason, delivery = NOT_SENT_INTERRUPTED, Delivery.NOT_SENT
            result = RowResult.for_contact(contact, Status.FAILED, reason, delivery=delivery)
            self._emit_contact(contact, result)

    async def _produce(
        self, items: Iterable[Contact | RowResult], queue: asyncio.Queue[list[Contact] | None]
    ) -> None:
        batch: list[Contact] = []
        try:
            await self._produce_from(items, queue, batch)
        except InputError as exc:
            # The file broke halfway (after sending began): stop; what was read is reported.
            self._abort(f"input error: {exc}")
            self._fail_all(batch, NOT_SENT_ABORTED)
            return
        if batch:
            await queue.put(batch)

    async def _produce_from(
        self,
        items: Iterable[Contact | RowResult],
        queue: asyncio.Queue[list[Contact] | None],
        batch: list[Contact],
    ) -> None:
        for count, item in enumerate(items):
            if isinstance(item, RowResult):
                self.emit(item)
            elif self.outcome.aborted:
                self.emit(RowResult.for_contact(item, Status.FAILED, NOT_SENT_ABORTED))
            else:
                self._pending[(item.source, item.row)] = item
                batch.append(item)
                if len(batch) >= self._settings.batch_size:
                    await queue.put(list(batch))
                    batch.clear()
            if count % 256 == 0:
                # Reading is synchronous: let the workers read their answers now and then.
                await asyncio.sleep(0)

    async def _worker(self, queue: asyncio.Queue[list[Contact] | None]) -> None:
        while (batch := await queue.get()) is not None:
            if self.outcome.aborted:
                self._fail_all(batch, NOT_SENT_ABORTED)
                continue
            keys = {(c.source, c.row) for c in batch}
            self.outcome.in_flight |= keys
            try:
                await self._push_isolating(batch)
            except Exception as exc:  # any failure must end the run cleanly
                # A journal write, an unreadable answer, a provider bug: stop sending, report
                # this batch, and keep draining the queue so the producer never blocks.
                self._stop_on_unexpected(batch, exc)
            # Not in a `finally`: a batch cut off by an interrupt stays "in flight" so its rows
            # are reported as unconfirmed, not as unsent.
            self.outcome.in_flight -= keys

    async def _push_isolating(self, batch: Sequence[Contact]) -> None:
        if 1 < len(batch) < self._provider.batches_from:
            await self._push_singly(batch)
            return
        self._hooks.before_send(batch)
        try:
            results = await self._pushed(batch)
        except BatchRejected as exc:
            await self._split(batch, exc)
            return
        except (AuthError, RunAborted) as exc:
            self._abort(str(exc))
            self._fail_sent(batch, exc, _aborted_reason(exc))
            return
        except ProviderError as exc:
            self._fail_sent(batch, exc, _failed_reason(exc))
            return
        self._emit_results(batch, results)

    async def _push_singly(self, batch: Sequence[Contact]) -> None:
        """Too few for the vendor's batch form: one contact a push."""
        for contact in batch:
            if self.outcome.aborted:
                self._fail_all([contact], NOT_SENT_ABORTED)
            else:
                await self._push_isolating([contact])

    async def _pushed(self, batch: Sequence[Contact]) -> list[RowResult]:
        """The provider's answer; a create that may have landed is checked before any resend."""
        try:
            return await self._provider.push(batch, self._api)
        except UncertainDelivery as exc:
            if len(batch) != 1 or not self._provider.looks_up_created:
                raise
            return [await confirm_or_resend(self._provider, batch[0], self._api, exc)]

    async def _split(self, batch: Sequence[Contact], exc: BatchRejected) -> None:
        if len(batch) == 1:
            self._fail_sent(batch, exc, f"rejected by {self._provider.vendor}: {exc.message}")
            return
        middle = len(batch) // 2
        for half in (batch[:middle], batch[middle:]):
            if self.outcome.aborted:
                self._fail_all(half, NOT_SENT_ABORTED)
            else:
                await self._push_isolating(half)

    def _emit_results(self, batch: Sequence[Contact], results: list[RowResult]) -> None:
        by_row = {(r.source, r.row): r for r in results}
        ordered = [by_row.get((c.source, c.row)) or _unanswered(c) for c in batch]
        self._hooks.after_send(batch, ordered)
        for contact, result in zip(batch, ordered, strict=True):
            self._emit_contact(contact, result)

    def _fail_all(self, batch: Sequence[Contact], reason: str) -> None:
        """Fail every row of a batch that never went out."""
        for contact in batch:
            self._emit_contact(contact, RowResult.for_contact(contact, Status.FAILED, reason))

    def _fail_sent(self, batch: Sequence[Contact], exc: ProviderError, reason: str) -> None:
        """Fail every row of a batch that went out; the journal hears whether it may have landed."""
        results = [
            RowResult.for_contact(c, Status.FAILED, reason, delivery=exc.delivery) for c in batch
        ]
        self._hooks.after_send(batch, results)
        for contact, result in zip(batch, results, strict=True):
            self._emit_contact(contact, result)

    def _emit_contact(self, contact: Contact, result: RowResult) -> None:
        if self._pending.pop((contact.source, contact.row), None) is not None:
            self.emit(result)

    def _stop_on_unexpected(self, batch: Sequence[Contact], exc: Exception) -> None:
        if isinstance(exc, ContactctlError):
            why = exc.message
        else:
            why = f"unexpected {type(exc).__name__} while sending (a bug: please report it)"
        self._abort(why)
        reason = f"{NOT_CONFIRMED_ABORTED} ({why}){RECHECKED}"
        for contact in batch:
            result = RowResult.for_contact(
                contact, Status.FAILED, reason, delivery=Delivery.MAY_HAVE_LANDED
            )
            self._emit_contact(contact, result)

    def _abort(self, reason: str) -> None:
        if not self.outcome.aborted:
            self.outcome.aborted = reason


async def _cancel_all(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _aborted_reason(exc: ProviderError) -> str:
    if exc.delivery is Delivery.NOT_SENT:
        return f"{NOT_SENT_ABORTED} ({exc.message})"
    return f"{NOT_CONFIRMED_ABORTED} ({exc.message}){RECHECKED}"


def _failed_reason(exc: ProviderError) -> str:
    if exc.delivery is Delivery.NOT_SENT:
        return f"not delivered: {exc.message}"
    return f"not confirmed: {exc.message}{RECHECKED}"


def _unanswered(contact: Contact) -> RowResult:
    # The provider broke its contract; never let a row vanish behind a success.
    reason = "not confirmed: the vendor's answer has no result for this row"
    return RowResult.for_contact(contact, Status.FAILED, reason, delivery=Delivery.MAY_HAVE_LANDED)
