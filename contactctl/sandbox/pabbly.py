"""Pabbly Chatflow contacts emulator (VENDORS.md section 4; seed 003).

Vendor truth (from the docs):
- base `/api/v1`, `Authorization: Bearer <key>`; a bad key → 401
  `{"success": false, "error": "..."}` (the error envelope of every failure);
- `POST /api/v1/contacts` takes contacts `{mobile (required: digits with the dialing code),
  name, optin, incomingBlocked, tags, attributes: [{name, value}]}`; tags and attributes
  must exist in Settings; an attribute with an empty value is ignored on create;
  `onDuplicate` is `skip` (default) or `overwrite`; the answer is 200
  `{"status": "success", "message": "1 contact saved successfully", "data":
  {"createdContacts": [...], "failedCount": n, "failedContacts": [...]}}`, created contacts
  echoed without `_id`, with `source: "api"` and `list: ["all"]`;
- `GET /api/v1/contacts/` filters by `mobile`, `name`, `tags`, pages by `page` (1-based) and
  `limit` (default 25, at most 25); `GET /api/v1/contacts/{id}` (24 hex digits);
  `PUT /api/v1/contacts/{id}`: `tags` replaces all tags, `tagsToAdd`/`tagsToRemove` adjust
  them, an attribute with an empty value is removed.

Emulator's choices, not vendor truth:
- `GET /api/v1/settings/tags` (the endpoint is documented, its answer is not) answers
  `{"status": "success", "data": {"tags": [{"name"}]}}`, the account's tags as spelled;
- the body may be an array or a single object; at most `max_batch` contacts (default 100)
  and at least one, else 400;
- `onDuplicate` comes from the query string, or from the contact object itself (a single
  object body, or per array item; the item's own value wins); another value → 400;
- a duplicate is a contact with the same mobile digits; a skipped duplicate appears in
  NEITHER list; an overwritten contact appears in `createdContacts` just like a new one, so
  the answer cannot tell added from updated (a client must look the number up first);
  overwriting sets the fields sent (tags replaced, attributes merged by name);
- a row with a problem goes to `failedContacts` as `{"mobile": <as sent>, "reason": "..."}`:
  missing or invalid mobile (a leading "+" is stripped; then 8 to 15 digits with a known
  dialing code), unknown tag or attribute, a flag that is not true/false;
- the message counts `createdContacts`: "N contact(s) saved successfully", 200 even when
  every row failed;
- stored contacts carry `countryCode` (the dialing code digits) and `mobile` (all digits);
- the list answer is `{"status": "success", "message", "data": {"contacts": [...],
  "totalCount": n}}`; `name` matches a case-insensitive substring, `tags` needs every tag;
- an unknown id → 404 `Contact not found`; an id that is not 24 hex digits → 400;
- `GET /api/v1/contacts/lists` answers `{"data": {"lists": [{"name": "all", "count": n}]}}`;
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
from contactctl.sandbox.pabbly_fields import FieldProblem, Settings, mobile_of
from contactctl.sandbox.pabbly_store import ContactStore, created_echo

DUPLICATE_MODES = ("skip", "overwrite")
OBJECT_ID = re.compile(r"[0-9a-f]{24}")
MAX_PAGE = 25


class PabblyEmulator(Emulator):
    name: ClassVar[str] = "pabbly"
    phone_field: ClassVar[str] = "mobile"  # where a stored contact keeps its number
    default_max_batch: ClassVar[int | None] = 100
    sandbox_credentials: ClassVar[Mapping[str, str]] = SANDBOX_CREDENTIALS["pabbly"]
    keeps_consent: ClassVar[bool] = True

    def __init__(
        self,
        *,
        tags: Iterable[str] | None = None,
        attributes: Iterable[str] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.settings = Settings.build(tags, attributes)
        self._store = ContactStore(self.settings, self.now_iso)

    def routes(self) -> list[Route]:
        one = "/api/v1/contacts/(?P<contact_id>[^/]+)"
        return [
            route("POST", "/api/v1/contacts/?", self._create),
            route("GET", "/api/v1/contacts/?", self._list),
            route("GET", "/api/v1/contacts/lists", self._lists),
            route("GET", "/api/v1/settings/tags", self._tags),
            route("GET", one, self._get),
            route("PUT", one, self._update),
        ]

    def authenticate(self, request: Request) -> None:
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme.lower() != "bearer" or token.strip() != self.credentials["api_key"]:
            raise VendorError(401, "Unauthorized: missing or invalid API credentials")

    def error_body(self, status: int, message: str, details: Mapping[str, Any]) -> object:
        return {"success": False, "error": message, **details}

    def _records(self) -> list[dict[str, Any]]:
        return self._store.records()

    def _clear_store(self) -> None:
        self._store.clear()

    def _store_state(self) -> dict[str, Any]:
        return self._store.dump()

    def _load_store_state(self, state: dict[str, Any]) -> None:
        self._store.load(state)

    @classmethod
    def _numbers_in(cls, request: RecordedRequest, adding: bool) -> list[str]:
        # A create (whatever its onDuplicate) may add; a PUT names the contact by id.
        if (request.method, request.path.rstrip("/")) != ("POST", "/api/v1/contacts"):
            return []
        body = request.json
        items = body if isinstance(body, list) else [body]
        return [str(item.get("mobile")) for item in items if isinstance(item, dict)]

    def add_by_hand(self, person: HandMade) -> None:
        name = f"{person.first_name} {person.last_name}"
        row = {"mobile": person.phone_digits, "name": name, "optin": not person.unsubscribed}
        self._as_vendor("POST", "/api/v1/contacts", [row])

    @classmethod
    def subscribed(cls, record: Mapping[str, Any]) -> bool:
        return bool(record["optin"])

    # Endpoints ---------------------------------------------------------------------------

    def _create(self, request: Request) -> Response:
        rows = self._rows_of(request.json())
        default_mode = _mode(request.query_value("onDuplicate"), "skip")
        modes = [_mode(row.get("onDuplicate"), default_mode) for row in rows]
        created: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for row, mode in zip(rows, modes, strict=True):
            try:
                record = self._store.save(row, overwrite=mode == "overwrite")
            except FieldProblem as problem:
                failed.append({"mobile": row.get("mobile"), "reason": str(problem)})
                continue
            if record is not None:
                created.append(created_echo(record))
        count = len(created)
        return Response(
            200,
            {
                "status": "success",
                "message": f"{count} contact{'' if count == 1 else 's'} saved successfully",
                "data": {
                    "createdContacts": created,
                    "failedCount": len(failed),
                    "failedContacts": failed,
                },
            },
        )

    def _list(self, request: Request) -> Response:
        limit = min(_positive(request.query_value("limit"), "limit", MAX_PAGE), MAX_PAGE)
        page = _positive(request.query_value("page"), "page", 1)
        matches = [r for r in self._candidates(request) if _matches(r, request)]
        shown = matches[(page - 1) * limit : page * limit]
        return Response(
            200,
            {
                "status": "success",
                "message": "Contacts fetched successfully",
                "data": {"contacts": shown, "totalCount": len(matches)},
            },
        )

    def _lists(self, request: Request) -> Response:
        count = len(self._store.records())
        return Response(
            200, {"status": "success", "data": {"lists": [{"name": "all", "count": count}]}}
        )

    def _tags(self, request: Request) -> Response:
        names = [{"name": name} for name in self.settings.tags.values()]
        return Response(200, {"status": "success", "data": {"tags": names}})

    def _get(self, request: Request, contact_id: str) -> Response:
        record = self._existing(contact_id)
        return Response(
            200, {"status": "success", "message": "Contact fetched successfully", "data": record}
        )

    def _update(self, request: Request, contact_id: str) -> Response:
        self._existing(contact_id)
        body = request.json()
        if not isinstance(body, dict):
            raise BadRequest("The request body must be a JSON object")
        try:
            record = self._store.update(contact_id, body)
        except FieldProblem as problem:
            raise BadRequest(str(problem)) from None
        return Response(
            200, {"status": "success", "message": "Contact updated successfully", "data": record}
        )

    def _rows_of(self, data: object) -> list[dict[str, Any]]:
        rows = [data] if isinstance(data, dict) else data
        if not isinstance(rows, list) or not rows:
            raise BadRequest("Send a contact object or a non-empty array of contacts")
        if self.max_batch is not None and len(rows) > self.max_batch:
            raise BadRequest(f"Too many contacts: {len(rows)} (at most {self.max_batch})")
        if not all(isinstance(row, dict) for row in rows):
            raise BadRequest("Every contact must be a JSON object")
        return rows

    def _candidates(self, request: Request) -> list[dict[str, Any]]:
        # A look-up by mobile goes through the index: clients do one per contact.
        mobile = request.query_value("mobile")
        if not mobile:
            return self._store.records()
        try:
            record = self._store.by_mobile(mobile_of(mobile)[0])
        except FieldProblem:
            return []
        return [record] if record is not None else []

    def _existing(self, contact_id: str) -> dict[str, Any]:
        if not OBJECT_ID.fullmatch(contact_id):
            raise BadRequest(f"Invalid contact id '{contact_id}'")
        record = self._store.get(contact_id)
        if record is None:
            raise VendorError(404, "Contact not found")
        return record


def _mode(value: object, default: str) -> str:
    if value is None or value == "":
        return default
    if value not in DUPLICATE_MODES:
        raise BadRequest(f"onDuplicate must be skip or overwrite, not {value!r}")
    return str(value)


def _positive(value: str | None, key: str, default: int) -> int:
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) < 1:
        raise BadRequest(f"{key} must be a positive whole number")
    return int(value)


def _matches(record: Mapping[str, Any], request: Request) -> bool:
    """The name and tags filters (the mobile one is applied by `_candidates`)."""
    name = request.query_value("name")
    if name and name.lower() not in (record["name"] or "").lower():
        return False
    tags = request.query_value("tags")
    wanted = {t.strip().lower() for t in tags.split(",") if t.strip()} if tags else set()
    return wanted <= {t.lower() for t in record["tags"]}
