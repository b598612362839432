"""The HTTP boundary: pace, send, read, retry, translate errors, redact secrets.

Providers call `await api.call("POST", path, json=...)`. What comes back is a `Reply` with the
parsed JSON; everything else is an exception from `contactctl.errors`:

- 401/403 → AuthError (the run stops);
- 408, 429, 502, 503, 504, timeouts, connection errors → retried with exponential backoff and
  jitter (tenacity), honouring Retry-After; when retries run out → RunAborted;
- any other 4xx → BatchRejected (the core splits the batch to isolate bad rows);
- other 5xx → ProviderError (the batch's rows fail as not delivered; not retried, per SPEC 9).

A request that is not idempotent (a create that would duplicate) is only retried when it
certainly did not reach the vendor (connect errors, 429, 503). When it may have landed (a
read timeout, a connection dropped after sending, a 502/504, a 2xx answer that cannot be
read) the call raises UncertainDelivery and the provider checks before sending it again.
"""

from __future__ import annotations

import asyncio
import email.utils
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_random_exponential

from contactctl.errors import (
    AuthError,
    BatchRejected,
    ProviderError,
    RetryableError,
    RunAborted,
    UncertainDelivery,
)
from contactctl.model import Delivery
from contactctl.secrets import Redactor
from contactctl.send import timing
from contactctl.send.bounds import AnswerTooLarge
from contactctl.send.gate import FirstRequestGate
from contactctl.send.pacing import TokenBucket

RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
# Answers after which a request certainly was not processed: safe to resend even a create.
NOT_PROCESSED_STATUSES = frozenset({429, 503})
MAX_RETRY_AFTER_S = 120.0


@dataclass(frozen=True)
class Reply:
    status_code: int
    data: Any
    # True when an earlier attempt of this same request may have landed: an "updated" in this
    # answer may be our own first attempt, so the provider must not claim more than it knows.
    after_uncertain: bool = False


@dataclass(frozen=True)
class ApiSettings:
    vendor: str
    max_retries: int
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 30.0
    # The whole exchange, connect to last byte (`timeout`); httpx's own timeouts are per read.
    deadline_s: float | None = None
    # What to check when the vendor refuses the credentials (the provider may say more).
    auth_hint: str = "Check the API credentials in the config or the CONTACTCTL_* variables."


class Api:
    def __init__(
        self,
        client: httpx.AsyncClient,
        pacer: TokenBucket,
        settings: ApiSettings,
        redact: Redactor,
        error_message: Callable[[Any, str], str],
    ) -> None:
        self._client = client
        self._pacer = pacer
        self._settings = settings
        self._redact = redact
        self._error_message = error_message
        # httpx keeps base_url with a trailing slash; providers' paths start with one.
        self._origin = str(client.base_url).rstrip("/")
        self._gate = FirstRequestGate()

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        idempotent: bool = True,
        accept: frozenset[int] = frozenset(),
    ) -> Reply:
        """Send one request (with retries) and return the vendor's parsed answer.

        `accept` lists non-2xx statuses the caller handles itself (a look-up's 404).
        """
        url = self._origin + path  # absolute: httpx parses it once instead of merging
        return await self._gate.through(
            lambda: self._call(method, url, json, params, idempotent, accept)
        )

    async def _call(
        self,
        method: str,
        url: str,
        json: Any,
        params: Mapping[str, str] | None,
        idempotent: bool,
        accept: frozenset[int],
    ) -> Reply:
        try:
            # Most requests succeed at once; tenacity's machinery (about 0.1 ms a request)
            # starts only after a failure it may retry.
            return await self._attempt(method, url, json, params, accept)
        except (RetryableError, UncertainDelivery) as first:
            return await self._retry(first, method, url, json, params, idempotent, accept)

    async def _retry(
        self,
        first: RetryableError | UncertainDelivery,
        method: str,
        url: str,
        json: Any,
        params: Mapping[str, str] | None,
        idempotent: bool,
        accept: frozenset[int],
    ) -> Reply:
        """Go on after the first attempt failed with `first`, as tenacity's attempt 1.

        Replaying the failure as tenacity's first attempt keeps its stop, wait (Retry-After,
        backoff) and attempt count exactly what they would be had it sent that one too.
        """
        failed: BaseException | None = first
        saw_uncertain = False
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._settings.max_retries + 1),
            wait=self._wait,
            retry=retry_if_exception(lambda e: _should_retry(e, idempotent)),
            sleep=timing.sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    try:
                        if failed is not None:
                            replayed, failed = failed, None
                            raise replayed
                        reply = await self._attempt(method, url, json, params, accept)
                    except UncertainDelivery:
                        saw_uncertain = True
                        raise
                    return Reply(reply.status_code, reply.data, after_uncertain=saw_uncertain)
        except UncertainDelivery:
            if idempotent:
                raise self._unreachable(retrying.statistics, landed=True) from None
            raise
        except RetryableError as exc:
            raise self._unreachable(retrying.statistics, exc, landed=saw_uncertain) from None
        raise AssertionError("unreachable: tenacity either returns or raises")  # pragma: no cover

    def _unreachable(
        self, stats: Mapping[str, Any], last: Exception | None = None, *, landed: bool
    ) -> RunAborted:
        """The run stops; `landed` when some attempt may have reached the vendor."""
        tries = stats.get("attempt_number", 1)
        detail = f": {last}" if last else ""
        return RunAborted(
            f"{self._settings.vendor} unreachable after {tries} attempts{detail}.",
            "The rows not sent are reported; run again later to resume.",
            delivery=Delivery.MAY_HAVE_LANDED if landed else Delivery.NOT_SENT,
        )

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableError) and exc.retry_after_s is not None:
            # The vendor said when: every worker waits that long (the pacer is shared).
            self._pacer.pause(exc.retry_after_s)
            return max(exc.retry_after_s, 0.0)
        # "Full jitter" exponential backoff: spreads retries of concurrent workers apart.
        return wait_random_exponential(
            multiplier=self._settings.backoff_initial_s, max=self._settings.backoff_max_s
        )(state)

    async def _attempt(
        self,
        method: str,
        url: str,
        body: Any,
        params: Mapping[str, str] | None,
        accept: frozenset[int],
    ) -> Reply:
        await self._pacer.acquire()
        deadline = self._settings.deadline_s
        try:
            async with asyncio.timeout(deadline):
                response = await self._client.request(method, url, json=body, params=params)
        except TimeoutError:
            raise UncertainDelivery(f"no complete answer within {deadline:g}s (timeout)") from None
        except AnswerTooLarge as exc:
            raise UncertainDelivery(f"{self._settings.vendor} sent an {exc}") from None
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise RetryableError(f"cannot connect: {self._describe(exc)}") from None
        except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise UncertainDelivery(f"no answer: {self._describe(exc)}") from None
        except httpx.HTTPError as exc:
            raise UncertainDelivery(f"transport error: {self._describe(exc)}") from None
        return self._read(response, accept)

    def _read(self, response: httpx.Response, accept: frozenset[int]) -> Reply:
        status = response.status_code
        if 200 <= status < 300 or status in accept:
            return Reply(status, self._parse_json(response, status))
        data = _json_or_none(response)
        # Redact before the provider cuts the text short: a cut secret would no longer match.
        message = self._redact(self._error_message(data, self._redact(response.text)))
        label = f"{self._settings.vendor} answered {status}: {message}"
        if status in (401, 403):
            raise AuthError(
                f"{self._settings.vendor} refused the credentials ({status}): {message}",
                self._settings.auth_hint,
                status_code=status,
            )
        if status in RETRY_STATUSES:
            kind = RetryableError if status in NOT_PROCESSED_STATUSES else UncertainDelivery
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise kind(label, status_code=status, retry_after_s=retry_after)
        if 400 <= status < 500:
            raise BatchRejected(message, status_code=status)
        raise ProviderError(label, status_code=status)

    def _parse_json(self, response: httpx.Response, status: int) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except (ValueError, UnicodeDecodeError, RecursionError):
            # The vendor said yes but we cannot read what it did (not JSON, or nested too
            # deep for the parser): it may have landed.
            raise UncertainDelivery(
                f"{self._settings.vendor} answered {status} with a body that is not JSON"
            ) from None

    def _describe(self, exc: Exception) -> str:
        return self._redact(f"{type(exc).__name__} {exc}".strip())


def _should_retry(exc: BaseException, idempotent: bool) -> bool:
    if isinstance(exc, UncertainDelivery):
        return idempotent
    return isinstance(exc, RetryableError)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    try:
        seconds = float(value)
        if not math.isfinite(seconds) or seconds < 0:
            return None  # nonsense ("nan", "-5"): ordinary backoff, not a hammering retry
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - timing.utc_now().timestamp()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
