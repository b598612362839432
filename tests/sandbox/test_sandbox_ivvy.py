"""The iVvy emulator's actions against VENDORS.md section 5 and seed 001 (signing is in
test_sandbox_ivvy_signing.py)."""

from __future__ import annotations

from typing import Any

import pytest

DATE = "2024-05-01 10:00:00"
DATE_S = 1714557600.0  # DATE as a Unix time
ANN = {"firstName": "Ann", "lastName": "Lee", "email": "ann@example.com"}


def _call(served: Any, namespace: str, action: str, params: Any) -> Any:
    return served.client.post(f"/api/1.0/{namespace}?action={action}", json=params)


def test_adding_always_adds_so_duplicates_are_possible(serve) -> None:
    served = serve("ivvy")
    first = _call(served, "contact", "addOrUpdateContact", {**ANN, "externalId": "crm-1"})
    second = _call(served, "contact", "addOrUpdateContact", ANN)
    assert first.status_code == 200
    assert (first.json(), second.json()) == ({"success": True, "id": 1}, {"success": True, "id": 2})
    assert [c["id"] for c in served.emulator.stored()] == ["1", "2"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lastName": "Lee", "email": "a@example.com"}, "'firstName' is required"),
        ({"firstName": "Ann", "email": "a@example.com"}, "'lastName' is required"),
        ({"firstName": "Ann", "lastName": "Lee"}, "'email' is required"),
        ({"firstName": "Ann", "lastName": "Lee", "email": "  "}, "'email' is required"),
        ({}, "'firstName' is required"),
    ],
)
def test_adding_needs_first_name_last_name_and_email(serve, params: Any, message: str) -> None:
    served = serve("ivvy")
    answer = _call(served, "contact", "addOrUpdateContact", params)
    assert answer.status_code == 400
    assert answer.json() == {"errorCode": 400, "message": message, "specificCode": 23017}
    assert served.emulator.stored() == []


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"status": 4}, "status"),
        ({"smsStatus": 9}, "smsStatus"),
        ({"groups": [{"groupId": 999}]}, "groups"),
        ({"customFields": [{"fieldId": 1, "value": "x"}]}, "customFields"),
        ({"companies": [99]}, "companies"),
        ({"privacyConsent": "yes"}, "privacyConsent"),
    ],
)
def test_values_that_do_not_validate_are_23016(serve, extra: Any, field: str) -> None:
    served = serve("ivvy")
    answer = _call(served, "contact", "addOrUpdateContact", {**ANN, **extra})
    assert answer.status_code == 400
    body = answer.json()
    assert (body["message"], body["specificCode"]) == (f"'{field}' does not validate", 23016)
    assert body["additionalMessages"]
    assert served.emulator.stored() == []


def test_the_seed_example_is_accepted_and_shown_by_get_contact(serve) -> None:
    served = serve("ivvy", clock=lambda: DATE_S)
    seed = {
        "firstName": "Bobby",
        "lastName": "Smith",
        "email": "bobbysmith@hotmail.com",
        "groups": [{"groupId": 10}],
        "customFields": [{"fieldId": 33443, "value": "No"}],
        "companies": [4, 5],
        "status": 2,
        "smsStatus": 2,
        "externalId": "12345",
    }
    contact_id = _call(served, "contact", "addOrUpdateContact", seed).json()["id"]
    contact = _call(served, "contact", "getContact", {"id": contact_id}).json()
    assert contact["id"] == str(contact_id)
    assert (contact["firstName"], contact["email"], contact["externalId"]) == (
        "Bobby",
        "bobbysmith@hotmail.com",
        "12345",
    )
    assert contact["customFields"] == [
        {"fieldId": "33443", "displayName": "Newsletter", "value": ["No"]}
    ]
    assert contact["groups"] == [{"contactId": "1", "groupId": "10", "joinDate": DATE}]
    assert (contact["companies"], contact["status"], contact["smsStatus"]) == ([4, 5], 2, 2)
    assert contact["modifiedDate"] == DATE


def test_updating_by_id_merges_and_replaces_groups(serve) -> None:
    served = serve("ivvy")
    body = {**ANN, "phone": "0455550000", "groups": [{"groupId": 10}, {"groupId": 2481}]}
    contact_id = _call(served, "contact", "addOrUpdateContact", body).json()["id"]
    update = {"id": contact_id, "firstName": "Anne", "groups": [{"groupId": 2485}]}
    answer = _call(served, "contact", "addOrUpdateContact", update)
    assert answer.json() == {"success": True, "id": contact_id}
    (stored,) = served.emulator.stored()
    assert (stored["firstName"], stored["lastName"], stored["phone"]) == (
        "Anne",
        "Lee",
        "0455550000",
    )
    assert [g["groupId"] for g in stored["groups"]] == ["2485"]


@pytest.mark.parametrize(
    ("contact_id", "status", "specific_code"), [(999, 404, 24096), ("wrong", 400, 23016)]
)
def test_updating_an_unknown_or_malformed_id(
    serve, contact_id: Any, status: int, specific_code: int
) -> None:
    served = serve("ivvy")
    answer = _call(served, "contact", "addOrUpdateContact", {"id": contact_id, "firstName": "X"})
    assert answer.status_code == status
    assert answer.json()["specificCode"] == specific_code
    assert answer.json()["errorCode"] == status


def test_update_if_exists_matches_first_last_and_email(serve) -> None:
    served = serve("ivvy")
    _call(served, "contact", "addOrUpdateContact", ANN)
    same = {**ANN, "email": "ANN@example.com", "phone": "1", "updateIfExists": True}
    assert _call(served, "contact", "addOrUpdateContact", same).json()["id"] == 1
    other = {**ANN, "firstName": "Annie", "updateIfExists": True}
    assert _call(served, "contact", "addOrUpdateContact", other).json()["id"] == 2
    assert served.emulator.stored()[0]["phone"] == "1"


def test_get_contact_needs_a_known_id(serve) -> None:
    served = serve("ivvy")
    missing = _call(served, "contact", "getContact", {})
    assert missing.json() == {
        "errorCode": 400,
        "message": "'id' is required",
        "specificCode": 23017,
    }
    unknown = _call(served, "contact", "getContact", {"id": 6})
    assert (unknown.status_code, unknown.json()["specificCode"]) == (404, 24096)
    assert unknown.json()["message"] == "Unable to find contact"


def test_get_contact_list_filters_and_pages(serve) -> None:
    served = serve("ivvy")
    for n in range(5):
        params = {**ANN, "email": f"ann{n}@example.com", "externalId": f"crm-{n % 2}"}
        _call(served, "contact", "addOrUpdateContact", params)

    def listed(params: Any) -> Any:
        answer = _call(served, "contact", "getContactList", params)
        assert answer.status_code == 200, answer.text
        return answer.json()

    by_external = listed({"perPage": 10, "start": 0, "filter": {"externalId": "crm-1"}})
    assert by_external["meta"] == {"totalResults": 2, "start": 0, "perPage": 10, "count": 2}
    assert [c["id"] for c in by_external["results"]] == ["2", "4"]
    by_email = listed({"filter": {"email": "ANN3@example.com"}})
    assert [c["id"] for c in by_email["results"]] == ["4"]
    assert listed({"filter": {"externalId": "nobody"}})["results"] == []
    page = listed({"perPage": 2, "start": 2})
    assert page["meta"] == {"totalResults": 5, "start": 2, "perPage": 2, "count": 2}
    assert [c["id"] for c in page["results"]] == ["3", "4"]
    assert listed({"perPage": 1000})["meta"]["perPage"] == 100


def test_an_unsupported_filter_is_refused_not_ignored(serve) -> None:
    served = serve("ivvy")
    answer = _call(served, "contact", "getContactList", {"filter": {"venueId": 3}})
    assert answer.status_code == 400
    assert answer.json()["specificCode"] == 23016


def test_ping_and_unknown_actions(serve) -> None:
    served = serve("ivvy", clock=lambda: DATE_S)
    assert _call(served, "test", "ping", {}).json() == {"ack": True, "timestamp": DATE}
    unknown = _call(served, "contact", "deleteContact", {"id": 1})
    assert (unknown.status_code, unknown.json()["errorCode"]) == (404, 404)
    assert _call(served, "batch", "run", {"jobs": []}).json()["specificCode"] == 24092


def test_only_post_is_allowed(serve) -> None:
    served = serve("ivvy")
    answer = served.client.get("/api/1.0/test?action=ping")
    assert answer.status_code == 405
    assert answer.json()["errorCode"] == 405


def test_a_body_that_is_not_a_json_object_is_400(serve) -> None:
    served = serve("ivvy")
    answer = served.client.post(
        "/api/1.0/contact?action=addOrUpdateContact",
        content=b"[1]",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.json()["errorCode"] == 400
