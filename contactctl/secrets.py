"""Secrets: values that must never reach output, logs, reports or tracebacks."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

REDACTED = "***"


class Secret:
    """A credential. Its repr and str are redacted; `reveal()` is the one way to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED})"

    def __str__(self) -> str:
        return REDACTED

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


class Redactor:
    """Replaces every known secret value in a text with ***.

    Vendors sometimes echo what they were sent (an API key in an error message), so every
    message that leaves the HTTP boundary goes through here, not only the headers.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so a secret containing another is replaced whole. Very short values
        # are skipped: replacing "1" everywhere would shred messages without protecting much.
        shown = {form for s in secrets if len(s) >= 4 for form in representations(s)}
        self._values = sorted(shown, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text


def representations(secret: str) -> set[str]:
    """Every spelling under which a vendor may echo a secret: raw, JSON-escaped (with `\\/`
    too), URL-encoded (path and form style) and base64 (standard and URL-safe)."""
    escaped = json.dumps(secret)[1:-1]
    raw = secret.encode()
    return {
        secret,
        escaped,
        escaped.replace("/", "\\/"),
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret, safe=""),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    }
