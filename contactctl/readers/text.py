"""Text files: which encoding, and a decoding stream whose errors name the line."""

from __future__ import annotations

import codecs
import io
from typing import Any, BinaryIO

from contactctl.errors import InputError

SAMPLE_BYTES = 1 << 16
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(sample: bytes, source: str) -> str:
    """BOM first; then UTF-8 if the sample decodes as UTF-8; else a detector's best guess."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if b"\x00" in sample:
        line = sample[: sample.index(b"\x00")].count(b"\n") + 1
        raise InputError(
            f"{source} line {line}: NUL byte; this looks like a binary file, not text.",
            "Check the file, or pass --encoding if it is UTF-16 without a BOM.",
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    # Exports that are not UTF-8 are overwhelmingly Windows-1252; a detector's exotic guess
    # on a short sample is more often wrong than cp1252.
    if best is None or best.encoding not in ("cp1252", "latin_1", "iso8859_15", "cp1250"):
        return "cp1252"
    return str(best.encoding)


def open_text(stream: BinaryIO, source: str, encoding: str | None) -> tuple[io.TextIOWrapper, str]:
    raw: Any = stream
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
    sample = buffered.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
    if not sample:
        raise InputError(f"{source} is empty.")
    chosen = encoding or detect_encoding(sample, source)
    try:
        codecs.lookup(chosen)
    except LookupError:
        raise InputError(f"Unknown encoding {chosen!r}.", "Use e.g. utf-8 or cp1252.") from None
    text = io.TextIOWrapper(buffered, encoding=chosen, errors="strict", newline="")
    return text, chosen


def decode_error(source: str, line: int, exc: UnicodeDecodeError, encoding: str) -> InputError:
    bad = exc.object[exc.start : exc.start + 4]
    hint = (
        "pass --encoding, e.g. --encoding cp1252"
        if encoding.startswith("utf")
        else ("pass the right --encoding")
    )
    return InputError(f"{source} line {line}: undecodable bytes for {encoding} ({bad!r}); {hint}.")
