"""The values the sandbox passes around: a request as received, a response to send, what was
recorded, and the one exception vendor code raises to answer with an error.

Nothing here knows HTTP sockets (that is `server.py`) or any vendor (the emulator modules).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs


class Headers(Mapping[str, str]):
    """Header names as sent, looked up case-insensitively; repeated headers joined by ", "."""

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._by_lower: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            key = name.lower()
            if key in self._by_lower:
                first_name, first_value = self._by_lower[key]
                value = f"{first_value}, {value}"
                name = first_name
            self._by_lower[key] = (name, value)

    def __getitem__(self, name: str) -> str:
        return self._by_lower[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._by_lower

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._by_lower.values())

    def __len__(self) -> int:
        return len(self._by_lower)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


class VendorError(Exception):
    """Raised anywhere in vendor code; the emulator turns it into the vendor's error answer.

    `details` carries vendor-specific fields (iVvy's `specificCode`, for instance).
    """

    def __init__(self, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


class BadRequest(VendorError):
    """The request cannot be read at all (not JSON, wrong shape): the vendor's 400."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(400, message, **details)


@dataclass(frozen=True)
class Request:
    """One HTTP request as the emulator received it."""

    method: str
    path: str
    query: Mapping[str, list[str]] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=Headers)
    body: bytes = b""
    # The query string exactly as sent: iVvy signs the request URI byte for byte.
    raw_query: str = ""

    @classmethod
    def from_target(
        cls, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Request:
        """Build from the request line's target (`/path?query`)."""
        path, _, raw_query = target.partition("?")
        query = parse_qs(raw_query, keep_blank_values=True)
        wrapped = headers if isinstance(headers, Headers) else Headers(headers)
        return cls(method.upper(), path, query, wrapped, body, raw_query)

    @property
    def target(self) -> str:
        """Path and query as sent."""
        return f"{self.path}?{self.raw_query}" if self.raw_query else self.path

    def query_value(self, name: str) -> str | None:
        """The first value of a query parameter, or None."""
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> object:
        """The body parsed as JSON; BadRequest when it is not JSON."""
        parsed = self._parsed
        if isinstance(parsed, BadRequest):
            raise parsed
        return parsed

    @cached_property
    def _parsed(self) -> object:
        # Parsed once: the emulator reads it, and the request record may read it again.
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            return BadRequest(f"Request body is not valid JSON: {exc}")


@dataclass(frozen=True)
class Response:
    """What the emulator answers: a JSON-able body, raw bytes, or nothing."""

    status: int
    body: object | bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def encoded_body(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class RecordedRequest:
    """A request the emulator received, with how it was answered.

    Headers are kept as sent, secrets included: tests assert on them.
    `status` is None when the connection was closed without an answer;
    `fault` names the injected fault that shaped the answer, if any.
    """

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    status: int | None
    fault: str | None = None

    @property
    def json(self) -> object:
        """The body parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass(frozen=True)
class HandMade:
    """A person put into an account by the vendor's own screens or another tool (not by
    contactctl): what the contract suite's "existing contact" tests start from."""

    phone_digits: str  # e.g. "33612345601"
    first_name: str
    last_name: str
    email: str
    user_id: str  # the account's own id for the person, where the vendor keys by one
    unsubscribed: bool = False
