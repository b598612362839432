"""The Octopush emulator against VENDORS.md section 1 and seed 004."""

from __future__ import annotations

from typing import Any

import pytest

CREATE = "/v1/public/contact/create"
DELETE = "/v1/public/contact/delete"
A, B, C = "+33612345678", "+447700900123", "+33698765432"


def _body(*phones: str, **options: Any) -> dict[str, Any]:
    return {"contacts": [{"phone_number": p} for p in phones], **options}


def _by_phone(emulator: Any) -> dict[str, dict[str, Any]]:
    return {c["phone_number"]: c for c in emulator.stored()}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"api-login": "sandbox@example.com"},
        {"api-key": "sandbox-octopush-key"},
        {"api-login": "sandbox@example.com", "api-key": "wrong"},
        {"api-login": "someone@example.com", "api-key": "sandbox-octopush-key"},
    ],
)
def test_missing_or_wrong_credentials_are_401(serve, headers: dict[str, str]) -> None:
    served = serve("octopush")
    answer = served.anonymous.post(CREATE, json=_body(A), headers=headers)
    assert answer.status_code == 401
    assert answer.json()["code"] == 401
    assert answer.json()["message"]
    assert served.emulator.stored() == []


def test_credentials_are_configurable(serve) -> None:
    served = serve("octopush", credentials={"api_login": "me@example.com", "api_key": "k"})
    answer = served.anonymous.post(
        CREATE, json=_body(A), headers={"api-login": "me@example.com", "api-key": "k"}
    )
    assert answer.status_code == 201


def test_create_answers_201_with_one_item_per_contact_in_order(serve) -> None:
    served = serve("octopush")
    body = {
        "contacts": [
            {"phone_number": A, "first_name": "Axelle", "last_name": "Durand", "param3": "Mme"},
            {"phone_number": B, "first_name": "John", "param1": None},
        ],
        "list_name": "my_list",
        "tag_name": "vip",
    }
    answer = served.client.post(CREATE, json=body, headers={"cache-control": "no-cache"})
    assert answer.status_code == 201
    assert answer.json() == {
        "items": [
            {"phone_number": A, "email": None, "status": "added"},
            {"phone_number": B, "email": None, "status": "added"},
        ]
    }
    assert _by_phone(served.emulator)[A] == {
        "phone_number": A,
        "first_name": "Axelle",
        "last_name": "Durand",
        "param1": None,
        "param2": None,
        "param3": "Mme",
        "param4": None,
        "param5": None,
        "lists": ["my_list"],
        "tags": ["vip"],
    }


def test_existing_number_is_updated_and_absent_fields_are_kept(serve) -> None:
    served = serve("octopush")
    first = {"contacts": [{"phone_number": A, "first_name": "Axelle", "last_name": "Durand"}]}
    served.client.post(CREATE, json={**first, "list_name": "one", "tag_name": "t1"})
    again = {"contacts": [{"phone_number": A, "last_name": "Martin", "param2": "x"}]}
    answer = served.client.post(CREATE, json={**again, "list_name": "two"})
    assert answer.json()["items"] == [{"phone_number": A, "email": None, "status": "updated"}]
    stored = _by_phone(served.emulator)[A]
    assert (stored["first_name"], stored["last_name"], stored["param2"]) == (
        "Axelle",
        "Martin",
        "x",
    )
    assert stored["lists"] == ["one", "two"]
    assert stored["tags"] == ["t1"]
    assert len(served.emulator.stored()) == 1


def test_do_not_overwrite_skips_existing_and_leaves_them_untouched(serve) -> None:
    served = serve("octopush")
    served.client.post(CREATE, json={"contacts": [{"phone_number": A, "first_name": "Axelle"}]})
    body = {
        "contacts": [{"phone_number": A, "first_name": "Other"}, {"phone_number": B}],
        "do_not_overwrite": True,
        "list_name": "news",
    }
    items = served.client.post(CREATE, json=body).json()["items"]
    assert [(i["phone_number"], i["status"]) for i in items] == [(A, "skipped"), (B, "added")]
    stored = _by_phone(served.emulator)
    assert stored[A]["first_name"] == "Axelle"
    assert stored[A]["lists"] == []
    assert stored[B]["lists"] == ["news"]


def test_the_same_number_twice_in_one_request_is_added_then_updated(serve) -> None:
    served = serve("octopush")
    items = served.client.post(CREATE, json=_body(A, A)).json()["items"]
    assert [i["status"] for i in items] == ["added", "updated"]


@pytest.mark.parametrize(
    ("option", "length", "status"),
    [("list_name", 30, 201), ("list_name", 31, 400), ("tag_name", 20, 201), ("tag_name", 21, 400)],
)
def test_list_and_tag_name_lengths(serve, option: str, length: int, status: int) -> None:
    served = serve("octopush")
    answer = served.client.post(CREATE, json=_body(A, **{option: "x" * length}))
    assert answer.status_code == status
    if status == 400:
        assert option in answer.json()["message"]
        assert served.emulator.stored() == []


def test_batch_cap_defaults_to_200(serve) -> None:
    served = serve("octopush")
    phones = [f"+336120{n:05d}" for n in range(201)]
    over = served.client.post(CREATE, json=_body(*phones))
    assert over.status_code == 400
    assert "200" in over.json()["message"]
    assert served.emulator.stored() == []
    assert served.client.post(CREATE, json=_body(*phones[:200])).status_code == 201
    assert len(served.emulator.stored()) == 200


def test_batch_cap_is_configurable(serve) -> None:
    served = serve("octopush", max_batch=2)
    assert served.client.post(CREATE, json=_body(A, B, C)).status_code == 400
    assert served.client.post(CREATE, json=_body(A, B)).status_code == 201


@pytest.mark.parametrize("bad", ["0612345678", "33612345678", "+33 6 12 34 56 78", "+0123", 336])
def test_a_number_not_in_e164_rejects_the_whole_request(serve, bad: object) -> None:
    served = serve("octopush")
    body = {"contacts": [{"phone_number": A}, {"phone_number": bad}]}
    answer = served.client.post(CREATE, json=body)
    assert answer.status_code == 400
    assert repr(bad) in answer.json()["message"]
    assert answer.json()["field"] == "contacts[1].phone_number"
    assert served.emulator.stored() == []


@pytest.mark.parametrize(
    "body",
    [[{"phone_number": A}], {"contacts": []}, {"contacts": "x"}, {"contacts": ["x"]}, {}],
)
def test_bodies_of_the_wrong_shape_are_400(serve, body: object) -> None:
    served = serve("octopush")
    answer = served.client.post(CREATE, json=body)
    assert answer.status_code == 400
    assert answer.json()["code"] == 400


def test_blacklisted_numbers_are_skipped_when_asked(serve) -> None:
    served = serve("octopush", blacklisted=[B])
    body = _body(A, B, auto_remove_blacklisted_numbers=True)
    items = served.client.post(CREATE, json=body).json()["items"]
    assert [i["status"] for i in items] == ["added", "skipped"]
    assert set(_by_phone(served.emulator)) == {A}


def test_delete_removes_contacts_or_only_their_list(serve) -> None:
    served = serve("octopush")
    served.client.post(CREATE, json=_body(A, B, C, list_name="news"))
    removed = served.client.request("DELETE", DELETE, json={"phone_numbers": [A, "+1999"]})
    assert removed.status_code == 204
    assert removed.content == b""
    unlisted = served.client.request(
        "DELETE", DELETE, json={"phone_numbers": [B], "list_name": "news"}
    )
    assert unlisted.status_code == 204
    stored = _by_phone(served.emulator)
    assert set(stored) == {B, C}
    assert stored[B]["lists"] == []
    assert stored[C]["lists"] == ["news"]


@pytest.mark.parametrize("count", [0, 201])
def test_delete_takes_1_to_200_numbers(serve, count: int) -> None:
    served = serve("octopush")
    numbers = [f"+336120{n:05d}" for n in range(count)]
    answer = served.client.request("DELETE", DELETE, json={"phone_numbers": numbers})
    assert answer.status_code == 400


def test_balance_check_needs_credentials(serve) -> None:
    served = serve("octopush")
    assert served.anonymous.get("/v1/public/wallet/check-balance").status_code == 401
    answer = served.client.get(
        "/v1/public/wallet/check-balance", params={"product_name": "sms_premium"}
    )
    assert answer.status_code == 200
    assert answer.json() == {"amount": 1000.0, "unit": "credit"}
