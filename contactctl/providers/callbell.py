"""Callbell contacts: https://docs.callbell.eu/api/reference/contacts_api/post_contacts

One contact per request, `Authorization: Bearer <token>`. Callbell does not say what
`POST /v1/contacts` does with a number it already has, so every contact is looked up first:

- `GET /v1/contacts/phone/{digits}` (with `channel_uuid` when configured) → absent (404):
  `POST /v1/contacts` `{source, identifier, name, tags, custom_fields, channel_uuid}` → added;
- present: `PATCH /v1/contacts/{uuid}` `{name, tags, custom_fields}` → updated, or nothing at
  all under `--on-duplicate skip` → skipped. Whether PATCH replaces the tag list is
  undocumented; we assume it does, so the tags sent are the contact's tags from the look-up
  followed by the row's: an import never removes a tag.

So each contact costs two requests: at the default 250 requests/s (documented ceiling 300,
then 429) that is about 125 contacts/s. Reaching that pace takes at least 13 requests in
flight at 50 ms latency, hence a default concurrency of 32.

Quirks (VENDORS.md section 3):
- `identifier` is E.164 digits without "+", as in every request example (the format is not
  documented); the number cannot be changed by PATCH, so it is never sent there;
- `name` is required to create; config `name_fallback: phone` names a nameless contact after
  its number. The fallback is used for creates only: an update never replaces a stored name
  with a number;
- tags and custom fields must already exist in the account; a refusal fails only that row;
- the create is not idempotent: after a timeout or a lost answer the number is looked up
  again before anything is resent (contactctl.send.once);
- `contact` is an array in the create/patch answers and an object in the look-up: both read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from contactctl.errors import ProviderError, UsageError
from contactctl.model import Change, Contact, Delivery, OnDuplicate, RowResult, RunRow, Status
from contactctl.providers.base import Provider, RunOptions
from contactctl.providers.common import digits, drop_blank, merged_tags
from contactctl.providers.listing import export_row
from contactctl.providers.planning import (
    WOULD_ADD,
    AccountNames,
    fields_change,
    lacking_in_account,
    planned,
    tag_change,
    value_change,
    would_update,
)
from contactctl.providers.profile import UPDATE_OR_SKIP, Channel, Identity, Limits, Profile
from contactctl.providers.settings import ProviderSettings
from contactctl.secrets import Secret

if TYPE_CHECKING:
    import httpx

    from contactctl.send.api import Api

CONTACTS_PATH = "/v1/contacts"
NAME_FALLBACKS = ("phone",)
SKIPPED_REASON = "already at Callbell; kept as it was (--on-duplicate skip)"
UP_TO_DATE_REASON = "already up to date at Callbell"


@dataclass(frozen=True)
class _Found:
    """A contact the look-up found: its uuid, and what an update could change."""

    uuid: str
    tags: tuple[str, ...]
    name: str | None = None
    custom_fields: Mapping[str, object] | None = None


@dataclass(frozen=True)
class CallbellSettings(ProviderSettings):
    api_token: Secret | None = None
    source: str = "whatsapp"
    # "phone": a contact without a name is created with its number as the name.
    name_fallback: str | None = None
    # The channel contacts belong to (default: the account's main WhatsApp channel).
    channel_uuid: str | None = None


class Callbell(Provider[CallbellSettings]):
    # What `contactctl providers` lists; where a limit is undocumented, our default.
    profile: ClassVar[Profile] = Profile(
        name="callbell",
        vendor="Callbell",
        limits=Limits(
            default_batch=1,
            max_batch=1,
            batch_documented=True,
            requests_per_second=250,
            max_requests_per_second=300,
            rate_documented=True,
            default_concurrency=32,
        ),
        identity=Identity.PHONE,
        required_fields="phone, name (or config name_fallback: phone)",
        duplicate_modes=UPDATE_OR_SKIP,
        phone_format="E.164 digits, no +",
    )
    docs_url: ClassVar[str] = "https://docs.callbell.eu/api/reference/contacts_api/post_contacts"
    default_base_url: ClassVar[str] = "https://api.callbell.eu"
    channel: ClassVar[Channel] = Channel.WHATSAPP
    how_status_is_known: ClassVar[str] = (
        "look-up by phone before writing: absent → created (added), present → patched "
        "(updated) or left alone (skipped)"
    )
    settings_type: ClassVar[type[ProviderSettings]] = CallbellSettings
    unsent_fields: ClassVar[tuple[str, ...]] = ("email", "lists", "external_id", "opt_in")
    looks_up_created: ClassVar[bool] = True
    updates_by_known_id: ClassVar[bool] = True
    can_list: ClassVar[bool] = True
    can_plan: ClassVar[bool] = True
    can_delete: ClassVar[bool] = True
    can_restore: ClassVar[bool] = True
    reads_by_id: ClassVar[bool] = True

    def __init__(self, settings: CallbellSettings, run: RunOptions) -> None:
        super().__init__(settings, run)
        self._fields = AccountNames(self._read_fields)  # read by the first plan

    def check_run(self) -> None:
        fallback = self.settings.name_fallback
        if fallback is not None and fallback not in NAME_FALLBACKS:
            raise UsageError(
                f"Config key providers.callbell.name_fallback: {fallback!r} is not supported.",
                "Use name_fallback: phone, or leave it out to fail rows without a name.",
            )
        if not self.settings.source.strip():
            raise UsageError("Config key providers.callbell.source must not be empty.")

    def auth(self) -> httpx.Auth:
        from contactctl.providers.auth import HeaderAuth

        token = self.settings.api_token.reveal() if self.settings.api_token else ""
        return HeaderAuth({"Authorization": f"Bearer {token}"})

    def identity_key(self, contact: Contact) -> str | None:
        return contact.phone

    def check_contact(self, contact: Contact) -> str | None:
        if not contact.phone:
            return "no phone number (Callbell needs one)"
        if not contact.display_name and self.settings.name_fallback is None:
            return "no name (Callbell needs one; set name_fallback: phone to use the number)"
        return None

    async def push(self, batch: Sequence[Contact], api: Api) -> list[RowResult]:
        # One contact per request (max_batch 1); a longer batch is still answered row by row.
        return [await self._push_one(contact, api) for contact in batch]

    async def _push_one(self, contact: Contact, api: Api) -> RowResult:
        if self._may_patch_by_known_id(contact):
            patched = await self._patch(contact, contact.known_id or "", (), api, gone_ok=True)
            if patched is not None:
                return patched
            # The uuid the journal held is gone (deleted at Callbell): look the number up.
        found = await self._find(contact, api)
        if found is not None and self.run.on_duplicate is OnDuplicate.SKIP:
            return RowResult.for_contact(contact, Status.SKIPPED, SKIPPED_REASON, id=found.uuid)
        if found is not None and self._holds_already(found, contact):
            return RowResult.for_contact(
                contact, Status.SKIPPED, UP_TO_DATE_REASON, id=found.uuid, delivery=Delivery.LANDED
            )
        if found is not None:
            patched = await self._patch(
                contact, found.uuid, found.tags, api, gone_ok=False, before=found
            )
            assert patched is not None  # only a gone_ok PATCH may come back empty
            return patched
        return await self._create(contact, api)

    def _may_patch_by_known_id(self, contact: Contact) -> bool:
        """A journal-held uuid saves the look-up, unless the row adds tags: PATCH replaces
        the tag list, so keeping the contact's own tags needs the look-up's list."""
        return (
            contact.known_id is not None
            and self.run.on_duplicate is OnDuplicate.UPDATE
            and not merged_tags(contact, self.run.tags)
        )

    async def _patch(
        self,
        contact: Contact,
        uuid: str,
        kept_tags: Sequence[str],
        api: Api,
        *,
        gone_ok: bool,
        before: _Found | None = None,
    ) -> RowResult | None:
        """PATCH the contact `uuid`; None when `gone_ok` and Callbell no longer has it.
        `before`: what the look-up showed (kept for undo; None when none was made)."""
        body = self._update_body(contact, kept_tags=kept_tags)
        accept = frozenset({404}) if gone_ok else frozenset()
        reply = await api.call("PATCH", f"{CONTACTS_PATH}/{uuid}", json=body, accept=accept)
        if reply.status_code == 404:
            return None
        if _uuid(reply.data) is None:  # a 2xx without the contact proves nothing (#14.3)
            return RowResult.not_confirmed(contact, "Callbell's answer has no contact uuid")
        sent = _shown(body)
        change = Change(sent, _shown_before(before, sent) if before is not None else None)
        return RowResult.for_contact(contact, Status.UPDATED, id=uuid, change=change)

    async def plan(self, contact: Contact, api: Api) -> RowResult:
        wanted = [name for name, value in contact.attributes.items() if value]
        unknown = await self._fields.lacking(wanted, api)
        if unknown:
            where = "Callbell's settings"
            return lacking_in_account(contact, "custom field", unknown[0], self.vendor, where)
        found = await self._find(contact, api)
        if found is None:
            return planned(contact, WOULD_ADD)
        if self.run.on_duplicate is OnDuplicate.SKIP:
            return planned(contact, f"would keep it: {SKIPPED_REASON}", found.uuid)
        return planned(contact, would_update(self._changes(found, contact)), found.uuid)

    async def _read_fields(self, api: Api) -> frozenset[str] | None:
        """The account's custom fields (case-folded), from the first page of contacts with
        `include_field_types=true` (no call lists its tags: those are left to the import)."""
        params = {"page": "1", "include_field_types": "true"}
        reply = await api.call("GET", CONTACTS_PATH, params=params)
        return _field_names(reply.data)

    def _changes(self, found: _Found, contact: Contact) -> list[str]:
        """What the PATCH would change: the name, the tags the row adds (Callbell spells them
        its way: compared ignoring case), the custom fields."""
        name = contact.display_name
        changes = value_change("name", found.name, name) if name is not None else []
        changes += tag_change(found.tags, merged_tags(contact, self.run.tags))
        wanted = drop_blank(dict(contact.attributes))
        return changes + fields_change(found.custom_fields or {}, wanted)

    def _holds_already(self, found: _Found, contact: Contact) -> bool:
        """Whether the PATCH would change nothing."""
        return not self._changes(found, contact)

    async def _create(self, contact: Contact, api: Api) -> RowResult:
        # Not idempotent: when this may have landed, the core looks it up (find_created).
        body = self._create_body(contact)
        reply = await api.call("POST", CONTACTS_PATH, json=body, idempotent=False)
        uuid = _uuid(reply.data)
        if uuid is None:  # a 2xx without the new contact's uuid proves nothing (#14.3)
            return RowResult.not_confirmed(contact, "Callbell's answer has no contact uuid")
        return RowResult.for_contact(contact, Status.ADDED, id=uuid, change=Change(_shown(body)))

    # Undo ---------------------------------------------------------------------------------

    async def current(self, row: RunRow, api: Api) -> Mapping[str, Any] | None:
        reply = await api.call("GET", f"{CONTACTS_PATH}/{row.vendor_id}", accept=frozenset({404}))
        if reply.status_code == 404:
            return None
        if _uuid(reply.data) is None:  # only a 404 says gone; this says nothing
            raise ProviderError("Callbell's answer names no contact", delivery=Delivery.NOT_SENT)
        entry = _entry(reply.data)
        fields = entry.get("customFields", entry.get("custom_fields"))
        return {
            "name": entry.get("name"),
            "tags": list(_tags(reply.data)),
            "custom_fields": dict(fields) if isinstance(fields, Mapping) else {},
        }

    async def delete(self, rows: Sequence[RunRow], api: Api) -> None:
        for row in rows:  # one contact a request; one already gone is gone
            await api.call("DELETE", f"{CONTACTS_PATH}/{row.vendor_id}", accept=frozenset({404}))

    async def restore(self, row: RunRow, api: Api) -> None:
        before = row.before or {}
        body: dict[str, object] = {}
        if before.get("name"):
            body["name"] = before["name"]
        if "tags" in before:
            body["tags"] = list(before["tags"] or [])  # PATCH replaces the list
        if "custom_fields" in before:  # a field the contact did not have is removed (None)
            held = before["custom_fields"] or {}
            sent = (row.sent or {}).get("custom_fields") or {}
            body["custom_fields"] = {name: held.get(name) for name in {*held, *sent}}
        reply = await api.call("PATCH", f"{CONTACTS_PATH}/{row.vendor_id}", json=body)
        if _uuid(reply.data) is None:  # unproven: the next undo reads it back and sees
            raise ProviderError("Callbell's answer to the restore names no contact")

    async def list_contacts(self, api: Api) -> AsyncIterator[dict[str, str]]:
        """`GET /v1/contacts?page=N` until `meta.pages` (or an empty page)."""
        page = 1
        while True:
            reply = await api.call("GET", CONTACTS_PATH, params={"page": str(page)})
            data = reply.data if isinstance(reply.data, Mapping) else {}
            entries = [e for e in data.get("contacts") or [] if isinstance(e, Mapping)]
            for entry in entries:
                yield export_row(
                    name=entry.get("name"), phone=entry.get("phoneNumber"), tags=entry.get("tags")
                )
            meta = data.get("meta")
            pages = meta.get("pages") if isinstance(meta, Mapping) else None
            pages = pages if isinstance(pages, int) else None
            if not entries or (pages is not None and page >= pages):
                return
            page += 1

    def created_change(self, contact: Contact) -> Change | None:
        return Change(_shown(self._create_body(contact)))

    async def find_created(self, contact: Contact, api: Api) -> str | None:
        found = await self._find(contact, api)
        return found.uuid if found else None

    async def _find(self, contact: Contact, api: Api) -> _Found | None:
        """The contact Callbell holds for this number, or None."""
        params = (
            {"channel_uuid": self.settings.channel_uuid} if self.settings.channel_uuid else None
        )
        path = f"{CONTACTS_PATH}/phone/{digits(contact.phone or '')}"
        reply = await api.call("GET", path, params=params, accept=frozenset({404}))
        if reply.status_code == 404:
            return None
        uuid = _uuid(reply.data)
        if uuid is None:  # a 200 naming no contact does not prove it absent: never create
            raise ProviderError(
                "Callbell's look-up answer has no contact uuid; nothing was sent for this row",
                delivery=Delivery.NOT_SENT,
            )
        entry = _entry(reply.data)
        name = entry.get("name") if isinstance(entry.get("name"), str) else None
        fields = entry.get("customFields", entry.get("custom_fields"))
        return _Found(
            uuid, _tags(reply.data), name, fields if isinstance(fields, Mapping) else None
        )

    def _create_body(self, contact: Contact) -> dict[str, object]:
        name = contact.display_name
        if name is None and self.settings.name_fallback == "phone":
            name = contact.phone
        body = self._update_body(contact, kept_tags=()) | {
            "source": self.settings.source,
            "identifier": digits(contact.phone or ""),
            "name": name,
            "channel_uuid": self.settings.channel_uuid,
        }
        return drop_blank(body)

    def _update_body(self, contact: Contact, kept_tags: Sequence[str]) -> dict[str, object]:
        new_tags = merged_tags(contact, self.run.tags)
        # Only when the row adds tags: the union keeps the contact's own (PATCH replaces).
        tags = _union(kept_tags, new_tags) if new_tags else []
        return drop_blank(
            {
                "name": contact.display_name,
                "tags": tags,
                "custom_fields": drop_blank(dict(contact.attributes)),
            }
        )


def _uuid(data: Any) -> str | None:
    """The contact's uuid from `{"contact": {...}}` or `{"contact": [{...}]}`."""
    entry = data.get("contact") if isinstance(data, Mapping) else None
    if isinstance(entry, list):
        entry = entry[0] if entry else None
    uuid = entry.get("uuid") if isinstance(entry, Mapping) else None
    return str(uuid) if uuid else None


def _entry(data: Any) -> Mapping[str, Any]:
    """The contact object of an answer (`{"contact": {...}}` or `{"contact": [{...}]}`)."""
    entry = data.get("contact") if isinstance(data, Mapping) else None
    if isinstance(entry, list):
        entry = entry[0] if entry else None
    return entry if isinstance(entry, Mapping) else {}


def _tags(data: Any) -> tuple[str, ...]:
    """The tags of the looked-up contact (strings; anything else is not a tag name)."""
    entry = data.get("contact") if isinstance(data, Mapping) else None
    if isinstance(entry, list):
        entry = entry[0] if entry else None
    tags = entry.get("tags") if isinstance(entry, Mapping) else None
    return tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else ()


def _union(kept: Sequence[str], new: Sequence[str]) -> list[str]:
    """The contact's tags then the new ones; tag names match case-insensitively at Callbell."""
    seen = {tag.lower() for tag in kept}
    return [*kept, *(tag for tag in dict.fromkeys(new) if tag.lower() not in seen)]


def _shown(body: Mapping[str, object]) -> dict[str, object]:
    """What a create or PATCH sets, as `current` reads a contact back (undo compares them)."""
    return {key: body[key] for key in ("name", "tags", "custom_fields") if key in body}


def _shown_before(found: _Found, sent: Mapping[str, object]) -> dict[str, object]:
    """The fields `sent` sets, as the look-up showed them before the write."""
    held: dict[str, object] = {"name": found.name, "tags": list(found.tags)}
    fields = sent.get("custom_fields")
    if isinstance(fields, Mapping):
        had = found.custom_fields or {}
        held["custom_fields"] = {name: had[name] for name in fields if name in had}
    return {key: held[key] for key in sent if key in held}


def _field_names(data: Any) -> frozenset[str] | None:
    """Custom field names from `customFieldsMetadata` (a list of objects with `name` or
    `key`, or a mapping by name; its shape is undocumented); None when absent."""
    meta = data.get("customFieldsMetadata") if isinstance(data, Mapping) else None
    if isinstance(meta, Mapping):
        names: list[object] = list(meta)
    elif isinstance(meta, list):
        names = [m.get("name", m.get("key")) if isinstance(m, Mapping) else m for m in meta]
    else:
        return None
    return frozenset(str(name).casefold() for name in names if isinstance(name, str))
