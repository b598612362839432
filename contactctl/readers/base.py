"""The values every reader shares: what the user asked for, and what a reader hands on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from contactctl.model import InputFormat, RawRow


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a file; None everywhere means "work it out from the file"."""

    fmt: InputFormat | None = None  # None: from the file extension
    sheet: str | None = None  # xlsx: sheet name; default the first sheet
    delimiter: str | None = None  # csv: override; default sniffed among , ; tab |
    encoding: str | None = None  # text formats: override; default detected
    # The longest record (a line, a card, a spreadsheet row) read as a row; a longer one fails
    # on its own, and no reader holds more than a few times this much of the file at once.
    max_record_chars: int = 1_000_000  # the config's max_record_chars


@dataclass
class Table:
    """One opened input: its headers now, its rows lazily.

    `notes` says what the reader changed so the file could be read at all (a blank header
    renamed "column_5", a repeated "Phone" renamed "Phone_2"); the caller may warn with them.
    """

    source: str  # the path as the user typed it, or "<stdin>"
    headers: list[str]
    rows: Iterator[RawRow]
    notes: list[str] = field(default_factory=list)
    # A regular file's size and how many of its bytes were read so far, for the progress
    # bar; None for a stream (standard input from a pipe), whose size is not known.
    size: int | None = None
    bytes_read: Callable[[], int] | None = None
