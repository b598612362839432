"""Which phone numbers each vendor was asked to write, from an emulator's request log.

Octopush, ShoutOUT and Pabbly key their store by the number, so "the store holds each
number once" is true even if contactctl wrote a contact twice; what the request log says
was written is what shows it. A write counts when the emulator answered it with a 2xx.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

# Each vendor's write endpoint and where a contact's number sits in its body.
_WRITES: dict[str, tuple[str, str, str]] = {
    "octopush": ("POST", "/v1/public/contact/create", "phone_number"),
    "shoutout": ("POST", "/coreservice/contacts", "mobile_number"),
    "pabbly": ("POST", "/api/v1/contacts", "mobile"),
    "callbell": ("POST", "/v1/contacts", "identifier"),
    "ivvy": ("POST", "/api/1.0/contact", "phone"),
}


def phones_written(provider: str, requests: Iterable[Any]) -> Counter[str]:
    """How many times each number (as +digits) went out in a write the vendor accepted."""
    method, path, field = _WRITES[provider]
    written: Counter[str] = Counter()
    for request in requests:
        if request.method != method or request.path.rstrip("/") != path:
            continue
        if request.status is None or not 200 <= request.status < 300:
            continue
        if provider == "ivvy" and request.query.get("action") != ["addOrUpdateContact"]:
            continue
        written.update("+" + str(item[field]).lstrip("+") for item in _items(request.json))
    return written


def _items(body: object) -> list[dict[str, Any]]:
    if isinstance(body, dict) and isinstance(body.get("contacts"), list):
        body = body["contacts"]
    items = body if isinstance(body, list) else [body]
    return [item for item in items if isinstance(item, dict)]
