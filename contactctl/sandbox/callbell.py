"""Callbell contacts emulator (VENDORS.md section 3; seed 002; docs.callbell.eu).

Vendor truth (from the docs):
- base path `/v1`, `Authorization: Bearer <token>`;
- `POST /v1/contacts` takes ONE object: `identifier`, `source`, `name` required; `tags`,
  `custom_fields`, `assigned_user`, `team_uuid`, `channel_uuid`, `bot_status`
  (`bot_start` | `bot_end`), `note` (≤ 1000 characters) optional; tags, custom fields, users
  and teams must already exist in the account; answers `{"contact": [<Contact>]}`;
- `GET /v1/contacts/phone/:number` answers `{"contact": <Contact>}` (an object, not a list);
  `GET /v1/contacts/:uuid` and `PATCH /v1/contacts/:uuid` answer `{"contact": [<Contact>]}`;
  PATCH takes `name`, `tags`, `custom_fields`, `assigned_user`, `unassign_user`,
  `team_uuid`, `bot_status`, `note` (an empty note clears it); the phone number cannot change;
- `DELETE /v1/contacts/:uuid` → `{"status": "contact was destroyed"}`;
  `GET /v1/auth/me` → `{"status": "ok", "user_email", "user_name", "api_key"}`;
- above 300 requests per second → 429.

Emulator's choices, not vendor truth:
- `GET /v1/contacts?include_field_types=true` adds `customFieldsMetadata` (documented by
  name only) as `[{"name", "type"}]`, one per custom field of the account;
- errors are `{"error": "<message>"}`: bad token 401; a body that is not one JSON object 400;
  missing or invalid fields, unknown tags / custom fields / users / teams / channels 422;
  unknown contact 404 `{"error": "contact not found"}`; 429 carries `Retry-After`;
- a create answers 200;
- `duplicate_create="duplicate"` (default): a POST for an identifier that already exists
  creates a SECOND contact (a careless client makes duplicates); `"error"`: 422;
- numbers are matched on their digits only (`+33 6..` and `336..` are the same number);
  `phoneNumber` is the identifier as sent; the look-up returns the oldest match and ignores
  `channel_uuid`;
- tag, custom field and user names match case-insensitively and are stored with the
  account's spelling; sources accepted: whatsapp, facebook, instagram, telegram; custom
  field values must be strings (numbers are sent as strings);
- PATCH replaces `tags` whole and merges `custom_fields` key by key (a null or "" value
  removes that field); `identifier`/`phone_number` in a PATCH → 422;
- `/v1/auth/me` shows the token masked; contact listing (`GET /v1/contacts`) is not emulated.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar
from urllib.parse import unquote

from contactctl.sandbox.callbell_account import Account
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

DASHBOARD = "https://dash.callbell.eu"
NOT_FOUND = "contact not found"
DUPLICATE_MODES = ("duplicate", "error")
# Kept in the store for tests, not part of the Contact object the API shows.
NON_DIGITS = re.compile(r"[^0-9]")
PRIVATE = ("note", "botStatus", "teamUuid", "channelUuid")

# The list's page size (10,000 contacts in 500 pages, VENDORS.md) and its page limit.
PAGE_SIZE = 20
MAX_PAGES = 500


class CallbellEmulator(Emulator):
    name: ClassVar[str] = "callbell"
    phone_field: ClassVar[str] = "phoneNumber"  # where a stored contact keeps its number
    store_attributes: ClassVar[tuple[str, ...]] = ("_contacts", "_by_digits")
    default_requests_per_second: ClassVar[float] = 300.0
    sandbox_credentials: ClassVar[Mapping[str, str]] = SANDBOX_CREDENTIALS["callbell"]

    def __init__(
        self,
        *,
        tags: Iterable[str] | None = None,
        custom_fields: Iterable[str] | None = None,
        users: Iterable[str] | None = None,
        teams: Mapping[str, str] | None = None,
        channels: Mapping[str, str] | None = None,
        duplicate_create: str = "duplicate",
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if duplicate_create not in DUPLICATE_MODES:
            raise ValueError(f"duplicate_create must be one of {DUPLICATE_MODES}")
        self.duplicate_create = duplicate_create
        self.account = Account.build(tags, custom_fields, users, teams, channels)
        self._contacts: dict[str, dict[str, Any]] = {}
        # Number digits → uuids, oldest first: look-ups must not scan the whole store.
        self._by_digits: dict[str, list[str]] = {}

    def routes(self) -> list[Route]:
        contact = "/v1/contacts/(?P<contact_uuid>[^/]+)"
        return [
            route("POST", "/v1/contacts", self._create),
            route("GET", "/v1/contacts", self._list),
            route("GET", "/v1/contacts/phone/(?P<number>[^/]+)", self._by_phone),
            route("GET", contact, self._get),
            route("PATCH", contact, self._patch),
            route("DELETE", contact, self._delete),
            route("GET", "/v1/auth/me", self._me),
        ]

    def authenticate(self, request: Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or token.strip() != self.credentials["api_token"]:
            raise VendorError(401, "Unauthorized: invalid or missing API token")

    def error_body(self, status: int, message: str, details: Mapping[str, Any]) -> object:
        return {"error": message, **details}

    def _records(self) -> list[dict[str, Any]]:
        return list(self._contacts.values())

    def _clear_store(self) -> None:
        self._contacts.clear()
        self._by_digits.clear()

    @classmethod
    def _numbers_in(cls, request: RecordedRequest, adding: bool) -> list[str]:
        # Only a create carries a number: an update names the contact by uuid.
        body = request.json if (request.method, request.path) == ("POST", "/v1/contacts") else None
        return [str(body.get("identifier"))] if isinstance(body, dict) else []

    def add_by_hand(self, person: HandMade) -> None:
        name = f"{person.first_name} {person.last_name}"
        body = {"identifier": person.phone_digits, "source": "whatsapp", "name": name}
        self._as_vendor("POST", "/v1/contacts", body)

    # Endpoints ---------------------------------------------------------------------------

    def _create(self, request: Request) -> Response:
        body = _object(request.json())
        identifier = _required_text(body, "identifier")
        source = _required_text(body, "source")
        if source not in self.account.sources:
            raise VendorError(422, f"source {source!r} is not valid")
        name = _required_text(body, "name")
        if self.duplicate_create == "error" and self._find(identifier) is not None:
            raise VendorError(422, f"A contact with identifier {identifier!r} already exists")
        record = self._new_record(identifier, source, name)
        self._apply(record, body, replace_fields=True)
        self._contacts[record["uuid"]] = record
        self._by_digits.setdefault(_digits(identifier), []).append(record["uuid"])
        return Response(200, {"contact": [self._public(record)]})

    def _by_phone(self, request: Request, number: str) -> Response:
        record = self._find(unquote(number))
        if record is None:
            raise VendorError(404, NOT_FOUND)
        return Response(200, {"contact": self._public(record)})

    def _list(self, request: Request) -> Response:
        """`GET /v1/contacts?page=N`: the account's contacts, PAGE_SIZE a page, oldest first,
        with `meta.page` and `meta.pages` (Callbell stops page numbers at 500)."""
        raw = request.query_value("page") or "1"
        if not raw.isdigit() or int(raw) < 1:
            raise VendorError(400, "page must be a positive integer")
        page = int(raw)
        if page > MAX_PAGES:
            raise VendorError(400, "Pagination limit exceeded")
        records = list(self._contacts.values())
        pages = max(1, -(-len(records) // PAGE_SIZE))
        shown = records[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        meta = {"page": page, "pages": pages}
        answer: dict[str, Any] = {"contacts": [self._public(r) for r in shown], "meta": meta}
        if request.query_value("include_field_types") == "true":
            answer["customFieldsMetadata"] = self._fields_metadata()
        return Response(200, answer)

    def _fields_metadata(self) -> list[dict[str, str]]:
        return [{"name": name, "type": "text"} for name in self.account.custom_fields.values()]

    def _get(self, request: Request, contact_uuid: str) -> Response:
        return Response(200, {"contact": [self._public(self._existing(contact_uuid))]})

    def _patch(self, request: Request, contact_uuid: str) -> Response:
        record = self._existing(contact_uuid)
        body = _object(request.json())
        for key in ("identifier", "phone_number", "phoneNumber"):
            if key in body:
                raise VendorError(422, "The phone number of a contact cannot be changed")
        name = _required_text(body, "name") if "name" in body else record["name"]
        self._apply(record, body, replace_fields=False)
        record["name"] = name
        if body.get("unassign_user") is True:
            record["assignedUser"] = None
        return Response(200, {"contact": [self._public(record)]})

    def _delete(self, request: Request, contact_uuid: str) -> Response:
        record = self._existing(contact_uuid)
        del self._contacts[contact_uuid]
        self._by_digits[_digits(record["phoneNumber"])].remove(contact_uuid)
        return Response(200, {"status": "contact was destroyed"})

    def _me(self, request: Request) -> Response:
        token = self.credentials["api_token"]
        return Response(
            200,
            {
                "status": "ok",
                "user_email": "sandbox@example.com",
                "user_name": "Sandbox User",
                "api_key": f"{token[:4]}…",
            },
        )

    # The store ---------------------------------------------------------------------------

    def _new_record(self, identifier: str, source: str, name: str) -> dict[str, Any]:
        contact_uuid = uuid.uuid4().hex
        return {
            "uuid": contact_uuid,
            "name": name,
            "phoneNumber": identifier,
            "avatarUrl": None,
            "createdAt": self.now_iso(),
            "source": source,
            "href": f"{DASHBOARD}/contacts/{contact_uuid}",
            "conversationHref": f"{DASHBOARD}/chat/{uuid.uuid4().hex}",
            "tags": [],
            "assignedUser": None,
            "customFields": {},
            "note": None,
            "botStatus": None,
            "teamUuid": None,
            "channelUuid": self.account.main_channel,
        }

    def _apply(self, record: dict[str, Any], body: Mapping[str, Any], replace_fields: bool) -> None:
        """Check every optional field first, then change the record: all or nothing."""
        changes: dict[str, Any] = {}
        if "tags" in body:
            changes["tags"] = self.account.tags_of(body["tags"])
        if "custom_fields" in body:
            fields = self.account.custom_fields_of(body["custom_fields"])
            changes["customFields"] = _merged_fields(
                {} if replace_fields else record["customFields"], fields
            )
        changes |= self.account.assignments_of(body)
        record.update(changes)

    def _find(self, number: str) -> dict[str, Any] | None:
        wanted = _digits(number)
        matches = self._by_digits.get(wanted) if wanted else None
        return self._contacts[matches[0]] if matches else None

    def _existing(self, contact_uuid: str) -> dict[str, Any]:
        record = self._contacts.get(contact_uuid)
        if record is None:
            raise VendorError(404, NOT_FOUND)
        return record

    def _public(self, record: Mapping[str, Any]) -> dict[str, Any]:
        shown = {key: value for key, value in record.items() if key not in PRIVATE}
        shown["team"] = self.account.team_object(record["teamUuid"])
        shown["channel"] = self.account.channel_object(record["channelUuid"])
        return shown


def _object(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise BadRequest("The request body must be one JSON object")
    return data


def _required_text(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise VendorError(422, f"{key} is required")
    return value


def _merged_fields(current: Mapping[str, str], changes: Mapping[str, str | None]) -> dict[str, str]:
    merged = dict(current)
    for name, value in changes.items():
        if value is None or value == "":
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


def _digits(text: str) -> str:
    return NON_DIGITS.sub("", text)
