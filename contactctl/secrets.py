"""Secrets: values that must never reach output, logs, reports or tracebacks."""

from __future__ import annotations

from collections.abc import Iterable

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
        self._values = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text
