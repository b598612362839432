"""`contactctl providers`: each provider's limits, required fields and duplicate modes."""

from __future__ import annotations

from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode


def providers_command() -> None:
    """List every provider: limits, identity key, required fields, duplicate modes."""

    def body() -> ExitCode:
        from rich.table import Table

        from contactctl.cli.console import consoles
        from contactctl.providers import provider_class, provider_names

        table = Table(title=None, show_lines=False)
        for column in (
            "provider",
            "vendor",
            "batch (max)",
            "pace req/s (max)",
            "identity",
            "required",
            "duplicates",
            "phone sent as",
        ):
            table.add_column(column)
        for name in provider_names():
            cls = provider_class(name)
            limits = cls.limits
            batch = f"{limits.default_batch} ({_limit(limits.max_batch, limits.batch_documented)})"
            ceiling = _limit(limits.max_requests_per_second, limits.rate_documented)
            rate = f"{limits.requests_per_second:g} ({ceiling})"
            table.add_row(
                name,
                cls.vendor,
                batch,
                rate,
                str(cls.identity),
                cls.required_fields,
                ", ".join(cls.duplicate_modes),
                cls.phone_format,
            )
        consoles()[0].print(table)
        return ExitCode.OK

    run_command(body)


def _limit(value: float, documented: bool) -> str:
    return f"{value:g}" if documented else f"{value:g}, undocumented"
