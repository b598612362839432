"""The loopback server and the emulator base: lifecycle, threads, routing, control, record."""

from __future__ import annotations

import contextlib
import socket
import threading
from typing import Any

import httpx
import pytest

from contactctl.sandbox import (
    EMULATORS,
    SANDBOX_CREDENTIALS,
    Headers,
    OctopushEmulator,
    Request,
    SandboxServer,
)

OCTOPUSH_HEADERS = {"api-login": "sandbox@example.com", "api-key": "sandbox-octopush-key"}
CREATE = "/v1/public/contact/create"


def _create(client: httpx.Client, phone: str = "+33612345678", **extra: Any) -> httpx.Response:
    body = {"contacts": [{"phone_number": phone}], **extra}
    return client.post(CREATE, json=body, headers=OCTOPUSH_HEADERS)


def test_every_provider_has_an_emulator_and_sandbox_credentials() -> None:
    assert set(EMULATORS) == set(SANDBOX_CREDENTIALS)
    for name, emulator_class in EMULATORS.items():
        assert emulator_class.name == name
        assert emulator_class().credentials == SANDBOX_CREDENTIALS[name]


def test_base_url_is_the_loopback_origin() -> None:
    with SandboxServer(OctopushEmulator()) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert server.port > 0


def test_leaving_the_block_leaves_no_thread_running() -> None:
    before = threading.active_count()
    emulator = OctopushEmulator()
    handled = threading.Event()
    handle = emulator.handle

    def handle_and_tell(request: Request) -> Any:
        try:
            return handle(request)
        finally:
            handled.set()

    with SandboxServer(emulator) as server:
        clients = [httpx.Client(base_url=server.base_url, timeout=30) for _ in range(3)]
        for n, client in enumerate(clients[:2]):
            assert _create(client, f"+3361234567{n}").status_code == 201  # kept alive
        emulator.faults.slow_next(60)  # a request still in flight at exit
        emulator.handle = handle_and_tell  # type: ignore[method-assign]
        stuck = threading.Thread(target=_ignore_errors, args=(lambda: _create(clients[2]),))
        stuck.start()
        assert handled.wait(10)
    stuck.join(10)
    assert not stuck.is_alive()
    for client in clients:
        client.close()
    assert threading.active_count() == before


def test_a_server_can_be_stopped_twice_and_started_again() -> None:
    emulator = OctopushEmulator()
    server = SandboxServer(emulator)
    with server:
        assert _create(httpx.Client(base_url=server.base_url)).status_code == 201
    server.stop()
    with server, httpx.Client(base_url=server.base_url) as client:
        assert _create(client, "+33698765432").status_code == 201
    assert len(emulator.stored()) == 2


def test_the_vendor_can_go_away_in_the_middle_of_a_request() -> None:
    emulator = OctopushEmulator()
    handle = emulator.handle

    def answer_then_vanish(request: Request) -> Any:
        try:
            return handle(request)
        finally:
            emulator.faults.go_away()

    emulator.handle = answer_then_vanish  # type: ignore[method-assign]
    with SandboxServer(emulator) as server, httpx.Client(base_url=server.base_url) as client:
        assert _create(client).status_code == 201  # the request that was in flight is answered
        with pytest.raises(httpx.TransportError):
            _create(client, "+33698765432")  # its kept-alive connection is closed
        with pytest.raises(httpx.ConnectError):
            _create(client, "+33698765432")  # and nobody listens any more
        emulator.handle = handle  # type: ignore[method-assign]
        emulator.faults.come_back()
        assert _create(client, "+33698765432").status_code == 201
    assert len(emulator.stored()) == 2


def test_a_server_never_started_frees_its_port_on_stop() -> None:
    server = SandboxServer(OctopushEmulator())
    server.stop()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", server.port))


def test_serve_forever_blocks_until_stopped() -> None:
    server = SandboxServer(OctopushEmulator())
    runner = threading.Thread(target=server.serve_forever)
    runner.start()
    with httpx.Client(base_url=server.base_url) as client:
        assert _create(client).status_code == 201
    assert runner.is_alive()
    server.stop()
    runner.join(10)
    assert not runner.is_alive()


def test_a_port_in_use_is_an_os_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError, match=r"[Aa]ddress"):
            SandboxServer(OctopushEmulator(), port=taken.getsockname()[1])


def test_keep_alive_serves_many_requests_on_one_connection() -> None:
    emulator = OctopushEmulator(rate_limited=False)
    with SandboxServer(emulator) as server, httpx.Client(base_url=server.base_url) as client:
        for n in range(20):
            answer = _create(client, f"+336123456{n:02d}")
            assert answer.status_code == 201
            assert answer.headers.get("connection") != "close"
    assert len(emulator.stored()) == 20


def test_chunked_request_bodies_are_read() -> None:
    emulator = OctopushEmulator()
    body = b'{"contacts": [{"phone_number": "+33612345678"}]}'
    with SandboxServer(emulator) as server, httpx.Client(base_url=server.base_url) as client:
        answer = client.post(CREATE, content=iter([body[:10], body[10:]]), headers=OCTOPUSH_HEADERS)
    assert answer.status_code == 201
    assert [c["phone_number"] for c in emulator.stored()] == ["+33612345678"]


def test_control_endpoints_show_and_reset_the_store_without_credentials() -> None:
    emulator = OctopushEmulator()
    with SandboxServer(emulator) as server, httpx.Client(base_url=server.base_url) as client:
        _create(client)
        emulator.faults.fail_next(500)
        listed = client.get("/_sandbox/contacts")
        assert listed.status_code == 200
        assert [c["phone_number"] for c in listed.json()] == ["+33612345678"]
        assert client.post("/_sandbox/reset").status_code == 204
        assert client.get("/_sandbox/contacts").json() == []
        assert client.get("/_sandbox/nothing").status_code == 404
    assert emulator.requests == []  # reset clears the record; control calls are not recorded
    assert emulator.faults.pending == 0


def test_requests_are_recorded_with_headers_as_sent_and_status() -> None:
    emulator = OctopushEmulator()
    with SandboxServer(emulator) as server, httpx.Client(base_url=server.base_url) as client:
        _create(client, list_name="news")
        client.post(CREATE, json={"contacts": []}, headers={"api-login": "x", "api-key": "y"})
    first, second = emulator.requests
    assert (first.method, first.path, first.status) == ("POST", CREATE, 201)
    assert first.headers["API-KEY"] == "sandbox-octopush-key"
    assert first.json == {"contacts": [{"phone_number": "+33612345678"}], "list_name": "news"}
    assert second.status == 401


def test_unknown_paths_are_404_and_wrong_methods_405() -> None:
    with SandboxServer(OctopushEmulator()) as server, httpx.Client(base_url=server.base_url) as c:
        assert c.get("/v1/public/nothing", headers=OCTOPUSH_HEADERS).status_code == 404
        assert c.get(CREATE, headers=OCTOPUSH_HEADERS).status_code == 405


def test_handle_works_without_a_server() -> None:
    emulator = OctopushEmulator()
    request = Request.from_target(
        "post",
        f"{CREATE}?x=1",
        Headers(OCTOPUSH_HEADERS),
        b'{"contacts":[{"phone_number":"+33612345678"}]}',
    )
    answer = emulator.handle(request)
    assert answer.status == 201
    assert request.query_value("x") == "1"


def test_headers_are_case_insensitive_and_keep_their_spelling() -> None:
    headers = Headers([("X-Thing", "a"), ("x-thing", "b"), ("Other", "c")])
    assert headers["x-THING"] == "a, b"
    assert list(headers) == ["X-Thing", "Other"]
    assert "other" in headers


def test_a_body_that_is_not_json_is_the_vendors_400() -> None:
    with SandboxServer(OctopushEmulator()) as server, httpx.Client(base_url=server.base_url) as c:
        answer = c.post(CREATE, content=b"{nope", headers=OCTOPUSH_HEADERS)
    assert answer.status_code == 400
    assert "not valid JSON" in answer.json()["message"]


def test_fault_arguments_are_checked() -> None:
    faults = OctopushEmulator().faults
    with pytest.raises(ValueError, match="HTTP status"):
        faults.fail_next(42)
    with pytest.raises(ValueError, match="count"):
        faults.drop_next(0, after_commit=True)
    with pytest.raises(ValueError, match="negative"):
        faults.slow_next(-1)


def test_rate_limit_per_s_is_accepted_as_the_older_name() -> None:
    assert OctopushEmulator(rate_limit_per_s=7).requests_per_second == 7
    assert OctopushEmulator().requests_per_second == 50
    assert OctopushEmulator(rate_limited=False).requests_per_second is None


def _ignore_errors(action: Any) -> None:
    with contextlib.suppress(httpx.HTTPError):
        action()
