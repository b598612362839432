"""Answers are bounded: a size cap and a whole-exchange deadline; past either, a write may
have landed. Real HTTP on 127.0.0.1: the Callbell emulator, and a server that trickles."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from contactctl.errors import UncertainDelivery
from contactctl.model import Delivery
from contactctl.providers.base import RunOptions
from contactctl.providers.callbell import Callbell, CallbellSettings
from contactctl.secrets import Redactor, Secret
from contactctl.send.client import build_api, build_client
from tests.conftest import SandboxFactory

BODY = {"name": "Ann", "identifier": "33612345601", "source": "whatsapp"}


def callbell(base_url: str, **settings: Any) -> Callbell:
    return Callbell(
        CallbellSettings(base_url=base_url, api_token=Secret("sandbox-callbell-token"), **settings),
        RunOptions(),
    )


def create(provider: Callbell) -> None:
    """One Callbell create, through the client and Api a run uses."""

    async def go() -> None:
        redact = Redactor(provider.settings.secrets())
        async with build_client(provider, 1, redact, verbose=True) as client:
            api = build_api(provider, client, 1000.0, redact)
            await api.call("POST", "/v1/contacts", json=BODY, idempotent=False)

    asyncio.run(go())


def test_an_answer_past_max_answer_bytes_is_not_read_and_may_have_landed(
    sandbox: SandboxFactory,
) -> None:
    huge = b'{"contact": [{"uuid": "u", "pad": "' + b"x" * 50_000 + b'"}]}'
    with sandbox("callbell") as (emulator, base_url):
        emulator.faults.answer_next(huge, method="POST")
        with pytest.raises(UncertainDelivery) as caught:
            create(callbell(base_url, max_answer_bytes=10_000))
        stored = emulator.stored()
    assert "larger than 10000 bytes" in caught.value.message
    assert caught.value.delivery is Delivery.MAY_HAVE_LANDED
    assert len(stored) == 1


def test_an_answer_within_max_answer_bytes_is_read(sandbox: SandboxFactory) -> None:
    with sandbox("callbell") as (emulator, base_url):
        create(callbell(base_url, max_answer_bytes=10_000))
        stored = emulator.stored()
    assert len(stored) == 1


class Trickle:
    """Answers 200 with a Content-Length of 200, then one byte at a time, slowly, until the
    client hangs up (or 200 bytes are out)."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.stopped = threading.Event()
        self.hung_up = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        connection, _ = self._listener.accept()
        with connection:
            connection.recv(65536)  # the request: its content does not matter here
            head = (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n"
            )
            connection.sendall(head)
            for _ in range(200):
                # The server's pace, a byte every 0.2 s: well within any per-read timeout.
                if self.stopped.wait(0.2):
                    return
                try:
                    connection.sendall(b" ")
                except OSError:
                    self.hung_up.set()
                    return

    def close(self) -> None:
        self.stopped.set()
        self._listener.close()
        self._thread.join()


@pytest.fixture
def trickle() -> Iterator[Trickle]:
    server = Trickle()
    yield server
    server.close()


def test_a_trickled_answer_cannot_run_past_the_whole_exchange_timeout(trickle: Trickle) -> None:
    provider = callbell(f"http://127.0.0.1:{trickle.port}", timeout=1.0)
    with pytest.raises(UncertainDelivery) as caught:
        create(provider)
    assert "within 1" in caught.value.message
    assert caught.value.delivery is Delivery.MAY_HAVE_LANDED
