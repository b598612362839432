"""The Callbell emulator against VENDORS.md section 3 and seed 002."""

from __future__ import annotations

import re
from typing import Any

import pytest

CONTACTS = "/v1/contacts"
JOHN = {"source": "whatsapp", "identifier": "33612345678", "name": "John Doe"}
CONTACT_KEYS = {
    "uuid",
    "name",
    "phoneNumber",
    "avatarUrl",
    "createdAt",
    "source",
    "href",
    "conversationHref",
    "tags",
    "assignedUser",
    "customFields",
    "team",
    "channel",
}


def _create(served: Any, **fields: Any) -> Any:
    return served.client.post(CONTACTS, json={**JOHN, **fields})


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", "Token sandbox-callbell-token", "Bearer"]
)
def test_bad_token_is_401_with_an_error(serve, authorization: str | None) -> None:
    served = serve("callbell")
    headers = {"Authorization": authorization} if authorization else {}
    answer = served.anonymous.post(CONTACTS, json=JOHN, headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]
    assert served.emulator.stored() == []


def test_create_answers_the_contact_in_a_list(serve) -> None:
    served = serve("callbell", clock=lambda: 1605301733.0)
    answer = _create(served, tags=["lead"], custom_fields={"City": "Paris"})
    assert answer.status_code == 200
    (contact,) = answer.json()["contact"]
    assert set(contact) == CONTACT_KEYS
    assert re.fullmatch(r"[0-9a-f]{32}", contact["uuid"])
    assert contact["href"] == f"https://dash.callbell.eu/contacts/{contact['uuid']}"
    assert contact["createdAt"] == "2020-11-13T21:08:53Z"
    assert (contact["name"], contact["phoneNumber"], contact["source"]) == (
        "John Doe",
        "33612345678",
        "whatsapp",
    )
    assert (contact["tags"], contact["customFields"]) == (["lead"], {"City": "Paris"})
    assert (contact["avatarUrl"], contact["assignedUser"], contact["team"]) == (None, None, None)


@pytest.mark.parametrize("missing", ["identifier", "source", "name"])
def test_required_fields(serve, missing: str) -> None:
    served = serve("callbell")
    body = {key: value for key, value in JOHN.items() if key != missing}
    answer = served.client.post(CONTACTS, json=body)
    assert answer.status_code == 422
    assert missing in answer.json()["error"]
    assert served.emulator.stored() == []


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"tags": ["nope"]}, "Tag 'nope'"),
        ({"tags": "lead"}, "tags"),
        ({"custom_fields": {"Shoe size": "42"}}, "Custom field 'Shoe size'"),
        ({"custom_fields": {"City": 42}}, "string"),
        ({"assigned_user": "stranger@example.com"}, "User"),
        ({"team_uuid": "0" * 32}, "Team"),
        ({"channel_uuid": "0" * 32}, "Channel"),
        ({"bot_status": "bot_pause"}, "bot_status"),
        ({"note": "x" * 1001}, "note"),
        ({"source": "carrier-pigeon"}, "source"),
    ],
)
def test_references_that_do_not_exist_are_422(serve, fields: dict[str, Any], words: str) -> None:
    served = serve("callbell")
    answer = _create(served, **fields)
    assert answer.status_code == 422
    assert words in answer.json()["error"]
    assert served.emulator.stored() == []


def test_the_account_is_configurable_and_names_match_case_insensitively(serve) -> None:
    served = serve("callbell", tags=["Hot"], custom_fields=["Shoe size"], users=["a@b.example"])
    answer = _create(
        served, tags=["hot"], custom_fields={"shoe SIZE": "42"}, assigned_user="A@b.example"
    )
    (contact,) = answer.json()["contact"]
    assert contact["tags"] == ["Hot"]
    assert contact["customFields"] == {"Shoe size": "42"}
    assert contact["assignedUser"] == "a@b.example"
    assert _create(served, tags=["lead"]).status_code == 422  # the defaults are gone


def test_a_second_create_for_the_same_number_makes_a_duplicate(serve) -> None:
    served = serve("callbell")
    first = _create(served).json()["contact"][0]
    second = _create(served, identifier="+33 6 12 34 56 78", name="Again").json()["contact"][0]
    assert first["uuid"] != second["uuid"]
    assert len(served.emulator.stored()) == 2
    found = served.client.get("/v1/contacts/phone/33612345678").json()["contact"]
    assert found["uuid"] == first["uuid"]  # the oldest of the two


def test_duplicate_create_can_be_an_error_instead(serve) -> None:
    served = serve("callbell", duplicate_create="error")
    assert _create(served).status_code == 200
    again = _create(served)
    assert again.status_code == 422
    assert "already exists" in again.json()["error"]
    assert len(served.emulator.stored()) == 1


def test_duplicate_create_mode_is_checked() -> None:
    from contactctl.sandbox import CallbellEmulator

    with pytest.raises(ValueError, match="duplicate_create"):
        CallbellEmulator(duplicate_create="merge")


def test_look_up_by_phone_answers_an_object_or_404(serve) -> None:
    served = serve("callbell")
    created = _create(served).json()["contact"][0]
    found = served.client.get("/v1/contacts/phone/33612345678")
    assert found.status_code == 200
    assert found.json() == {"contact": created}
    encoded = served.client.get("/v1/contacts/phone/%2B33612345678")
    assert encoded.json()["contact"]["uuid"] == created["uuid"]
    missing = served.client.get("/v1/contacts/phone/33698765432")
    assert missing.status_code == 404
    assert missing.json() == {"error": "contact not found"}


def test_get_by_uuid_answers_a_list(serve) -> None:
    served = serve("callbell")
    created = _create(served).json()["contact"][0]
    assert served.client.get(f"{CONTACTS}/{created['uuid']}").json() == {"contact": [created]}
    assert served.client.get(f"{CONTACTS}/{'f' * 32}").status_code == 404


def test_patch_replaces_tags_and_merges_custom_fields(serve) -> None:
    served = serve("callbell")
    created = _create(
        served, tags=["lead", "vip"], custom_fields={"City": "Paris", "Company": "ACME"}
    ).json()["contact"][0]
    answer = served.client.patch(
        f"{CONTACTS}/{created['uuid']}",
        json={
            "name": "John Smith",
            "tags": ["customer"],
            "custom_fields": {"City": "Lyon", "Company": ""},
        },
    )
    assert answer.status_code == 200
    (contact,) = answer.json()["contact"]
    assert contact["name"] == "John Smith"
    assert contact["tags"] == ["customer"]
    assert contact["customFields"] == {"City": "Lyon"}
    assert contact["phoneNumber"] == "33612345678"
    assert served.emulator.stored()[0]["customFields"] == {"City": "Lyon"}


def test_patch_keeps_what_it_is_not_given_and_assigns_users(serve) -> None:
    served = serve("callbell")
    created = _create(served, tags=["lead"], note="call back").json()["contact"][0]
    path = f"{CONTACTS}/{created['uuid']}"
    assigned = served.client.patch(path, json={"assigned_user": "agent@example.com"}).json()
    assert assigned["contact"][0]["tags"] == ["lead"]
    assert assigned["contact"][0]["assignedUser"] == "agent@example.com"
    unassigned = served.client.patch(path, json={"unassign_user": True, "note": ""}).json()
    assert unassigned["contact"][0]["assignedUser"] is None
    assert served.emulator.stored()[0]["note"] is None


def test_a_rejected_patch_changes_nothing(serve) -> None:
    served = serve("callbell")
    created = _create(served, tags=["lead"]).json()["contact"][0]
    path = f"{CONTACTS}/{created['uuid']}"
    answer = served.client.patch(path, json={"name": "Changed", "tags": ["unknown"]})
    assert answer.status_code == 422
    assert served.emulator.stored()[0]["name"] == "John Doe"
    assert served.client.patch(path, json={"identifier": "1"}).status_code == 422
    assert served.client.patch(f"{CONTACTS}/{'f' * 32}", json={"name": "x"}).status_code == 404


def test_delete_destroys_the_contact(serve) -> None:
    served = serve("callbell")
    created = _create(served).json()["contact"][0]
    answer = served.client.delete(f"{CONTACTS}/{created['uuid']}")
    assert answer.json() == {"status": "contact was destroyed"}
    assert served.emulator.stored() == []


def test_auth_me_checks_the_token_without_showing_it(serve) -> None:
    served = serve("callbell")
    answer = served.client.get("/v1/auth/me")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"
    assert "sandbox-callbell-token" not in answer.text
    assert served.anonymous.get("/v1/auth/me").status_code == 401


def test_an_array_body_is_400(serve) -> None:
    served = serve("callbell")
    answer = served.client.post(CONTACTS, json=[JOHN])
    assert answer.status_code == 400
    assert served.emulator.stored() == []


def test_the_documented_300_per_second_ceiling(serve) -> None:
    served = serve("callbell", clock=lambda: 5000.0)
    statuses = [served.client.get("/v1/auth/me").status_code for _ in range(302)]
    assert statuses.count(200) == 300
    assert statuses[-2:] == [429, 429]
    assert served.client.get("/v1/auth/me").headers["Retry-After"] == "1"


def test_the_contact_list_comes_in_pages_of_twenty_up_to_page_500(serve: Any) -> None:
    served = serve("callbell")
    for n in range(45):
        assert _create(served, identifier=f"3361234{n:04d}").status_code == 200
    pages = [served.client.get(CONTACTS, params={"page": page}).json() for page in (1, 2, 3)]
    numbers = [c["phoneNumber"] for page in pages for c in page["contacts"]]
    assert [len(page["contacts"]) for page in pages] == [20, 20, 5]
    assert sorted(numbers) == sorted(f"3361234{n:04d}" for n in range(45))
    assert [page["meta"] for page in pages] == [{"page": p, "pages": 3} for p in (1, 2, 3)]
    assert served.client.get(CONTACTS, params={"page": 4}).json()["contacts"] == []
    for page, message in (("0", "positive"), ("x", "positive"), ("501", "Pagination limit")):
        answer = served.client.get(CONTACTS, params={"page": page})
        assert answer.status_code == 400
        assert message in answer.json()["error"]
