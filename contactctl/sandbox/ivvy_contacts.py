"""iVvy contact parameters: checked field by field in a fixed order, the first bad one
reported as iVvy does (23017 "'x' is required", 23016 "'x' does not validate" with the
reason in `additionalMessages`), and the contact object as the get calls show it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contactctl.sandbox.core import VendorError

REQUIRED = 23017
INVALID = 23016
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
EMAIL_STATUSES = frozenset({1, 2, 3, 5})  # 4 "Registering" may no longer be set (Oct 2022)
SMS_STATUSES = frozenset({1, 2, 3, 4})
MAX_EXTERNAL_URLS = 3
TEXT_FIELDS = ("firstName", "lastName", "phone", "externalId")


def required(name: str) -> VendorError:
    return VendorError(400, f"'{name}' is required", specificCode=REQUIRED)


def invalid(name: str, why: str) -> VendorError:
    return VendorError(
        400, f"'{name}' does not validate", specificCode=INVALID, additionalMessages=[why]
    )


def whole_number(value: object, name: str) -> int:
    if isinstance(value, bool):
        raise invalid(name, "Value must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise invalid(name, "Value must be a whole number")


@dataclass(frozen=True)
class Account:
    """What exists in the iVvy account: custom fields (id → display name), subscription
    groups and companies. References to anything else do not validate."""

    custom_fields: Mapping[int, str]
    groups: frozenset[int]
    companies: frozenset[int]

    def changes_of(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The contact fields a request sets, each checked; raises the first bad one."""
        changes: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            if params.get(name) is not None:
                changes[name] = _text(params[name], name)
        if params.get("email") is not None:
            changes["email"] = _email(params["email"])
        if "groups" in params:
            changes["groups"] = self._groups(params["groups"])
        if "customFields" in params:
            changes["customFields"] = self._custom_fields(params["customFields"])
        if "companies" in params:
            changes["companies"] = self._companies(params["companies"])
        for name, allowed in (("status", EMAIL_STATUSES), ("smsStatus", SMS_STATUSES)):
            if params.get(name) is not None:
                changes[name] = _enum(params[name], name, allowed)
        if "privacyConsent" in params:
            changes["privacyConsent"] = _flag(params["privacyConsent"], "privacyConsent")
        if "externalUrls" in params:
            changes["externalUrls"] = _external_urls(params["externalUrls"])
        return changes

    def _groups(self, value: object) -> list[int]:
        if not isinstance(value, list):
            raise invalid("groups", "Value must be an array of {groupId} objects")
        ids = []
        for item in value:
            group = item.get("groupId") if isinstance(item, dict) else None
            group_id = whole_number(group, "groups")
            if group_id not in self.groups:
                raise invalid("groups", f"Subscription group {group_id} does not exist")
            ids.append(group_id)
        return list(dict.fromkeys(ids))

    def _custom_fields(self, value: object) -> dict[int, Any]:
        if not isinstance(value, list):
            raise invalid("customFields", "Value must be an array of {fieldId, value} objects")
        fields: dict[int, Any] = {}
        for item in value:
            if not isinstance(item, dict) or "value" not in item:
                raise invalid("customFields", "Each custom field needs a fieldId and a value")
            field_id = whole_number(item.get("fieldId"), "customFields")
            if field_id not in self.custom_fields:
                raise invalid("customFields", f"Custom field {field_id} does not exist")
            fields[field_id] = item["value"]
        return fields

    def _companies(self, value: object) -> list[int]:
        if not isinstance(value, list):
            raise invalid("companies", "Value must be an array of company ids")
        ids = [whole_number(item, "companies") for item in value]
        for company in ids:
            if company not in self.companies:
                raise invalid("companies", f"Company {company} does not exist")
        return list(dict.fromkeys(ids))

    def shown(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A contact as getContact / getContactList show it (ids as strings, as the docs'
        example does)."""
        contact_id = str(record["id"])
        return {
            "id": contact_id,
            **{name: record.get(name) for name in ("firstName", "lastName", "email", "phone")},
            "externalId": record.get("externalId"),
            "status": record.get("status"),
            "smsStatus": record.get("smsStatus"),
            "customFields": [
                {
                    "fieldId": str(field_id),
                    "displayName": self.custom_fields[field_id],
                    "value": value if isinstance(value, list) else [value],
                }
                for field_id, value in record["customFields"].items()
            ],
            "groups": [
                {"contactId": contact_id, "groupId": str(group), "joinDate": record["modifiedDate"]}
                for group in record["groups"]
            ],
            "companies": list(record["companies"]),
            "privacyConsent": record.get("privacyConsent"),
            "modifiedDate": record["modifiedDate"],
        }


def _text(value: object, name: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise invalid(name, "Value must be a string")
    return str(value)


def _email(value: object) -> str:
    if not isinstance(value, str) or not EMAIL.fullmatch(value.strip()):
        raise invalid("email", "Value must be a valid email address")
    return value.strip()


def _enum(value: object, name: str, allowed: frozenset[int]) -> int:
    number = whole_number(value, name)
    if number not in allowed:
        raise invalid(name, f"Value must be one of {sorted(allowed)}")
    return number


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise invalid(name, "Value must be true or false")
    return value


def _external_urls(value: object) -> list[Any] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_EXTERNAL_URLS:
        raise invalid("externalUrls", f"Value must be an array of at most {MAX_EXTERNAL_URLS}")
    return value
