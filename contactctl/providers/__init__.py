"""The provider registry: our vendors by name, plus third parties' through entry points.

Ours are one line each in BUILTIN; a third-party package registers
`name = "package.module:ProviderClass"` in the entry-point group `contactctl.providers`
(read with importlib.metadata when a name is not ours, or to list them); a name of ours
cannot be taken over.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from contactctl.errors import ConfigError

if TYPE_CHECKING:
    from contactctl.providers.profile import Profile

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
    return sorted(BUILTIN) + [name for name, _ in _plugins()]


def check_provider_name(name: str) -> None:
    """Refuse a name no provider has, suggesting the nearest (a typo is the usual cause)."""
    if name in BUILTIN or name in _entry_points():
        return
    raise unknown_provider(name)


def unknown_provider(name: str) -> ConfigError:
    import difflib

    known = provider_names()
    close = difflib.get_close_matches(name.lower(), known, n=1)
    guess = f", did you mean {close[0]}?" if close else "."
    return ConfigError(f"Unknown provider {name!r}{guess}", f"Known providers: {', '.join(known)}.")


def provider_class(name: str) -> type[Any]:
    """The Provider subclass registered under `name`."""
    target = BUILTIN.get(name)
    if target is None:
        entry = _entry_points().get(name)
        if entry is None:
            raise unknown_provider(name)
        return entry.load()  # type: ignore[no-any-return]
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)  # type: ignore[no-any-return]


def provider_profiles() -> list[Profile | tuple[str, Exception]]:
    """Every provider's profile, by name; a third party's that cannot load, with its error."""
    from contactctl.providers.profile import Profile

    listed: list[Profile | tuple[str, Exception]] = [
        Profile.of(provider_class(name)) for name in sorted(BUILTIN)
    ]
    for name, entry in _plugins():
        try:
            listed.append(Profile.of(entry.load()))
        except Exception as exc:  # a broken plug-in must not hide the others
            listed.append((name, exc))
    return listed


def _plugins() -> list[tuple[str, Any]]:
    """Third parties' entry points by name, leaving out any that claims a name of ours."""
    return sorted((n, ep) for n, ep in _entry_points().items() if n not in BUILTIN)


def _entry_points() -> dict[str, Any]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
