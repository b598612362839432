"""What a provider declares about its vendor: the facts `contactctl providers` lists.

Each vendor's module declares its own (`profile = Profile(...)` on the provider class), so
one file holds everything about a vendor.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from contactctl.model import OnDuplicate


class Identity(StrEnum):
    """Which contact field the vendor uses to recognise an existing contact."""

    PHONE = "phone"
    EXTERNAL_ID_ELSE_PHONE = "external_id, else phone"
    EXTERNAL_ID_ELSE_EMAIL = "external_id, else email"


class Channel(StrEnum):
    """What the vendor sends to, for the fixed-line check (`--allow-landlines`)."""

    SMS = "SMS"
    WHATSAPP = "WhatsApp"
    ANY = "any"


@dataclass(frozen=True)
class Limits:
    """Batch and pace limits. `*_documented` says whether the ceiling is the vendor's word.

    A documented ceiling is a hard cap (a higher value is refused with exit 2); an undocumented
    one is our conservative default, which the config may raise with a warning.
    """

    default_batch: int
    max_batch: int
    batch_documented: bool
    requests_per_second: float
    max_requests_per_second: float
    rate_documented: bool
    default_concurrency: int = 4
    max_concurrency: int = 64


UPDATE_OR_SKIP = (OnDuplicate.UPDATE, OnDuplicate.SKIP)


def undocumented_batches(size: int) -> Limits:
    """A batch vendor that documents neither a batch cap nor a rate: our defaults, 5 req/s."""
    return Limits(
        default_batch=size,
        max_batch=size,
        batch_documented=False,
        requests_per_second=5,
        max_requests_per_second=5,
        rate_documented=False,
    )


@dataclass(frozen=True)
class Profile:
    """One vendor as `contactctl providers` shows it; a Provider class carries the same."""

    name: str
    vendor: str
    limits: Limits
    identity: Identity
    required_fields: str  # e.g. "phone, name"
    duplicate_modes: tuple[OnDuplicate, ...]
    phone_format: str  # "+E.164" or "E.164 digits, no +"

    @classmethod
    def of(cls, provider_class: type[Any]) -> Profile:
        """The profile a provider class declares (`profile`, or the attributes it stands for)."""
        declared = provider_class.__dict__.get("profile")
        if isinstance(declared, Profile):
            return declared
        return cls(
            name=provider_class.name,
            vendor=provider_class.vendor,
            limits=provider_class.limits,
            identity=provider_class.identity,
            required_fields=provider_class.required_fields,
            duplicate_modes=tuple(provider_class.duplicate_modes),
            phone_format=provider_class.phone_format,
        )
