"""Finding a row's contact in iVvy's getContactList answers: by externalId, else e-mail.

Shared by the direct look-ups (ivvy.py) and the batch runs' (ivvy_batch.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contactctl.model import Contact

PER_PAGE = 100  # iVvy caps perPage (undocumented cap); more matches are paged with `start`
UNKNOWN_CONTACT_CODE = 24096  # "Unable to find contact": an id that is not (or no longer) there


def list_params(key: str, value: str, start: int = 0) -> dict[str, object]:
    """getContactList's parameters for the contacts whose `key` is `value`, from `start`."""
    return {"perPage": PER_PAGE, "start": start, "filter": {key: value}}


def listed(data: Any) -> list[Mapping[str, Any]]:
    """The contacts of a getContactList answer."""
    results = data.get("results") if isinstance(data, Mapping) else None
    return [e for e in results if isinstance(e, Mapping)] if isinstance(results, list) else []


def same_external_id(found: list[Mapping[str, Any]], contact: Contact) -> list[Mapping[str, Any]]:
    return [e for e in found if str(e.get("externalId")) == contact.external_id]


def same_email(found: list[Mapping[str, Any]], contact: Contact) -> list[Mapping[str, Any]]:
    """The contacts holding the row's e-mail (any case); with an external id, only those
    without one (a contact with another externalId is another person)."""
    same = email_holders(found, contact)
    return [e for e in same if not e.get("externalId")] if contact.external_id else same


def email_holders(found: list[Mapping[str, Any]], contact: Contact) -> list[Mapping[str, Any]]:
    email = (contact.email or "").lower()
    return [e for e in found if e.get("id") and str(e.get("email") or "").lower() == email]


def is_unknown_contact(data: Any) -> bool:
    """iVvy's "Unable to find contact" (specific code 24096) in an answer."""
    code = data.get("specificCode") if isinstance(data, Mapping) else None
    return str(code).strip() == str(UNKNOWN_CONTACT_CODE)
