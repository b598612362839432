"""The provider interface: the one public API for vendor modules, ours and third parties'.

A provider translates; the core operates. A provider declares its vendor's limits, identity
key, required fields and duplicate modes, signs or authenticates its requests, builds the
request bodies and reads each answer into exactly one RowResult per contact. It never reads
files, loops over batches, sleeps, retries or prints: `Api` (handed in by the core) paces,
retries transient failures, maps transport errors to the error tree and redacts secrets.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from contactctl.errors import VendorCannot
from contactctl.model import Change, Contact, OnDuplicate, RowResult, RunRow
from contactctl.providers.profile import Channel, Identity, Limits, Profile
from contactctl.providers.settings import ProviderSettings

if TYPE_CHECKING:
    import httpx

    from contactctl.send.api import Api

S = TypeVar("S", bound=ProviderSettings)


@dataclass(frozen=True)
class RunOptions:
    """What the user asked for that applies to every contact of the run."""

    on_duplicate: OnDuplicate = OnDuplicate.UPDATE
    tags: tuple[str, ...] = ()
    list_name: str | None = None


class Provider(ABC, Generic[S]):
    """A vendor's translator. Set `profile`, or the attributes it stands for, on a subclass."""

    profile: ClassVar[Profile]
    name: ClassVar[str]
    vendor: ClassVar[str]
    docs_url: ClassVar[str]
    limits: ClassVar[Limits]
    identity: ClassVar[Identity]
    channel: ClassVar[Channel]
    required_fields: ClassVar[str]  # for `contactctl providers`, e.g. "phone, name"
    duplicate_modes: ClassVar[tuple[OnDuplicate, ...]]
    phone_format: ClassVar[str]  # "+E.164" or "E.164 digits, no +"
    how_status_is_known: ClassVar[str]
    default_base_url: ClassVar[str]  # the vendor's production origin
    settings_type: ClassVar[type[ProviderSettings]]
    # Contact fields this vendor has no place for: the run warns once when a row has them.
    unsent_fields: ClassVar[tuple[str, ...]] = ()
    # Whether the vendor has contact lists (`--list`).
    has_lists: ClassVar[bool] = False
    # Whether the vendor has tags (`--tag`).
    has_tags: ClassVar[bool] = True
    # Whether `find_created` can tell if a create that may have landed did (a vendor whose
    # create is not idempotent must): the core then runs the create-once protocol.
    looks_up_created: ClassVar[bool] = False
    # Whether the provider can use `Contact.known_id` (the journal's vendor id) to update a
    # contact without looking it up first.
    updates_by_known_id: ClassVar[bool] = False
    # Whether the vendor has an endpoint that lists the account's contacts (`export`).
    can_list: ClassVar[bool] = False
    # Whether `plan` can say, from a read-only look-up, what an import would do to a contact
    # (`import --dry-run --lookup`).
    can_plan: ClassVar[bool] = False
    # Taking a run back (`contactctl undo`): whether `delete` removes contacts a run added,
    # `restore` puts an updated one back as the run's look-up saw it, and `current` reads a
    # contact by its id (to leave alone one changed since the run).
    can_delete: ClassVar[bool] = False
    can_restore: ClassVar[bool] = False
    reads_by_id: ClassVar[bool] = False
    # Fewer contacts than this in a push are sent one contact a push (each with the core's
    # own handling of a refused or unconfirmed write): iVvy's batch runs pay from 10 on.
    batches_from: ClassVar[int] = 1
    # A plug-in's emulator for `--sandbox` and the contract suite, as "module:Class" (an
    # Emulator subclass); ours are listed in contactctl.sandbox.EMULATORS.
    sandbox: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        profile = cls.__dict__.get("profile")
        if profile is not None:
            # The class attributes are the interface; the profile is where ours are written.
            for key, value in vars(profile).items():
                setattr(cls, key, value)

    def __init__(self, settings: S, run: RunOptions) -> None:
        self.settings = settings
        self.run = run

    # Declarations used before anything is sent -------------------------------------------

    @classmethod
    def credential_keys(cls) -> list[str]:
        from contactctl.providers.settings import secret_keys

        return secret_keys(cls.settings_type)

    def check_run(self) -> None:
        """Rules that apply to the whole run; raise UsageError (exit 2, nothing sent)."""

    def unsent_attributes(self, contact: Contact) -> list[str]:
        """Mapped attributes of this contact the vendor will not receive."""
        return []

    def missing_credentials(self) -> list[str]:
        """Config keys the vendor needs that are not set."""
        return [key for key in self.credential_keys() if getattr(self.settings, key) is None]

    @abstractmethod
    def identity_key(self, contact: Contact) -> str | None:
        """The value the vendor recognises this contact by (None: cannot be sent)."""

    @abstractmethod
    def check_contact(self, contact: Contact) -> str | None:
        """The vendor's per-row rules: a reason to fail this row, or None."""

    @abstractmethod
    def auth(self) -> httpx.Auth:
        """How requests are authenticated (headers, signing)."""

    def account_fingerprint(self) -> str:
        """A stable, non-secret identity of the account, for the delivery journal.

        Default: the origin plus a short hash of the credentials. A 64-bit prefix of a SHA-256
        cannot be turned back into a key, yet tells two accounts apart.
        """
        creds = "\x00".join(self.settings.secrets())
        digest = hashlib.sha256(creds.encode()).hexdigest()[:16]
        return f"{self.base_url()}#{digest}"

    def base_url(self) -> str:
        return (self.settings.base_url or self.default_base_url).rstrip("/")

    def auth_hint(self) -> str:
        """What to check when the vendor refuses the credentials."""
        return "Check the API credentials in the config or the CONTACTCTL_* variables."

    def error_message(self, data: Any, text: str) -> str:
        """The vendor's words in an error answer (overridden where the envelope differs)."""
        if isinstance(data, Mapping):
            for key in ("message", "error", "errors", "detail"):
                if data.get(key):
                    return str(data[key])
        return text.strip()[:300] or "no message"

    # The one call per batch ---------------------------------------------------------------

    async def plan(self, contact: Contact, api: Api) -> RowResult:
        """What the import would do to this contact, found by a read-only look-up: `skipped`
        with a reason that starts "would add", "would update: " (the fields that change) or
        "already up to date". Only where `can_plan`."""
        raise VendorCannot(f"{self.vendor} cannot look contacts up")

    async def plan_batch(self, batch: Sequence[Contact], api: Api) -> list[RowResult]:
        """`plan` for each contact of a batch (a vendor with a batch form may do better)."""
        return [await self.plan(contact, api) for contact in batch]

    def list_contacts(self, api: Api) -> AsyncIterator[dict[str, str]]:
        """Every contact the account holds, page by page, as `export` writes it: the columns
        of EXPORT_COLUMNS (the ones `import` maps by itself). Only where `can_list`."""
        raise VendorCannot(f"{self.vendor} has no endpoint that lists contacts")

    async def find_created(self, contact: Contact, api: Api) -> str | None:
        """The vendor's id for this contact when it holds it, else None.

        Asked by the core (send/once.py) after a create that may have landed, before it is
        ever sent again; only when `looks_up_created`. One look-up, no retry, no sleep.
        """
        return None

    def created_change(self, contact: Contact) -> Change | None:
        """What a create of this contact sets (for undo), when a look-up rather than the
        create's answer confirmed it landed (send/once.py)."""
        return None

    async def current(self, row: RunRow, api: Api) -> Mapping[str, Any] | None:
        """The contact `row` wrote, as the vendor holds it now, in the fields of `row.sent`;
        None when it is gone. Only where `reads_by_id`."""
        raise VendorCannot(f"{self.vendor} cannot read a contact back by its id")

    async def delete(self, rows: Sequence[RunRow], api: Api) -> None:
        """Delete the contacts these rows added (a contact already gone is no error). Only
        where `can_delete`."""
        raise VendorCannot(f"{self.vendor} has no call that deletes a contact")

    async def restore(self, row: RunRow, api: Api) -> None:
        """Write `row.before` back over the contact. Only where `can_restore`."""
        raise VendorCannot(f"{self.vendor} cannot write a contact back")

    @abstractmethod
    async def push(self, batch: Sequence[Contact], api: Api) -> list[RowResult]:
        """Send one batch and return exactly one RowResult per contact."""
