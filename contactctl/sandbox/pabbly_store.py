"""The Pabbly Chatflow emulator's contacts, keyed by `_id` and findable by mobile digits.

Every change is checked in full before anything is written, so a contact with one bad
field is left exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from contactctl.sandbox.pabbly_fields import (
    FieldProblem,
    Settings,
    flag_of,
    mobile_of,
    name_of,
)


class ContactStore:
    def __init__(self, settings: Settings, now: Callable[[], str]) -> None:
        self._settings = settings
        self._now = now
        self._next_id = 1  # ids count up, never reused, even after a reset
        self._by_id: dict[str, dict[str, Any]] = {}
        self._id_by_mobile: dict[str, str] = {}

    def records(self) -> list[dict[str, Any]]:
        return list(self._by_id.values())

    def get(self, contact_id: str) -> dict[str, Any] | None:
        return self._by_id.get(contact_id)

    def by_mobile(self, mobile: str) -> dict[str, Any] | None:
        contact_id = self._id_by_mobile.get(mobile)
        return self._by_id[contact_id] if contact_id is not None else None

    def clear(self) -> None:
        self._by_id.clear()
        self._id_by_mobile.clear()

    def dump(self) -> dict[str, Any]:
        """The contacts and the next id, for a persistent sandbox."""
        return {"by_id": self._by_id, "id_by_mobile": self._id_by_mobile, "next_id": self._next_id}

    def load(self, state: Mapping[str, Any]) -> None:
        by_id, by_mobile, upcoming = state["by_id"], state["id_by_mobile"], state["next_id"]
        self._by_id, self._id_by_mobile = by_id, by_mobile
        self._next_id = upcoming

    def save(self, row: Mapping[str, Any], *, overwrite: bool) -> dict[str, Any] | None:
        """Create, or overwrite an existing contact with the same mobile; None when an
        existing contact is skipped. FieldProblem when the row cannot be saved."""
        mobile, country_code = mobile_of(row.get("mobile"))
        changes = self._changes(row)
        existing_id = self._id_by_mobile.get(mobile)
        if existing_id is not None and not overwrite:
            return None
        if existing_id is not None:
            record = self._by_id[existing_id]
        else:
            record = self._new_record(mobile, country_code)
            self._by_id[record["_id"]] = record
            self._id_by_mobile[mobile] = record["_id"]
        # On create and overwrite an empty attribute value is ignored, not a removal.
        self._apply(record, changes, empty_removes=False)
        return record

    def update(self, contact_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        record = self._by_id[contact_id]
        new_mobile = mobile_of(body["mobile"]) if "mobile" in body else None
        if new_mobile is not None:
            owner = self._id_by_mobile.get(new_mobile[0])
            if owner not in (None, contact_id):
                raise FieldProblem(f"Another contact already has mobile '{new_mobile[0]}'")
        changes = self._changes(body)
        for key in ("tagsToAdd", "tagsToRemove"):
            if key in body:
                changes[key] = self._settings.tags_of(body[key], key)
        if new_mobile is not None:
            del self._id_by_mobile[record["mobile"]]
            record["mobile"], record["countryCode"] = new_mobile
            self._id_by_mobile[new_mobile[0]] = contact_id
        self._apply(record, changes, empty_removes=True)
        return record

    def _changes(self, row: Mapping[str, Any]) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if "name" in row:
            changes["name"] = name_of(row["name"])
        for key in ("optin", "incomingBlocked"):
            if key in row:
                changes[key] = flag_of(row[key], key)
        if "tags" in row:
            changes["tags"] = self._settings.tags_of(row["tags"])
        if "attributes" in row:
            changes["attributes"] = self._settings.attributes_of(row["attributes"])
        return changes

    def _apply(
        self, record: dict[str, Any], changes: Mapping[str, Any], empty_removes: bool
    ) -> None:
        for key in ("name", "optin", "incomingBlocked", "tags"):
            if key in changes:
                record[key] = changes[key]
        for name, value in changes.get("attributes", {}).items():
            self._set_attribute(record, name, value, empty_removes)
        added = [t for t in changes.get("tagsToAdd", []) if t not in record["tags"]]
        removed = set(changes.get("tagsToRemove", []))
        record["tags"] = [t for t in record["tags"] + added if t not in removed]
        record["updatedAt"] = self._now()

    def _set_attribute(
        self, record: dict[str, Any], name: str, value: str, empty_removes: bool
    ) -> None:
        attributes: list[dict[str, Any]] = record["attributes"]
        current = next((a for a in attributes if a["name"] == name), None)
        if value == "":
            if empty_removes and current is not None:
                attributes.remove(current)
            return
        if current is not None:
            current["value"] = value
        else:
            attributes.append({"name": name, "value": value, "_id": self._object_id()})

    def _new_record(self, mobile: str, country_code: str) -> dict[str, Any]:
        now = self._now()
        return {
            "_id": self._object_id(),
            "name": "",
            "countryCode": country_code,
            "mobile": mobile,
            "status": "active",
            "source": "api",
            "optin": False,
            "incomingBlocked": False,
            "attributes": [],
            "list": ["all"],
            "tags": [],
            "createdAt": now,
            "updatedAt": now,
        }

    def _object_id(self) -> str:
        # 24 hex digits, like the vendor's MongoDB ids; sequential, so tests can read them.
        number, self._next_id = self._next_id, self._next_id + 1
        return f"66a0{number:020x}"


def created_echo(record: Mapping[str, Any]) -> dict[str, Any]:
    """A contact as `createdContacts` shows it: no `_id`, attributes as {name, value}."""
    return {
        "mobile": record["mobile"],
        "name": record["name"],
        "optin": record["optin"],
        "incomingBlocked": record["incomingBlocked"],
        "tags": list(record["tags"]),
        "attributes": [{"name": a["name"], "value": a["value"]} for a in record["attributes"]],
        "source": record["source"],
        "list": list(record["list"]),
    }
