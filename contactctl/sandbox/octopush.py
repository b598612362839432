"""Octopush contacts emulator (VENDORS.md section 1; seed 004).

Vendor truth (from the docs):
- `POST /v1/public/contact/create`, headers `api-login` and `api-key`, body
  `{"contacts": [{phone_number, first_name, last_name, param1..param5}], "list_name",
  "tag_name", "auto_remove_blacklisted_numbers", "do_not_overwrite"}`;
- `list_name` at most 30 characters, `tag_name` at most 20;
- `201 {"items": [{"phone_number", "email", "status": "added"|"updated"|"skipped"}]}`;
- a contact is keyed by its phone number; an existing one is overwritten (`updated`), or left
  untouched (`skipped`) when `do_not_overwrite` is true (the seed's reading);
- fields it cannot interpret are ignored; `DELETE /v1/public/contact/delete` takes 1 to 200
  `phone_numbers` (optionally only from `list_name`) and answers 204.

Emulator's choices, not vendor truth (Octopush documents none of these):
- errors are `{"code": <HTTP status>, "message": "..."}`; bad or missing credentials → 401;
- at most `max_batch` contacts per create (default 200, the delete endpoint's cap) → else 400;
- a `phone_number` that is not "+" E.164 (`+` then 7 to 15 digits) rejects the WHOLE request
  with 400 naming it, which is what makes a client isolate bad rows by splitting the batch;
- an update merges: fields absent or null in the request keep their stored values; the list
  and tag are added to the contact's sets; a skipped contact is not touched at all;
- the same number twice in one request: the second occurrence is `updated` (or `skipped`);
- the request's `email` field is not a documented contact field and is ignored, so items
  carry `"email": null`;
- `auto_remove_blacklisted_numbers: true` answers numbers in the emulator's `blacklisted`
  set `skipped` and stores nothing for them;
- `GET /v1/public/wallet/check-balance` answers `{"amount": 1000.0, "unit": "credit"}`;
- rate limit 50 requests/s (undocumented; configurable).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
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

CREATE_PATH = "/v1/public/contact/create"
DELETE_PATH = "/v1/public/contact/delete"
BALANCE_PATH = "/v1/public/wallet/check-balance"
MAX_LIST_NAME = 30
MAX_TAG_NAME = 20
MAX_DELETE = 200
FIELDS = ("first_name", "last_name", "param1", "param2", "param3", "param4", "param5")
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class OctopushEmulator(Emulator):
    name: ClassVar[str] = "octopush"
    phone_field: ClassVar[str] = "phone_number"  # where a stored contact keeps its number
    store_attributes: ClassVar[tuple[str, ...]] = ("_contacts",)
    default_max_batch: ClassVar[int | None] = 200
    sandbox_credentials: ClassVar[Mapping[str, str]] = SANDBOX_CREDENTIALS["octopush"]

    def __init__(self, *, blacklisted: Iterable[str] = (), **options: Any) -> None:
        super().__init__(**options)
        self.blacklisted = set(blacklisted)
        self._contacts: dict[str, dict[str, Any]] = {}

    def routes(self) -> list[Route]:
        return [
            route("POST", CREATE_PATH, self._create),
            route("DELETE", DELETE_PATH, self._delete),
            route("GET", BALANCE_PATH, self._balance),
        ]

    def authenticate(self, request: Request) -> None:
        login = request.headers.get("api-login")
        key = request.headers.get("api-key")
        if not login or not key:
            raise VendorError(401, "Missing api-login or api-key header")
        if login != self.credentials["api_login"] or key != self.credentials["api_key"]:
            raise VendorError(401, "Authentication failed: unknown api-login or api-key")

    def error_body(self, status: int, message: str, details: Mapping[str, Any]) -> object:
        return {"code": status, "message": message, **details}

    def _records(self) -> list[dict[str, Any]]:
        return [_public(record) for record in self._contacts.values()]

    def _clear_store(self) -> None:
        self._contacts.clear()

    @classmethod
    def _numbers_in(cls, request: RecordedRequest, adding: bool) -> list[str]:
        body = request.json if request.path == CREATE_PATH else None
        contacts = body.get("contacts") if isinstance(body, dict) else None
        items = contacts if isinstance(contacts, list) else []
        return [str(item.get("phone_number")) for item in items if isinstance(item, dict)]

    def add_by_hand(self, person: HandMade) -> None:
        contact = {"phone_number": f"+{person.phone_digits}", "first_name": person.first_name}
        self._as_vendor("POST", CREATE_PATH, {"contacts": [contact]})

    # Endpoints ---------------------------------------------------------------------------

    def _create(self, request: Request) -> Response:
        body = _object(request.json())
        contacts = _contacts_of(body, self.max_batch)
        list_name = _name_option(body, "list_name", MAX_LIST_NAME)
        tag_name = _name_option(body, "tag_name", MAX_TAG_NAME)
        keep_existing = _flag(body.get("do_not_overwrite"))
        drop_blacklisted = _flag(body.get("auto_remove_blacklisted_numbers"))
        items = []
        for contact in contacts:
            phone = contact["phone_number"]
            if drop_blacklisted and phone in self.blacklisted:
                status = "skipped"
            else:
                status = self._upsert(contact, list_name, tag_name, keep_existing)
            items.append({"phone_number": phone, "email": None, "status": status})
        return Response(201, {"items": items})

    def _upsert(
        self,
        contact: Mapping[str, Any],
        list_name: str | None,
        tag_name: str | None,
        keep_existing: bool,
    ) -> str:
        phone = contact["phone_number"]
        existing = self._contacts.get(phone)
        if existing is not None and keep_existing:
            return "skipped"
        record = existing if existing is not None else _new_record(phone)
        for name in FIELDS:
            if contact.get(name) is not None:
                record[name] = _text(contact[name])
        if list_name:
            record["lists"].add(list_name)
        if tag_name:
            record["tags"].add(tag_name)
        self._contacts[phone] = record
        return "added" if existing is None else "updated"

    def _delete(self, request: Request) -> Response:
        body = _object(request.json())
        numbers = body.get("phone_numbers")
        if not isinstance(numbers, list) or not 1 <= len(numbers) <= MAX_DELETE:
            raise BadRequest(f"phone_numbers must be a list of 1 to {MAX_DELETE} numbers")
        list_name = body.get("list_name")
        for number in numbers:
            record = self._contacts.get(str(number))
            if record is None:
                continue
            if list_name:
                record["lists"].discard(list_name)
            else:
                del self._contacts[str(number)]
        return Response(204)

    def _balance(self, request: Request) -> Response:
        return Response(200, {"amount": 1000.0, "unit": "credit"})


def _object(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object")
    return data


def _contacts_of(body: Mapping[str, Any], max_batch: int | None) -> list[dict[str, Any]]:
    contacts = body.get("contacts")
    if not isinstance(contacts, list) or not contacts:
        raise BadRequest("contacts must be a non-empty list")
    if max_batch is not None and len(contacts) > max_batch:
        raise BadRequest(f"Too many contacts: {len(contacts)} (at most {max_batch} per request)")
    for index, contact in enumerate(contacts):
        if not isinstance(contact, dict):
            raise BadRequest(f"contacts[{index}] must be an object")
        phone = contact.get("phone_number")
        if not isinstance(phone, str) or not E164.fullmatch(phone):
            raise BadRequest(
                f"contacts[{index}].phone_number {phone!r} is not an international number "
                "(+ and country code)",
                field=f"contacts[{index}].phone_number",
            )
    return contacts


def _name_option(body: Mapping[str, Any], key: str, max_length: int) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    text = _text(value)
    if len(text) > max_length:
        raise BadRequest(f"{key} is too long: {len(text)} characters (at most {max_length})")
    return text


def _flag(value: object) -> bool:
    # The vendor casts wrong-typed values: "true" and 1 count as true.
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def _new_record(phone: str) -> dict[str, Any]:
    record: dict[str, Any] = {"phone_number": phone}
    record.update(dict.fromkeys(FIELDS))
    record["lists"], record["tags"] = set(), set()
    return record


def _public(record: Mapping[str, Any]) -> dict[str, Any]:
    return {**record, "lists": sorted(record["lists"]), "tags": sorted(record["tags"])}
