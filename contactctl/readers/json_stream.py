"""Reading one JSON value at a time from a text stream, so a large array is never held whole.

The standard library parses whole documents only; `raw_decode` parses one value from a
position in a string. The scanner keeps a window of the file, parses the next value from it,
and when the window ends mid-value it reads more and tries again (doubling what it reads, so
a long value costs linear time). One value may not exceed `max_value_chars` (the config's
max_record_chars): past it the file fails, since JSON cannot be resumed after a value.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from contactctl.readers.json_values import DECODER

CHUNK_CHARS = 1 << 20
_SPACE = re.compile(r"[ \t\n\r]*")


class JsonSyntaxError(Exception):
    """Not valid JSON at `line` (of the whole file)."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class JsonScanner:
    """The next character, or the next whole value, of a JSON text."""

    def __init__(self, text: TextIO, max_value_chars: int) -> None:
        self._text = text
        self._max_value_chars = max_value_chars
        self._window = ""
        self._pos = 0
        self._eof = False
        self._lines_dropped = 0
        self._read_more()
        if self._window.startswith("\ufeff"):  # a BOM left by an explicit --encoding
            self._pos = 1

    @property
    def line(self) -> int:
        """The 1-based line of the next unread character."""
        return self._lines_dropped + self._window.count("\n", 0, self._pos) + 1

    def peek(self) -> str:
        """The next character that is not white space, or "" at the end."""
        while True:
            self._pos = _SPACE.match(self._window, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._window):
                return self._window[self._pos]
            if not self._read_more():
                return ""

    def take(self, expected: str) -> None:
        """Consume `expected` (one of the structural characters) or fail."""
        found = self.peek()
        if found != expected:
            shown = repr(found) if found else "the end of the file"
            raise JsonSyntaxError(f"expected {expected!r} but found {shown}", self.line)
        self._pos += 1

    def value(self) -> Any:
        """The next whole value (object, array, string, number, literal)."""
        self.peek()
        while True:
            try:
                value, end = DECODER.raw_decode(self._window, self._pos)
            except json.JSONDecodeError as exc:
                if self._may_be_cut(exc) and self._read_more():
                    continue
                line = self._lines_dropped + exc.lineno
                raise JsonSyntaxError(exc.msg.lower(), line) from None
            except RecursionError:
                raise JsonSyntaxError("nested too deeply", self.line) from None
            # A number at the very end of the window may go on in the next chunk.
            if end == len(self._window) and self._read_more():
                continue
            self._pos = end
            return value

    def _may_be_cut(self, exc: json.JSONDecodeError) -> bool:
        """Whether the error may only mean the window ends mid-value (more text would fix it).

        Errors well before the end of the window are real, so a bad item near the start of a
        large file is reported at once rather than after reading on.
        """
        return exc.msg.startswith("Unterminated string") or exc.pos >= len(self._window) - 8

    def _read_more(self) -> bool:
        if self._eof:
            return False
        pending = len(self._window) - self._pos
        if pending > self._max_value_chars:
            raise JsonSyntaxError(
                f"a value longer than {self._max_value_chars:,} characters "
                "(or a bracket or quote never closed; raise max_record_chars if it is real)",
                self.line,
            )
        chunk = self._text.read(max(CHUNK_CHARS, pending))
        if not chunk:
            self._eof = True
            return False
        self._lines_dropped += self._window.count("\n", 0, self._pos)
        self._window = self._window[self._pos :] + chunk
        self._pos = 0
        return True
