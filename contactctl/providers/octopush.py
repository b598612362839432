"""Octopush SMS contacts: https://dev.octopush.com/en/sms-gateway-api-documentation/add-a-contact/

`POST /v1/public/contact/create` with headers `api-login` and `api-key` and a wrapper body
`{"contacts": [...], "list_name", "tag_name", "do_not_overwrite"}`. The answer's
`items[].status` (added / updated / skipped) is matched to rows by `phone_number`.

Quirks (VENDORS.md section 1):
- no e-mail field in the request, no per-contact tags: `tag_name` applies to the whole request;
- `list_name` ≤ 30 chars and `tag_name` ≤ 20 chars (seed), checked before anything is sent;
- the create batch size and rate limit are undocumented: 200 per request (the delete
  endpoint's documented cap) and 5 requests/s are our conservative defaults;
- the vendor casts or ignores what it does not understand, so unknown fields fail silently
  there: we send only the documented ones;
- `do_not_overwrite` is read as the seed page says (true = leave existing contacts alone);
  a newer reference page says the opposite, flagged in VENDORS.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from contactctl.errors import UsageError
from contactctl.model import Contact, OnDuplicate, RowResult, RunRow, Status
from contactctl.providers.base import Provider
from contactctl.providers.common import drop_blank, echoed_digits, first_and_last
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

PATH = "/v1/public/contact/create"
DELETE_PATH = "/v1/public/contact/delete"
MAX_DELETE = 200  # numbers per delete request (documented)
PARAM_SLOTS = ("param1", "param2", "param3", "param4", "param5")
MAX_LIST_NAME = 30
MAX_TAG_NAME = 20


@dataclass(frozen=True)
class OctopushSettings(ProviderSettings):
    api_login: str | None = None
    api_key: Secret | None = None
    list_name: str | None = None
    tag_name: str | None = None
    # param1..param5 ← the name of a mapped attribute, e.g. {param1: city, param3: civility}
    params: dict[str, str] | None = None
    auto_remove_blacklisted_numbers: bool = False


class Octopush(Provider[OctopushSettings]):
    # What `contactctl providers` lists; where a limit is undocumented, our default.
    profile: ClassVar[Profile] = Profile(
        name="octopush",
        vendor="Octopush",
        limits=undocumented_batches(200),
        identity=Identity.PHONE,
        required_fields="phone",
        duplicate_modes=UPDATE_OR_SKIP,
        phone_format="+E.164",
    )
    docs_url: ClassVar[str] = (
        "https://dev.octopush.com/en/sms-gateway-api-documentation/add-a-contact/"
    )
    default_base_url: ClassVar[str] = "https://api.octopush.com"
    channel: ClassVar[Channel] = Channel.SMS
    how_status_is_known: ClassVar[str] = "items[].status per phone_number in the answer"
    settings_type: ClassVar[type[ProviderSettings]] = OctopushSettings
    unsent_fields: ClassVar[tuple[str, ...]] = ("email", "tags", "lists", "external_id", "opt_in")
    has_lists: ClassVar[bool] = True
    can_delete: ClassVar[bool] = True

    @classmethod
    def credential_keys(cls) -> list[str]:
        return ["api_login", "api_key"]

    def check_run(self) -> None:
        if len(self.run.tags) > 1:
            raise UsageError(
                "Octopush takes one tag per import (tag_name).", "Pass a single --tag."
            )
        list_name, tag_name = self._list_name(), self._tag_name()
        if list_name and len(list_name) > MAX_LIST_NAME:
            raise UsageError(
                f"Octopush list names are at most {MAX_LIST_NAME} characters: {list_name!r}."
            )
        if tag_name and len(tag_name) > MAX_TAG_NAME:
            raise UsageError(
                f"Octopush tag names are at most {MAX_TAG_NAME} characters: {tag_name!r}."
            )
        bad = sorted(set(self.settings.params or {}) - set(PARAM_SLOTS))
        if bad:
            raise UsageError(
                f"Config key providers.octopush.params.{bad[0]}: Octopush has param1 to param5."
            )

    def auth(self) -> httpx.Auth:
        from contactctl.providers.auth import HeaderAuth

        key = self.settings.api_key.reveal() if self.settings.api_key else ""
        return HeaderAuth({"api-login": self.settings.api_login or "", "api-key": key})

    def account_fingerprint(self) -> str:
        # The login is the account's public identity: no need to derive anything from the key.
        return f"{self.base_url()}#{self.settings.api_login}"

    def identity_key(self, contact: Contact) -> str | None:
        return contact.phone

    def check_contact(self, contact: Contact) -> str | None:
        return None if contact.phone else "no phone number (Octopush needs one)"

    def unsent_attributes(self, contact: Contact) -> list[str]:
        slots = set((self.settings.params or {}).values())
        return [name for name in contact.attributes if name not in slots]

    async def push(self, batch: Sequence[Contact], api: Api) -> list[RowResult]:
        reply = await api.call("POST", PATH, json=self._body(batch))
        items = reply.data.get("items") if isinstance(reply.data, Mapping) else None
        # Matched on digits: the vendor may echo the number in another spelling.
        by_phone = {
            echoed_digits(item.get("phone_number")): item
            for item in (items if isinstance(items, list) else [])
            if isinstance(item, Mapping)
        }
        return [
            self._result(c, by_phone.get(echoed_digits(c.phone)), reply.after_uncertain)
            for c in batch
        ]

    def _body(self, batch: Sequence[Contact]) -> dict[str, object]:
        body: dict[str, object] = {"contacts": [self._contact(c) for c in batch]}
        body |= drop_blank({"list_name": self._list_name(), "tag_name": self._tag_name()})
        body["do_not_overwrite"] = self.run.on_duplicate is OnDuplicate.SKIP
        if self.settings.auto_remove_blacklisted_numbers:
            body["auto_remove_blacklisted_numbers"] = True
        return body

    def _contact(self, contact: Contact) -> dict[str, object]:
        first, last = first_and_last(contact)
        fields: dict[str, object] = {"phone_number": contact.phone, "first_name": first}
        fields["last_name"] = last
        for slot, attribute in (self.settings.params or {}).items():
            fields[slot] = contact.attributes.get(attribute)
        return drop_blank(fields)

    def _result(
        self, contact: Contact, item: Mapping[str, Any] | None, uncertain: bool
    ) -> RowResult:
        if item is None:
            why = "Octopush's answer does not mention this number"
            return RowResult.not_confirmed(contact, why)
        status = item.get("status")
        if status == "added":
            return RowResult.for_contact(contact, Status.ADDED)
        if status == "updated" and uncertain:
            reason = (
                "written; an earlier attempt may have created it, so new or existing is unknown"
            )
            return RowResult.for_contact(contact, Status.UPSERTED, reason)
        if status == "updated":
            return RowResult.for_contact(contact, Status.UPDATED)
        if status == "skipped" and self.run.on_duplicate is OnDuplicate.SKIP:
            reason = "already at Octopush; kept as it was (--on-duplicate skip)"
            return RowResult.for_contact(contact, Status.SKIPPED, reason)
        if status == "skipped":
            reason = "Octopush skipped it without saying why (a blacklisted number?)"
            return RowResult.for_contact(contact, Status.SKIPPED, reason)
        return RowResult.not_confirmed(contact, f"Octopush answered status {status!r}")

    async def delete(self, rows: Sequence[RunRow], api: Api) -> None:
        numbers = [row.phone for row in rows if row.phone]
        for start in range(0, len(numbers), MAX_DELETE):
            chunk = numbers[start : start + MAX_DELETE]
            await api.call("DELETE", DELETE_PATH, json={"phone_numbers": chunk})

    def _list_name(self) -> str | None:
        return self.run.list_name or self.settings.list_name

    def _tag_name(self) -> str | None:
        return self.run.tags[0] if self.run.tags else self.settings.tag_name
