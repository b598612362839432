"""Several small httpx connection pools behind one transport.

httpcore's pool does work in proportion to the connections it holds on every request: it
checks each one for expiry, an extra system call per idle connection. Against Callbell at
250 requests/s with 32 connections in one pool that was 3.8 ms of CPU a request and the
client's whole core, so it fell to 193 requests/s; the same 32 connections as four pools
of 8 cost 2.0 ms and keep the pace (`bench/run --only 5`). Each request goes to the pool
with the fewest requests in flight. httpx's API, errors and timeouts are unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx

CONNECTIONS_PER_POOL = 8


class PoolShards(httpx.AsyncBaseTransport):
    def __init__(self, connections: int, per_pool: int = CONNECTIONS_PER_POOL) -> None:
        count = max(1, -(-connections // per_pool))  # ceiling division
        sizes = [connections // count + (i < connections % count) for i in range(count)]
        self.pools = [
            httpx.AsyncHTTPTransport(
                limits=httpx.Limits(max_connections=size, max_keepalive_connections=size)
            )
            for size in sizes
        ]
        self.sizes = sizes
        # Requests sent through each pool whose answer has not been read to the end yet.
        self.in_flight = [0] * count

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        index = min(range(len(self.pools)), key=self.in_flight.__getitem__)
        self.in_flight[index] += 1
        try:
            response = await self.pools[index].handle_async_request(request)
        except BaseException:
            self.in_flight[index] -= 1
            raise
        # The connection stays taken until the body is read or the response closed.
        stream = response.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        response.stream = _Released(stream, lambda: self._release(index))
        return response

    def _release(self, index: int) -> None:
        self.in_flight[index] -= 1

    async def aclose(self) -> None:
        for pool in self.pools:
            await pool.aclose()


class _Released(httpx.AsyncByteStream):
    """A response body that calls `release` once, when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()
