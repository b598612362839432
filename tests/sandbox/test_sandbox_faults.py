"""Every fault knob, on every emulator, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import httpx
import pytest

from tests.cli.helpers import wait_until

Writer = Callable[[httpx.Client, int], httpx.Response]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_fail_next_answers_the_status_and_stores_nothing(
    serve, vendor: str, write_one: Writer, status: int
) -> None:
    served = serve(vendor)
    served.emulator.faults.fail_next(status)
    failed = write_one(served.client, 1)
    assert failed.status_code == status
    assert failed.json()  # the vendor's error envelope, not an empty body
    assert served.emulator.stored() == []
    assert write_one(served.client, 1).status_code < 300
    assert len(served.emulator.stored()) == 1


def test_fail_next_429_carries_retry_after(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor)
    served.emulator.faults.fail_next(429, retry_after_s=0.25)
    answer = write_one(served.client, 1)
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "0.25"
    assert served.emulator.stored() == []


def test_fail_next_counts_and_custom_body(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor)
    served.emulator.faults.fail_next(503, count=2, retry_after_s=2, body={"oops": True})
    first, second, third = (write_one(served.client, n) for n in (1, 2, 3))
    assert [first.status_code, second.status_code] == [503, 503]
    assert first.json() == {"oops": True}
    assert first.headers["Retry-After"] == "2"
    assert third.status_code < 300
    assert len(served.emulator.stored()) == 1


def test_queued_faults_are_taken_in_order(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor)
    served.emulator.faults.fail_next(429)
    served.emulator.faults.fail_next(502)
    statuses = [write_one(served.client, n).status_code for n in (1, 2, 3)]
    assert statuses[:2] == [429, 502]
    assert statuses[2] < 300
    assert served.emulator.faults.pending == 0


def test_a_fault_for_another_path_waits_for_its_path(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor)
    served.emulator.faults.fail_next(500, path="/elsewhere")
    assert write_one(served.client, 1).status_code < 300
    assert served.emulator.faults.pending == 1
    assert served.anonymous.get("/elsewhere").status_code == 500


def test_a_fault_containing_a_text_waits_for_a_request_that_holds_it(
    serve, vendor: str, write_one: Writer
) -> None:
    served = serve(vendor)
    served.emulator.faults.drop_next(after_commit=True, containing="no such text")
    assert write_one(served.client, 1).status_code < 300  # its body does not hold it
    assert served.emulator.faults.pending == 1


def test_drop_before_commit_stores_nothing(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor)
    served.emulator.faults.drop_next(after_commit=False)
    with pytest.raises(httpx.RemoteProtocolError):
        write_one(served.client, 1)
    assert served.emulator.stored() == []
    assert served.emulator.requests[-1].status is None
    assert write_one(served.client, 2).status_code < 300  # a new connection works


def test_drop_after_commit_stores_it_but_never_answers(
    serve, vendor: str, write_one: Writer
) -> None:
    served = serve(vendor)
    served.emulator.faults.drop_next(after_commit=True)
    with pytest.raises(httpx.RemoteProtocolError):
        write_one(served.client, 1)
    assert len(served.emulator.stored()) == 1


def test_malformed_after_commit_is_a_2xx_that_is_not_json(
    serve, vendor: str, write_one: Writer
) -> None:
    served = serve(vendor)
    served.emulator.faults.malformed_next()
    answer = write_one(served.client, 1)
    assert 200 <= answer.status_code < 300
    with pytest.raises(ValueError, match=r"Expecting|Unterminated|Extra|delimiter"):
        answer.json()
    assert len(served.emulator.stored()) == 1


def test_malformed_before_commit_stores_nothing(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor)
    served.emulator.faults.malformed_next(after_commit=False)
    answer = write_one(served.client, 1)
    assert answer.status_code == 200
    with pytest.raises(ValueError, match=r"Expecting|Unterminated|Extra|delimiter"):
        answer.json()
    assert served.emulator.stored() == []


def test_slow_reply_committed_first_lands_although_the_client_gave_up(
    serve, vendor: str, write_one: Writer
) -> None:
    served = serve(vendor)
    impatient = served.make_client(timeout_s=0.2)
    served.emulator.faults.slow_next(60, commit=True)
    with pytest.raises(httpx.ReadTimeout):
        write_one(impatient, 1)
    # On a busy machine the server's thread may commit after the client gave up.
    wait_until(lambda: len(served.emulator.stored()) == 1, "the slow write to land")


def test_slow_reply_not_committed_has_not_landed_when_the_client_gives_up(
    serve, vendor: str, write_one: Writer
) -> None:
    served = serve(vendor)
    impatient = served.make_client(timeout_s=0.2)
    served.emulator.faults.slow_next(60, commit=False)
    with pytest.raises(httpx.ReadTimeout):
        write_one(impatient, 1)
    assert served.emulator.stored() == []


def test_latency_delays_every_reply_after_the_work(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor, latency_s=60)
    impatient = served.make_client(timeout_s=0.2)
    with pytest.raises(httpx.ReadTimeout):
        write_one(impatient, 1)
    wait_until(lambda: len(served.emulator.stored()) == 1, "the delayed write to land")


def test_a_delayed_reply_does_not_hold_up_other_requests(
    serve, vendor: str, write_one: Writer
) -> None:
    served = serve(vendor, latency_s=60)
    first_handled = threading.Event()
    handle = served.emulator.handle

    def handle_and_tell(request):  # type: ignore[no-untyped-def]
        try:
            return handle(request)
        finally:
            first_handled.set()

    served.emulator.handle = handle_and_tell
    slow_client = served.make_client(timeout_s=30)
    waiting = threading.Thread(target=lambda: _swallow(lambda: write_one(slow_client, 1)))
    waiting.start()
    assert first_handled.wait(10)
    served.emulator.faults.latency_s = 0
    assert write_one(served.client, 2).status_code < 300
    assert waiting.is_alive()  # the first is still waiting out its 60 s
    served.server.stop()  # cuts the wait short
    waiting.join(10)
    assert not waiting.is_alive()


def test_go_away_refuses_connections_until_come_back(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor)
    assert write_one(served.client, 1).status_code < 300  # a kept-alive connection exists
    served.emulator.faults.go_away()
    with pytest.raises(httpx.ConnectError):
        write_one(served.client, 2)
    with pytest.raises(httpx.ConnectError):
        write_one(served.make_client(timeout_s=5), 3)
    served.emulator.faults.come_back()
    assert write_one(served.client, 4).status_code < 300
    assert len(served.emulator.stored()) == 2


def test_rate_limit_refuses_the_burst_beyond_the_bucket(
    serve, vendor: str, write_one: Writer
) -> None:
    now = [1000.0]
    served = serve(vendor, requests_per_second=4, retry_after_s=0.5, clock=lambda: now[0])
    statuses = [write_one(served.client, n).status_code for n in range(7)]
    assert sum(s < 300 for s in statuses) == 4
    refused = [s for s in statuses if s == 429]
    assert len(refused) == 3
    answer = write_one(served.client, 99)
    assert answer.headers["Retry-After"] == "0.5"
    assert len(served.emulator.stored()) == 4
    now[0] += 0.5  # half a second refills two tokens
    assert [write_one(served.client, n).status_code < 300 for n in (10, 11, 12)] == [
        True,
        True,
        False,
    ]


def test_rate_limit_can_be_switched_off(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor, requests_per_second=1, clock=lambda: 0.0)
    served.emulator.set_rate_limit(None)
    assert all(write_one(served.client, n).status_code < 300 for n in range(5))


def _swallow(action: Callable[[], object]) -> None:
    with contextlib.suppress(httpx.HTTPError):
        action()


def test_answer_next_commits_then_replaces_the_answer(
    serve, vendor: str, write_one: Writer
) -> None:
    served = serve(vendor)
    served.emulator.faults.answer_next({"message": "ok"}, method="POST")
    answer = write_one(served.client, 1)
    assert answer.status_code == 200
    assert answer.json() == {"message": "ok"}
    assert len(served.emulator.stored()) == 1


def test_answer_next_before_commit_and_raw_bytes(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor)
    served.emulator.faults.answer_next(b"[[[[", status=201, after_commit=False)
    answer = write_one(served.client, 1)
    assert (answer.status_code, answer.content) == (201, b"[[[[")
    assert served.emulator.stored() == []


def test_answer_next_for_another_method_waits(serve, vendor: str, write_one: Writer) -> None:
    served = serve(vendor)
    served.emulator.faults.answer_next({}, method="DELETE")
    assert write_one(served.client, 1).json() != {}
    assert served.emulator.faults.pending == 1
