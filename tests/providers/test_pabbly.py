"""The Pabbly Chatflow provider against its emulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx
import pytest

from contactctl.errors import AuthError
from contactctl.model import Contact, Delivery, OnDuplicate, RowResult, Status
from contactctl.providers.base import RunOptions
from contactctl.providers.pabbly import Pabbly, PabblySettings
from contactctl.sandbox import SANDBOX_CREDENTIALS
from contactctl.secrets import Secret
from contactctl.send.client import build_api

KEY = SANDBOX_CREDENTIALS["pabbly"]["api_key"]
SKIP, OVERWRITE = OnDuplicate.SKIP, OnDuplicate.UPDATE


def provider(
    base_url: str, on_duplicate: OnDuplicate, tags: tuple[str, ...] = (), **settings: Any
) -> Pabbly:
    settings.setdefault("api_key", Secret(KEY))
    return Pabbly(
        PabblySettings(base_url=base_url, **settings), RunOptions(on_duplicate, tags=tags)
    )


def contact(row: int, phone: str, name: str | None = "Axelle Durand", **fields: Any) -> Contact:
    return Contact(source="contacts.csv", row=row, phone=phone, name=name, **fields)


def push(
    pabbly: Pabbly,
    batch: Sequence[Contact],
    transport: httpx.AsyncBaseTransport | None = None,
    hooks: Sequence[Callable[[httpx.Request], Awaitable[None]]] = (),
) -> list[RowResult]:
    async def go() -> list[RowResult]:
        client = httpx.AsyncClient(
            base_url=pabbly.base_url(),
            auth=pabbly.auth(),
            timeout=10,
            transport=transport,
            event_hooks={"request": list(hooks)},
        )
        async with client:
            api = build_api(pabbly, client, pabbly.limits.requests_per_second)
            return await pabbly.push(batch, api)

    return asyncio.run(go())


def by_mobile(emulator: Any) -> dict[str, dict[str, Any]]:
    return {record["mobile"]: record for record in emulator.stored()}


def statuses(results: list[RowResult]) -> list[Status]:
    return [r.status for r in results]


def test_skip_new_is_added_existing_is_skipped_and_kept(sandbox: Any) -> None:
    with sandbox("pabbly") as (emulator, base_url):
        push(provider(base_url, SKIP), [contact(2, "+33612345601")])
        batch = [contact(3, "+33612345601", "Someone Else"), contact(4, "+33612345602")]
        results = push(provider(base_url, SKIP), batch)
        stored = by_mobile(emulator)
        looked_up = [r for r in emulator.requests if r.method == "GET"]

    assert statuses(results) == [Status.SKIPPED, Status.ADDED]
    assert results[0].reason == "already at Pabbly Chatflow; kept as it was (--on-duplicate skip)"
    assert stored["33612345601"]["name"] == "Axelle Durand"
    assert sorted(stored) == ["33612345601", "33612345602"]
    assert looked_up == []  # skip needs no look-up


def test_update_writes_new_with_skip_then_existing_with_overwrite(sandbox: Any) -> None:
    with sandbox("pabbly") as (emulator, base_url):
        push(provider(base_url, SKIP), [contact(2, "+33612345601")])
        batch = [contact(3, "+33612345601", "Axelle Martin"), contact(4, "+33612345602")]
        results = push(provider(base_url, OVERWRITE), batch)
        stored = by_mobile(emulator)
        requests = [(r.method, dict(r.query), r.json) for r in emulator.requests[1:]]

    assert statuses(results) == [Status.UPDATED, Status.ADDED]
    assert stored["33612345601"]["name"] == "Axelle Martin"
    assert len(stored) == 2
    # Two requests, no look-up: the whole batch with skip, then only the existing contact.
    assert [(method, query) for method, query, _ in requests] == [
        ("POST", {"onDuplicate": ["skip"]}),
        ("POST", {"onDuplicate": ["overwrite"]}),
    ]
    assert [row["mobile"] for row in requests[1][2]] == ["33612345601"]


def test_update_of_only_new_contacts_is_one_request(sandbox: Any) -> None:
    batch = [contact(row, f"+336123456{row:02d}") for row in range(2, 7)]
    with sandbox("pabbly") as (emulator, base_url):
        results = push(provider(base_url, OVERWRITE), batch)
        requests = list(emulator.requests)

    assert statuses(results) == [Status.ADDED] * 5
    assert [(r.method, dict(r.query)) for r in requests] == [("POST", {"onDuplicate": ["skip"]})]


def test_the_body_mobile_optin_tags_and_attributes(sandbox: Any) -> None:
    row = contact(2, "+33612345601", tags=("vip",), attributes={"city": "Lyon"}, opt_in=False)
    with sandbox("pabbly") as (emulator, base_url):
        push(provider(base_url, SKIP, tags=("lead",)), [row])
        [create] = [r for r in emulator.requests if r.method == "POST"]
        [stored] = emulator.stored()

    assert create.json == [
        {
            "mobile": "33612345601",
            "name": "Axelle Durand",
            "optin": False,
            "tags": ["vip", "lead"],
            "attributes": [{"name": "city", "value": "Lyon"}],
        }
    ]
    assert (stored["mobile"], stored["countryCode"]) == ("33612345601", "33")


def test_blank_cells_never_wipe_what_pabbly_holds(sandbox: Any) -> None:
    full = contact(2, "+33612345601", tags=("vip",), attributes={"city": "Lyon"}, opt_in=True)
    with sandbox("pabbly") as (emulator, base_url):
        push(provider(base_url, SKIP), [full])
        results = push(provider(base_url, OVERWRITE), [contact(3, "+33612345601", name=None)])
        [stored] = emulator.stored()

    assert statuses(results) == [Status.UPDATED]
    assert stored["name"] == "Axelle Durand"
    assert stored["optin"] is True
    assert stored["tags"] == ["vip"]
    assert [(a["name"], a["value"]) for a in stored["attributes"]] == [("city", "Lyon")]


def test_a_refused_row_fails_alone_with_pabblys_reason(sandbox: Any) -> None:
    batch = [
        contact(2, "+33612345601"),
        contact(3, "+33612345602", tags=("no-such-tag",)),
        contact(4, "+33612345603"),
    ]
    with sandbox("pabbly") as (emulator, base_url):
        results = push(provider(base_url, SKIP), batch)
        stored = by_mobile(emulator)

    assert statuses(results) == [Status.ADDED, Status.FAILED, Status.ADDED]
    assert results[1].reason == (
        "rejected by Pabbly Chatflow: Tag 'no-such-tag' does not exist in Settings"
    )
    assert sorted(stored) == ["33612345601", "33612345603"]


def test_a_resend_after_a_lost_answer_does_not_claim_a_skip(sandbox: Any) -> None:
    with sandbox("pabbly") as (emulator, base_url):
        emulator.faults.drop_next(after_commit=True)
        results = push(provider(base_url, SKIP), [contact(2, "+33612345601")])
        stored = emulator.stored()

    # Our own first attempt created it; the resent request was told "already there".
    assert statuses(results) == [Status.UPSERTED]
    assert "an earlier attempt may have created it" in (results[0].reason or "")
    assert len(stored) == 1


def test_update_after_a_lost_first_answer_is_stored_once_and_upserted(sandbox: Any) -> None:
    batch = [contact(2, "+33612345601", "Axelle Martin"), contact(3, "+33612345602")]
    with sandbox("pabbly") as (emulator, base_url):
        push(provider(base_url, SKIP), [contact(1, "+33612345601")])
        emulator.faults.drop_next(after_commit=True, path="/api/v1/contacts")
        results = push(provider(base_url, OVERWRITE), batch)
        stored = by_mobile(emulator)
        writes = [dict(r.query) for r in emulator.requests[1:] if r.method == "POST"]

    # The resent skip pass lists neither: the dropped attempt created one, the other existed,
    # and no look-up could tell them apart now, so both are written and called upserted.
    assert statuses(results) == [Status.UPSERTED, Status.UPSERTED]
    assert "lost answer" in (results[1].reason or "")
    assert writes == [{"onDuplicate": ["skip"]}] * 2 + [{"onDuplicate": ["overwrite"]}]
    assert sorted(stored) == ["33612345601", "33612345602"]
    assert stored["33612345601"]["name"] == "Axelle Martin"


def test_a_429_storm_and_a_503_burst_are_survived(sandbox: Any, virtual_clock: Any) -> None:
    batch = [contact(row, f"+336123456{row:02d}") for row in range(2, 12)]
    with sandbox("pabbly") as (emulator, base_url):
        emulator.faults.fail_next(429, count=5, retry_after_s=3)
        emulator.faults.fail_next(503, count=3)
        results = push(provider(base_url, OVERWRITE, max_retries=8), batch)
        stored = emulator.stored()

    assert statuses(results) == [Status.ADDED] * 10
    assert len(stored) == 10
    assert 3 in virtual_clock.sleeps


def test_a_refused_key_is_an_auth_error(sandbox: Any) -> None:
    with sandbox("pabbly") as (emulator, base_url):
        pabbly = provider(base_url, SKIP, api_key=Secret("wrong-key-value"))
        with pytest.raises(AuthError, match="missing or invalid API credentials"):
            push(pabbly, [contact(2, "+33612345601")])
        assert emulator.stored() == []


def test_a_full_look_up_page_without_the_number_proves_nothing() -> None:
    # Pabbly's filter semantics are undocumented: if it matched loosely and filled a page
    # with other numbers, the look-up after an unnamed failure cannot say the row exists.
    others = [{"mobile": f"3361234{n:04d}", "countryCode": "33"} for n in range(25)]

    def vendor(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"data": {"contacts": others}})
        answer = {"createdContacts": [], "failedCount": 1, "failedContacts": []}
        return httpx.Response(200, json={"data": answer})

    pabbly = provider("http://127.0.0.1:9", OVERWRITE)
    [result] = push(pabbly, [contact(2, "+33612345601")], httpx.MockTransport(vendor))
    assert result.status is Status.FAILED
    assert result.reason == (
        "not confirmed: Pabbly Chatflow reported 1 failure(s) without naming the numbers"
    )


def test_an_unnamed_failure_is_looked_up_only_for_the_unlisted_rows() -> None:
    sent: list[tuple[str, str]] = []

    def vendor(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, str(request.url.query, "ascii")))
        if request.method == "GET":
            held = "33612345602" in str(request.url)
            listed = [{"mobile": "612345602", "countryCode": "33"}] if held else []
            return httpx.Response(200, json={"data": {"contacts": listed}})
        created = [{"mobile": "33612345601"}] if "skip" in str(request.url) else []
        answer = {"createdContacts": created, "failedCount": 1, "failedContacts": []}
        if "overwrite" in str(request.url):
            answer["failedCount"] = 0
        return httpx.Response(200, json={"data": answer})

    batch = [contact(2, "+33612345601"), contact(3, "+33612345602"), contact(4, "+33612345603")]
    results = push(provider("http://127.0.0.1:9", OVERWRITE), batch, httpx.MockTransport(vendor))

    assert statuses(results) == [Status.ADDED, Status.UPDATED, Status.FAILED]
    assert "without naming the number" in (results[2].reason or "")
    assert sorted(sent) == [
        ("GET", "mobile=33612345602"),
        ("GET", "mobile=33612345603"),
        ("POST", "onDuplicate=overwrite"),
        ("POST", "onDuplicate=skip"),
    ]


@pytest.mark.parametrize(
    ("mode", "answers", "status", "reason"),
    [
        # An overwritten contact may be listed nowhere: the skip pass proved it existed.
        (OVERWRITE, [{"failedCount": 0}, {"failedCount": 0}], Status.UPDATED, None),
        # A failure the overwrite pass counts but does not name could be this row.
        (
            OVERWRITE,
            [{"failedCount": 0}, {"failedCount": 1}],
            Status.FAILED,
            "not confirmed: Pabbly Chatflow reported 1 failure(s) without naming the numbers",
        ),
        # A failure Pabbly counts but does not name could be this row.
        (
            SKIP,
            [{"failedCount": 1, "failedContacts": []}],
            Status.FAILED,
            "not confirmed: Pabbly Chatflow reported 1 failure(s) without naming the numbers",
        ),
    ],
)
def test_what_an_answer_that_does_not_list_the_row_means(
    mode: OnDuplicate, answers: list[dict[str, Any]], status: Status, reason: str | None
) -> None:
    left = list(answers)

    def vendor(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        return httpx.Response(200, json={"data": {"createdContacts": [], **left.pop(0)}})

    pabbly = provider("http://127.0.0.1:9", mode)
    [result] = push(pabbly, [contact(2, "+33612345601")], httpx.MockTransport(vendor))
    assert (result.status, result.reason) == (status, reason)
    assert left == []


def test_a_refused_overwrite_pass_keeps_the_rows_the_skip_pass_added() -> None:
    def vendor(request: httpx.Request) -> httpx.Response:
        if "overwrite" in str(request.url):
            return httpx.Response(400, json={"success": False, "error": "Bad request"})
        answer = {"createdContacts": [{"mobile": "33612345601"}], "failedCount": 0}
        return httpx.Response(200, json={"data": answer})

    batch = [contact(2, "+33612345601"), contact(3, "+33612345602")]
    results = push(provider("http://127.0.0.1:9", OVERWRITE), batch, httpx.MockTransport(vendor))

    assert statuses(results) == [Status.ADDED, Status.FAILED]
    assert (results[1].reason or "").startswith("not updated: ")
    assert results[0].delivery is Delivery.LANDED
