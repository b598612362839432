"""The iVvy provider against its emulator over real HTTP on 127.0.0.1 (signed requests)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import yaml

from contactctl.errors import AuthError, BatchRejected, UsageError
from contactctl.model import Contact, OnDuplicate, RowResult, Status
from contactctl.providers.base import RunOptions
from contactctl.providers.ivvy import Ivvy, IvvySettings
from contactctl.providers.ivvy_auth import IvvySigner
from contactctl.providers.settings import parse_settings
from contactctl.sandbox import SANDBOX_CREDENTIALS
from contactctl.secrets import Secret
from contactctl.send.client import build_api
from contactctl.send.sender import Sender, SendSettings
from tests.conftest import VirtualClock

Hook = Callable[[httpx.Request], Awaitable[None]]
CREDENTIALS = SANDBOX_CREDENTIALS["ivvy"]
ADD_OR_UPDATE = {"action": ["addOrUpdateContact"]}
ADD_OR_UPDATE_PARAMS = {"action": "addOrUpdateContact"}


def provider(
    base_url: str,
    on_duplicate: OnDuplicate = OnDuplicate.UPDATE,
    **settings: Any,
) -> Ivvy:
    settings.setdefault("api_key", Secret(CREDENTIALS["api_key"]))
    settings.setdefault("api_secret", Secret(CREDENTIALS["api_secret"]))
    ivvy_settings = IvvySettings(base_url=base_url, **settings)
    return Ivvy(ivvy_settings, RunOptions(on_duplicate))


def contact(row: int, **fields: Any) -> Contact:
    fields.setdefault("first_name", "Bobby")
    fields.setdefault("last_name", "Smith")
    return Contact(source="contacts.csv", row=row, **fields)


def push_each(
    ivvy: Ivvy, contacts: Sequence[Contact], hooks: Sequence[Hook] = ()
) -> list[RowResult]:
    async def go() -> list[RowResult]:
        client = httpx.AsyncClient(
            base_url=ivvy.base_url(),
            auth=ivvy.auth(),
            timeout=10,
            event_hooks={"request": list(hooks)},
        )
        async with client:
            api = build_api(ivvy, client, ivvy.limits.requests_per_second)
            return [r for c in contacts for r in await ivvy.push([c], api)]

    return asyncio.run(go())


def send_each(
    ivvy: Ivvy, contacts: Sequence[Contact], hooks: Sequence[Hook] = ()
) -> list[RowResult]:
    """Through the real sender (which runs the create-once protocol), one at a time."""
    results: list[RowResult] = []

    async def go() -> None:
        client = httpx.AsyncClient(
            base_url=ivvy.base_url(),
            auth=ivvy.auth(),
            timeout=10,
            event_hooks={"request": list(hooks)},
        )
        async with client:
            api = build_api(ivvy, client, ivvy.limits.requests_per_second)
            await Sender(ivvy, api, SendSettings(1, 1), results.append).run(contacts)

    asyncio.run(go())
    return results


def adds(emulator: Any) -> list[Any]:
    """The addOrUpdateContact requests that had no id: each one makes a new contact."""
    return [
        r
        for r in emulator.requests
        if r.query == ADD_OR_UPDATE and isinstance(r.json, dict) and "id" not in r.json
    ]


def test_absent_is_added_present_is_updated_or_skipped(sandbox: Any) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        first = push_each(
            provider(base_url),
            [
                contact(2, external_id="CRM-1", email="bobby@example.com", phone="+61455550000"),
                contact(3, email="ann@example.com", first_name="Ann"),
            ],
        )
        again = push_each(
            provider(base_url),
            [contact(4, external_id="CRM-1", email="bobby@example.com", last_name="Smythe")],
        )
        kept = push_each(
            provider(base_url, OnDuplicate.SKIP),
            [contact(5, email="ann@example.com", first_name="Annie")],
        )
        stored = {record["email"]: record for record in emulator.stored()}

    assert [r.status for r in first + again + kept] == [
        Status.ADDED,
        Status.ADDED,
        Status.UPDATED,
        Status.SKIPPED,
    ]
    assert sorted(stored) == ["ann@example.com", "bobby@example.com"]
    assert stored["bobby@example.com"]["externalId"] == "CRM-1"
    assert stored["bobby@example.com"]["lastName"] == "Smythe"
    assert stored["bobby@example.com"]["phone"] == "+61455550000"
    assert stored["ann@example.com"]["externalId"] is None  # the e-mail is not made an id
    assert stored["ann@example.com"]["firstName"] == "Ann"
    assert again[0].id == first[0].id == stored["bobby@example.com"]["id"]
    assert kept[0].reason == "already at iVvy; kept as it was (--on-duplicate skip)"


def test_an_update_needs_no_names_and_wipes_nothing(sandbox: Any) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        push_each(
            provider(base_url),
            [contact(2, external_id="CRM-1", email="bobby@example.com", phone="+61455550000")],
        )
        # Only a new number: no names, no e-mail (a row of blanks would be up to date).
        bare = Contact(source="contacts.csv", row=3, external_id="CRM-1", phone="+61455550001")
        results = push_each(provider(base_url), [bare])
        [stored] = emulator.stored()
        update = emulator.requests[-1].json

    assert results[0].status is Status.UPDATED
    assert update == {"id": 1, "externalId": "CRM-1", "phone": "+61455550001"}
    assert (stored["firstName"], stored["email"], stored["phone"]) == (
        "Bobby",
        "bobby@example.com",
        "+61455550001",
    )


def test_adding_needs_first_name_last_name_and_email(sandbox: Any) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        row = Contact(source="contacts.csv", row=2, external_id="CRM-9", first_name="Bobby")
        results = push_each(provider(base_url), [row])
        assert emulator.stored() == []
        assert adds(emulator) == []

    assert results[0].status is Status.FAILED
    assert results[0].reason == "not at iVvy, and adding a contact needs last name, e-mail"


def test_a_full_name_is_split_for_ivvy(sandbox: Any) -> None:
    row = Contact(source="c.csv", row=2, name="Bobby Smith", email="bobby@example.com")
    with sandbox("ivvy") as (emulator, base_url):
        assert push_each(provider(base_url), [row])[0].status is Status.ADDED
        [stored] = emulator.stored()
    assert (stored["firstName"], stored["lastName"]) == ("Bobby", "Smith")


def test_groups_custom_fields_and_statuses_from_config(sandbox: Any) -> None:
    block = yaml.safe_load(
        "groups: [10, 2481]\ncustom_fields: {33443: newsletter}\nstatus: 2\nsms_status: 4\n"
    )
    settings = parse_settings(IvvySettings, block | CREDENTIALS, "providers.ivvy")
    row = contact(2, email="bobby@example.com", attributes={"newsletter": "No", "city": "Perth"})
    with sandbox("ivvy") as (emulator, base_url):
        ivvy = provider(**vars(settings) | {"base_url": base_url})
        ivvy.check_run()
        results = push_each(ivvy, [row])
        [stored] = emulator.stored()

    assert results[0].status is Status.ADDED
    assert ivvy.unsent_attributes(row) == ["city"]
    assert [g["groupId"] for g in stored["groups"]] == ["10", "2481"]
    assert [(f["fieldId"], f["value"]) for f in stored["customFields"]] == [("33443", ["No"])]
    assert (stored["status"], stored["smsStatus"]) == (2, 4)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"status": 4}, "status must be one of 1, 2, 3, 5"),
        ({"sms_status": 5}, "sms_status must be one of 1, 2, 3, 4"),
        ({"groups": ["ten"]}, "is not a group id"),
        ({"custom_fields": {"newsletter": "33443"}}, "custom_fields.newsletter"),
    ],
)
def test_config_checked_before_sending(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        provider("http://127.0.0.1:9", **settings).check_run()


def test_creates_dropped_after_commit_are_found_not_duplicated(sandbox: Any) -> None:
    rows = [
        contact(2, external_id="CRM-1", email="bobby@example.com"),
        contact(3, external_id="CRM-2", email="ann@example.com"),
    ]
    with sandbox("ivvy") as (emulator, base_url):
        dropped: list[str] = []

        async def drop_each_first_add(request: httpx.Request) -> None:
            body = json.loads(request.content or b"{}")
            add = request.url.params.get("action") == "addOrUpdateContact" and "id" not in body
            if add and body["externalId"] not in dropped:
                dropped.append(body["externalId"])
                emulator.faults.drop_next(after_commit=True)

        results = send_each(provider(base_url), rows, [drop_each_first_add])
        stored = emulator.stored()
        sent_adds = adds(emulator)

    assert [r.status for r in results] == [Status.ADDED, Status.ADDED]
    assert all(r.reason and r.reason.startswith("confirmed by look-up after ") for r in results)
    assert sorted(r["externalId"] for r in stored) == ["CRM-1", "CRM-2"]
    assert len(sent_adds) == 2  # iVvy adds on every call: a blind resend would show here


def test_two_contacts_under_one_external_id_are_left_alone(sandbox: Any) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        signer = IvvySigner(CREDENTIALS["api_key"], CREDENTIALS["api_secret"])
        with httpx.Client(base_url=base_url, auth=signer) as client:
            for _ in range(2):
                body = {"firstName": "B", "lastName": "S", "email": "b@example.com"}
                body["externalId"] = "CRM-1"
                client.post("/api/1.0/contact", params={"action": "addOrUpdateContact"}, json=body)
        results = push_each(
            provider(base_url), [contact(2, external_id="CRM-1", phone="+61455550000")]
        )
        assert all(record["phone"] is None for record in emulator.stored())

    assert results[0].status is Status.FAILED
    assert results[0].reason == "2 iVvy contacts have externalId 'CRM-1'; none was changed"


def test_a_stale_date_is_an_auth_error(sandbox: Any, virtual_clock: VirtualClock) -> None:
    virtual_clock.set_wall(datetime.now(UTC) - timedelta(minutes=10))
    with sandbox("ivvy") as (emulator, base_url):
        ivvy = provider(base_url)
        with pytest.raises(AuthError, match=r"Request is stale \[iVvy code 23005\]"):
            push_each(ivvy, [contact(2, email="bobby@example.com")])
        assert emulator.stored() == []


def test_a_wrong_secret_is_an_auth_error(sandbox: Any) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        ivvy = provider(base_url, api_secret=Secret("not-the-secret"))
        with pytest.raises(AuthError, match="Signature does not match"):
            push_each(ivvy, [contact(2, email="bobby@example.com")])
        assert emulator.stored() == []


def test_a_refused_contact_raises_the_vendor_message(sandbox: Any) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        ivvy = provider(base_url, custom_fields={999: "city"})
        row = contact(2, email="bobby@example.com", attributes={"city": "Perth"})
        with pytest.raises(BatchRejected) as refused:
            push_each(ivvy, [row])
        assert emulator.stored() == []
    assert refused.value.message == (
        "'customFields' does not validate (Custom field 999 does not exist) [iVvy code 23016]"
    )


@pytest.mark.parametrize(
    ("error_code", "raised"), [(400, BatchRejected), (461, BatchRejected), (463, AuthError)]
)
def test_an_error_envelope_is_an_error_even_with_200(
    sandbox: Any, error_code: int, raised: type[Exception]
) -> None:
    envelope = {"errorCode": error_code, "message": "Something broke", "specificCode": 1}
    with sandbox("ivvy") as (emulator, base_url):
        emulator.faults.fail_next(200, body=envelope)
        with pytest.raises(raised, match=r"Something broke \[iVvy code 1\]"):
            push_each(provider(base_url), [contact(2, email="bobby@example.com")])


def test_a_429_storm_and_a_503_burst_are_survived(sandbox: Any, virtual_clock: Any) -> None:
    rows = [contact(row, email=f"guest{row}@example.com") for row in range(2, 8)]
    with sandbox("ivvy") as (emulator, base_url):
        emulator.faults.fail_next(429, count=5, retry_after_s=4)
        emulator.faults.fail_next(503, count=3)
        results = push_each(provider(base_url, max_retries=8), rows)
        stored = emulator.stored()

    assert [r.status for r in results] == [Status.ADDED] * 6
    assert sorted(r["email"] for r in stored) == sorted(c.email or "" for c in rows)
    assert 4 in virtual_clock.sleeps


def test_an_update_answered_without_the_id_is_not_confirmed(sandbox: Any) -> None:
    row = contact(2, external_id="CRM-1", email="bobby@example.com", phone="+61455550000")
    with sandbox("ivvy") as (emulator, base_url):
        push_each(provider(base_url), [row])

        async def no_id_for_the_update(request: httpx.Request) -> None:
            body = json.loads(request.content or b"{}")
            if request.url.params.get("action") == "addOrUpdateContact" and "id" in body:
                emulator.faults.answer_next({"success": True})

        changed = dataclasses.replace(row, phone="+61455550001")  # so an update is needed
        again = push_each(provider(base_url), [changed], [no_id_for_the_update])
    assert again[0].status is Status.FAILED
    assert again[0].reason == "not confirmed: iVvy's answer has no contact id"


def test_config_statuses_go_to_new_contacts_only_so_nobody_is_resubscribed(
    sandbox: Any,
) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        signer = IvvySigner(CREDENTIALS["api_key"], CREDENTIALS["api_secret"])
        with httpx.Client(base_url=base_url, auth=signer) as client:
            unsubscribed = {"firstName": "Ann", "lastName": "Lee", "email": "ann@example.com"}
            unsubscribed |= {"externalId": "CRM-1", "status": 2, "smsStatus": 2}
            client.post("/api/1.0/contact", params=ADD_OR_UPDATE_PARAMS, json=unsubscribed)
        ivvy = provider(base_url, status=1, sms_status=1)
        results = push_each(
            ivvy,
            [
                contact(2, external_id="CRM-1", email="ann@example.com", phone="+61455550000"),
                contact(3, external_id="CRM-2", email="bobby@example.com"),
            ],
        )
        stored = {record["externalId"]: record for record in emulator.stored()}

    assert [r.status for r in results] == [Status.UPDATED, Status.ADDED]
    assert stored["CRM-1"]["phone"] == "+61455550000"
    assert (stored["CRM-1"]["status"], stored["CRM-1"]["smsStatus"]) == (2, 2)
    assert (stored["CRM-2"]["status"], stored["CRM-2"]["smsStatus"]) == (1, 1)


def add_by_hand(base_url: str, *people: dict[str, Any]) -> None:
    """Contacts put in the account directly (as a user of iVvy's own screens would)."""
    signer = IvvySigner(CREDENTIALS["api_key"], CREDENTIALS["api_secret"])
    with httpx.Client(base_url=base_url, auth=signer) as client:
        for person in people:
            body = {"firstName": "Ann", "lastName": "Lee", **person}
            reply = client.post("/api/1.0/contact", params=ADD_OR_UPDATE_PARAMS, json=body)
            assert reply.json()["success"] is True


def test_a_contact_added_by_hand_is_found_by_email_whatever_its_case(sandbox: Any) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        add_by_hand(base_url, {"email": "Ann@Example.com"}, {"email": "zoe@example.com"})
        emulator.requests.clear()
        results = push_each(
            provider(base_url),
            [
                contact(2, email="ann@example.com", phone="+61455550000"),
                contact(3, external_id="CRM-9", email="ZOE@example.com", first_name="Zoe"),
            ],
        )
        stored = {record["email"].lower(): record for record in emulator.stored()}
        sent_adds = adds(emulator)

    assert [r.status for r in results] == [Status.UPDATED, Status.UPDATED]
    assert sent_adds == []
    assert len(stored) == 2
    assert stored["ann@example.com"]["phone"] == "+61455550000"
    assert stored["ann@example.com"]["externalId"] is None
    assert stored["zoe@example.com"]["externalId"] == "CRM-9"  # now found by its id
    assert stored["zoe@example.com"]["firstName"] == "Zoe"


def test_an_email_held_under_another_external_id_is_another_person(sandbox: Any) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        add_by_hand(base_url, {"email": "ann@example.com", "externalId": "CRM-1"})
        results = push_each(
            provider(base_url), [contact(2, external_id="CRM-2", email="ann@example.com")]
        )
        stored = sorted(str(record["externalId"]) for record in emulator.stored())

    assert results[0].status is Status.ADDED
    assert stored == ["CRM-1", "CRM-2"]


def test_two_contacts_with_the_row_email_are_left_alone(sandbox: Any) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        add_by_hand(base_url, {"email": "ann@example.com"}, {"email": "ANN@example.com"})
        results = push_each(
            provider(base_url), [contact(2, email="ann@example.com", phone="+61455550000")]
        )
        stored = emulator.stored()
        sent_adds = adds(emulator)

    assert results[0].status is Status.FAILED
    assert results[0].reason == "2 iVvy contacts have e-mail 'ann@example.com'; none was changed"
    assert all(record["phone"] is None for record in stored)
    assert len(stored) == 2
    assert len(sent_adds) == 2  # the two added by hand


def test_the_email_look_up_reads_every_page(sandbox: Any) -> None:
    with sandbox("ivvy") as (emulator, base_url):
        emulator.set_rate_limit(None)
        add_by_hand(base_url, *({"email": "ann@example.com"} for _ in range(101)))
        results = push_each(provider(base_url), [contact(2, email="ann@example.com")])
        pages = [
            r.json["start"] for r in emulator.requests if r.query == {"action": ["getContactList"]}
        ]

    assert results[0].reason == "101 iVvy contacts have e-mail 'ann@example.com'; none was changed"
    assert pages == [0, 100]
