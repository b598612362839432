"""`contactctl providers`: each provider's limits, required fields and duplicate modes.

Plain aligned text, one block per provider: it reads the same in a narrow terminal, a pipe
or a log, and it needs neither rich nor any provider module, so it starts as fast as --help.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode

if TYPE_CHECKING:
    from contactctl.providers.profile import Profile


class ListingFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def providers_command(
    output: Annotated[
        ListingFormat,
        typer.Option("--output", help="text for people, json (a list of objects) for scripts."),
    ] = ListingFormat.TEXT,
) -> None:
    """List every provider: limits, identity key, required fields, duplicate modes."""

    def body() -> ExitCode:
        from contactctl.providers import provider_profiles

        entries = provider_profiles()
        if output is ListingFormat.JSON:
            import json

            print(json.dumps([as_json(entry) for entry in entries], indent=2))
            return ExitCode.OK
        blocks = []
        for entry in entries:
            if isinstance(entry, tuple):
                name, error = entry
                blocks.append(f"{name}\n  cannot be loaded: {_error_text(error)}")
            else:
                blocks.append(describe(entry))
        print("\n\n".join(blocks))
        return ExitCode.OK

    run_command(body)


def as_json(entry: Profile | tuple[str, Exception]) -> dict[str, Any]:
    """The facts `describe` prints, as values; a plug-in that cannot load, with its error."""
    if isinstance(entry, tuple):
        name, error = entry
        return {"name": name, "error": _error_text(error)}
    limits = entry.limits
    return {
        "name": entry.name,
        "vendor": entry.vendor,
        "default_batch": limits.default_batch,
        "max_batch": limits.max_batch,
        "batch_documented": limits.batch_documented,
        "requests_per_second": limits.requests_per_second,
        "max_requests_per_second": limits.max_requests_per_second,
        "rate_documented": limits.rate_documented,
        "identity": str(entry.identity),
        "required_fields": entry.required_fields,
        "duplicate_modes": [str(mode) for mode in entry.duplicate_modes],
        "phone_format": entry.phone_format,
    }


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"


def describe(profile: Profile) -> str:
    limits = profile.limits
    batch = _limit(limits.max_batch, limits.batch_documented)
    pace = _limit(limits.max_requests_per_second, limits.rate_documented)
    lines = {
        "batch": f"{_contacts(limits.default_batch)} per request (max {batch})",
        "pace": f"{limits.requests_per_second:g} requests/s (max {pace})",
        "identity": str(profile.identity),
        "required": profile.required_fields,
        "duplicates": ", ".join(profile.duplicate_modes),
        "phone sent as": profile.phone_format,
    }
    width = max(map(len, lines))
    body = "\n".join(f"  {key.ljust(width)}  {value}" for key, value in lines.items())
    return f"{profile.name} ({profile.vendor})\n{body}"


def _contacts(count: int) -> str:
    return "1 contact" if count == 1 else f"{count} contacts"


def _limit(value: float, documented: bool) -> str:
    return f"{value:g}" if documented else f"{value:g}, undocumented"
