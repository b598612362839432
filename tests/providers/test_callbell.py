"""The Callbell provider against its emulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx
import pytest

from contactctl.errors import AuthError, BatchRejected, UncertainDelivery, UsageError
from contactctl.model import Contact, OnDuplicate, RowResult, Status
from contactctl.providers.base import RunOptions
from contactctl.providers.callbell import Callbell, CallbellSettings
from contactctl.sandbox import SANDBOX_CREDENTIALS
from contactctl.secrets import Secret
from contactctl.send.api import Api
from contactctl.send.client import build_api
from contactctl.send.sender import Sender, SendSettings

Hook = Callable[[httpx.Request], Awaitable[None]]
TOKEN = SANDBOX_CREDENTIALS["callbell"]["api_token"]


def provider(
    base_url: str,
    on_duplicate: OnDuplicate = OnDuplicate.UPDATE,
    tags: tuple[str, ...] = (),
    **settings: Any,
) -> Callbell:
    settings.setdefault("api_token", Secret(TOKEN))
    return Callbell(
        CallbellSettings(base_url=base_url, **settings), RunOptions(on_duplicate, tags=tags)
    )


def contact(
    row: int, phone: str | None, name: str | None = "Axelle Durand", **fields: Any
) -> Contact:
    return Contact(source="contacts.csv", row=row, phone=phone, name=name, **fields)


def make_api(client: httpx.AsyncClient, callbell: Callbell) -> Api:
    return build_api(callbell, client, callbell.limits.requests_per_second)


def client_for(callbell: Callbell, hooks: Sequence[Hook] = ()) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=callbell.base_url(),
        auth=callbell.auth(),
        timeout=10,
        event_hooks={"request": list(hooks)},
    )


def push_each(
    callbell: Callbell, contacts: Sequence[Contact], hooks: Sequence[Hook] = ()
) -> list[RowResult]:
    """Each contact in its own push, one after the other (the emulator sees them in order)."""

    async def go() -> list[RowResult]:
        async with client_for(callbell, hooks) as client:
            api = make_api(client, callbell)
            return [r for c in contacts for r in await callbell.push([c], api)]

    return asyncio.run(go())


def send_all(
    callbell: Callbell,
    contacts: Sequence[Contact],
    hooks: Sequence[Hook] = (),
    concurrency: int | None = None,
) -> list[RowResult]:
    """Through the real sender (which runs the create-once protocol): one contact per batch,
    `concurrency` (default: the vendor's default) in flight."""
    results: list[RowResult] = []

    async def go() -> None:
        async with client_for(callbell, hooks) as client:
            settings = SendSettings(1, concurrency or callbell.limits.default_concurrency)
            await Sender(callbell, make_api(client, callbell), settings, results.append).run(
                contacts
            )

    asyncio.run(go())
    return sorted(results, key=lambda r: r.row)


def fault_on_create(
    emulator: Any, count: int, *, after_commit: bool, malformed: bool = False
) -> Hook:
    """Queue a lost answer just before each of the next `count` creates goes out: a dropped
    connection, or a 2xx that is not JSON. Queued from the client because the look-ups share
    the create's path prefix."""
    remaining = [count]

    async def hook(request: httpx.Request) -> None:
        if request.method == "POST" and request.url.path == "/v1/contacts" and remaining[0]:
            remaining[0] -= 1
            queue = emulator.faults.malformed_next if malformed else emulator.faults.drop_next
            queue(path="/v1/contacts", after_commit=after_commit)

    return hook


def by_phone(emulator: Any) -> dict[str, dict[str, Any]]:
    return {record["phoneNumber"]: record for record in emulator.stored()}


def test_absent_is_added_present_is_updated_or_skipped(sandbox: Any) -> None:
    with sandbox("callbell") as (emulator, base_url):
        first = push_each(provider(base_url), [contact(2, "+33612345601")])
        renamed = contact(3, "+33612345601", "Axelle Martin")
        again = push_each(provider(base_url), [renamed, contact(4, "+33612345602")])
        kept = push_each(
            provider(base_url, OnDuplicate.SKIP), [contact(5, "+33612345601", "Someone Else")]
        )
        stored = by_phone(emulator)

    assert [r.status for r in first + again + kept] == [
        Status.ADDED,
        Status.UPDATED,
        Status.ADDED,
        Status.SKIPPED,
    ]
    assert kept[0].reason == "already at Callbell; kept as it was (--on-duplicate skip)"
    # Phone as E.164 digits without "+", each number stored once, the skip changed nothing.
    assert sorted(stored) == ["33612345601", "33612345602"]
    assert stored["33612345601"]["name"] == "Axelle Martin"
    assert first[0].id == again[0].id == kept[0].id == stored["33612345601"]["uuid"]


def test_tags_and_custom_fields_pass_through_and_blanks_never_wipe(sandbox: Any) -> None:
    with sandbox("callbell") as (emulator, base_url):
        full = contact(2, "+33612345601", tags=("vip",), attributes={"City": "Lyon"})
        push_each(provider(base_url, tags=("lead",)), [full])
        bare = contact(3, "+33612345601", name=None)
        results = push_each(provider(base_url, name_fallback="phone"), [bare])
        [record] = emulator.stored()
        patches = [r for r in emulator.requests if r.method == "PATCH"]

    # A row of blanks would change nothing: it is up to date, and no PATCH goes out.
    assert results[0].status is Status.SKIPPED
    assert results[0].reason == "already up to date at Callbell"
    assert patches == []
    assert record["tags"] == ["vip", "lead"]
    assert record["customFields"] == {"City": "Lyon"}
    # The fallback names new contacts only; an update never replaces a name with a number.
    assert record["name"] == "Axelle Durand"


def test_name_fallback_names_a_new_contact_after_its_number(sandbox: Any) -> None:
    with sandbox("callbell") as (emulator, base_url):
        callbell = provider(base_url, name_fallback="phone")
        results = push_each(callbell, [contact(2, "+33612345601", name=None)])
        [record] = emulator.stored()

    assert results[0].status is Status.ADDED
    assert record["name"] == "+33612345601"


def test_rules_before_sending() -> None:
    plain = provider("http://127.0.0.1:1")
    assert plain.check_contact(contact(2, "+33612345601", name=None)) == (
        "no name (Callbell needs one; set name_fallback: phone to use the number)"
    )
    assert plain.check_contact(contact(2, None)) == "no phone number (Callbell needs one)"
    assert (
        provider("http://127.0.0.1:1", name_fallback="phone").check_contact(
            contact(2, "+33612345601", name=None)
        )
        is None
    )
    with pytest.raises(UsageError, match="name_fallback"):
        provider("http://127.0.0.1:1", name_fallback="email").check_run()


def test_creates_dropped_after_commit_are_found_not_duplicated(sandbox: Any) -> None:
    contacts = [contact(2, "+33612345601"), contact(3, "+33612345602")]
    with sandbox("callbell") as (emulator, base_url):
        hook = fault_on_create(emulator, 2, after_commit=True)
        results = send_all(provider(base_url), contacts, [hook], concurrency=1)
        stored = emulator.stored()
        creates = [r for r in emulator.requests if r.method == "POST"]

    assert [r.status for r in results] == [Status.ADDED, Status.ADDED]
    assert all(r.reason and r.reason.startswith("confirmed by look-up after ") for r in results)
    assert sorted(r["phoneNumber"] for r in stored) == ["33612345601", "33612345602"]
    assert len(creates) == 2  # the emulator makes duplicates: a blind resend would show here
    assert {r.id for r in results} == {record["uuid"] for record in stored}


def test_a_create_dropped_before_commit_is_sent_again(sandbox: Any) -> None:
    with sandbox("callbell") as (emulator, base_url):
        hook = fault_on_create(emulator, 1, after_commit=False)
        results = send_all(provider(base_url), [contact(2, "+33612345601")], [hook], 1)
        stored = emulator.stored()
        creates = [r for r in emulator.requests if r.method == "POST"]

    assert results[0].status is Status.ADDED
    assert results[0].reason is None
    assert len(stored) == 1
    assert len(creates) == 2


def test_a_malformed_answer_to_a_create_is_checked_by_look_up(sandbox: Any) -> None:
    with sandbox("callbell") as (emulator, base_url):
        hook = fault_on_create(emulator, 1, after_commit=True, malformed=True)
        results = send_all(provider(base_url), [contact(2, "+33612345601")], [hook], 1)
        stored = emulator.stored()

    assert len(stored) == 1
    assert results[0].status is Status.ADDED
    assert results[0].reason == (
        "confirmed by look-up after Callbell answered 200 with a body that is not JSON"
    )
    assert results[0].id == stored[0]["uuid"]


def test_a_429_storm_and_a_503_burst_are_survived(sandbox: Any, virtual_clock: Any) -> None:
    contacts = [contact(row, f"+336123456{row:02d}") for row in range(2, 12)]
    with sandbox("callbell") as (emulator, base_url):
        emulator.faults.fail_next(429, count=5, retry_after_s=2)
        emulator.faults.fail_next(503, count=3)
        # Every queued failure hits the first request: it needs 8 retries.
        results = push_each(provider(base_url, max_retries=8), contacts)
        stored = emulator.stored()

    assert [r.status for r in results] == [Status.ADDED] * 10
    assert len(stored) == 10
    assert 2 in virtual_clock.sleeps  # Retry-After honoured


def test_many_contacts_concurrently_each_stored_once(sandbox: Any) -> None:
    contacts = [contact(row, f"+336123456{row:02d}") for row in range(2, 62)]
    with sandbox("callbell") as (emulator, base_url):
        results = send_all(provider(base_url), contacts)
        stored = emulator.stored()

    assert [r.status for r in results] == [Status.ADDED] * 60
    assert sorted(r["phoneNumber"] for r in stored) == sorted((c.phone or "")[1:] for c in contacts)


def test_a_refused_row_fails_alone_with_the_vendor_message(sandbox: Any) -> None:
    contacts = [
        contact(2, "+33612345601"),
        contact(3, "+33612345602", tags=("no-such-tag",)),
        contact(4, "+33612345603"),
    ]
    with sandbox("callbell") as (emulator, base_url):
        with pytest.raises(BatchRejected, match="does not exist"):
            push_each(provider(base_url), contacts[1:2])
        results = send_all(provider(base_url), contacts)
        stored = by_phone(emulator)

    assert [r.status for r in results] == [Status.ADDED, Status.FAILED, Status.ADDED]
    assert results[1].reason == (
        "rejected by Callbell: Tag 'no-such-tag' does not exist in this account"
    )
    assert sorted(stored) == ["33612345601", "33612345603"]


def test_a_refused_token_is_an_auth_error(sandbox: Any) -> None:
    with sandbox("callbell") as (emulator, base_url):
        callbell = provider(base_url, api_token=Secret("wrong-token-value"))
        with pytest.raises(AuthError, match="Unauthorized"):
            push_each(callbell, [contact(2, "+33612345601")])
        assert emulator.stored() == []


def test_channel_uuid_goes_to_the_look_up_and_the_create(sandbox: Any) -> None:
    channel = "0c8d2f4e6a1b3c5d7e9f1a2b3c4d5e6f"
    with sandbox("callbell") as (emulator, base_url):
        push_each(provider(base_url, channel_uuid=channel), [contact(2, "+33612345601")])
        look_up, create = emulator.requests

    assert look_up.path == "/v1/contacts/phone/33612345601"
    assert look_up.query == {"channel_uuid": [channel]}
    assert create.json == {
        "source": "whatsapp",
        "identifier": "33612345601",
        "name": "Axelle Durand",
        "channel_uuid": channel,
    }


def test_the_provider_itself_never_looks_up_nor_resends_an_uncertain_create(
    sandbox: Any,
) -> None:
    # The create-once protocol is the core's (send/once.py); the provider only translates.
    with sandbox("callbell") as (emulator, base_url):
        hook = fault_on_create(emulator, 1, after_commit=True)
        with pytest.raises(UncertainDelivery):
            push_each(provider(base_url), [contact(2, "+33612345601")], [hook])
        methods = [r.method for r in emulator.requests]
    assert methods == ["GET", "POST"]


def test_an_update_answered_without_the_contact_is_not_confirmed(sandbox: Any) -> None:
    with sandbox("callbell") as (emulator, base_url):
        push_each(provider(base_url), [contact(2, "+33612345601")])
        emulator.faults.answer_next({"message": "ok"}, method="PATCH")
        renamed = push_each(provider(base_url), [contact(3, "+33612345601", "Axelle Martin")])
        stored = by_phone(emulator)
    assert renamed[0].status is Status.FAILED
    assert renamed[0].reason == "not confirmed: Callbell's answer has no contact uuid"
    assert stored["33612345601"]["name"] == "Axelle Martin"  # it landed; the answer did not say


def test_an_update_keeps_the_tags_the_contact_had(sandbox: Any) -> None:
    with sandbox("callbell") as (emulator, base_url):
        with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}) as c:
            by_hand = {"identifier": "33612345601", "source": "whatsapp", "name": "Axelle"}
            c.post("/v1/contacts", json=by_hand | {"tags": ["Call back", "VIP"]})
        results = push_each(
            provider(base_url, tags=("lead",)), [contact(2, "+33612345601", tags=("vip",))]
        )
        [record] = emulator.stored()
        patch = next(r for r in emulator.requests if r.method == "PATCH").json

    assert results[0].status is Status.UPDATED
    # The emulator's PATCH replaces the list: what we send is what the contact keeps.
    assert patch["tags"] == ["Call back", "vip", "lead"]
    assert record["tags"] == ["Call back", "vip", "lead"]


def test_a_look_up_answered_without_a_uuid_sends_nothing(sandbox: Any) -> None:
    # A 200 that names no contact does not say the contact is absent: creating it could
    # duplicate one that exists, so the row fails and nothing is written.
    with sandbox("callbell") as (emulator, base_url):
        send_all(provider(base_url), [contact(2, "+33612345601")])
        emulator.faults.answer_next({"message": "ok"}, method="GET")
        results = send_all(provider(base_url), [contact(3, "+33612345601", "Axelle Martin")])
        stored = emulator.stored()
        writes = [r.method for r in emulator.requests if r.method != "GET"]

    assert results[0].status is Status.FAILED
    assert "no contact uuid" in str(results[0].reason)
    assert results[0].delivery.value == "not sent"
    assert writes == ["POST"]  # the first run's create; no second create, no update
    assert [r["name"] for r in stored] == ["Axelle Durand"]


def test_a_confirming_look_up_without_a_uuid_leaves_the_create_not_confirmed(
    sandbox: Any,
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        lost = fault_on_create(emulator, 1, after_commit=True)

        async def then_a_vague_look_up(request: httpx.Request) -> None:
            if request.method == "POST":
                emulator.faults.answer_next({"message": "ok"}, method="GET")

        results = send_all(
            provider(base_url), [contact(2, "+33612345601")], [lost, then_a_vague_look_up], 1
        )
        stored = emulator.stored()
        creates = [r for r in emulator.requests if r.method == "POST"]

    assert len(creates) == 1  # never re-sent while the vendor may hold it
    assert len(stored) == 1
    assert results[0].status is Status.FAILED
    assert str(results[0].reason).startswith("not confirmed: checking it failed: ")
    assert results[0].delivery.value == "may have landed"
