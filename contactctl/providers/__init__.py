"""The provider registry: our vendors by name, plus third parties' through entry points.

A third-party package registers `name = "package.module:ProviderClass"` in the entry-point
group `contactctl.providers`; a name of ours cannot be taken over.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from contactctl.errors import ConfigError

ENTRY_POINT_GROUP = "contactctl.providers"

# name → "module:Class", imported only when used so `--help` stays fast.
BUILTIN: dict[str, str] = {
    "octopush": "contactctl.providers.octopush:Octopush",
    "shoutout": "contactctl.providers.shoutout:Shoutout",
    "callbell": "contactctl.providers.callbell:Callbell",
    "pabbly": "contactctl.providers.pabbly:Pabbly",
    "ivvy": "contactctl.providers.ivvy:Ivvy",
}


def provider_names() -> list[str]:
    return sorted(BUILTIN) + sorted(n for n in _entry_points() if n not in BUILTIN)


def provider_class(name: str) -> type[Any]:
    """The Provider subclass registered under `name`."""
    target = BUILTIN.get(name)
    if target is None:
        entry = _entry_points().get(name)
        if entry is None:
            raise ConfigError(
                f"Unknown provider {name!r}.", f"Known providers: {', '.join(provider_names())}."
            )
        return entry.load()  # type: ignore[no-any-return]
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)  # type: ignore[no-any-return]


def _entry_points() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
