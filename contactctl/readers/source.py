"""Opening an input, a path or standard input, as bytes with the first block already in hand.

Every reader needs to look at the start of the file before it reads it for real (the encoding,
the delimiter, whether it is empty), and standard input cannot be rewound, so the first block
is read once here and served again from memory.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from typing import BinaryIO

from contactctl.errors import InputError

STDIN_PATH = "-"
STDIN_SOURCE = "<stdin>"
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class ByteInput:
    """An opened input: the first `HEAD_BYTES` (or fewer) bytes, and the stream after them."""

    source: str
    head: bytes
    rest: BinaryIO

    @property
    def is_whole(self) -> bool:
        """True when `head` is the whole input (no more bytes follow)."""
        return len(self.head) < HEAD_BYTES

    def read_all(self, limit_bytes: int, what: str) -> bytes:
        """Every byte, refusing inputs larger than `limit_bytes` rather than exhausting memory."""
        rest = self.rest.read(limit_bytes + 1 - len(self.head)) if not self.is_whole else b""
        data = self.head + rest
        if len(data) > limit_bytes:
            raise InputError(
                f"{self.source} is larger than {limit_bytes // 2**20} MB, too large for {what}.",
                "Split the file or convert it to CSV.",
            )
        return data

    def rewound(self) -> BinaryIO | None:
        """The stream from its first byte, where it can be rewound (a regular file)."""
        try:
            if self.rest.seekable():
                self.rest.seek(0)
                return self.rest
        except OSError:
            pass
        return None


def open_bytes(path: str, stack: ExitStack, stdin: BinaryIO | None = None) -> ByteInput:
    """Open `path` ("-" is standard input) and read its first block; the stack closes it."""
    if path == STDIN_PATH:
        stream = stdin if stdin is not None else sys.stdin.buffer
        return with_head(STDIN_SOURCE, stream)
    return with_head(path, stack.enter_context(_open_file(path)))


def _open_file(path: str) -> BinaryIO:
    if os.path.isdir(path):
        raise InputError(
            f"{path} is a folder (a directory), not a contact file.", "Give the file's path."
        )
    try:
        return open(path, "rb")  # the caller's ExitStack closes it
    except FileNotFoundError:
        raise InputError(f"{path}: no such file.", "Check the path.") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied.", "Check the file's permissions.") from None
    except OSError as exc:
        raise InputError(f"{path} cannot be opened: {exc.strerror or exc}.") from exc


def with_head(source: str, stream: BinaryIO) -> ByteInput:
    """`stream` with its first block read (an empty one is an InputError)."""
    try:
        head = _read_up_to(stream, HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"{source} cannot be read: {exc.strerror or exc}.") from exc
    if not head:
        raise InputError(f"{source} is empty.")
    return ByteInput(source, head, stream)


def _read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes; pipes may hand them over in several pieces."""
    parts: list[bytes] = []
    wanted = size
    while wanted > 0:
        part = stream.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)
