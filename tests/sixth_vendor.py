"""A sixth vendor, "Acme SMS", as a third party would ship it: its provider and its emulator
in one plug-in module, registered only through an entry point (test_sixth_vendor.py writes
the distribution's metadata). Nothing in contactctl names it.

Acme's API (invented for the test, shaped like the SMS vendors we serve):
- `POST /v3/contacts/import`, header `X-Acme-Key`, body `{"contacts": [{msisdn, first_name,
  last_name, email, opted_in, tags}]}`, at most 50 contacts;
- a contact is keyed by its `msisdn` ("+" E.164): an existing one is updated, fields absent
  from the request keep their stored values;
- `200 {"results": [{"msisdn", "result": "created" | "updated"}]}`;
- a bad key → 401 `{"error": "..."}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from contactctl.model import Contact, OnDuplicate, RowResult, Status
from contactctl.providers.base import Provider
from contactctl.providers.common import drop_blank, echoed_digits, first_and_last, merged_tags
from contactctl.providers.profile import Channel, Identity, Limits, Profile
from contactctl.providers.settings import ProviderSettings
from contactctl.sandbox import BadRequest, Emulator, HandMade, Request, Response, VendorError
from contactctl.sandbox.core import RecordedRequest
from contactctl.sandbox.emulator import Route, route
from contactctl.secrets import Secret

if TYPE_CHECKING:
    import httpx

    from contactctl.send.api import Api

PATH = "/v3/contacts/import"
FIELDS = ("first_name", "last_name", "email", "opted_in")


@dataclass(frozen=True)
class AcmeSettings(ProviderSettings):
    api_key: Secret | None = None


class AcmeSms(Provider[AcmeSettings]):
    profile: ClassVar[Profile] = Profile(
        name="acme",
        vendor="Acme SMS",
        limits=Limits(50, 50, True, 5, 10, True),
        identity=Identity.PHONE,
        required_fields="msisdn",
        duplicate_modes=(OnDuplicate.UPDATE,),
        phone_format="+E.164",
    )
    docs_url: ClassVar[str] = "https://acme.invalid/docs/contacts-import"
    default_base_url: ClassVar[str] = "https://api.acme.invalid"
    channel: ClassVar[Channel] = Channel.SMS
    how_status_is_known: ClassVar[str] = "results[].result per msisdn in the answer"
    settings_type: ClassVar[type[ProviderSettings]] = AcmeSettings
    unsent_fields: ClassVar[tuple[str, ...]] = ("lists", "external_id")
    sandbox: ClassVar[str | None] = "tests.sixth_vendor:AcmeEmulator"

    def auth(self) -> httpx.Auth:
        from contactctl.providers.auth import HeaderAuth

        key = self.settings.api_key.reveal() if self.settings.api_key else ""
        return HeaderAuth({"X-Acme-Key": key})

    def identity_key(self, contact: Contact) -> str | None:
        return contact.phone

    def check_contact(self, contact: Contact) -> str | None:
        return None if contact.phone else "no phone number (Acme needs one)"

    async def push(self, batch: Sequence[Contact], api: Api) -> list[RowResult]:
        body = {"contacts": [self._contact(c) for c in batch]}
        reply = await api.call("POST", PATH, json=body)
        results = reply.data.get("results") if isinstance(reply.data, Mapping) else None
        by_phone = {
            echoed_digits(item.get("msisdn")): item
            for item in (results if isinstance(results, list) else [])
            if isinstance(item, Mapping)
        }
        return [
            self._result(c, by_phone.get(echoed_digits(c.phone)), reply.after_uncertain)
            for c in batch
        ]

    def _contact(self, contact: Contact) -> dict[str, object]:
        first, last = first_and_last(contact)
        fields: dict[str, object] = {"msisdn": contact.phone, "first_name": first}
        fields |= {"last_name": last, "email": contact.email, "opted_in": contact.opt_in}
        fields["tags"] = merged_tags(contact, self.run.tags)
        return drop_blank(fields)

    def _result(
        self, contact: Contact, item: Mapping[str, Any] | None, uncertain: bool
    ) -> RowResult:
        result = item.get("result") if item is not None else None
        if result == "created":
            return RowResult.for_contact(contact, Status.ADDED)
        if result == "updated" and uncertain:
            why = "written; an earlier attempt may have created it"
            return RowResult.for_contact(contact, Status.UPSERTED, why)
        if result == "updated":
            return RowResult.for_contact(contact, Status.UPDATED)
        return RowResult.not_confirmed(contact, f"Acme answered {result!r} for this number")


class AcmeEmulator(Emulator):
    name: ClassVar[str] = "acme"
    phone_field: ClassVar[str] = "msisdn"
    store_attributes: ClassVar[tuple[str, ...]] = ("_contacts",)
    default_max_batch: ClassVar[int | None] = 50
    sandbox_credentials: ClassVar[Mapping[str, str]] = {"api_key": "sandbox-acme-key"}
    keeps_consent: ClassVar[bool] = True

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._contacts: dict[str, dict[str, Any]] = {}

    def routes(self) -> list[Route]:
        return [route("POST", PATH, self._import)]

    def authenticate(self, request: Request) -> None:
        if request.headers.get("X-Acme-Key") != self.credentials["api_key"]:
            raise VendorError(401, "invalid API key")

    def error_body(self, status: int, message: str, details: Mapping[str, Any]) -> object:
        return {"error": message, **details}

    def _records(self) -> list[dict[str, Any]]:
        return list(self._contacts.values())

    def _clear_store(self) -> None:
        self._contacts.clear()

    @classmethod
    def _numbers_in(cls, request: RecordedRequest, adding: bool) -> list[str]:
        body = request.json if request.path == PATH else None
        contacts = body.get("contacts") if isinstance(body, dict) else None
        items = contacts if isinstance(contacts, list) else []
        return [str(item.get("msisdn")) for item in items if isinstance(item, dict)]

    def add_by_hand(self, person: HandMade) -> None:
        contact = {"msisdn": f"+{person.phone_digits}", "first_name": person.first_name}
        contact |= {"last_name": person.last_name, "opted_in": not person.unsubscribed}
        self._as_vendor("POST", PATH, {"contacts": [contact]})

    @classmethod
    def subscribed(cls, record: Mapping[str, Any]) -> bool:
        return bool(record["opted_in"])

    def _import(self, request: Request) -> Response:
        body = request.json()
        contacts = body.get("contacts") if isinstance(body, dict) else None
        if not isinstance(contacts, list) or not contacts:
            raise BadRequest("contacts must be a non-empty list")
        if self.max_batch is not None and len(contacts) > self.max_batch:
            raise BadRequest(f"at most {self.max_batch} contacts per request")
        if not all(isinstance(c, dict) and isinstance(c.get("msisdn"), str) for c in contacts):
            raise BadRequest("every contact needs an msisdn")
        return Response(200, {"results": [self._upsert(c) for c in contacts]})

    def _upsert(self, contact: Mapping[str, Any]) -> dict[str, str]:
        msisdn = contact["msisdn"]
        existing = self._contacts.get(msisdn)
        record = existing or {"msisdn": msisdn, "opted_in": True, "tags": []}
        for name in FIELDS:
            if contact.get(name) is not None:
                record[name] = contact[name]
        record["tags"] = sorted({*record["tags"], *contact.get("tags", [])})
        self._contacts[msisdn] = record
        return {"msisdn": msisdn, "result": "updated" if existing else "created"}
