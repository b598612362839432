"""Slow start: the first request of a run goes alone, and a fatal answer stops the others.

Wrong credentials or a wrong base_url must cost one request, not one per worker: every call
waits until the run's first call has its answer (after its own retries). When that answer
stops the run (refused credentials, vendor unreachable), the waiting calls raise the same
error without sending anything, and so does every call that starts after any such answer.
A 404 or 405 to the run's first request (not one the caller accepts, like a look-up's
"absent") means the endpoint is not there: a wrong base_url, so that stops the run too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from contactctl.errors import AuthError, BatchRejected, ProviderError, RunAborted
from contactctl.model import Delivery

T = TypeVar("T")
# Answers after which no other request of the run should go out.
RUN_STOPPING = (AuthError, RunAborted)
NO_SUCH_ENDPOINT = frozenset({404, 405})


class FirstRequestGate:
    def __init__(self) -> None:
        self._first_answered: asyncio.Event | None = None
        self._stopped_by: ProviderError | None = None

    async def through(self, send: Callable[[], Awaitable[T]]) -> T:
        """Run `send` once the run's first request is answered (or as that first request)."""
        if self._first_answered is None:
            self._first_answered = asyncio.Event()
            try:
                return await self._watched(send)
            except BatchRejected as exc:
                if exc.status_code not in NO_SUCH_ENDPOINT:
                    raise
                self._stopped_by = _wrong_base_url(exc)
                raise self._stopped_by from None
            finally:
                self._first_answered.set()
        await self._first_answered.wait()
        return await self._watched(send)

    async def _watched(self, send: Callable[[], Awaitable[T]]) -> T:
        if self._stopped_by is not None:
            raise _not_sent(self._stopped_by)
        try:
            return await send()
        except RUN_STOPPING as exc:
            self._stopped_by = exc
            raise


def _wrong_base_url(exc: BatchRejected) -> RunAborted:
    return RunAborted(
        f"The vendor answered {exc.status_code} to the run's first request: {exc.message}",
        "Check base_url in the config (origin only, e.g. https://api.example.com).",
        status_code=exc.status_code,
        delivery=Delivery.NOT_SENT,
    )


def _not_sent(cause: ProviderError) -> ProviderError:
    """The error that stopped the run, for a request that therefore never went out."""
    return type(cause)(
        cause.message, cause.hint, status_code=cause.status_code, delivery=Delivery.NOT_SENT
    )
