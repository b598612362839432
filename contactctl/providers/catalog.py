"""Our five vendors' profiles: limits, identity, required fields, duplicate modes.

Each provider class takes its profile from here (`profile = catalog.X`), so there is one
source, and `contactctl providers` lists our vendors without importing their modules.
Where a limit is undocumented (VENDORS.md), the value is our conservative default.
"""

from __future__ import annotations

from contactctl.model import OnDuplicate
from contactctl.providers.profile import Identity, Limits, Profile

_UPDATE_OR_SKIP = (OnDuplicate.UPDATE, OnDuplicate.SKIP)


def _undocumented_batches(size: int) -> Limits:
    """A batch vendor that documents neither a batch cap nor a rate: our defaults, 5 req/s."""
    return Limits(
        default_batch=size,
        max_batch=size,
        batch_documented=False,
        requests_per_second=5,
        max_requests_per_second=5,
        rate_documented=False,
    )


OCTOPUSH = Profile(
    name="octopush",
    vendor="Octopush",
    limits=_undocumented_batches(200),
    identity=Identity.PHONE,
    required_fields="phone",
    duplicate_modes=_UPDATE_OR_SKIP,
    phone_format="+E.164",
)

SHOUTOUT = Profile(
    name="shoutout",
    vendor="ShoutOUT",
    limits=_undocumented_batches(100),
    identity=Identity.EXTERNAL_ID_ELSE_PHONE,
    required_fields="phone or external_id",
    duplicate_modes=(OnDuplicate.UPDATE,),
    phone_format="E.164 digits, no +",
)

CALLBELL = Profile(
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
    duplicate_modes=_UPDATE_OR_SKIP,
    phone_format="E.164 digits, no +",
)

PABBLY = Profile(
    name="pabbly",
    vendor="Pabbly Chatflow",
    limits=_undocumented_batches(100),
    identity=Identity.PHONE,
    required_fields="phone",
    duplicate_modes=_UPDATE_OR_SKIP,
    phone_format="E.164 digits, no +",
)

IVVY = Profile(
    name="ivvy",
    vendor="iVvy",
    limits=Limits(
        default_batch=1,
        max_batch=1,
        batch_documented=True,
        requests_per_second=5,
        max_requests_per_second=5,
        rate_documented=False,
    ),
    identity=Identity.EXTERNAL_ID_ELSE_EMAIL,
    required_fields="external_id or email; to add: first name, last name, email",
    duplicate_modes=_UPDATE_OR_SKIP,
    phone_format="+E.164",
)

PROFILES: dict[str, Profile] = {
    profile.name: profile for profile in (OCTOPUSH, SHOUTOUT, CALLBELL, PABBLY, IVVY)
}
