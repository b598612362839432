"""The ShoutOUT emulator against VENDORS.md section 2 and seed 000."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

PATH = "/coreservice/contacts"
DUKE = {
    "user_id": "94777123456",
    "name": "Duke",
    "mobile_number": "94777123456",
    "email": "duke@test.com",
}


def _id(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()[:20]


@pytest.mark.parametrize(
    "authorization",
    [None, "Apikey wrong", "Basic sandbox.shoutout.key", "sandbox.shoutout.key", "Apikey"],
)
def test_bad_credentials_are_403_authentication_failure(serve, authorization: str | None) -> None:
    served = serve("shoutout")
    headers = {"Authorization": authorization} if authorization else {}
    answer = served.anonymous.post(PATH, json=[DUKE], headers=headers)
    assert answer.status_code == 403
    assert answer.json() == {"message": "Authentication Failure!"}
    assert served.emulator.stored() == []


@pytest.mark.parametrize("scheme", ["Apikey", "Bearer", "apikey"])
def test_apikey_and_bearer_are_both_accepted(serve, scheme: str) -> None:
    served = serve("shoutout")
    headers = {"Authorization": f"{scheme} sandbox.shoutout.key"}
    assert served.anonymous.post(PATH, json=[DUKE], headers=headers).status_code == 200


def test_the_answer_echoes_each_contact_as_the_seed_shows(serve) -> None:
    served = serve("shoutout")
    answer = served.client.post(PATH, json=[DUKE])
    assert answer.status_code == 200
    assert answer.json() == [
        {
            **DUKE,
            "country_code": "LK",
            "country": "Sri Lanka",
            "_mobile_number_valid": True,
            "_email_valid": True,
            "id": _id("94777123456"),
        }
    ]
    assert served.emulator.stored() == answer.json()


def test_a_single_object_is_accepted_and_answered_as_an_array(serve) -> None:
    served = serve("shoutout")
    answer = served.client.post(PATH, json=DUKE)
    assert answer.status_code == 200
    assert [c["id"] for c in answer.json()] == [_id("94777123456")]


def test_the_id_comes_from_user_id_else_mobile_number(serve) -> None:
    served = serve("shoutout")
    answer = served.client.post(
        PATH,
        json=[
            {"user_id": "crm-1", "mobile_number": "33612345678"},
            {"mobile_number": "33612345678"},
        ],
    )
    assert [c["id"] for c in answer.json()] == [_id("crm-1"), _id("33612345678")]
    assert len(served.emulator.stored()) == 2


def test_an_existing_contact_is_updated_and_absent_keys_are_kept(serve) -> None:
    served = serve("shoutout")
    served.client.post(PATH, json=[{**DUKE, "tags": ["lead"], "city": "Colombo"}])
    again = {"user_id": "94777123456", "name": "Duke Ellington", "tags": ["vip"]}
    echo = served.client.post(PATH, json=[again]).json()[0]
    assert echo["name"] == "Duke Ellington"
    assert "email" not in echo  # the echo is what was sent, plus the derived fields
    (stored,) = served.emulator.stored()
    assert stored["name"] == "Duke Ellington"
    assert stored["tags"] == ["vip"]
    assert stored["email"] == "duke@test.com"
    assert stored["city"] == "Colombo"
    assert echo["country_code"] == "LK"  # derived from the stored number


@pytest.mark.parametrize(
    ("mobile", "valid", "country_code"),
    [
        ("33612345678", True, "FR"),
        ("4915123456789", True, "DE"),
        ("+33612345678", False, None),
        ("336", False, None),
        ("33 6 12 34 56 78", False, None),
    ],
)
def test_numbers_are_stored_with_their_validity(
    serve, mobile: str, valid: bool, country_code: str | None
) -> None:
    served = serve("shoutout")
    echo = served.client.post(PATH, json=[{"mobile_number": mobile}]).json()[0]
    assert echo["_mobile_number_valid"] is valid
    assert echo["country_code"] == country_code
    assert len(served.emulator.stored()) == 1


def test_email_validity_is_reported(serve) -> None:
    served = serve("shoutout")
    answer = served.client.post(
        PATH, json=[{"user_id": "a", "email": "not-an-email"}, {"user_id": "b"}]
    ).json()
    assert [c["_email_valid"] for c in answer] == [False, False]


@pytest.mark.parametrize(
    "body",
    [
        [{"name": "No Key"}],
        [DUKE, {"email": "x@example.com", "user_id": ""}],
        [],
        "x",
        [["nested"]],
    ],
)
def test_a_request_that_cannot_be_processed_is_400_and_stores_nothing(serve, body: Any) -> None:
    served = serve("shoutout")
    answer = served.client.post(PATH, json=body)
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("Could not process")
    assert served.emulator.stored() == []


def test_batch_cap_defaults_to_100_and_is_configurable(serve) -> None:
    served = serve("shoutout")
    many = [{"mobile_number": f"3361234{n:04d}"} for n in range(101)]
    assert served.client.post(PATH, json=many).status_code == 400
    assert served.client.post(PATH, json=many[:100]).status_code == 200
    small = serve("shoutout", max_batch=2)
    assert small.client.post(PATH, json=many[:3]).status_code == 400


def test_a_body_that_is_not_json_is_400_with_a_message(serve) -> None:
    served = serve("shoutout")
    answer = served.client.post(PATH, content=b"[{", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert "JSON" in answer.json()["message"]
