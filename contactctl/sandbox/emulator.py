"""The base of every vendor emulator: routing, auth hook, rate limit, faults, the record.

A vendor emulator declares its routes, checks credentials, formats its error envelope and
keeps its in-memory store. The base does the rest, in this order for each request:

    control endpoint?  → /_sandbox/contacts (GET, the store) or /_sandbox/reset (POST)
    gone?              → no answer (the server has stopped listening anyway)
    queued fault       → shapes the answer (see faults.py)
    handle()           → rate limit → credentials → route → vendor logic, under one lock
    latency            → the answer waits
    record             → `requests` gets method, path, query, headers, body, status

Constructor options common to all emulators (None means the emulator's default):
`credentials` (default: the class's `sandbox_credentials`), `max_batch`, `requests_per_second`
(`rate_limited=False` switches the limit off), `retry_after_s` (the Retry-After a rate-limit
429 carries: emulator's choice, vendors do not document one), `latency_s`, `clock` (wall
time in seconds; tests may replace `emulator.clock` at any time).

A vendor from a plug-in brings its emulator the same way (its provider class names it in
`sandbox`); the hooks under "What the contract suite asks" are what lets the shared suite
(tests/providers/test_contract.py) drive any vendor without knowing its name.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, ClassVar

from contactctl.sandbox.core import (
    HandMade,
    Headers,
    RecordedRequest,
    Request,
    Response,
    VendorError,
)
from contactctl.sandbox.faults import Fault, FaultKind, Faults
from contactctl.sandbox.ratelimit import RateLimiter

CONTROL_PREFIX = "/_sandbox/"
# Undocumented vendor rate limits: generous enough never to bother a well-paced client.
DEFAULT_REQUESTS_PER_SECOND = 50.0

# An injected delay; returns False when cut short (the server is stopping).
Wait = Callable[[float], bool]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., Response]


def route(method: str, pattern: str, handler: Callable[..., Response]) -> Route:
    """A route; named groups in `pattern` are passed to the handler as keyword arguments."""
    return Route(method, re.compile(f"^{pattern}$"), handler)


def format_seconds(seconds: float) -> str:
    """Retry-After text: whole seconds as an integer, else as short a decimal as needed."""
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"


class Emulator(ABC):
    name: ClassVar[str]
    phone_field: ClassVar[str]  # the key of a stored contact that holds its number
    default_max_batch: ClassVar[int | None] = None
    default_requests_per_second: ClassVar[float] = DEFAULT_REQUESTS_PER_SECOND
    # The fixed credentials `--sandbox` and `contactctl sandbox` use (the config's keys).
    sandbox_credentials: ClassVar[Mapping[str, str]]
    # Whether the vendor keeps a contact's consent (`subscribed` reads it).
    keeps_consent: ClassVar[bool] = False
    # Provider settings an import needs for the vendor to record consent (iVvy's codes).
    consent_settings: ClassVar[Mapping[str, Any]] = {}

    def __init__(
        self,
        *,
        credentials: Mapping[str, str] | None = None,
        max_batch: int | None = None,
        requests_per_second: float | None = None,
        rate_limited: bool = True,
        retry_after_s: float = 1.0,
        latency_s: float = 0.0,
        clock: Callable[[], float] | None = None,
        rate_limit_per_s: float | None = None,  # older name of requests_per_second
    ) -> None:
        chosen = self.sandbox_credentials if credentials is None else credentials
        self.credentials: dict[str, str] = dict(chosen)
        self.max_batch = self.default_max_batch if max_batch is None else max_batch
        if self.max_batch is not None and self.max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.retry_after_s = retry_after_s
        self.clock: Callable[[], float] = clock or time.time
        self.faults = Faults()
        self.faults.latency_s = latency_s
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._routes = self.routes()
        rate = requests_per_second if requests_per_second is not None else rate_limit_per_s
        self.set_rate_limit((rate or self.default_requests_per_second) if rate_limited else None)

    # What each vendor provides -----------------------------------------------------------

    @abstractmethod
    def routes(self) -> list[Route]:
        """The vendor's endpoints."""

    @abstractmethod
    def authenticate(self, request: Request) -> None:
        """Raise VendorError (the vendor's 401/403) unless the credentials are right."""

    @abstractmethod
    def error_body(self, status: int, message: str, details: Mapping[str, Any]) -> object:
        """The vendor's error envelope."""

    @abstractmethod
    def _records(self) -> list[dict[str, Any]]:
        """The store's contacts in the vendor's own format (called under the lock)."""

    @abstractmethod
    def _clear_store(self) -> None:
        """Empty the store (called under the lock)."""

    # What the contract suite asks of every vendor ---------------------------------------

    @classmethod
    def numbers_written(cls, request: RecordedRequest, *, adding: bool = False) -> list[str]:
        """The numbers (digits only) a request the vendor accepted asked it to write; with
        `adding`, only those written in a way that could add a contact (not an update of a
        known id). The request log then shows a write repeated where a store keyed by the
        number cannot."""
        if request.status is None or not 200 <= request.status < 300:
            return []
        return [_digits(number) for number in cls._numbers_in(request, adding)]

    @classmethod
    @abstractmethod
    def _numbers_in(cls, request: RecordedRequest, adding: bool) -> list[str]:
        """The numbers a request carries for writing ([] for reads and other endpoints)."""

    @abstractmethod
    def add_by_hand(self, person: HandMade) -> None:
        """Put `person` in the store as the vendor's own screens would (no request recorded)."""

    @classmethod
    def subscribed(cls, record: Mapping[str, Any]) -> bool | None:
        """Whether a stored contact (as `stored` shows it) may be messaged; None where the
        vendor keeps no consent (`keeps_consent` off)."""
        return None

    def _as_vendor(
        self, method: str, path: str, body: object, query: Mapping[str, list[str]] | None = None
    ) -> Response:
        """One of the vendor's own endpoints, run in process with no credentials, faults or
        record: how `add_by_hand` reaches the store the way the vendor's screens do."""
        request = Request(method, path, query or {}, Headers(), json.dumps(body).encode())
        handler, params = self._resolve(request)
        with self._lock:
            return handler(request, **params)

    # Reading and resetting ---------------------------------------------------------------

    def stored(self) -> list[dict[str, Any]]:
        """A copy of every stored contact, in the vendor's format, oldest first."""
        with self._lock:
            return copy.deepcopy(self._records())

    @property
    def contacts(self) -> list[dict[str, Any]]:
        return self.stored()

    # Saving and loading the store (a persistent sandbox, sandbox/persist.py) -----------

    # The attributes that hold the store: what a persistent sandbox keeps between runs.
    store_attributes: ClassVar[tuple[str, ...]] = ()

    def store_state(self) -> dict[str, Any]:
        """A copy of the store's contents, to be loaded into a fresh emulator later."""
        with self._lock:
            return copy.deepcopy(self._store_state())

    def load_store_state(self, state: Mapping[str, Any]) -> None:
        """Replace the store's contents with what `store_state` returned, taking `state`
        over (the caller hands a fresh copy, just read from disk); KeyError if it lacks a
        part."""
        with self._lock:
            self._load_store_state(dict(state))

    def _store_state(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.store_attributes}

    def _load_store_state(self, state: dict[str, Any]) -> None:
        parts = {name: state[name] for name in self.store_attributes}
        for name, value in parts.items():
            setattr(self, name, value)

    def reset(self) -> None:
        """Empty the store, the request record and the fault queue; refill the rate limit."""
        with self._lock:
            self._clear_store()
            self.requests.clear()
        self.faults.clear()
        self.set_rate_limit(self.requests_per_second)

    def set_rate_limit(self, requests_per_second: float | None) -> None:
        """Change the limit at run time; None switches it off."""
        self.requests_per_second = requests_per_second
        self._limiter = (
            RateLimiter(requests_per_second, lambda: self.clock()) if requests_per_second else None
        )

    def now_iso(self) -> str:
        """The emulator's clock as an ISO 8601 UTC timestamp (seconds)."""
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.clock()))

    # The vendor's answer -----------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        """Answer a request as the vendor would (thread-safe)."""
        if self._limiter is not None and not self._limiter.allow():
            return self.rate_limited()
        try:
            self.authenticate(request)
            self._refuse_poison(request)
            handler, params = self._resolve(request)
            with self._lock:
                return handler(request, **params)
        except VendorError as exc:
            return self.error(exc)

    def _refuse_poison(self, request: Request) -> None:
        """A request carrying a poisoned value is refused whole, as a vendor refuses a batch
        for one bad row: the client must split the batch to land the others."""
        for value in self.faults.poisoned:
            if value.encode() in request.body:
                raise VendorError(400, f"invalid value {value!r} in the request")

    def error(self, exc: VendorError, headers: Mapping[str, str] | None = None) -> Response:
        body = self.error_body(exc.status, exc.message, exc.details)
        return Response(exc.status, body, headers or {})

    def rate_limited(self) -> Response:
        headers = {"Retry-After": format_seconds(self.retry_after_s)}
        return self.error(VendorError(429, "Too Many Requests"), headers)

    def _resolve(self, request: Request) -> tuple[Callable[..., Response], dict[str, str]]:
        allowed: list[str] = []
        for candidate in self._routes:
            match = candidate.pattern.match(request.path)
            if match is None:
                continue
            if candidate.method == request.method:
                return candidate.handler, match.groupdict()
            allowed.append(candidate.method)
        if allowed:
            raise VendorError(405, f"Method {request.method} not allowed on {request.path}")
        raise VendorError(404, f"No such endpoint: {request.method} {request.path}")

    # The whole exchange, faults included (the server calls this) -------------------------

    def respond(self, request: Request, wait: Wait) -> Response | None:
        """The answer to send, or None to close the connection without one."""
        if request.path.startswith(CONTROL_PREFIX):
            return self._control(request)
        if self.faults.gone:
            self._record(request, None, "gone")
            return None
        latency_s = self.faults.latency_s  # as it was when the request arrived
        # The target (path and query) is matched: iVvy names its calls in the query.
        fault = self.faults.take(request.target, request.method, request.body)
        response = self._shaped(request, fault, wait) if fault else self.handle(request)
        if response is not None and latency_s > 0:
            wait(latency_s)
        self._record(request, response, fault.kind if fault else None)
        return response

    def _shaped(self, request: Request, fault: Fault, wait: Wait) -> Response | None:
        if fault.kind is FaultKind.FAIL:
            return self._injected_failure(fault)
        if fault.kind is FaultKind.ANSWER:
            if fault.commit:
                self.handle(request)
            return Response(fault.status, fault.body, {"Content-Type": "application/json"})
        if fault.kind is FaultKind.SLOW and not fault.commit:
            # Cut short by a stopping server: the vendor never got round to the work.
            return self.handle(request) if wait(fault.seconds) else None
        if not fault.commit:  # DROP / MALFORMED before any work
            return None if fault.kind is FaultKind.DROP else _malformed(Response(200, {}))
        response = self.handle(request)
        if fault.kind is FaultKind.SLOW:
            wait(fault.seconds)
            return response
        return None if fault.kind is FaultKind.DROP else _malformed(response)

    def _injected_failure(self, fault: Fault) -> Response:
        headers = {}
        if fault.retry_after_s is not None:
            headers["Retry-After"] = format_seconds(fault.retry_after_s)
        if fault.body is not None:
            return Response(fault.status, fault.body, headers)
        try:
            phrase = HTTPStatus(fault.status).phrase
        except ValueError:
            phrase = "Error"
        return self.error(VendorError(fault.status, f"{phrase} (injected)"), headers)

    def _record(self, request: Request, response: Response | None, fault: str | None) -> None:
        entry = RecordedRequest(
            request.method,
            request.path,
            request.query,
            request.headers,
            request.body,
            response.status if response else None,
            fault,
        )
        with self._lock:
            self.requests.append(entry)

    def _control(self, request: Request) -> Response:
        if request.path == f"{CONTROL_PREFIX}contacts" and request.method == "GET":
            return Response(200, self.stored())
        if request.path == f"{CONTROL_PREFIX}reset" and request.method == "POST":
            self.reset()
            return Response(204)
        return Response(404, {"error": f"no sandbox control endpoint {request.path}"})


def _digits(number: object) -> str:
    return "".join(ch for ch in str(number) if ch.isdigit())


def _malformed(response: Response) -> Response:
    """A 2xx answer whose body is cut in half: a strict prefix of a JSON object or array
    never parses."""
    ok = 200 <= response.status < 300 and response.status != 204
    status = response.status if ok else 200
    text = response.encoded_body() or b'{"ok":true}'
    return Response(status, text[: max(1, len(text) // 2)], {"Content-Type": "application/json"})
