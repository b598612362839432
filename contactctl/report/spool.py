"""Rows wait on disk, not in memory, until the run ends; final files appear whole or not at all."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from contactctl.model import RowResult

if TYPE_CHECKING:
    from contactctl.report.ordering import SourceOrder

# The per-row fields of every report, in the order of SPEC section 7.
ROW_FIELDS = ("source", "row", "name", "phone", "email", "status", "reason", "id")

RowRecord = dict[str, Any]

# One encoder for every line: json.dumps builds a new one per call when given any option.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_DECODE = json.JSONDecoder().decode


class JsonLinesSpool:
    """An anonymous temporary file of JSON values, one per line.

    The file has no name on disk (where the platform allows), so a crash leaves nothing behind.
    """

    def __init__(self) -> None:
        # Open for the Reporter's whole run, closed by `close`: no `with` block can span that.
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    def append(self, value: object) -> None:
        # json.dumps escapes newlines inside strings, so one value is always one line.
        self._file.write(_ENCODE(value) + "\n")

    def __iter__(self) -> Iterator[Any]:
        """Every value appended so far, in order; each iteration starts from the beginning."""
        self._file.flush()
        self._file.seek(0)
        try:
            for line in self._file:
                yield _DECODE(line)
        finally:
            self._file.seek(0, os.SEEK_END)

    def close(self) -> None:
        self._file.close()


class RowSpool:
    """Every RowResult's report fields (never its raw cells); read back in file order."""

    def __init__(self, order: SourceOrder | None = None) -> None:
        from contactctl.report.ordering import SourceOrder

        self._spool = JsonLinesSpool()
        self._order = order or SourceOrder()

    def append(self, result: RowResult) -> None:
        # A list, not a dict: the field names would double the size of the temporary file.
        self._spool.append([getattr(result, name) for name in ROW_FIELDS])

    def records(self, source: str | None = None) -> Iterator[RowRecord]:
        """The rows as report dicts in file order, optionally only those of one source."""
        from contactctl.report.ordering import in_order

        rank = self._order.rank
        chosen = (v for v in self._spool if source is None or v[0] == source)
        for values in in_order(chosen, lambda v: (rank(v[0]), v[1])):
            yield dict(zip(ROW_FIELDS, values, strict=True))

    def close(self) -> None:
        self._spool.close()


@contextmanager
def atomic_text_file(path: Path) -> Iterator[TextIO]:
    """Write `path` through `path.tmp` and rename it into place only once it is complete."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        # newline="": the csv module writes its own line endings.
        with tmp.open("w", encoding="utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        # Ctrl-C or a full disk mid-write: no half report, no stray .tmp file.
        tmp.unlink(missing_ok=True)
        raise
