"""The provider registry: our vendors by name, plus third parties' through entry points.

A third-party package registers `name = "package.module:ProviderClass"` in the entry-point
group `contactctl.providers`; a name of ours cannot be taken over.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys
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
    """Every provider's profile, by name; a third party's that cannot load, with its error.

    Ours come from the catalog, so listing them imports no provider module.
    """
    from contactctl.providers.catalog import PROFILES
    from contactctl.providers.profile import Profile

    listed: list[Profile | tuple[str, Exception]] = [PROFILES[n] for n in sorted(BUILTIN)]
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
    if not _may_declare_entry_points():
        return {}
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _may_declare_entry_points() -> bool:
    """False only when no distribution on sys.path can declare our entry-point group.

    importlib.metadata takes about 50 ms to import (it parses package metadata with the email
    package), more than the rest of `contactctl providers`. Most installs have no plug-in, and
    this answers that in about a millisecond: it reads only the entry_points.txt files of
    plain directories. Anything else on the path (a zip, an egg, a metadata finder of its own)
    is left to importlib.metadata.
    """
    if any(
        hasattr(finder, "find_distributions") and finder is not importlib.machinery.PathFinder
        for finder in sys.meta_path
    ):
        return True
    group = ENTRY_POINT_GROUP.encode()
    for entry in sys.path:
        if not isinstance(entry, str) or entry.lower().endswith(".egg"):
            return True
        directory = entry or "."
        try:
            names = os.listdir(directory)
        except NotADirectoryError:
            return True
        except OSError:
            continue  # absent or unreadable: importlib.metadata finds nothing there either
        for name in names:
            if name.lower().endswith((".dist-info", ".egg-info")) and group in _read_entry_points(
                os.path.join(directory, name, "entry_points.txt")
            ):
                return True
    return False


def _read_entry_points(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return b""
