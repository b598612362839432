"""Bytes → text for the text formats: the encoding, NUL bytes, and errors that name the line.

The encoding is chosen from the first block only, so a 1 GB file is never read twice or held in
memory: a byte-order mark first, then UTF-8 if the block is valid UTF-8, then charset-normalizer's
best guess (Windows-1252 when that guess is equally good, as it is for most Western exports).
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from contactctl.errors import InputError
from contactctl.readers.source import ByteInput

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

WESTERN_FALLBACK = "cp1252"
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_BUFFER_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class TextInput:
    """An input as text: `text` streams it (newline="" as csv wants); `sample` is its start."""

    source: str
    encoding: str
    text: TextIO
    sample: str  # the first block decoded, cut after its last complete line unless it is whole


def open_text(data: ByteInput, encoding: str | None) -> TextInput:
    """Decode `data` with `encoding`, or with the encoding its first block shows."""
    chosen = _checked_codec(data, encoding) if encoding else detect_encoding(data.head)
    wide = _is_wide(chosen)
    if not wide:
        _refuse_nul(data.source, data.head, 0)
    raw = _CheckedBytes(data, chosen, byte_oriented=not wide)
    buffered = io.BufferedReader(raw, _BUFFER_BYTES)
    text = io.TextIOWrapper(buffered, encoding=chosen, errors="strict", newline="")
    return TextInput(data.source, chosen, text, _sample(data, chosen))


def detect_encoding(head: bytes) -> str:
    """The encoding the start of a file shows: BOM, else UTF-8, else the best guess."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    try:
        # Not final: the block may end inside a multi-byte character.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return _guess_legacy(head)
    return "utf-8"


def _guess_legacy(head: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = from_bytes(head)
    best = matches.best()
    if best is None:
        return WESTERN_FALLBACK
    # Short samples fit many single-byte code pages equally well; prefer the Western one then.
    for match in matches:
        if match.chaos <= best.chaos and WESTERN_FALLBACK in match.could_be_from_charset:
            return WESTERN_FALLBACK
    return str(best.encoding)


def _checked_codec(data: ByteInput, encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"Unknown encoding {encoding!r}.", "Use a name such as utf-8, cp1252 or utf-16."
        ) from None
    if name == "utf-8" and data.head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"  # the BOM is not part of the first header
    return encoding


def _is_wide(encoding: str) -> bool:
    """UTF-16 and UTF-32 text is full of NUL bytes by design."""
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


def _refuse_nul(source: str, chunk: bytes, lines_before: int) -> None:
    at = chunk.find(b"\x00")
    if at >= 0:
        line = lines_before + chunk.count(b"\n", 0, at) + 1
        raise InputError(
            f"{source} line {line}: NUL bytes; this is not a text file.",
            "If it is UTF-16 without a byte-order mark, pass --encoding utf-16-le.",
        )


def _sample(data: ByteInput, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    sample = decoder.decode(data.head, final=data.is_whole)
    if not data.is_whole:
        cut = max(sample.rfind("\n"), sample.rfind("\r"))
        sample = sample[: cut + 1] if cut >= 0 else sample
    return sample


def undecodable(
    source: str, encoding: str, exc: UnicodeDecodeError, line: int | None
) -> InputError:
    """The error for bytes the encoding cannot decode, naming the line they are on if known."""
    bad = bytes(exc.object[exc.start : exc.end])[:8]
    where = f"{source} line {line}" if line is not None else source
    is_utf8 = codecs.lookup(encoding).name in ("utf-8", "utf-8-sig")
    shown = "utf-8" if is_utf8 else encoding
    hint = "Pass --encoding, e.g. --encoding cp1252." if is_utf8 else "Pass the right --encoding."
    return InputError(f"{where}: undecodable bytes for {shown} ({bad!r}).", hint)


def failed_line(lines_done: int, exc: UnicodeDecodeError) -> int:
    """The line of an undecodable byte, from the lines already read and the failing chunk.

    The text layer decodes a chunk at a time; the chunk starts on the first line not yet
    handed out, so the newlines before the bad byte count the lines after that.
    """
    return lines_done + 1 + bytes(exc.object[: exc.start]).count(b"\n")


class _CheckedBytes(io.RawIOBase):
    """The input's bytes (first block, then the rest), checked before the text layer sees them.

    With a byte-oriented `encoding` (where a 0x0A byte is always a line feed), NUL bytes are
    refused with their line, and bytes the encoding cannot decode stop the input at the start
    of their line: every line before it is handed on (and its rows reported), and the next read
    raises the error naming that line (lines ended by a bare CR count as one here). Left to the
    text layer, the error would come while it decodes a whole chunk ahead, and the rows
    earlier in that chunk would never be read.
    """

    def __init__(self, data: ByteInput, encoding: str, *, byte_oriented: bool) -> None:
        super().__init__()
        self._source = data.source
        self._head = memoryview(data.head)
        self._rest = data.rest if not data.is_whole else None
        self._encoding = encoding
        self._decoder = codecs.getincrementaldecoder(encoding)() if byte_oriented else None
        self._lines_before = 0
        self._failure: InputError | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        if self._failure is not None:
            raise self._failure
        target = memoryview(buffer).cast("B")
        chunk = self._next_chunk(len(target))
        if self._decoder is not None:
            _refuse_nul(self._source, chunk, self._lines_before)
            chunk = self._up_to_undecodable_line(chunk, self._decoder)
            self._lines_before += chunk.count(b"\n")
        target[: len(chunk)] = chunk
        return len(chunk)

    def _up_to_undecodable_line(self, chunk: bytes, decoder: codecs.IncrementalDecoder) -> bytes:
        """`chunk`, or its lines before the first undecodable byte (the error saved for later)."""
        try:
            decoder.decode(chunk, final=not chunk)
            return chunk
        except UnicodeDecodeError as exc:
            # exc.object is what the codec saw: the chunk, after bytes held from the last one
            # (a cut character) or minus a BOM it dropped; its end is the chunk's end.
            bad_at = max(exc.start + len(chunk) - len(exc.object), 0)
            line = self._lines_before + chunk.count(b"\n", 0, bad_at) + 1
            self._failure = undecodable(self._source, self._encoding, exc, line)
        good = chunk[: chunk.rfind(b"\n", 0, bad_at) + 1]
        if not good:  # returning no bytes would read as the end of the input
            raise self._failure
        return good

    def _next_chunk(self, size: int) -> bytes:
        if self._head:
            chunk = bytes(self._head[:size])
            self._head = self._head[size:]
            return chunk
        if self._rest is None:
            return b""
        return self._rest.read(size) or b""


def oversize_problem(limit: int) -> str:
    """The reason a record over the size limit fails with."""
    return f"record longer than {limit:,} characters (raise max_record_chars if it is real)"


def oversize_header(source: str, line: int, limit: int) -> InputError:
    """The error for a header row over the size limit: without it no row can be read."""
    return InputError(
        f"{source} line {line}: the header is longer than {limit:,} characters.",
        "If the file is right, raise max_record_chars in the config.",
    )


class BoundedLines:
    """The lines of `text`, none held longer than `limit` characters.

    A longer line is read through in pieces of `limit` and thrown away (so a 1 GB line costs
    no more memory than a short one); in its place comes a one-character line with the same
    ending, so line and row numbers stay right, and `oversized` goes up by one. A reader checks
    `oversized` after each record it takes and fails that record.

    (A CRLF cut exactly between its CR and LF by a piece boundary reads as two line endings;
    that takes a line of exactly `limit` characters, or one in `limit` oversize lines.)
    """

    def __init__(self, text: TextIO, limit: int) -> None:
        self._readline = text.readline
        self.limit = limit
        self.oversized = 0
        self.ended = False  # the end of the text was reached
        self.last_line = ""  # set at the end: the text's last line

    def __iter__(self) -> Iterator[str]:
        readline = self._readline
        size = self.limit + 1  # the line ending is not part of the record
        last = ""
        while True:
            line = readline(size)
            if len(line) < size or line.endswith(("\n", "\r")):
                if not line:
                    self.ended, self.last_line = True, last
                    return
                last = line
                yield line
            else:
                last = self._skip_rest()
                yield last

    def _skip_rest(self) -> str:
        self.oversized += 1
        while True:
            piece = self._readline(self.limit)
            if not piece:
                return OVERSIZE_MARK
            if piece.endswith("\n"):
                return OVERSIZE_MARK + ("\r\n" if piece.endswith("\r\n") else "\n")
            if piece.endswith("\r"):
                return OVERSIZE_MARK + "\r"


# What stands in for a line that was too long: a private-use character no export writes.
OVERSIZE_MARK = "\ue000"
