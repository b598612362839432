"""Pabbly Chatflow contacts: https://apidocs.pabbly.com/pabbly/chatflow/contacts/create-contacts

`POST /api/v1/contacts?onDuplicate=skip|overwrite` with `Authorization: Bearer <key>` and a JSON
array `[{mobile, name, optin, tags, attributes: [{name, value}]}]`. The answer lists
`data.createdContacts[]` (no ids) and `data.failedContacts[]`, matched to rows by mobile.

How each status is known:
- in `failedContacts` → failed, with Pabbly's reason;
- under `skip`: in `createdContacts` → added; in neither → skipped (Pabbly kept the contact it
  had). When the request had to be resent after an uncertain attempt, "neither" may be our own
  first attempt, so such a row is upserted: written, new or existing unknown;
- under `update`, two passes and no per-contact look-up (two requests per batch at most):
  the batch goes with `onDuplicate=skip`, whose `createdContacts` are added; the rows in
  neither list already existed and go again with `onDuplicate=overwrite` → updated. The
  overwrite answer may list an overwritten contact or not; a row it names as failed fails.
  The two answers cannot decide in two cases. (1) The skip pass counted failures without
  naming the numbers: an unlisted row is either one of them or an existing contact, so only
  those rows are looked up (`GET /api/v1/contacts/?mobile=`): found → overwrite pass,
  absent → failed. (2) The skip pass was resent after a lost answer: an unlisted row may be
  our own first attempt, and a look-up cannot tell either (the contact exists both ways), so
  it is overwritten and reported upserted. Both passes are idempotent (keyed by the mobile),
  so a resend never makes a second contact.

Quirks (VENDORS.md section 4):
- `mobile` is digits with the calling code, no "+", as in the examples;
- batch size and rate are undocumented: 100 per request and 5 requests/s by default;
- tags and attributes must exist in Pabbly's settings, otherwise that row fails;
- an attribute with an empty value is ignored by Pabbly, and we never send one anyway;
- the overwrite token is `overwrite` and `onDuplicate` goes in the query, our reading of a page
  that lists it under body parameters while the body is an array.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from contactctl.errors import AuthError, BatchRejected, ProviderError, RunAborted
from contactctl.model import (
    WRITTEN_STATUSES,
    Change,
    Contact,
    Delivery,
    OnDuplicate,
    RowResult,
    RunRow,
    Status,
)
from contactctl.providers.base import Provider, RunOptions
from contactctl.providers.common import digits, drop_blank, merged_tags
from contactctl.providers.listing import export_row
from contactctl.providers.planning import (
    WOULD_ADD,
    AccountNames,
    lacking_in_account,
    planned,
    value_change,
    would_update,
)
from contactctl.providers.profile import (
    UPDATE_OR_SKIP,
    Channel,
    Identity,
    Profile,
    undocumented_batches,
)
from contactctl.providers.settings import ProviderSettings
from contactctl.secrets import Secret

if TYPE_CHECKING:
    import httpx

    from contactctl.send.api import Api

CONTACTS_PATH = "/api/v1/contacts"
LOOKUP_PATH = "/api/v1/contacts/"
TAGS_PATH = "/api/v1/settings/tags"
LOOKUP_PAGE_SIZE = 25  # Pabbly's cap on one page of contacts
LOOKUPS_IN_FLIGHT = 8  # per batch; the pacer, not this, sets the pace

Existing = bool | None  # True: present, False: absent, None: the look-up cannot tell


@dataclass(frozen=True)
class PabblySettings(ProviderSettings):
    api_key: Secret | None = None


@dataclass(frozen=True)
class _Answer:
    """Pabbly's answer to one create request, keyed by mobile digits."""

    created: frozenset[str]
    failed: Mapping[str, str]
    unnamed_failures: int  # failedCount beyond the failures it lists
    after_uncertain: bool
    proven: bool = True  # False: a 2xx without createdContacts proves nothing was written


class Pabbly(Provider[PabblySettings]):
    # What `contactctl providers` lists; where a limit is undocumented, our default.
    profile: ClassVar[Profile] = Profile(
        name="pabbly",
        vendor="Pabbly Chatflow",
        limits=undocumented_batches(100),
        identity=Identity.PHONE,
        required_fields="phone",
        duplicate_modes=UPDATE_OR_SKIP,
        phone_format="E.164 digits, no +",
    )
    docs_url: ClassVar[str] = "https://apidocs.pabbly.com/pabbly/chatflow/contacts/create-contacts"
    default_base_url: ClassVar[str] = "https://chatflow.pabbly.com"
    channel: ClassVar[Channel] = Channel.WHATSAPP
    how_status_is_known: ClassVar[str] = (
        "createdContacts → added, failedContacts → failed, neither → skipped (skip); "
        "under update the rows in neither are sent again with overwrite → updated"
    )
    settings_type: ClassVar[type[ProviderSettings]] = PabblySettings
    unsent_fields: ClassVar[tuple[str, ...]] = ("email", "lists", "external_id")
    can_list: ClassVar[bool] = True
    can_plan: ClassVar[bool] = True
    # Undo: a contact is read back and written back (PUT) through its number; Pabbly has no
    # delete call. Its writes read nothing first, so the before-image is the journal's.
    can_restore: ClassVar[bool] = True
    reads_by_id: ClassVar[bool] = True

    def __init__(self, settings: PabblySettings, run: RunOptions) -> None:
        super().__init__(settings, run)
        self._tags = AccountNames(self._read_tags)  # read by the first plan
        self._read_back: dict[str, str] = {}  # number → id, from undo's read-back

    def auth(self) -> httpx.Auth:
        from contactctl.providers.auth import HeaderAuth

        key = self.settings.api_key.reveal() if self.settings.api_key else ""
        return HeaderAuth({"Authorization": f"Bearer {key}"})

    def identity_key(self, contact: Contact) -> str | None:
        return contact.phone

    def check_contact(self, contact: Contact) -> str | None:
        return None if contact.phone else "no phone number (Pabbly Chatflow needs one)"

    async def push(self, batch: Sequence[Contact], api: Api) -> list[RowResult]:
        first = await self._write(batch, api, "skip")
        if self.run.on_duplicate is not OnDuplicate.UPDATE:
            results = [self._skip_result(c, first) for c in batch]
        else:
            results = await self._two_pass(batch, first, api)
        return [self._with_change(c, r) for c, r in zip(batch, results, strict=True)]

    def _with_change(self, contact: Contact, result: RowResult) -> RowResult:
        """A written row carries what it set, for undo (no look-up: no before-image)."""
        if result.status not in WRITTEN_STATUSES:
            return result
        return replace(result, change=Change(_shown(self._contact(contact))))

    # Undo ---------------------------------------------------------------------------------

    async def current(self, row: RunRow, api: Api) -> Mapping[str, Any] | None:
        entry = await self._entry_of(row.phone or "", api)
        if entry is not None and entry.get("_id"):
            self._read_back[row.phone or ""] = str(entry["_id"])  # for restore, next
        return None if entry is None else _shown(entry)

    async def restore(self, row: RunRow, api: Api) -> None:
        # Undo reads a contact back just before restoring it: its id is known then.
        contact_id = self._read_back.pop(row.phone or "", None)
        if contact_id is None:
            entry = await self._entry_of(row.phone or "", api)
            contact_id = str(entry["_id"]) if entry is not None and entry.get("_id") else None
        if contact_id is None:
            raise BatchRejected("no longer at Pabbly Chatflow")
        before = row.before or {}
        body: dict[str, object] = {k: before[k] for k in ("name", "optin", "tags") if k in before}
        if "attributes" in before:  # "" removes an attribute the contact did not have
            held = before["attributes"] or {}
            sent = (row.sent or {}).get("attributes") or {}
            body["attributes"] = [
                {"name": name, "value": held.get(name) or ""} for name in {*held, *sent}
            ]
        reply = await api.call("PUT", f"{CONTACTS_PATH}/{contact_id}", json=body)
        if not _data(reply.data):  # unproven: the next undo reads it back and sees
            raise ProviderError("Pabbly Chatflow's answer to the restore holds no contact")

    async def _entry_of(self, phone: str, api: Api) -> Mapping[str, Any] | None:
        """The contact Pabbly holds for this number, or None."""
        entry, _ = await self._by_number(_only_digits(phone), api)
        return entry

    async def _by_number(self, digits: str, api: Api) -> tuple[Mapping[str, Any] | None, int]:
        """The look-up by `mobile`: the contact holding these digits, or None, and how many
        contacts the page listed (a full page may hide it)."""
        reply = await api.call(
            "GET", LOOKUP_PATH, params={"mobile": digits}, accept=frozenset({404})
        )
        listed = [] if reply.status_code == 404 else _listed_contacts(reply.data)
        return next((e for e in listed if digits in _full_numbers(e)), None), len(listed)

    async def _write(self, batch: Sequence[Contact], api: Api, on_duplicate: str) -> _Answer:
        body = [self._contact(c) for c in batch]
        params = {"onDuplicate": on_duplicate}
        reply = await api.call("POST", CONTACTS_PATH, json=body, params=params)
        return _read_answer(reply.data, reply.after_uncertain)

    async def _two_pass(
        self, batch: Sequence[Contact], first: _Answer, api: Api
    ) -> list[RowResult]:
        """The skip pass's answer decides added and failed; the rest existed: overwrite them."""
        if not first.proven:
            return [_unproven(c) for c in batch]
        results: dict[int, RowResult] = {}
        rest: list[int] = []
        for index, contact in enumerate(batch):
            decided = _decided_by_skip_pass(contact, first)
            if decided is None:
                rest.append(index)
            else:
                results[index] = decided
        if first.unnamed_failures and rest:
            rest = await self._keep_existing(batch, rest, first, results, api)
        if rest:
            await self._overwrite(batch, rest, first, results, api)
        return [results[index] for index in range(len(batch))]

    async def _keep_existing(
        self,
        batch: Sequence[Contact],
        rest: list[int],
        first: _Answer,
        results: dict[int, RowResult],
        api: Api,
    ) -> list[int]:
        """Which unlisted rows exist, when the skip pass counted failures it did not name."""
        found = await self._look_up_all([batch[i] for i in rest], api)
        existing: list[int] = []
        for index, held in zip(rest, found, strict=True):
            if held:
                existing.append(index)
            elif held is None:
                results[index] = RowResult.not_confirmed(
                    batch[index], _unnamed_failures_reason(first)
                )
            else:
                reason = "rejected by Pabbly Chatflow without naming the number (not found after)"
                results[index] = RowResult.for_contact(batch[index], Status.FAILED, reason)
        return existing

    async def _overwrite(
        self,
        batch: Sequence[Contact],
        rest: list[int],
        first: _Answer,
        results: dict[int, RowResult],
        api: Api,
    ) -> None:
        try:
            second = await self._write([batch[i] for i in rest], api, "overwrite")
        except (AuthError, RunAborted) as exc:
            exc.delivery = Delivery.MAY_HAVE_LANDED  # the skip pass landed
            raise
        except ProviderError as exc:
            for index in rest:
                reason = f"not updated: {exc.message}"
                results[index] = RowResult.for_contact(
                    batch[index], Status.FAILED, reason, delivery=exc.delivery
                )
            return
        for index in rest:
            results[index] = _overwritten(batch[index], first, second)

    def _contact(self, contact: Contact) -> dict[str, object]:
        attributes = [
            {"name": name, "value": value} for name, value in contact.attributes.items() if value
        ]
        return drop_blank(
            {
                "mobile": _mobile(contact),
                "name": contact.display_name,
                "optin": contact.opt_in,
                "tags": merged_tags(contact, self.run.tags),
                "attributes": attributes,
            }
        )

    async def _look_up_all(self, batch: Sequence[Contact], api: Api) -> list[Existing]:
        import asyncio  # here, not at the top: `contactctl providers` imports this module

        gate = asyncio.Semaphore(LOOKUPS_IN_FLIGHT)

        async def one(contact: Contact) -> Existing:
            async with gate:
                return await self._look_up(contact, api)

        return list(await asyncio.gather(*(one(c) for c in batch)))

    async def list_contacts(self, api: Api) -> AsyncIterator[dict[str, str]]:
        """`GET /api/v1/contacts/?limit=25&page=N` until a short page (25 is Pabbly's cap)."""
        page = 1
        while True:
            params = {"limit": str(LOOKUP_PAGE_SIZE), "page": str(page)}
            reply = await api.call("GET", LOOKUP_PATH, params=params)
            entries = _listed_contacts(reply.data)
            for entry in entries:
                number = _whole_number(entry)
                tags = entry.get("tags") if isinstance(entry.get("tags"), list) else None
                yield export_row(name=entry.get("name"), phone=number, tags=tags)
            if len(entries) < LOOKUP_PAGE_SIZE:
                return
            page += 1

    async def plan(self, contact: Contact, api: Api) -> RowResult:
        unknown = await self._tags.lacking(merged_tags(contact, self.run.tags), api)
        if unknown:
            where = "Settings → Tags"
            return lacking_in_account(contact, "tag", unknown[0], self.vendor, where)
        entry, listed = await self._by_number(_mobile(contact), api)
        if entry is None and listed >= LOOKUP_PAGE_SIZE:
            return planned(contact, "would add or update: the look-up's page was full")
        if entry is None:
            return planned(contact, WOULD_ADD)
        contact_id = str(entry.get("_id")) if entry.get("_id") else None
        if self.run.on_duplicate is OnDuplicate.SKIP:
            return planned(contact, "would keep it (--on-duplicate skip)", contact_id)
        return planned(contact, would_update(self._changes(entry, contact)), contact_id)

    async def _read_tags(self, api: Api) -> frozenset[str] | None:
        """The account's tags (case-folded): `GET /settings/tags`."""
        reply = await api.call("GET", TAGS_PATH, accept=frozenset({404}))
        return None if reply.status_code == 404 else _tag_names(reply.data)

    def _changes(self, entry: Mapping[str, Any], contact: Contact) -> list[str]:
        """What an overwrite would change. Pabbly replaces the tag list with the row's, so
        tags may go as well as come."""
        body = self._contact(contact)
        changes = value_change("name", entry.get("name"), body["name"]) if "name" in body else []
        if "optin" in body:
            changes += value_change("optin", entry.get("optin"), body["optin"])
        if "tags" in body:
            changes += _tag_replacement(entry.get("tags"), body["tags"])
        held = {
            str(a.get("name")): a.get("value")
            for a in entry.get("attributes") or []
            if isinstance(a, Mapping)
        }
        for attribute in body.get("attributes") or []:  # type: ignore[attr-defined]
            name, value = attribute["name"], attribute["value"]
            changes += value_change(f"attribute {name}", held.get(name), value)
        return changes

    async def _look_up(self, contact: Contact, api: Api) -> Existing:
        entry, listed = await self._by_number(_mobile(contact), api)
        if entry is not None:
            return True
        return None if listed >= LOOKUP_PAGE_SIZE else False

    def _skip_result(self, contact: Contact, answer: _Answer) -> RowResult:
        if not answer.proven:
            return _unproven(contact)
        decided = _decided_by_skip_pass(contact, answer)
        if decided is not None:
            return decided
        if answer.unnamed_failures:
            return RowResult.not_confirmed(contact, _unnamed_failures_reason(answer))
        if answer.after_uncertain:
            reason = (
                "at Pabbly Chatflow; an earlier attempt may have created it, "
                "so new or existing is unknown"
            )
            return RowResult.for_contact(contact, Status.UPSERTED, reason)
        reason = "already at Pabbly Chatflow; kept as it was (--on-duplicate skip)"
        return RowResult.for_contact(contact, Status.SKIPPED, reason)


def _unproven(contact: Contact) -> RowResult:
    return RowResult.not_confirmed(contact, "Pabbly Chatflow's answer has no createdContacts")


def _decided_by_skip_pass(contact: Contact, answer: _Answer) -> RowResult | None:
    """failed or added from a skip pass's answer; None when the row is in neither list."""
    mobile = _mobile(contact)
    if mobile in answer.failed:
        reason = f"rejected by Pabbly Chatflow: {answer.failed[mobile]}"
        return RowResult.for_contact(contact, Status.FAILED, reason)
    if mobile in answer.created:
        return RowResult.for_contact(contact, Status.ADDED)
    return None


def _overwritten(contact: Contact, first: _Answer, second: _Answer) -> RowResult:
    """The row of a contact the skip pass left alone, from the overwrite pass's answer."""
    mobile = _mobile(contact)
    if not second.proven:
        return _unproven(contact)
    if mobile in second.failed:
        reason = f"rejected by Pabbly Chatflow: {second.failed[mobile]}"
        return RowResult.for_contact(contact, Status.FAILED, reason)
    # Pabbly may list an overwritten contact under createdContacts or under neither list.
    if mobile not in second.created and second.unnamed_failures:
        return RowResult.not_confirmed(contact, _unnamed_failures_reason(second))
    if first.after_uncertain:
        reason = (
            "written; a lost answer to the first request may mean it created this contact, "
            "so new or existing is unknown"
        )
        return RowResult.for_contact(contact, Status.UPSERTED, reason)
    return RowResult.for_contact(contact, Status.UPDATED)


def _unnamed_failures_reason(answer: _Answer) -> str:
    return (
        f"Pabbly Chatflow reported {answer.unnamed_failures} failure(s) without naming the numbers"
    )


def _mobile(contact: Contact) -> str:
    return digits(contact.phone or "")


def _only_digits(value: Any) -> str:
    return "".join(ch for ch in str(value or "") if ch.isdigit())


def _data(body: Any) -> Mapping[str, Any]:
    data = body.get("data") if isinstance(body, Mapping) else None
    return data if isinstance(data, Mapping) else {}


def _listed_contacts(body: Any) -> list[Mapping[str, Any]]:
    contacts = _data(body).get("contacts")
    return [c for c in contacts if isinstance(c, Mapping)] if isinstance(contacts, list) else []


def _tag_replacement(held: object, wanted: object) -> list[str]:
    """`tags: +vip -lead` when the row's tag list would replace a different one."""
    have = [str(t) for t in held] if isinstance(held, list) else []
    new = [str(t) for t in wanted] if isinstance(wanted, list) else []
    added = [f"+{t}" for t in new if t.casefold() not in {h.casefold() for h in have}]
    gone = [f"-{t}" for t in have if t.casefold() not in {n.casefold() for n in new}]
    return [f"tags: {' '.join(added + gone)}"] if added or gone else []


def _whole_number(entry: Mapping[str, Any]) -> str:
    """A listed contact's number with its country code, whether `mobile` holds it already or
    only the national part (no national number starts with its own country code)."""
    mobile = _only_digits(entry.get("mobile"))
    country = _only_digits(entry.get("countryCode"))
    return mobile if not country or mobile.startswith(country) else country + mobile


def _full_numbers(entry: Mapping[str, Any]) -> set[str]:
    """The ways a listed contact's number may spell our digits (whole, or split in two)."""
    mobile = _only_digits(entry.get("mobile"))
    country = _only_digits(entry.get("countryCode"))
    return {mobile, country + mobile} if country else {mobile}


def _read_answer(body: Any, after_uncertain: bool) -> _Answer:
    data = _data(body)
    created = data.get("createdContacts")
    failed = data.get("failedContacts")
    created_list = created if isinstance(created, list) else []
    failed_list = failed if isinstance(failed, list) else []
    named = [_failure(entry) for entry in failed_list]
    failures = {mobile: reason for mobile, reason in named if mobile}
    count = data.get("failedCount")
    beyond_list = max(count - len(failed_list), 0) if isinstance(count, int) else 0
    return _Answer(
        created=frozenset(_entry_mobile(e) for e in created_list) - {""},
        failed=failures,
        # Entries without a number count too: they may be any of the rows.
        unnamed_failures=beyond_list + len(named) - len(failures),
        after_uncertain=after_uncertain,
        proven=isinstance(created, list),
    )


def _entry_mobile(entry: Any) -> str:
    if not isinstance(entry, Mapping):
        return ""
    inner = entry.get("contact")
    if isinstance(inner, Mapping):
        return _entry_mobile(inner)
    return _only_digits(entry.get("mobile"))


def _failure(entry: Any) -> tuple[str, str]:
    """(mobile digits, Pabbly's reason) of one failedContacts entry; the shape is undocumented."""
    if not isinstance(entry, Mapping):
        return "", ""
    for key in ("reason", "error", "message", "errors"):
        if entry.get(key):
            return _entry_mobile(entry), str(entry[key])
    return _entry_mobile(entry), "no reason given"


def _tag_names(data: Any) -> frozenset[str] | None:
    """Tag names from `{"data": {"tags": [...]}}` (objects with `name`, or strings); None
    when the answer holds no list (its shape is undocumented)."""
    inner = _data(data)
    tags = inner.get("tags") if isinstance(inner, Mapping) else None
    if not isinstance(tags, list):
        return None
    names = [t.get("name") if isinstance(t, Mapping) else t for t in tags]
    return frozenset(str(name).casefold() for name in names if isinstance(name, str))


def _shown(contact: Mapping[str, Any]) -> dict[str, object]:
    """A contact as undo compares it: name, opt-in, tags, and attributes by name."""
    shown = {key: contact[key] for key in ("name", "optin", "tags") if key in contact}
    attributes = contact.get("attributes")
    if isinstance(attributes, list):
        shown["attributes"] = {
            str(a.get("name")): a.get("value") for a in attributes if isinstance(a, Mapping)
        }
    return shown
