"""The Pabbly Chatflow emulator against VENDORS.md section 4 and seed 003."""

from __future__ import annotations

import re
from typing import Any

import pytest

CONTACTS = "/api/v1/contacts"
SEED_ROW = {
    "mobile": "917697012345",
    "name": "Alex cron",
    "optin": True,
    "incomingBlocked": False,
    "tags": ["indian", "vegetarian", "engineer"],
    "attributes": [{"name": "city", "value": "bhopal"}],
}


def _post(served: Any, body: object, **params: str) -> dict[str, Any]:
    answer = served.client.post(CONTACTS, json=body, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _stored(served: Any) -> dict[str, dict[str, Any]]:
    return {c["mobile"]: c for c in served.emulator.stored()}


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Basic sandbox-pabbly-key"])
def test_bad_key_is_401_with_the_error_envelope(serve, authorization: str | None) -> None:
    served = serve("pabbly")
    headers = {"Authorization": authorization} if authorization else {}
    answer = served.anonymous.post(CONTACTS, json=[SEED_ROW], headers=headers)
    assert answer.status_code == 401
    assert answer.json()["success"] is False
    assert answer.json()["error"]
    assert served.emulator.stored() == []


def test_create_answers_exactly_as_the_seed(serve) -> None:
    served = serve("pabbly")
    assert _post(served, [SEED_ROW]) == {
        "status": "success",
        "message": "1 contact saved successfully",
        "data": {
            "createdContacts": [{**SEED_ROW, "source": "api", "list": ["all"]}],
            "failedCount": 0,
            "failedContacts": [],
        },
    }
    stored = _stored(served)["917697012345"]
    assert re.fullmatch(r"[0-9a-f]{24}", stored["_id"])
    assert (stored["countryCode"], stored["status"]) == ("91", "active")
    assert stored["attributes"][0]["name"] == "city"


def test_a_single_object_is_accepted(serve) -> None:
    served = serve("pabbly")
    answer = _post(served, {"mobile": "33612345678"})
    assert [c["mobile"] for c in answer["data"]["createdContacts"]] == ["33612345678"]


def test_a_leading_plus_is_stripped(serve) -> None:
    served = serve("pabbly")
    answer = _post(served, [{"mobile": "+33612345678"}])
    assert answer["data"]["createdContacts"][0]["mobile"] == "33612345678"


def test_duplicates_are_skipped_by_default_and_appear_in_neither_list(serve) -> None:
    served = serve("pabbly")
    _post(served, [{"mobile": "33612345678", "name": "First"}])
    answer = _post(served, [{"mobile": "33612345678", "name": "Second"}, {"mobile": "33698765432"}])
    assert answer["message"] == "1 contact saved successfully"
    assert [c["mobile"] for c in answer["data"]["createdContacts"]] == ["33698765432"]
    assert answer["data"]["failedContacts"] == []
    assert _stored(served)["33612345678"]["name"] == "First"


@pytest.mark.parametrize("where", ["query", "object", "item"])
def test_overwrite_updates_and_is_listed_as_created(serve, where: str) -> None:
    served = serve("pabbly")
    _post(served, [{"mobile": "33612345678", "name": "First", "tags": ["lead"]}])
    row: dict[str, Any] = {"mobile": "33612345678", "name": "Second"}
    if where == "query":
        answer = _post(served, [row], onDuplicate="overwrite")
    elif where == "object":
        answer = _post(served, {**row, "onDuplicate": "overwrite"})
    else:
        answer = _post(served, [{**row, "onDuplicate": "overwrite"}], onDuplicate="skip")
    assert [c["name"] for c in answer["data"]["createdContacts"]] == ["Second"]
    stored = _stored(served)["33612345678"]
    assert (stored["name"], stored["tags"]) == ("Second", ["lead"])
    assert len(served.emulator.stored()) == 1


def test_an_unknown_on_duplicate_value_is_400(serve) -> None:
    served = serve("pabbly")
    answer = served.client.post(
        CONTACTS, json=[{"mobile": "33612345678"}], params={"onDuplicate": "merge"}
    )
    assert answer.status_code == 400
    assert served.emulator.stored() == []


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"name": "No mobile"}, "mobile is required"),
        ({"mobile": "12"}, "Invalid mobile number"),
        ({"mobile": "33 6 12 34 56 78"}, "Invalid mobile number"),
        ({"mobile": "33612345678", "tags": ["unknown"]}, "Tag 'unknown' does not exist"),
        (
            {"mobile": "33612345678", "attributes": [{"name": "shoe", "value": "42"}]},
            "Attribute 'shoe'",
        ),
        ({"mobile": "33612345678", "optin": "maybe"}, "optin"),
    ],
)
def test_bad_rows_go_to_failed_contacts_and_the_rest_land(
    serve, row: dict[str, Any], reason: str
) -> None:
    served = serve("pabbly")
    answer = _post(served, [row, {"mobile": "33698765432"}])
    data = answer["data"]
    assert data["failedCount"] == 1
    (failed,) = data["failedContacts"]
    assert failed["mobile"] == row.get("mobile")
    assert reason in failed["reason"]
    assert [c["mobile"] for c in data["createdContacts"]] == ["33698765432"]
    assert set(_stored(served)) == {"33698765432"}


def test_every_row_failing_is_still_200(serve) -> None:
    served = serve("pabbly")
    answer = _post(served, [{"mobile": "1"}, {"mobile": "2"}])
    assert answer["message"] == "0 contacts saved successfully"
    assert answer["data"]["failedCount"] == 2


def test_settings_are_configurable_and_match_case_insensitively(serve) -> None:
    served = serve("pabbly", tags=["Gold"], attributes=["Region"])
    row = {
        "mobile": "33612345678",
        "tags": ["gold"],
        "attributes": [{"name": "region", "value": "N"}],
    }
    created = _post(served, [row])["data"]["createdContacts"][0]
    assert created["tags"] == ["Gold"]
    assert created["attributes"] == [{"name": "Region", "value": "N"}]


def test_attributes_with_an_empty_value_are_ignored_on_create(serve) -> None:
    served = serve("pabbly")
    row = {
        "mobile": "33612345678",
        "attributes": [{"name": "city", "value": ""}, {"name": "company", "value": "ACME"}],
    }
    created = _post(served, [row])["data"]["createdContacts"][0]
    assert created["attributes"] == [{"name": "company", "value": "ACME"}]


def test_batch_cap_defaults_to_100_and_is_configurable(serve) -> None:
    served = serve("pabbly")
    rows = [{"mobile": f"3361234{n:04d}"} for n in range(101)]
    over = served.client.post(CONTACTS, json=rows)
    assert over.status_code == 400
    assert over.json()["success"] is False
    assert served.emulator.stored() == []
    assert served.client.post(CONTACTS, json=rows[:100]).status_code == 200
    small = serve("pabbly", max_batch=1)
    assert small.client.post(CONTACTS, json=rows[:2]).status_code == 400


@pytest.mark.parametrize("body", [[], "x", [1, 2]])
def test_bodies_of_the_wrong_shape_are_400(serve, body: object) -> None:
    served = serve("pabbly")
    assert served.client.post(CONTACTS, json=body).status_code == 400


def test_look_up_by_mobile_name_and_tags(serve) -> None:
    served = serve("pabbly")
    _post(
        served,
        [
            {"mobile": "33612345678", "name": "Alice Martin", "tags": ["lead", "vip"]},
            {"mobile": "33698765432", "name": "Bob Martin", "tags": ["lead"]},
        ],
    )

    def mobiles(**params: str) -> list[str]:
        answer = served.client.get(f"{CONTACTS}/", params=params)
        assert answer.status_code == 200
        assert answer.json()["status"] == "success"
        return [c["mobile"] for c in answer.json()["data"]["contacts"]]

    assert mobiles(mobile="33612345678") == ["33612345678"]
    assert mobiles(mobile="+33698765432") == ["33698765432"]
    assert mobiles(mobile="33600000000") == []
    assert mobiles(name="martin") == ["33612345678", "33698765432"]
    assert mobiles(tags="lead,vip") == ["33612345678"]
    contact = served.client.get(CONTACTS, params={"mobile": "33612345678"}).json()["data"][
        "contacts"
    ][0]
    assert {"_id", "name", "countryCode", "mobile", "tags", "attributes"} <= set(contact)


def test_listing_pages_by_at_most_25(serve) -> None:
    served = serve("pabbly")
    _post(served, [{"mobile": f"3361234{n:04d}"} for n in range(30)])
    first = served.client.get(CONTACTS, params={"limit": "100"}).json()["data"]
    second = served.client.get(CONTACTS, params={"limit": "100", "page": "2"}).json()["data"]
    assert (len(first["contacts"]), len(second["contacts"]), first["totalCount"]) == (25, 5, 30)
    assert served.client.get(CONTACTS, params={"page": "0"}).status_code == 400


def test_get_by_id(serve) -> None:
    served = serve("pabbly")
    _post(served, [SEED_ROW])
    (record,) = served.emulator.stored()
    answer = served.client.get(f"{CONTACTS}/{record['_id']}")
    assert answer.json()["data"] == record
    missing = served.client.get(f"{CONTACTS}/{'0' * 24}")
    assert missing.status_code == 404
    assert missing.json() == {"success": False, "error": "Contact not found"}
    assert served.client.get(f"{CONTACTS}/nope").status_code == 400


def test_update_replaces_tags_and_an_empty_attribute_removes_it(serve) -> None:
    served = serve("pabbly")
    _post(
        served,
        [
            {
                **SEED_ROW,
                "attributes": [
                    {"name": "city", "value": "bhopal"},
                    {"name": "company", "value": "X"},
                ],
            }
        ],
    )
    (record,) = served.emulator.stored()
    body = {
        "name": "Alex Cron",
        "tags": ["lead"],
        "attributes": [{"name": "city", "value": ""}, {"name": "company", "value": "Y"}],
    }
    answer = served.client.put(f"{CONTACTS}/{record['_id']}", json=body)
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert (data["name"], data["tags"]) == ("Alex Cron", ["lead"])
    assert [(a["name"], a["value"]) for a in data["attributes"]] == [("company", "Y")]
    adjusted = served.client.put(
        f"{CONTACTS}/{record['_id']}", json={"tagsToAdd": ["vip"], "tagsToRemove": ["lead"]}
    ).json()["data"]
    assert adjusted["tags"] == ["vip"]


def test_a_rejected_update_changes_nothing(serve) -> None:
    served = serve("pabbly")
    _post(served, [{"mobile": "33612345678", "name": "A"}, {"mobile": "33698765432"}])
    record = _stored(served)["33612345678"]
    path = f"{CONTACTS}/{record['_id']}"
    assert served.client.put(path, json={"name": "B", "tags": ["nope"]}).status_code == 400
    assert served.client.put(path, json={"mobile": "33698765432"}).status_code == 400
    assert _stored(served)["33612345678"]["name"] == "A"
    moved = served.client.put(path, json={"mobile": "+33600000001"}).json()["data"]
    assert moved["mobile"] == "33600000001"
    assert served.client.put(f"{CONTACTS}/{'0' * 24}", json={}).status_code == 404


def test_contact_lists(serve) -> None:
    served = serve("pabbly")
    _post(served, [SEED_ROW])
    answer = served.client.get(f"{CONTACTS}/lists")
    assert answer.json()["data"]["lists"] == [{"name": "all", "count": 1}]


def test_settings_tags_lists_the_accounts_tags_as_spelled(serve) -> None:
    served = serve("pabbly", tags=["Lead", "vip"])
    answer = served.client.get("/api/v1/settings/tags")
    assert answer.status_code == 200
    assert answer.json()["data"]["tags"] == [{"name": "Lead"}, {"name": "vip"}]
