"""A fingerprint of what would be sent for a contact, to tell "unchanged" from "changed"."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from types import MappingProxyType

from contactctl.model import Contact

# Bumped when the canonical form changes: every contact then looks changed once and is
# re-sent, which is the safe direction.
_HASH_FORMAT = 1

_NO_EXTRA: Mapping[str, object] = MappingProxyType({})


def content_hash(contact: Contact, extra: Mapping[str, object] = _NO_EXTRA) -> str:
    """SHA-256 (hex) of a canonical JSON of what would be sent for `contact`.

    Covers the sent fields (phone, email, names, external_id, tags, lists, attributes, opt_in)
    and `extra`: run-wide values that change the request body (--tag, --list, on_duplicate).
    Tags, lists and attributes are order-free. The source file, row number, notes and raw
    record are left out on purpose: the same person moved to another row is unchanged.
    """
    sent = {
        "format": _HASH_FORMAT,
        "phone": contact.phone,
        "email": contact.email,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "name": contact.name,
        "external_id": contact.external_id,
        "tags": sorted(contact.tags),
        "lists": sorted(contact.lists),
        "attributes": sorted(contact.attributes.items()),
        "opt_in": contact.opt_in,
        "extra": dict(extra),
    }
    canonical = json.dumps(
        sent, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain(value: object) -> object:
    """JSON for the run-wide values json does not know: sets (order-free) and mappings."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"content_hash: cannot hash a {type(value).__name__} in extra")
