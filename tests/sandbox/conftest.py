"""Fixtures for the sandbox tests: an emulator served on 127.0.0.1 and httpx clients for it.

`serve("octopush", **emulator_options)` starts the emulator (stopped at teardown) and returns
a `Served` with a client that authenticates the vendor's way. Tests that take a `vendor`
argument run once per emulator, using `write_one` to send each vendor's simplest write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from contactctl.sandbox import EMULATORS, Emulator, SandboxServer
from contactctl.sandbox.ivvy_signing import signed_headers


class IvvySigner(httpx.Auth):
    """Signs each request as VENDORS.md 5.2 says, with the emulator's clock."""

    def __init__(self, key: str, secret: str, clock: Callable[[], float]) -> None:
        self.key, self.secret, self.clock = key, secret, clock

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        target = request.url.raw_path.decode("ascii")
        request.headers.update(
            signed_headers(
                self.key, self.secret, request.method, target, request.content, self.clock()
            )
        )
        yield request


def vendor_auth(name: str, credentials: Mapping[str, str], emulator: Emulator) -> dict[str, Any]:
    """httpx.Client keyword arguments that carry the vendor's credentials."""
    if name == "octopush":
        return {
            "headers": {"api-login": credentials["api_login"], "api-key": credentials["api_key"]}
        }
    if name == "shoutout":
        return {"headers": {"Authorization": f"Apikey {credentials['api_key']}"}}
    if name == "callbell":
        return {"headers": {"Authorization": f"Bearer {credentials['api_token']}"}}
    if name == "pabbly":
        return {"headers": {"Authorization": f"Bearer {credentials['api_key']}"}}
    if name == "ivvy":
        key, secret = credentials["api_key"], credentials["api_secret"]
        return {"auth": IvvySigner(key, secret, lambda: emulator.clock())}
    raise AssertionError(f"no auth for {name}")


@dataclass
class Served:
    emulator: Any
    server: SandboxServer
    client: httpx.Client  # authenticated
    anonymous: httpx.Client  # no credentials at all
    stack: ExitStack

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def make_client(self, timeout_s: float) -> httpx.Client:
        """Another authenticated client, closed at teardown (for a short timeout)."""
        auth = vendor_auth(self.emulator.name, self.emulator.credentials, self.emulator)
        client = httpx.Client(base_url=self.base_url, timeout=timeout_s, **auth)
        return self.stack.enter_context(client)


@pytest.fixture
def serve() -> Iterator[Callable[..., Served]]:
    with ExitStack() as stack:

        def start(name: str, **options: Any) -> Served:
            emulator = EMULATORS[name](**options)
            server = stack.enter_context(SandboxServer(emulator))
            auth = vendor_auth(name, emulator.credentials, emulator)
            client = stack.enter_context(httpx.Client(base_url=server.base_url, timeout=10, **auth))
            anonymous = stack.enter_context(httpx.Client(base_url=server.base_url, timeout=10))
            return Served(emulator, server, client, anonymous, stack)

        yield start


# Each vendor's simplest write of one contact (n makes the number unique) ------------------


def _phone_digits(n: int) -> str:
    return f"3361234{n:04d}"


def _octopush(client: httpx.Client, n: int) -> httpx.Response:
    body = {"contacts": [{"phone_number": f"+{_phone_digits(n)}", "first_name": "Ann"}]}
    return client.post("/v1/public/contact/create", json=body)


def _shoutout(client: httpx.Client, n: int) -> httpx.Response:
    return client.post("/coreservice/contacts", json=[{"mobile_number": _phone_digits(n)}])


def _callbell(client: httpx.Client, n: int) -> httpx.Response:
    body = {"source": "whatsapp", "identifier": _phone_digits(n), "name": "Ann"}
    return client.post("/v1/contacts", json=body)


def _pabbly(client: httpx.Client, n: int) -> httpx.Response:
    return client.post("/api/v1/contacts", json=[{"mobile": _phone_digits(n), "name": "Ann"}])


def _ivvy(client: httpx.Client, n: int) -> httpx.Response:
    body = {"firstName": "Ann", "lastName": "Lee", "email": f"ann{n}@example.com"}
    return client.post("/api/1.0/contact?action=addOrUpdateContact", json=body)


WRITERS: dict[str, Callable[[httpx.Client, int], httpx.Response]] = {
    name: writer
    for name, writer in {
        "octopush": _octopush,
        "shoutout": _shoutout,
        "callbell": _callbell,
        "pabbly": _pabbly,
        "ivvy": _ivvy,
    }.items()
    if name in EMULATORS
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "vendor" in metafunc.fixturenames:
        metafunc.parametrize("vendor", sorted(WRITERS))


@pytest.fixture
def write_one(vendor: str) -> Callable[[httpx.Client, int], httpx.Response]:
    return WRITERS[vendor]
