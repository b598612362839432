"""Provider settings: one frozen dataclass per provider, parsed from its config block.

Parsing is driven by the dataclass fields, so a provider declares its keys once. Unknown
keys and wrong types are errors that name the key path (`providers.octopush.list_name`).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from contactctl.errors import ConfigError
from contactctl.providers.minimums import MINIMUMS
from contactctl.secrets import Secret

S = TypeVar("S", bound="ProviderSettings")


@dataclass(frozen=True)
class ProviderSettings:
    """Keys every provider block takes (SPEC section 8)."""

    base_url: str | None = None
    timeout: float = 30.0
    batch_size: int | None = None
    rate: float | None = None
    concurrency: int | None = None
    max_retries: int = 5
    # The most an answer may hold (4 MiB): past it the answer is not read (send/bounds.py).
    max_answer_bytes: int = 4 * 1024 * 1024

    def secrets(self) -> list[str]:
        """Every secret value in these settings, for the redactor."""
        return [
            value.reveal()
            for f in dataclasses.fields(self)
            if isinstance(value := getattr(self, f.name), Secret)
        ]


def secret_keys(cls: type[ProviderSettings]) -> list[str]:
    hints = typing.get_type_hints(cls)
    return [f.name for f in dataclasses.fields(cls) if Secret in _members(hints[f.name])]


def setting_keys(cls: type[ProviderSettings]) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def parse_settings(
    cls: type[S],
    data: Mapping[str, Any],
    where: str,
    source: Callable[[str], str] | None = None,
) -> S:
    """Build `cls` from a config block; every error names `where.key`, and where the value
    came from when `source` says (the config file's path, an environment variable)."""

    def label(key: str) -> str:
        return f"{source(key)}: {where}.{key}" if source else f"Config key {where}.{key}"

    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(
            f"{label(unknown[0])} is not a setting of this provider.",
            f"Known keys: {', '.join(sorted(known))}.",
        )
    values = {key: _coerce(value, hints[key], label(key)) for key, value in data.items()}
    for key, value in values.items():
        _check_minimum(key, value, label(key))
    settings = cls(**values)
    if settings.base_url is not None:
        _check_base_url(settings.base_url, label("base_url"))
    return settings


def _check_minimum(key: str, value: Any, label: str) -> None:
    least = MINIMUMS.get(key)
    if least is None or value is None or value >= least:
        return
    shown = f"{least:g}" if isinstance(least, float) else str(least)
    raise ConfigError(f"{label} must be at least {shown}, not {value!r}.")


def _members(annotation: Any) -> tuple[Any, ...]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def _coerce(value: Any, annotation: Any, key: str) -> Any:
    members = _members(annotation)
    if value is None:
        if type(None) in members:
            return None
        raise ConfigError(f"{key} needs a value.")
    for member in members:
        converted = _convert(value, member)
        if isinstance(converted, Secret):
            _check_untrimmed(converted, key)
        if converted is not _NO:
            return converted
    expected = " or ".join(_type_name(m) for m in members if m is not type(None))
    shown = "what it holds" if Secret in members else repr(value)  # never echo a secret
    raise ConfigError(f"{key} must be {expected}, not {shown}.")


def _check_untrimmed(secret: Secret, key: str) -> None:
    """A credential with a stray space or newline (copied from a file, a YAML `|` block) is
    refused, not trimmed: the vendor would refuse it later as something vaguer."""
    value = secret.reveal()
    if value != value.strip():
        raise ConfigError(
            f"{key} starts or ends with a space or a newline.",
            "Remove it: credentials are used exactly as written.",
        )


_NO = object()


def _convert(value: Any, target: Any) -> Any:
    origin = typing.get_origin(target) or target
    converted: Any = _NO
    if target is Secret and isinstance(value, str | int):
        converted = Secret(str(value))
    elif target is str and isinstance(value, str | int | float) and not isinstance(value, bool):
        converted = str(value)
    elif target in (bool, int) and type(value) is target:
        converted = value
    elif target is float and isinstance(value, int | float) and not isinstance(value, bool):
        converted = float(value)
    elif origin in (dict, Mapping) and isinstance(value, dict):
        converted = dict(value)
    elif origin in (list, tuple) and isinstance(value, list):
        converted = tuple(value) if origin is tuple else list(value)
    return converted


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation) or annotation
    names = {Secret: "a string", str: "a string", bool: "true or false", int: "a whole number"}
    names |= {float: "a number", dict: "a mapping", list: "a list", tuple: "a list"}
    return names.get(origin, str(annotation))


def _check_base_url(url: str, key: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{key}: {url!r} is not an http(s) origin.")
    if "@" in parts.netloc:
        # Never echo the URL: its userinfo may hold a password.
        raise ConfigError(
            f"{key} holds a user name or password (user:pass@host).",
            "Remove it: credentials go in the provider's own keys, never in base_url.",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ConfigError(
            f"{key}: {url!r} has a path; give only scheme, host and port.",
            "contactctl appends the vendor's documented path itself.",
        )


def is_loopback(url: str) -> bool:
    """The host IS this machine: `localhost` or a loopback IP literal (127.0.0.0/8, ::1),
    never a name that merely starts like one (`127.attacker.example`)."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
