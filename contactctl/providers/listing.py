"""What `contactctl export` writes for one contact: the columns `import` maps by itself."""

from __future__ import annotations

from collections.abc import Iterable

EXPORT_COLUMNS = ("Name", "First Name", "Last Name", "Mobile", "Email", "Tags", "External ID")


def export_row(
    *,
    name: object = None,
    first_name: object = None,
    last_name: object = None,
    phone: object = None,
    email: object = None,
    tags: Iterable[object] | None = None,
    external_id: object = None,
) -> dict[str, str]:
    """One contact as export columns; a number is written with its "+" (E.164)."""
    digits = _text(phone).lstrip("+")
    return {
        "Name": _text(name),
        "First Name": _text(first_name),
        "Last Name": _text(last_name),
        "Mobile": f"+{digits}" if digits else "",
        "Email": _text(email),
        # Import splits tags on , ; | : a tag holding one of those would not come back whole.
        "Tags": "; ".join(_text(tag) for tag in tags or () if _text(tag)),
        "External ID": _text(external_id),
    }


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()
