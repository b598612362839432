"""Compressed inputs: .gz, .bz2, .xz and a one-file .zip, read as a stream of their content.

The format comes from the name inside (`contacts.csv.gz` is CSV, a zip's one member names its
own), so a compressed export reads exactly like the plain file: same rows, same numbers, same
damage rules. gzip, bzip2 and xz are also recognised by their first bytes (standard input, or
an explicit --input-format on a file named otherwise). Nothing is unpacked to disk or held
whole: the readers' record limit bounds memory whatever the file unpacks to. A broken archive
is an InputError naming the file, when it is opened or halfway through its rows.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
import zlib
from contextlib import ExitStack
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, BinaryIO, cast

from contactctl.errors import InputError
from contactctl.readers.source import ByteInput, with_head

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

# A zip read from standard input must be held whole to find its directory, up to this size.
MAX_PIPED_ZIP_BYTES = 512 << 20
_STREAM_KINDS = (".gz", ".bz2", ".xz")
_MAGIC = ((b"\x1f\x8b", ".gz"), (b"BZh", ".bz2"), (b"\xfd7zXZ\x00", ".xz"))
# What macOS's "Compress" adds beside the file itself.
_PLATFORM_LITTER = ("__MACOSX/", ".DS_Store")
_BROKEN = (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile)


def compression_of(path: str, head: bytes) -> str | None:
    """ ".gz", ".bz2", ".xz" or ".zip" by the file's name, else gzip/bzip2/xz by its bytes."""
    suffix = PurePath(path).suffix.lower()
    if suffix in _STREAM_KINDS or suffix == ".zip":
        return suffix
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


def decompressed(data: ByteInput, kind: str, stack: ExitStack) -> tuple[ByteInput, str]:
    """The content of a compressed input, and the name of the file inside it."""
    raw = _from_the_start(data, kind)
    if kind == ".zip":
        member, name = _zip_member(raw, data.source, stack)
    else:
        member, name = _stream(kind, raw), PurePath(data.source).stem
    stream = io.BufferedReader(_Checked(stack.enter_context(member), data.source))
    return with_head(data.source, stream), name


def _stream(kind: str, raw: BinaryIO) -> IO[bytes]:
    """The decompressing reader over `raw` (the caller's ExitStack closes it)."""
    if kind == ".gz":
        return cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb"))
    if kind == ".bz2":
        return bz2.BZ2File(raw, mode="rb")
    return lzma.LZMAFile(raw, mode="rb")


def broken(source: str, exc: BaseException) -> InputError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputError(
        f"{source} is not a readable archive: {detail}.",
        "Check that it was copied whole; unpack it and import the file inside.",
    )


def _from_the_start(data: ByteInput, kind: str) -> BinaryIO:
    """The raw input from its first byte: rewound where possible, else its first block again
    followed by the rest (a pipe); a piped zip is read whole, as its directory is at the end."""
    rewound = data.rewound()
    if rewound is not None:
        return rewound
    if kind == ".zip":
        return io.BytesIO(data.read_all(MAX_PIPED_ZIP_BYTES, "a zip archive"))
    return io.BufferedReader(_Replayed(data))


def _zip_member(raw: BinaryIO, source: str, stack: ExitStack) -> tuple[IO[bytes], str]:
    try:
        archive = stack.enter_context(zipfile.ZipFile(raw))
        members = [info for info in archive.infolist() if _is_content(info)]
    except _BROKEN as exc:
        raise broken(source, exc) from exc
    if len(members) != 1:
        listed = ", ".join(info.filename for info in members[:5]) or "no file"
        raise InputError(
            f"{source} holds {len(members)} files ({listed}); contactctl reads a zip holding one.",
            "Unpack it and import the files you want (several files are one import).",
        )
    (member,) = members
    if member.flag_bits & 0x1:
        raise InputError(f"{source} is encrypted.", "Unpack it with its password first.")
    try:
        return archive.open(member), PurePath(member.filename).name
    # zipfile raises NotImplementedError for a compression method it lacks (e.g. Deflate64).
    except (*_BROKEN, NotImplementedError) as exc:
        raise broken(source, exc) from exc


def _is_content(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    return not info.is_dir() and not any(part in name for part in _PLATFORM_LITTER)


class _Replayed(io.RawIOBase):
    """A piped input's first block, already read, then the rest of the pipe."""

    def __init__(self, data: ByteInput) -> None:
        super().__init__()
        self._head = memoryview(data.head)
        self._rest = data.rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(target), len(self._head))
            target[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        chunk = self._rest.read(len(target)) or b""
        target[: len(chunk)] = chunk
        return len(chunk)


class _Checked(io.RawIOBase):
    """A decompressing stream whose failures, whenever they come, are InputErrors."""

    def __init__(self, stream: IO[bytes], source: str) -> None:
        super().__init__()
        self._stream = stream
        self._source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        try:
            chunk = self._stream.read(len(memoryview(buffer)))
        except _BROKEN as exc:
            raise broken(self._source, exc) from exc
        memoryview(buffer).cast("B")[: len(chunk)] = chunk
        return len(chunk)
