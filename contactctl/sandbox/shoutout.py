"""ShoutOUT contacts emulator (VENDORS.md section 2; seed 000).

Vendor truth (from the docs):
- `POST /coreservice/contacts`, `Authorization: Apikey <key>` (the Node SDK sends
  `Bearer <key>`: both are accepted); a bad key → `{"message": "Authentication Failure!"}`,
  with 403 (the error table's status for "we couldn't authenticate you");
- the body is a JSON array of contacts `{user_id, name, mobile_number, email, tags, ...}`
  plus any custom attributes; `mobile_number` is needed when `user_id` is absent;
- the contact id is generated from `user_id` when present, else from `mobile_number`; a
  contact with an existing id is updated (an upsert; no added/updated signal);
- the answer echoes each contact with `country_code`, `country`, `_mobile_number_valid`,
  `_email_valid` and `id`; errors are `{"message": "..."}` (400 "could not process").

Emulator's choices, not vendor truth:
- a single object (the seed's old curl sample) is accepted and answered as an array of one;
- success is `200` (the docs list 200 and 201 without saying which);
- at most `max_batch` contacts per request (default 100) → else 400; an empty array → 400;
  a contact with neither `user_id` nor `mobile_number` rejects the whole request with 400;
- the id is the first 20 hex digits of SHA-1 of the key (`user_id`, else `mobile_number`);
- numbers are digits with the country code and no "+"; anything else (a "+", spaces, a
  number phonenumbers finds invalid) is stored anyway with `_mobile_number_valid: false`
  and `country_code`/`country` null;
- an update merges: keys present in the request replace the stored values (lists such as
  `tags` are replaced whole), keys absent keep theirs; the echo is the request's contact
  plus the derived fields;
- rate limit 50 requests/s (undocumented; configurable).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from contactctl.sandbox.core import (
    BadRequest,
    HandMade,
    RecordedRequest,
    Request,
    Response,
    VendorError,
)
from contactctl.sandbox.credentials import SANDBOX_CREDENTIALS
from contactctl.sandbox.emulator import Emulator, Route, route
from contactctl.sandbox.phones import number_facts

PATH = "/coreservice/contacts"
AUTH_FAILURE = "Authentication Failure!"
# Computed by the vendor: never taken from the request.
DERIVED = ("country_code", "country", "_mobile_number_valid", "_email_valid", "id")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


class ShoutoutEmulator(Emulator):
    name: ClassVar[str] = "shoutout"
    phone_field: ClassVar[str] = "mobile_number"  # where a stored contact keeps its number
    store_attributes: ClassVar[tuple[str, ...]] = ("_contacts",)
    default_max_batch: ClassVar[int | None] = 100
    sandbox_credentials: ClassVar[Mapping[str, str]] = SANDBOX_CREDENTIALS["shoutout"]

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._contacts: dict[str, dict[str, Any]] = {}

    def routes(self) -> list[Route]:
        return [route("POST", PATH, self._create)]

    def authenticate(self, request: Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        if (
            scheme.lower() not in ("apikey", "bearer")
            or token.strip() != self.credentials["api_key"]
        ):
            raise VendorError(403, AUTH_FAILURE)

    def error_body(self, status: int, message: str, details: Mapping[str, Any]) -> object:
        return {"message": message, **details}

    def _records(self) -> list[dict[str, Any]]:
        return list(self._contacts.values())

    def _clear_store(self) -> None:
        self._contacts.clear()

    @classmethod
    def _numbers_in(cls, request: RecordedRequest, adding: bool) -> list[str]:
        body = request.json if request.path.rstrip("/") == PATH else None
        items = body if isinstance(body, list) else [body]
        return [str(item.get("mobile_number")) for item in items if isinstance(item, dict)]

    def add_by_hand(self, person: HandMade) -> None:
        # ShoutOUT knows a person by user_id: the same person carries the account's id.
        name = f"{person.first_name} {person.last_name}"
        contact = {"user_id": person.user_id, "mobile_number": person.phone_digits, "name": name}
        self._as_vendor("POST", PATH, [contact])

    def _create(self, request: Request) -> Response:
        contacts = self._contacts_of(request.json())
        return Response(200, [self._upsert(contact) for contact in contacts])

    def _contacts_of(self, data: object) -> list[dict[str, Any]]:
        contacts = [data] if isinstance(data, dict) else data
        if not isinstance(contacts, list) or not contacts:
            raise BadRequest("Could not process: send a contact or a non-empty array of contacts")
        if self.max_batch is not None and len(contacts) > self.max_batch:
            limit = f"at most {self.max_batch} per request"
            raise BadRequest(f"Could not process: {len(contacts)} contacts ({limit})")
        for index, contact in enumerate(contacts):
            if not isinstance(contact, dict):
                raise BadRequest(f"Could not process: contact {index} is not an object")
            if _blank(contact.get("user_id")) and _blank(contact.get("mobile_number")):
                raise BadRequest(
                    f"Could not process: contact {index} needs mobile_number when user_id is absent"
                )
        return contacts

    def _upsert(self, contact: Mapping[str, Any]) -> dict[str, Any]:
        sent = {key: value for key, value in contact.items() if key not in DERIVED}
        key = sent.get("user_id")
        contact_id = _contact_id(str(sent["mobile_number"] if _blank(key) else key))
        record = {**self._contacts.get(contact_id, {}), **sent}
        derived = _derived(record, contact_id)
        self._contacts[contact_id] = {**record, **derived}
        return {**sent, **derived}


def _blank(value: object) -> bool:
    return value is None or value == ""


def _contact_id(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()[:20]


def _derived(record: Mapping[str, Any], contact_id: str) -> dict[str, Any]:
    mobile = record.get("mobile_number")
    facts = number_facts(mobile) if isinstance(mobile, str) else number_facts("")
    email = record.get("email")
    return {
        "country_code": facts.region if facts.valid else None,
        "country": facts.country if facts.valid else None,
        "_mobile_number_valid": facts.valid,
        "_email_valid": isinstance(email, str) and EMAIL.fullmatch(email) is not None,
        "id": contact_id,
    }
