"""Figure 5b: the HTTP client options the issue asks to compare, on the figure-5 workload.

`python bench/transports.py BASE_URL TOKEN REQUESTS CONCURRENCY PACE` runs, in this child
process, the same paced Callbell look-ups through contactctl's Api (retries, pacing,
redaction) over each transport, and prints one JSON line: per option, client CPU ms per
request and requests/s. The options: httpx's own pool holding every connection (what
contactctl uses), and, when installed, the httpx-aiohttp transport behind the same httpx API
and plain aiohttp without httpx (the floor).
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from contactctl.secrets import Redactor
from contactctl.send.api import Api, ApiSettings
from contactctl.send.pacing import TokenBucket

LOOKUP = "/v1/contacts/phone/3361234{:04d}"
Send = Callable[[int], Awaitable[Any]]


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _drive(send: Send, requests: int, concurrency: int) -> dict[str, float]:
    queue = iter(range(requests))

    async def worker() -> None:
        for n in queue:
            await send(n)

    cpu, wall = _cpu_s(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    cpu, wall = _cpu_s() - cpu, time.perf_counter() - wall
    return {
        "cpu_ms_per_request": round(cpu / requests * 1000, 3),
        "requests_per_s": requests / wall,
    }


async def _through_httpx(transport: httpx.AsyncBaseTransport, args: dict[str, Any]) -> Any:
    headers = {"Authorization": f"Bearer {args['token']}"}
    async with httpx.AsyncClient(
        base_url=args["base_url"], transport=transport, headers=headers
    ) as client:
        api = Api(
            client,
            TokenBucket(args["pace"]),
            ApiSettings("Callbell", 3),
            Redactor([args["token"]]),
            lambda _data, text: text,
        )

        async def send(n: int) -> Any:
            return await api.call("GET", LOOKUP.format(n), accept=frozenset({404}))

        return await _drive(send, args["requests"], args["concurrency"])


async def _plain_aiohttp(args: dict[str, Any]) -> Any:
    import aiohttp

    pacer = TokenBucket(args["pace"])
    headers = {"Authorization": f"Bearer {args['token']}"}
    connector = aiohttp.TCPConnector(limit=args["concurrency"])
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def send(n: int) -> Any:
            await pacer.acquire()
            async with session.get(args["base_url"] + LOOKUP.format(n)) as response:
                return await response.read()

        return await _drive(send, args["requests"], args["concurrency"])


def _options(args: dict[str, Any]) -> dict[str, Callable[[], Awaitable[Any]]]:
    size = args["concurrency"]
    limits = httpx.Limits(max_connections=size, max_keepalive_connections=size)
    options: dict[str, Callable[[], Awaitable[Any]]] = {
        f"httpx, one pool of {size} (contactctl)": lambda: _through_httpx(
            httpx.AsyncHTTPTransport(limits=limits), args
        ),
    }
    try:
        from httpx_aiohttp import AiohttpTransport
    except ImportError:
        return options
    options["httpx + httpx-aiohttp transport"] = lambda: _through_httpx(
        AiohttpTransport(limits=limits), args
    )
    options["aiohttp alone, no httpx API"] = lambda: _plain_aiohttp(args)
    return options


def main(argv: list[str]) -> int:
    base_url, token, requests, concurrency, pace = argv
    args = {
        "base_url": base_url,
        "token": token,
        "requests": int(requests),
        "concurrency": int(concurrency),
        "pace": float(pace),
    }
    results = {name: asyncio.run(run()) for name, run in _options(args).items()}
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
