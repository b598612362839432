"""Reading Pabbly Chatflow contact fields: mobile numbers, flags, tags and attributes, each
checked against the account's settings. Problems are raised as FieldProblem: the create
endpoint turns one into a `failedContacts` entry, the update endpoint into a 400."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from contactctl.sandbox.phones import DIGITS, number_facts

DEFAULT_TAGS = ("lead", "vip", "customer", "indian", "vegetarian", "engineer")
DEFAULT_ATTRIBUTES = ("city", "company")
MIN_DIGITS, MAX_DIGITS = 8, 15


class FieldProblem(ValueError):
    """One field of one contact is not acceptable; the message is the reason shown."""


@dataclass(frozen=True)
class Settings:
    """What exists in the account's Settings (names match case-insensitively)."""

    tags: Mapping[str, str]  # lower-case → as spelled in Settings
    attributes: Mapping[str, str]

    @classmethod
    def build(cls, tags: Iterable[str] | None, attributes: Iterable[str] | None) -> Settings:
        return cls(
            tags={t.lower(): t for t in (DEFAULT_TAGS if tags is None else tags)},
            attributes={
                a.lower(): a for a in (DEFAULT_ATTRIBUTES if attributes is None else attributes)
            },
        )

    def tags_of(self, value: object, key: str = "tags") -> list[str]:
        if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
            raise FieldProblem(f"{key} must be a list of tag names")
        for tag in value:
            if tag.lower() not in self.tags:
                raise FieldProblem(f"Tag '{tag}' does not exist in Settings")
        return list(dict.fromkeys(self.tags[tag.lower()] for tag in value))

    def attributes_of(self, value: object) -> dict[str, str]:
        """name → value; an empty value is kept as "" so the caller decides what it means."""
        if not isinstance(value, list):
            raise FieldProblem("attributes must be a list of {name, value} objects")
        found: dict[str, str] = {}
        for item in value:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise FieldProblem("each attribute needs a name and a value")
            name = item["name"]
            if name.lower() not in self.attributes:
                raise FieldProblem(f"Attribute '{name}' does not exist in Settings")
            raw = item.get("value")
            found[self.attributes[name.lower()]] = "" if raw is None else str(raw)
        return found


def mobile_of(value: object) -> tuple[str, str]:
    """(digits with the dialing code, the dialing code) from what the client sent."""
    if value is None or value == "":
        raise FieldProblem("mobile is required")
    text = str(value).strip()
    digits = text[1:] if text.startswith("+") else text
    if not DIGITS.fullmatch(digits) or not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        raise FieldProblem(f"Invalid mobile number '{text}': digits with the dialing code")
    dialing_code = number_facts(digits).dialing_code
    if dialing_code is None:
        raise FieldProblem(f"Invalid mobile number '{text}': unknown dialing code")
    return digits, str(dialing_code)


def flag_of(value: object, key: str) -> bool:
    """The docs type every field as a string: "true"/"false" are accepted as booleans."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise FieldProblem(f"{key} must be true or false")


def name_of(value: object) -> str:
    if not isinstance(value, str):
        raise FieldProblem("name must be a string")
    return value
