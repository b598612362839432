"""iVvy contacts: https://developer.ivvy.com/contact/add-or-update-contact

RPC over signed POSTs (see ivvy_auth.py). A push of fewer than DIRECT_BELOW contacts goes
one call at a time, as below; a larger one carries the same look-ups and writes as jobs of
the async `batch` namespace, 200 a run (ivvy_batch.py says how, and why the switch is there):

- `POST /api/1.0/contact?action=getContactList` finds the contact: by `externalId` (a documented
  filter) when the row has an external id; when it has none, or no contact holds it, by e-mail
  (the generic filter on a listed property, as the docs' filtering page shows for
  `firstName`), paged with `perPage`/`start`, compared case-insensitively. With an external id,
  only a contact without one matches by e-mail (one with another externalId is someone else).
  So a contact added by hand, without an externalId, is found, not duplicated;
- absent → `addOrUpdateContact` without `id` → added, with `externalId` only when the row has
  one (first name, last name and e-mail are required to add; a row without them fails after
  the look-up, as an update does not need them);
- present → `addOrUpdateContact` with its `id` → updated, or nothing under
  `--on-duplicate skip` → skipped. Two matching contacts → the row fails, neither touched.

Quirks (VENDORS.md section 5):
- an account lives on one of three regional hosts and no single default fits every account:
  `region: eu|au|us` picks it (`eu`, also spelled `uk`, is the default, as in SPEC's config
  example: `https://api.eu-west-2.ivvy.com`; AU `https://api.ap-southeast-2.ivvy.com`, US
  `https://api.us-west-2.ivvy.com`); a `base_url` wins over `region` (as --sandbox's does), and
  refused credentials on the default host say to check the region;
- an add without `id` always creates, so it is never resent blindly: after a timeout or a lost
  answer the contact is looked up again first (contactctl.send.once);
- errors come as `{"errorCode", "message", "specificCode"}`, and like iVvy's .NET SDK we treat
  any answer carrying `errorCode` as an error, whatever its HTTP status (401/403/462/463 stop
  the run as refused credentials, the rest fail the row);
- `status` / `smsStatus` (config) go to new contacts only: an update never re-subscribes;
- `groups` REPLACES the contact's subscription groups at iVvy, so it is only sent when set;
- `customFields` come from mapped attributes through config `custom_fields: {fieldId: attr}`;
- the phone goes as "+E.164" (iVvy documents no format); iVvy is not a messaging vendor, so
  fixed-line numbers are fine; tags, lists and opt-in have no place there and are not sent;
- rate limit undocumented: 5 requests/s by default.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from contactctl.errors import AuthError, BatchRejected, ProviderError, UsageError
from contactctl.model import Change, Contact, Delivery, OnDuplicate, RowResult, RunRow, Status
from contactctl.providers.base import Provider, RunOptions
from contactctl.providers.common import drop_blank, first_and_last
from contactctl.providers.ivvy_batch import (
    DIRECT_BELOW,
    MAX_JOBS,
    Write,
    look_up_in_runs,
    push_in_runs,
)
from contactctl.providers.ivvy_match import (
    PER_PAGE,
    is_unknown_contact,
    list_params,
    listed,
    same_email,
    same_external_id,
)
from contactctl.providers.listing import export_row
from contactctl.providers.planning import WOULD_ADD, fields_change, planned, would_update
from contactctl.providers.profile import UPDATE_OR_SKIP, Channel, Identity, Limits, Profile
from contactctl.providers.settings import ProviderSettings
from contactctl.secrets import Redactor, Secret

if TYPE_CHECKING:
    import httpx

    from contactctl.send.api import Api

CONTACT_PATH = "/api/1.0/contact"
EMAIL_STATUSES = (1, 2, 3, 5)  # 4 "Registering" is no longer accepted by this call
SMS_STATUSES = (1, 2, 3, 4)
# errorCode values that mean the credentials or the signature were refused.
AUTH_CODES = frozenset({401, 403, 462, 463})
SKIPPED_REASON = "already at iVvy; kept as it was (--on-duplicate skip)"
UP_TO_DATE_REASON = "already up to date at iVvy"
UNSEEN = ("groups", "customFields")
# What a write sets that getContact shows back: what undo compares and restores.
SHOWN = (
    "externalId",
    "firstName",
    "lastName",
    "email",
    "phone",
)  # sent on update, but not in getContactList's answer
MAX_PAGES = 10  # matches of one e-mail or externalId beyond this are not read: the row fails


@dataclass(frozen=True)
class IvvySettings(ProviderSettings):
    api_key: Secret | None = None
    api_secret: Secret | None = None
    # Subscription group ids; they replace the contact's groups at iVvy.
    groups: list[int] | None = None
    # iVvy custom field id → the name of a mapped attribute, e.g. {33443: city}.
    custom_fields: dict[int | str, str] | None = None
    status: int | None = None  # e-mail subscription: 1, 2, 3 or 5
    sms_status: int | None = None  # SMS subscription: 1 to 4
    region: str | None = None  # eu (default), au or us: the account's host


# The account's regional host (VENDORS.md section 5); iVvy's documents call eu-west-2 "UK".
REGION_HOSTS = {
    "eu": "https://api.eu-west-2.ivvy.com",
    "uk": "https://api.eu-west-2.ivvy.com",
    "au": "https://api.ap-southeast-2.ivvy.com",
    "us": "https://api.us-west-2.ivvy.com",
}


class Ivvy(Provider[IvvySettings]):
    # What `contactctl providers` lists; where a limit is undocumented, our default.
    profile: ClassVar[Profile] = Profile(
        name="ivvy",
        vendor="iVvy",
        # A push of up to 200 contacts: one batch run of look-ups, one of writes (200 jobs
        # a run, documented); below DIRECT_BELOW contacts, one call per contact.
        limits=Limits(
            default_batch=MAX_JOBS,
            max_batch=MAX_JOBS,
            batch_documented=True,
            requests_per_second=5,
            max_requests_per_second=5,
            rate_documented=False,
        ),
        identity=Identity.EXTERNAL_ID_ELSE_EMAIL,
        required_fields="external_id or email; to add: first name, last name, email",
        duplicate_modes=UPDATE_OR_SKIP,
        phone_format="+E.164",
    )
    docs_url: ClassVar[str] = "https://developer.ivvy.com/contact/add-or-update-contact"
    default_base_url: ClassVar[str] = "https://api.eu-west-2.ivvy.com"
    channel: ClassVar[Channel] = Channel.ANY
    how_status_is_known: ClassVar[str] = (
        "getContactList by externalId, else by e-mail, before writing: absent → added, "
        "present → updated (with its id) or skipped"
    )
    settings_type: ClassVar[type[ProviderSettings]] = IvvySettings
    unsent_fields: ClassVar[tuple[str, ...]] = ("tags", "lists", "opt_in")
    looks_up_created: ClassVar[bool] = True
    updates_by_known_id: ClassVar[bool] = True
    can_list: ClassVar[bool] = True
    can_plan: ClassVar[bool] = True
    can_restore: ClassVar[bool] = True
    reads_by_id: ClassVar[bool] = True
    has_tags: ClassVar[bool] = False
    batches_from: ClassVar[int] = DIRECT_BELOW

    def __init__(self, settings: IvvySettings, run: RunOptions) -> None:
        super().__init__(settings, run)
        self._redact = Redactor(settings.secrets())

    def base_url(self) -> str:
        if self.settings.base_url or not self.settings.region:
            return super().base_url()
        return REGION_HOSTS[self.settings.region.lower()]

    def auth_hint(self) -> str:
        if self.settings.base_url or self.settings.region:
            return (
                "Check api_key, api_secret, this machine's clock, and that region or base_url "
                "is your account's."
            )
        return (
            "Check api_key, api_secret and this machine's clock, and the account's region: "
            "without `region:` the UK/EU host is used; an Australian or US account needs "
            "`region: au` or `region: us`."
        )

    def check_run(self) -> None:
        region = self.settings.region
        if region is not None and region.lower() not in REGION_HOSTS:
            raise UsageError(
                f"Config key providers.ivvy.region: {region!r} is not an iVvy region.",
                "Use eu (the default, also uk), au or us.",
            )
        _check_choice("status", self.settings.status, EMAIL_STATUSES)
        _check_choice("sms_status", self.settings.sms_status, SMS_STATUSES)
        for group in self.settings.groups or []:
            if type(group) is not int:
                raise UsageError(
                    f"Config key providers.ivvy.groups: {group!r} is not a group id (a number)."
                )
        for field_id, attribute in (self.settings.custom_fields or {}).items():
            if not str(field_id).isdigit() or not isinstance(attribute, str):
                raise UsageError(
                    f"Config key providers.ivvy.custom_fields.{field_id}: expected "
                    "<iVvy field id>: <attribute name>, e.g. 33443: city."
                )

    def auth(self) -> httpx.Auth:
        from contactctl.providers.ivvy_auth import IvvySigner

        key = self.settings.api_key.reveal() if self.settings.api_key else ""
        secret = self.settings.api_secret.reveal() if self.settings.api_secret else ""
        # The signer reads the wall clock per request (send/timing.py), so a test moves it.
        return IvvySigner(key, secret)

    def identity_key(self, contact: Contact) -> str | None:
        return contact.external_id or contact.email

    def check_contact(self, contact: Contact) -> str | None:
        if contact.external_id or contact.email:
            return None
        return "no external id or e-mail (iVvy needs one to recognise the contact)"

    def unsent_attributes(self, contact: Contact) -> list[str]:
        mapped = set((self.settings.custom_fields or {}).values())
        return [name for name in contact.attributes if name not in mapped]

    def error_message(self, data: Any, text: str) -> str:
        if isinstance(data, Mapping) and data.get("errorCode") is not None:
            message = str(data.get("message") or "no message")
            extra = data.get("additionalMessages")
            if isinstance(extra, list) and extra:
                message += " (" + "; ".join(str(m) for m in extra) + ")"
            code = data.get("specificCode")
            return f"{message} [iVvy code {code}]" if code is not None else message
        return super().error_message(data, text)

    async def push(self, batch: Sequence[Contact], api: Api) -> list[RowResult]:
        if len(batch) >= DIRECT_BELOW:
            return await push_in_runs(self, batch, api)
        # Below it the core sends one contact a push (batches_from).
        return [await self._push_one(contact, api) for contact in batch]

    def updates_known_id(self, contact: Contact) -> bool:
        """Whether the journal's id for this contact is used as it is (no look-up)."""
        return contact.known_id is not None and self.run.on_duplicate is OnDuplicate.UPDATE

    async def _push_one(self, contact: Contact, api: Api) -> RowResult:
        if self.updates_known_id(contact):
            assert contact.known_id is not None
            updated = await self._update(contact, contact.known_id, api, gone_ok=True)
            if updated is not None:
                return updated
            # The id the journal held is gone at iVvy: look the contact up.
        entries, key = await self._find_entries(contact, api)
        decided = self.decide(contact, entries, key)
        if isinstance(decided, RowResult):
            return decided
        if decided.contact_id is not None:
            updated = await self._update(
                contact, decided.contact_id, api, gone_ok=False, before=decided.before
            )
            assert updated is not None  # only a gone_ok update may come back empty
            return updated
        return await self._add(contact, api)

    def decide(
        self, contact: Contact, entries: list[Mapping[str, Any]], key: str
    ) -> RowResult | Write:
        """What to do with a contact, given what its look-up found: a result now (failed,
        skipped, already up to date) or the write to send (an update by id, or an add)."""
        found = _ids(entries)
        if len(found) > 1:
            reason = f"{len(found)} iVvy contacts have {key}"
            return RowResult.for_contact(contact, Status.FAILED, f"{reason}; none was changed")
        if found and self.run.on_duplicate is OnDuplicate.SKIP:
            return RowResult.for_contact(contact, Status.SKIPPED, SKIPPED_REASON, id=found[0])
        if found and self._holds_already(entries[0], contact):
            return RowResult.for_contact(
                contact, Status.SKIPPED, UP_TO_DATE_REASON, id=found[0], delivery=Delivery.LANDED
            )
        if found:
            return Write(found[0], before=entries[0])
        missing = self._missing_to_add(contact)
        if missing:
            reason = f"not at iVvy, and adding a contact needs {', '.join(missing)}"
            return RowResult.for_contact(contact, Status.FAILED, reason)
        return Write(None)

    def write_body(self, contact: Contact, contact_id: str | None) -> dict[str, object]:
        """addOrUpdateContact's parameters: an update of `contact_id`, or an add."""
        if contact_id is None:
            return self._body(contact, creating=True)
        return {"id": _as_id(contact_id), **self._body(contact, creating=False)}

    async def _update(
        self,
        contact: Contact,
        contact_id: str,
        api: Api,
        *,
        gone_ok: bool,
        before: Mapping[str, Any] | None = None,
    ) -> RowResult | None:
        """addOrUpdateContact with `id`; None when `gone_ok` and iVvy has no such contact.
        `before`: the contact as the look-up showed it (kept for undo)."""
        body = self.write_body(contact, contact_id)
        reply = await api.call(
            "POST",
            CONTACT_PATH,
            json=body,
            params={"action": "addOrUpdateContact"},
            accept=frozenset({404}) if gone_ok else frozenset(),
        )
        if gone_ok and _is_unknown_contact(reply.status_code, reply.data):
            return None
        return self.written(contact, self.checked(reply.data), Status.UPDATED, before)

    def written(
        self,
        contact: Contact,
        data: Any,
        status: Status,
        before: Mapping[str, Any] | None = None,
    ) -> RowResult:
        """The row of an accepted addOrUpdateContact: `status`, with the id iVvy answered,
        and what it set (with `before`, the look-up's view of those fields) for undo."""
        returned = data.get("id") if isinstance(data, Mapping) else None
        if returned is None:  # a 2xx without the contact's id proves nothing (#14.3)
            return RowResult.not_confirmed(contact, "iVvy's answer has no contact id")
        body = self._body(contact, creating=status is Status.ADDED)
        sent = {key: body[key] for key in SHOWN if key in body}
        held = {key: before.get(key) for key in sent} if before is not None else None
        return RowResult.for_contact(contact, status, id=str(returned), change=Change(sent, held))

    # Undo ---------------------------------------------------------------------------------

    async def current(self, row: RunRow, api: Api) -> Mapping[str, Any] | None:
        reply = await api.call(
            "POST",
            CONTACT_PATH,
            json={"id": _as_id(row.vendor_id or "")},
            params={"action": "getContact"},
            accept=frozenset({404}),
        )
        if _is_unknown_contact(reply.status_code, reply.data):
            return None
        data = self.checked(reply.data)
        if not isinstance(data, Mapping) or data.get("id") is None:  # gone is said with 24096
            raise ProviderError("iVvy's answer names no contact", delivery=Delivery.NOT_SENT)
        return {key: data.get(key) for key in SHOWN}

    async def restore(self, row: RunRow, api: Api) -> None:
        # A field empty before is cleared with "" (e-mail cannot be: iVvy requires one).
        before = {
            k: ("" if v is None and k != "email" else v) for k, v in (row.before or {}).items()
        }
        body = {"id": _as_id(row.vendor_id or ""), **drop_none(before)}
        reply = await api.call(
            "POST", CONTACT_PATH, json=body, params={"action": "addOrUpdateContact"}
        )
        data = self.checked(reply.data)
        if not isinstance(data, Mapping) or data.get("id") is None:
            raise ProviderError("iVvy's answer to the restore has no contact id")

    async def plan(self, contact: Contact, api: Api) -> RowResult:
        entries, key = await self._find_entries(contact, api)
        return self._planned(contact, entries, key)

    async def plan_batch(self, batch: Sequence[Contact], api: Api) -> list[RowResult]:
        if len(batch) < DIRECT_BELOW:
            return await super().plan_batch(batch, api)
        found = await look_up_in_runs(self, batch, api)
        return [
            self._planned(c, seen.entries, seen.key) for c, seen in zip(batch, found, strict=True)
        ]

    def _planned(self, contact: Contact, entries: list[Mapping[str, Any]], key: str) -> RowResult:
        """What the import would do to this contact, given what its look-up found."""
        found = _ids(entries)
        if len(found) > 1:
            reason = f"{len(found)} iVvy contacts have {key}; none would be changed"
            return RowResult.for_contact(contact, Status.FAILED, reason)
        if not found:
            missing = self._missing_to_add(contact)
            if missing:
                reason = f"not at iVvy, and adding a contact needs {', '.join(missing)}"
                return RowResult.for_contact(contact, Status.FAILED, reason)
            return planned(contact, WOULD_ADD)
        if self.run.on_duplicate is OnDuplicate.SKIP:
            return planned(contact, f"would keep it: {SKIPPED_REASON}", found[0])
        return planned(contact, would_update(self._changes(entries[0], contact)), found[0])

    def _changes(self, entry: Mapping[str, Any], contact: Contact) -> list[str]:
        """What an update would change that the look-up shows (e-mail ignoring case); groups
        and custom fields are not in the list answer, so sending them counts as a change."""
        body = self._body(contact, creating=False)
        changes = [f"{key}: sent (the look-up does not show it)" for key in UNSEEN if key in body]
        held = dict(entry)
        email = body.get("email")
        if isinstance(email, str) and str(held.get("email") or "").lower() == email.lower():
            held["email"] = email  # the same address, however it is spelled
        shown = {key: value for key, value in body.items() if key not in UNSEEN}
        return changes + fields_change(held, shown)

    def _holds_already(self, entry: Mapping[str, Any], contact: Contact) -> bool:
        """Whether an update would change nothing the look-up can show."""
        return not self._changes(entry, contact)

    async def _add(self, contact: Contact, api: Api) -> RowResult:
        # Not idempotent: when this may have landed, the core looks it up (find_created).
        reply = await api.call(
            "POST",
            CONTACT_PATH,
            json=self.write_body(contact, None),
            params={"action": "addOrUpdateContact"},
            idempotent=False,
        )
        return self.written(contact, self.checked(reply.data), Status.ADDED)

    async def list_contacts(self, api: Api) -> AsyncIterator[dict[str, str]]:
        """`getContactList` with no filter, PER_PAGE at a time, until a short page."""
        start = 0
        while True:
            body = {"perPage": PER_PAGE, "start": start}
            reply = await api.call(
                "POST", CONTACT_PATH, json=body, params={"action": "getContactList"}
            )
            data = self.checked(reply.data)
            results = data.get("results") if isinstance(data, Mapping) else None
            entries = [e for e in results or [] if isinstance(e, Mapping)]
            for e in entries:
                yield export_row(
                    first_name=e.get("firstName"),
                    last_name=e.get("lastName"),
                    phone=e.get("phone"),
                    email=e.get("email"),
                    external_id=e.get("externalId"),
                )
            if len(results or []) < PER_PAGE:
                return
            start += PER_PAGE

    def created_change(self, contact: Contact) -> Change | None:
        body = self._body(contact, creating=True)
        return Change({key: body[key] for key in SHOWN if key in body})

    async def find_created(self, contact: Contact, api: Api) -> str | None:
        entries, _key = await self._find_entries(contact, api)
        return _ids(entries)[0] if entries else None

    async def _find_entries(
        self, contact: Contact, api: Api
    ) -> tuple[list[Mapping[str, Any]], str]:
        """The contacts iVvy holds for this row, and what matched them (for messages)."""
        if contact.external_id:
            found = await self.list_all(api, "externalId", contact.external_id)
            exact = same_external_id(found, contact)
            if exact or not contact.email:
                return exact, f"externalId {contact.external_id!r}"
        found = await self.list_all(api, "email", contact.email or "")
        return same_email(found, contact), f"e-mail {contact.email!r}"

    async def list_all(self, api: Api, key: str, value: str) -> list[Mapping[str, Any]]:
        """Every contact getContactList returns for `{key: value}`, page by page."""
        entries: list[Mapping[str, Any]] = []
        for page in range(MAX_PAGES):
            reply = await api.call(
                "POST",
                CONTACT_PATH,
                json=list_params(key, value, page * PER_PAGE),
                params={"action": "getContactList"},
            )
            results = listed(self.checked(reply.data))
            entries += [e for e in results if e.get("id")]
            if len(results) < PER_PAGE:
                break
        return entries

    def checked(self, data: Any) -> Any:
        """Raise for an error envelope or `success: false`, whatever the HTTP status was."""
        if not isinstance(data, Mapping):
            return data
        if data.get("errorCode") is not None:
            message = self._redact(self.error_message(data, ""))
            if _as_int(data.get("errorCode")) in AUTH_CODES:
                raise AuthError(f"iVvy refused the credentials: {message}", self.auth_hint())
            raise BatchRejected(message)
        if data.get("success") is False:
            raise BatchRejected(self._redact(str(data.get("message") or "success: false")))
        return data

    def _body(self, contact: Contact, *, creating: bool) -> dict[str, object]:
        first, last = first_and_last(contact)
        settings = self.settings
        # The subscription statuses come from the config, never from the file: sent to a new
        # contact only, so an import never re-subscribes someone who unsubscribed (SPEC 9).
        consent = creating
        body: dict[str, object] = {
            "externalId": contact.external_id,
            "firstName": first,
            "lastName": last,
            "email": contact.email,
            "phone": contact.phone,
            "groups": [{"groupId": group} for group in settings.groups or []],
            "customFields": self._custom_fields(contact),
            "status": settings.status if consent else None,
            "smsStatus": settings.sms_status if consent else None,
        }
        return drop_blank(body)

    def _custom_fields(self, contact: Contact) -> list[dict[str, object]]:
        return [
            {"fieldId": int(field_id), "value": contact.attributes[attribute]}
            for field_id, attribute in (self.settings.custom_fields or {}).items()
            if contact.attributes.get(attribute)
        ]

    def _missing_to_add(self, contact: Contact) -> list[str]:
        first, last = first_and_last(contact)
        wanted = {"first name": first, "last name": last, "e-mail": contact.email}
        return [label for label, value in wanted.items() if not value]


def _check_choice(key: str, value: int | None, allowed: tuple[int, ...]) -> None:
    if value is not None and value not in allowed:
        choices = ", ".join(str(v) for v in allowed)
        raise UsageError(f"Config key providers.ivvy.{key} must be one of {choices}, not {value}.")


def _is_unknown_contact(status: int, data: Any) -> bool:
    """iVvy's "Unable to find contact", at HTTP 404 or in a 2xx body."""
    return status == 404 or is_unknown_contact(data)


def _ids(entries: list[Mapping[str, Any]]) -> list[str]:
    return [str(entry["id"]) for entry in entries]


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_id(value: str) -> int | str:
    """iVvy ids are integers; keep anything else as the vendor gave it."""
    return int(value) if value.isdigit() else value


def drop_none(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}
