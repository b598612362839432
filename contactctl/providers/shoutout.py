"""ShoutOUT contacts: https://developers.getshoutout.com/ (Create or update contact(s))

`POST /coreservice/contacts` with `Authorization: Apikey <key>` and a JSON array of contacts
`{user_id, name, mobile_number, email, tags, <custom attributes>}`; the answer echoes each
contact with its `id`.

Quirks (VENDORS.md section 2):
- always an upsert keyed by `user_id`, else `mobile_number`, and the answer never says whether
  a contact was new: every written row is `upserted`. There is no look-up endpoint to ask
  first, and no way to leave existing contacts alone, so `--on-duplicate skip` is refused;
- phone numbers go as E.164 digits without "+", as in every example of the docs;
- batch size and rate are undocumented: 100 per request and 5 requests/s by default;
- the docs show both `Apikey` and `Bearer`; we send `Apikey`, as the contacts page does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from contactctl.errors import UsageError
from contactctl.model import Contact, OnDuplicate, RowResult, Status
from contactctl.providers.base import Provider
from contactctl.providers.common import digits, drop_blank, echoed_digits, merged_tags
from contactctl.providers.profile import Channel, Identity, Profile, undocumented_batches
from contactctl.providers.settings import ProviderSettings
from contactctl.secrets import Secret

if TYPE_CHECKING:
    import httpx

    from contactctl.send.api import Api

PATH = "/coreservice/contacts"
# Keys with a meaning of their own at ShoutOUT: a custom attribute may not overwrite them.
RESERVED = frozenset({"user_id", "name", "mobile_number", "email", "tags", "id"})
UPSERTED_REASON = "written; ShoutOUT does not say whether the contact was new"


@dataclass(frozen=True)
class ShoutoutSettings(ProviderSettings):
    api_key: Secret | None = None


class Shoutout(Provider[ShoutoutSettings]):
    # What `contactctl providers` lists; where a limit is undocumented, our default.
    profile: ClassVar[Profile] = Profile(
        name="shoutout",
        vendor="ShoutOUT",
        limits=undocumented_batches(100),
        identity=Identity.EXTERNAL_ID_ELSE_PHONE,
        required_fields="phone or external_id",
        duplicate_modes=(OnDuplicate.UPDATE,),
        phone_format="E.164 digits, no +",
    )
    docs_url: ClassVar[str] = "https://developers.getshoutout.com/"
    default_base_url: ClassVar[str] = "https://api.getshoutout.com"
    channel: ClassVar[Channel] = Channel.SMS
    how_status_is_known: ClassVar[str] = "not told by the vendor: every written row is upserted"
    settings_type: ClassVar[type[ProviderSettings]] = ShoutoutSettings
    # No documented opt-in field: a mapped opt-in column is warned about, not sent.
    unsent_fields: ClassVar[tuple[str, ...]] = ("lists", "opt_in")

    def check_run(self) -> None:
        if self.run.on_duplicate is OnDuplicate.SKIP:
            raise UsageError(
                "ShoutOUT always overwrites existing contacts, so --on-duplicate skip "
                "cannot be honoured.",
                "Drop --on-duplicate skip, or import with a provider that can skip.",
            )

    def auth(self) -> httpx.Auth:
        from contactctl.providers.auth import HeaderAuth

        key = self.settings.api_key.reveal() if self.settings.api_key else ""
        return HeaderAuth({"Authorization": f"Apikey {key}"})

    def identity_key(self, contact: Contact) -> str | None:
        if contact.external_id:
            return f"id:{contact.external_id}"
        return contact.phone

    def check_contact(self, contact: Contact) -> str | None:
        if contact.phone or contact.external_id:
            return None
        return "no phone number or external id (ShoutOUT needs one)"

    async def push(self, batch: Sequence[Contact], api: Api) -> list[RowResult]:
        reply = await api.call("POST", PATH, json=[self._contact(c) for c in batch])
        echoed = reply.data if isinstance(reply.data, list) else []
        return [self._result(c, _echo_for(c, echoed, i, len(batch))) for i, c in enumerate(batch)]

    def _contact(self, contact: Contact) -> dict[str, object]:
        body: dict[str, object] = {
            key: value for key, value in contact.attributes.items() if key not in RESERVED
        }
        body |= {
            "user_id": contact.external_id,
            "name": contact.display_name,
            "mobile_number": digits(contact.phone) if contact.phone else None,
            "email": contact.email,
            "tags": merged_tags(contact, self.run.tags),
        }
        return drop_blank(body)

    def _result(self, contact: Contact, echo: Mapping[str, Any] | None) -> RowResult:
        if echo is None:
            why = "ShoutOUT's answer does not include this contact"
            return RowResult.not_confirmed(contact, why)
        contact_id = echo.get("id")
        return RowResult.for_contact(
            contact, Status.UPSERTED, UPSERTED_REASON, id=str(contact_id) if contact_id else None
        )


def _echo_for(
    contact: Contact, echoed: list[Any], index: int, sent: int
) -> Mapping[str, Any] | None:
    """The answer's entry for a contact: same position when the answer is whole, else by key."""
    wanted_user = contact.external_id
    wanted_mobile = digits(contact.phone) if contact.phone else None
    if len(echoed) == sent and isinstance(echoed[index], Mapping):
        candidates: list[Any] = [echoed[index], *echoed]
    else:
        candidates = echoed
    for entry in candidates:
        if not isinstance(entry, Mapping):
            continue
        if wanted_user and str(entry.get("user_id")) == wanted_user:
            return entry
        if not wanted_user and echoed_digits(entry.get("mobile_number")) == wanted_mobile:
            return entry
    return None
