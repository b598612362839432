"""Answers bounded in size: a vendor's body is read through a counting stream with a cap.

An endless or huge answer must not grow memory without limit (`max_answer_bytes` in the
provider block). The cap is installed as the client's first response hook, so everything that
reads the body afterwards (httpx itself, the `-v` logger) reads it through the bound. The
whole-exchange deadline (`timeout`, connect to last byte) is the Api's (`asyncio.timeout`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx

DEFAULT_MAX_ANSWER_BYTES = 4 * 1024 * 1024


class AnswerTooLarge(httpx.StreamError):
    """The vendor's answer went past `max_answer_bytes`: it is not read any further."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"answer larger than {limit} bytes (max_answer_bytes)")
        self.limit = limit


class _BoundedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        seen = 0
        async for chunk in self._inner:
            seen += len(chunk)
            if seen > self._limit:
                raise AnswerTooLarge(self._limit)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def size_cap(limit: int) -> Callable[[httpx.Response], Awaitable[None]]:
    """A response hook that makes the body readable only up to `limit` bytes."""

    async def bound(response: httpx.Response) -> None:
        stream = response.stream
        if isinstance(stream, httpx.AsyncByteStream):
            response.stream = _BoundedStream(stream, limit)

    return bound
