"""PoolShards: one transport, several small connection pools, over real loopback HTTP."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from contactctl.send.shards import PoolShards
from tests.conftest import SandboxFactory


def test_pool_sizes_add_up_to_the_connections_asked_for() -> None:
    assert PoolShards(32).sizes == [8, 8, 8, 8]
    assert PoolShards(20).sizes == [7, 7, 6]
    assert PoolShards(5).sizes == [5]
    assert PoolShards(1).sizes == [1]


def test_requests_spread_over_the_pools_and_every_slot_is_given_back(
    sandbox: SandboxFactory,
) -> None:
    transport = PoolShards(12, per_pool=4)
    peaks = [0, 0, 0]

    async def main(base_url: str) -> list[int]:
        gate = asyncio.Semaphore(12)  # the sender's concurrency

        async def one(client: httpx.AsyncClient, n: int) -> int:
            async with gate:
                response = await client.get(f"/v1/contacts/phone/3361234{n:04d}")
                for i, count in enumerate(transport.in_flight):
                    peaks[i] = max(peaks[i], count)
                return response.status_code

        async with httpx.AsyncClient(base_url=base_url, transport=transport) as client:
            return await asyncio.gather(*(one(client, n) for n in range(60)))

    with sandbox("callbell") as (emulator, base_url):
        emulator.faults.latency_s = 0.02
        statuses = asyncio.run(main(base_url))
        requests = len(emulator.requests)
    assert requests == 60
    assert set(statuses) <= {200, 401, 404}
    assert transport.in_flight == [0, 0, 0]
    # Fewest-in-flight first: no pool ever had more requests than connections.
    assert max(peaks) <= 4
    assert min(peaks) >= 1


def test_a_dropped_connection_still_gives_its_slot_back(sandbox: SandboxFactory) -> None:
    transport = PoolShards(4, per_pool=2)

    async def main(base_url: str) -> None:
        async with httpx.AsyncClient(base_url=base_url, transport=transport) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/v1/contacts/phone/33612340001")
            await client.get("/v1/contacts/phone/33612340002")

    with sandbox("callbell") as (emulator, base_url):
        emulator.faults.drop_next(after_commit=False)
        asyncio.run(main(base_url))
    assert transport.in_flight == [0, 0]


@pytest.mark.parametrize("proxied", [False, True])
def test_the_client_honours_a_proxy_named_in_the_environment(
    sandbox: SandboxFactory, monkeypatch: pytest.MonkeyPatch, proxied: bool
) -> None:
    from contactctl.providers.base import RunOptions
    from contactctl.providers.octopush import Octopush, OctopushSettings
    from contactctl.sandbox import SANDBOX_CREDENTIALS
    from contactctl.secrets import Redactor, Secret
    from contactctl.send.client import build_client

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with socket.socket() as probe:  # a port nobody listens on: a proxy that refuses
        probe.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{probe.getsockname()[1]}"
    if proxied:
        monkeypatch.setenv("HTTP_PROXY", refused)

    async def main(base_url: str) -> int:
        sandbox_login = SANDBOX_CREDENTIALS["octopush"]
        settings = OctopushSettings(
            base_url=base_url,
            api_login=sandbox_login["api_login"],
            api_key=Secret(sandbox_login["api_key"]),
        )
        octopush = Octopush(settings, RunOptions())
        async with build_client(octopush, 4, Redactor(), verbose=False) as client:
            return (await client.get("/v1/public/contact/list")).status_code

    with sandbox("octopush") as (_, base_url):
        if proxied:  # the request goes to the proxy, which is not there
            with pytest.raises(httpx.ConnectError):
                asyncio.run(main(base_url))
        else:
            assert asyncio.run(main(base_url)) < 500
