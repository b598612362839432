"""iVvy contacts emulator (VENDORS.md section 5; seed 001; developer.ivvy.com).

Vendor truth (from the docs):
- RPC over `POST /api/1.0/{namespace}?action={action}` with a JSON object body, every call
  signed (see ivvy_signing.py and ivvy_auth.py); a request dated more than 5 minutes off
  the server's clock → 401 `{"errorCode": 401, "message": "Request is stale",
  "specificCode": 23005}`;
- errors are `{"errorCode", "message", "specificCode", "additionalMessages"?}`; 23017
  "'x' is required" and 23016 "'x' does not validate" (400, the first bad field only);
- `contact.addOrUpdateContact`: without `id`, `firstName`, `lastName` and a valid `email`
  are required and the call ALWAYS adds a new contact (duplicates are possible), unless
  `updateIfExists` is true and a contact with the same first name, last name and e-mail
  exists; with `id`, that contact is updated; `groups` replaces the contact's groups;
  answers `{"success": true, "id": N}`;
- `contact.getContact {"id"}` (24096 "Unable to find contact"),
  `contact.getContactList {"perPage", "start", "filter": {"externalId", ...}}` →
  `{"meta": {"totalResults", "start", "perPage", "count"}, "results": [...]}`,
  `test.ping`.

Emulator's choices, not vendor truth:
- the HTTP status equals `errorCode`; generic errors carry `specificCode` 0; unknown
  actions → 404, a method other than POST → 405; the `batch` namespace is ivvy_batch.py's;
- an unknown `id` (addOrUpdateContact, getContact) → 404 with specificCode 24096;
- a custom field value is merged by `fieldId` on update; companies are replaced;
  `status` 4 (Registering) does not validate (removed from this call in Oct 2022);
- blank `firstName` / `lastName` / `email` count as missing; e-mail matching for
  `updateIfExists` and the `email` filter ignores case;
- `getContactList` filters by `externalId` (listed for this call), `email` and `id` (the
  generic filter on a listed property, per the docs' filtering page), every other filter
  key → 23016 (rather than being ignored and listing everything); `perPage` defaults to
  100 and is capped at 100 (undocumented cap), `start` defaults to 0;
- get calls show ids as strings and custom field values as lists, like the docs' example;
- `test.ping` answers `{"ack": true, "timestamp": "yyyy-mm-dd HH:MM:SS"}`;
- the account's custom fields, groups and companies are configurable (defaults taken from
  the docs' examples); rate limit 50 requests/s (undocumented; configurable).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
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
from contactctl.sandbox.ivvy_auth import verify_signature
from contactctl.sandbox.ivvy_batch import BatchQueue
from contactctl.sandbox.ivvy_contacts import (
    INVALID,
    Account,
    invalid,
    required,
    whole_number,
)
from contactctl.sandbox.ivvy_signing import IVVY_DATE_FORMAT

DEFAULT_CUSTOM_FIELDS = {33443: "Newsletter", 102: "Dietary Requirements", 103: "Shirt Size"}
DEFAULT_GROUPS = (10, 2481, 2485)
DEFAULT_COMPANIES = (4, 5, 6)
NOT_FOUND = 24096
MAX_PER_PAGE = 100
FILTERS = ("externalId", "email", "id")
REQUIRED_TO_ADD = ("firstName", "lastName", "email")


class IvvyEmulator(Emulator):
    name: ClassVar[str] = "ivvy"
    phone_field: ClassVar[str] = "phone"  # where a stored contact keeps its number
    store_attributes: ClassVar[tuple[str, ...]] = ("_contacts", "_index", "_next_id")
    sandbox_credentials: ClassVar[Mapping[str, str]] = SANDBOX_CREDENTIALS["ivvy"]
    keeps_consent: ClassVar[bool] = True
    # iVvy records consent in status codes the import must be told (config status/sms_status).
    consent_settings: ClassVar[Mapping[str, Any]] = {"status": 1, "sms_status": 1}

    def __init__(
        self,
        *,
        custom_fields: Mapping[int, str] | None = None,
        groups: Iterable[int] | None = None,
        companies: Iterable[int] | None = None,
        time_to_live_s: float = 300.0,
        batch_polls_to_complete: int = 2,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.time_to_live_s = time_to_live_s
        self.batches = BatchQueue(self._run_job, self._job_error, batch_polls_to_complete)
        self.account = Account(
            custom_fields=dict(DEFAULT_CUSTOM_FIELDS if custom_fields is None else custom_fields),
            groups=frozenset(DEFAULT_GROUPS if groups is None else groups),
            companies=frozenset(DEFAULT_COMPANIES if companies is None else companies),
        )
        self._contacts: dict[int, dict[str, Any]] = {}
        # (filter key, value) → contact ids: look-ups must not scan the whole store.
        self._index: dict[tuple[str, str], list[int]] = {}
        self._next_id = 1

    def routes(self) -> list[Route]:
        return [route("POST", r"/api/1\.0/(?P<namespace>[A-Za-z]+)", self._dispatch)]

    def authenticate(self, request: Request) -> None:
        verify_signature(request, self.credentials, self.clock(), self.time_to_live_s)

    def error_body(self, status: int, message: str, details: Mapping[str, Any]) -> object:
        return {"errorCode": status, "message": message, "specificCode": 0, **details}

    def _records(self) -> list[dict[str, Any]]:
        return [self.account.shown(record) for record in self._contacts.values()]

    def _clear_store(self) -> None:
        self._contacts.clear()
        self._index.clear()

    @classmethod
    def _numbers_in(cls, request: RecordedRequest, adding: bool) -> list[str]:
        """Numbers in addOrUpdateContact calls, direct or as jobs of a batch run; with
        `adding`, only those without an id (an id updates that contact, it cannot add)."""
        body = request.json if isinstance(request.json, dict) else {}
        action = (request.query.get("action") or [""])[0]
        namespace = request.path.rstrip("/").rsplit("/", 1)[-1]
        if (namespace, action) == ("contact", "addOrUpdateContact"):
            calls: list[object] = [body]
        elif (namespace, action) == ("batch", "run"):
            jobs = body.get("jobs")
            calls = [
                job.get("params")
                for job in (jobs if isinstance(jobs, list) else [])
                if isinstance(job, dict)
                and (job.get("namespace"), job.get("action")) == ("contact", "addOrUpdateContact")
            ]
        else:
            return []
        return [
            str(call["phone"])
            for call in calls
            if isinstance(call, dict) and call.get("phone") and not (adding and "id" in call)
        ]

    def add_by_hand(self, person: HandMade) -> None:
        # Typed into iVvy's screens: no externalId, and no phone; found again by e-mail.
        params: dict[str, object] = {"firstName": person.first_name, "email": person.email}
        params["lastName"] = person.last_name
        params |= {"status": 2, "smsStatus": 2} if person.unsubscribed else {"status": 1}
        query = {"action": ["addOrUpdateContact"]}
        self._as_vendor("POST", "/api/1.0/contact", params, query)

    @classmethod
    def subscribed(cls, record: Mapping[str, Any]) -> bool:
        return (record["status"], record["smsStatus"]) == (1, 1)

    # Actions -----------------------------------------------------------------------------

    def _dispatch(self, request: Request, namespace: str) -> Response:
        action = request.query_value("action") or ""
        return Response(200, self._run_job(namespace, action, _params(request)))

    def _run_job(self, namespace: str, action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """One call, made directly or as a batch job."""
        handlers: dict[tuple[str, str], Callable[[Mapping[str, Any]], dict[str, Any]]] = {
            ("contact", "addOrUpdateContact"): self._add_or_update,
            ("contact", "getContact"): self._get_contact,
            ("contact", "getContactList"): self._get_contact_list,
            ("test", "ping"): self._ping,
            ("batch", "run"): self.batches.run,
            ("batch", "progress"): self.batches.progress,
            ("batch", "results"): self.batches.results,
        }
        handler = handlers.get((namespace, action))
        if handler is None:
            raise VendorError(404, f"Unknown action '{action}' in namespace '{namespace}'")
        return handler(params)

    def _job_error(self, exc: VendorError) -> object:
        return self.error_body(exc.status, exc.message, exc.details)

    def _add_or_update(self, params: Mapping[str, Any]) -> dict[str, Any]:
        if params.get("id") is not None:
            record = self._existing(params["id"])
            self._apply(record, self.account.changes_of(params))
            return {"success": True, "id": record["id"]}
        for name in REQUIRED_TO_ADD:
            value = params.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise required(name)
        changes = self.account.changes_of(params)
        match = self._same_person(changes) if params.get("updateIfExists") is True else None
        record = match if match is not None else self._new_record()
        self._apply(record, changes)
        return {"success": True, "id": record["id"]}

    def _get_contact(self, params: Mapping[str, Any]) -> dict[str, Any]:
        if params.get("id") is None:
            raise required("id")
        return self.account.shown(self._existing(params["id"]))

    def _get_contact_list(self, params: Mapping[str, Any]) -> dict[str, Any]:
        per_page = min(whole_number(params.get("perPage", MAX_PER_PAGE), "perPage"), MAX_PER_PAGE)
        start = whole_number(params.get("start", 0), "start")
        wanted = _filter(params.get("filter"))
        matches = [r for r in self._candidates(wanted) if _matches(r, wanted)]
        page = matches[start : start + per_page]
        return {
            "meta": {
                "totalResults": len(matches),
                "start": start,
                "perPage": per_page,
                "count": len(page),
            },
            "results": [self.account.shown(record) for record in page],
        }

    def _ping(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {"ack": True, "timestamp": self._timestamp()}

    # The store ---------------------------------------------------------------------------

    def _existing(self, value: object) -> dict[str, Any]:
        record = self._contacts.get(whole_number(value, "id"))
        if record is None:
            raise VendorError(404, "Unable to find contact", specificCode=NOT_FOUND)
        return record

    def _new_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"id": self._next_id, "customFields": {}}
        record |= {"groups": [], "companies": [], "status": 1, "smsStatus": 1}
        self._next_id += 1
        self._contacts[record["id"]] = record
        return record

    def _apply(self, record: dict[str, Any], changes: Mapping[str, Any]) -> None:
        self._unindex(record)
        for name, value in changes.items():
            if name == "customFields":
                record["customFields"].update(value)
            else:
                record[name] = value
        record["modifiedDate"] = self._timestamp()
        for key in _index_keys(record):
            self._index.setdefault(key, []).append(record["id"])

    def _unindex(self, record: Mapping[str, Any]) -> None:
        for key in _index_keys(record):
            ids = self._index.get(key, [])
            if record["id"] in ids:
                ids.remove(record["id"])

    def _candidates(self, wanted: Mapping[str, str]) -> list[dict[str, Any]]:
        """The contacts a filter can match, oldest first, found through the index."""
        if "id" in wanted:
            record = self._contacts.get(int(wanted["id"])) if wanted["id"].isdigit() else None
            return [record] if record is not None else []
        for key in ("externalId", "email"):
            if key in wanted:
                value = wanted[key].lower() if key == "email" else wanted[key]
                return [self._contacts[i] for i in sorted(self._index.get((key, value), []))]
        return list(self._contacts.values())

    def _same_person(self, changes: Mapping[str, Any]) -> dict[str, Any] | None:
        for record in self._candidates({"email": changes["email"]}):
            if (
                record.get("firstName") == changes["firstName"]
                and record.get("lastName") == changes["lastName"]
                and str(record.get("email", "")).lower() == changes["email"].lower()
            ):
                return record
        return None

    def _timestamp(self) -> str:
        return time.strftime(IVVY_DATE_FORMAT, time.gmtime(self.clock()))


def _params(request: Request) -> Mapping[str, Any]:
    if not request.body.strip():
        return {}
    data = request.json()
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object", specificCode=INVALID)
    return data


def _filter(value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid("filter", "Value must be an object")
    unknown = sorted(set(value) - set(FILTERS))
    if unknown:
        raise invalid("filter", f"Filter '{unknown[0]}' is not supported by the emulator")
    return {key: str(item) for key, item in value.items()}


def _index_keys(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    keys = []
    if record.get("externalId") is not None:
        keys.append(("externalId", str(record["externalId"])))
    if record.get("email") is not None:
        keys.append(("email", str(record["email"]).lower()))
    return keys


def _matches(record: Mapping[str, Any], wanted: Mapping[str, str]) -> bool:
    for key, value in wanted.items():
        held = record.get(key)
        if key == "email":
            if str(held or "").lower() != value.lower():
                return False
        elif held is None or str(held) != value:
            return False
    return True
