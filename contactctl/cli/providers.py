"""`contactctl providers`: each provider's limits, required fields and duplicate modes.

Plain aligned text, one block per provider: it reads the same in a narrow terminal, a pipe
or a log, and it needs neither rich nor any provider module, so it starts as fast as --help.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode

if TYPE_CHECKING:
    from contactctl.providers.profile import Profile


def providers_command() -> None:
    """List every provider: limits, identity key, required fields, duplicate modes."""

    def body() -> ExitCode:
        from contactctl.providers import provider_profiles

        blocks = []
        for entry in provider_profiles():
            if isinstance(entry, tuple):
                name, error = entry
                blocks.append(f"{name}\n  cannot be loaded: {type(error).__name__}: {error}")
            else:
                blocks.append(describe(entry))
        print("\n\n".join(blocks))
        return ExitCode.OK

    run_command(body)


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
