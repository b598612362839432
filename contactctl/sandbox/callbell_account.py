"""The Callbell account the emulator pretends to be: which tags, custom fields, users, teams
and channels exist (Callbell refuses references to anything else), and the checks against
them. Names match case-insensitively and come back with the account's spelling (emulator's
choice)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from contactctl.sandbox.core import VendorError

DEFAULT_TAGS = ("lead", "vip", "customer", "Call back", "Interested")
DEFAULT_CUSTOM_FIELDS = ("City", "Company", "Billing Address")
DEFAULT_USERS = ("agent@example.com",)
DEFAULT_TEAMS = {"5a1f0c9e2b7d4e8f9a6b3c2d1e0f4a5b": "Sales"}
# The first channel is the account's main channel.
DEFAULT_CHANNELS = {"0c8d2f4e6a1b3c5d7e9f1a2b3c4d5e6f": "whatsapp"}
SOURCES = frozenset({"whatsapp", "facebook", "instagram", "telegram"})
BOT_STATUSES = frozenset({"bot_start", "bot_end"})
MAX_NOTE = 1000


@dataclass(frozen=True)
class Account:
    tags: Mapping[str, str]  # lower-case → as spelled in the account
    custom_fields: Mapping[str, str]
    users: Mapping[str, str]
    teams: Mapping[str, str]  # uuid → name
    channels: Mapping[str, str]  # uuid → type
    sources: frozenset[str] = SOURCES

    @classmethod
    def build(
        cls,
        tags: Iterable[str] | None,
        custom_fields: Iterable[str] | None,
        users: Iterable[str] | None,
        teams: Mapping[str, str] | None,
        channels: Mapping[str, str] | None,
    ) -> Account:
        return cls(
            tags=_by_lower(DEFAULT_TAGS if tags is None else tags),
            custom_fields=_by_lower(
                DEFAULT_CUSTOM_FIELDS if custom_fields is None else custom_fields
            ),
            users=_by_lower(DEFAULT_USERS if users is None else users),
            teams=dict(DEFAULT_TEAMS if teams is None else teams),
            channels=dict(DEFAULT_CHANNELS if channels is None else channels),
        )

    @property
    def main_channel(self) -> str | None:
        return next(iter(self.channels), None)

    def tags_of(self, value: object) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
            raise VendorError(422, "tags must be a list of strings")
        known = []
        for tag in value:
            if tag.lower() not in self.tags:
                raise VendorError(422, f"Tag {tag!r} does not exist in this account")
            known.append(self.tags[tag.lower()])
        return list(dict.fromkeys(known))

    def custom_fields_of(self, value: object) -> dict[str, str | None]:
        if not isinstance(value, dict):
            raise VendorError(422, "custom_fields must be an object")
        fields: dict[str, str | None] = {}
        for name, field_value in value.items():
            if name.lower() not in self.custom_fields:
                raise VendorError(422, f"Custom field {name!r} does not exist in this account")
            if field_value is not None and not isinstance(field_value, str):
                raise VendorError(422, f"Custom field {name!r} takes a string value")
            fields[self.custom_fields[name.lower()]] = field_value
        return fields

    def assignments_of(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """The record changes for assigned_user, team_uuid, channel_uuid, bot_status, note."""
        changes: dict[str, Any] = {}
        if "assigned_user" in body:
            changes["assignedUser"] = _known(body["assigned_user"], self.users, "User")
        if "team_uuid" in body:
            changes["teamUuid"] = _member(body["team_uuid"], self.teams, "Team")
        if "channel_uuid" in body:
            changes["channelUuid"] = _member(body["channel_uuid"], self.channels, "Channel")
        if "bot_status" in body:
            changes["botStatus"] = _member(body["bot_status"], BOT_STATUSES, "bot_status")
        if "note" in body:
            changes["note"] = _note(body["note"])
        return changes

    def team_object(self, team_uuid: str | None) -> dict[str, str] | None:
        if team_uuid is None:
            return None
        return {"uuid": team_uuid, "name": self.teams[team_uuid]}

    def channel_object(self, channel_uuid: str | None) -> dict[str, str] | None:
        if channel_uuid is None:
            return None
        return {"uuid": channel_uuid, "type": self.channels[channel_uuid]}


def _by_lower(names: Iterable[str]) -> dict[str, str]:
    return {name.lower(): name for name in names}


def _known(value: object, known: Mapping[str, str], what: str) -> str:
    if not isinstance(value, str) or value.lower() not in known:
        raise VendorError(422, f"{what} {value!r} does not exist in this account")
    return known[value.lower()]


def _member(value: object, known: Iterable[str], what: str) -> str:
    if not isinstance(value, str) or value not in known:
        raise VendorError(422, f"{what} {value!r} is not valid")
    return value


def _note(value: object) -> str | None:
    if value is None or value == "":
        return None  # an empty note clears it
    if not isinstance(value, str) or len(value) > MAX_NOTE:
        raise VendorError(422, f"note must be a string of at most {MAX_NOTE} characters")
    return value
