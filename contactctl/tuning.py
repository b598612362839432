"""Batch size, concurrency and pace: the user's value, checked against the vendor's limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from contactctl.errors import UsageError
from contactctl.providers.base import Provider


@dataclass(frozen=True)
class Resolved:
    batch_size: int
    concurrency: int
    requests_per_second: float


def resolve_tuning(
    provider: Provider[Any],
    batch_size: int | None,
    concurrency: int | None,
    rate: float | None,
    warn: Callable[[str], None],
) -> Resolved:
    """Command line, else config, else the vendor default; never above a documented limit."""
    settings, limits = provider.settings, provider.limits
    batch = batch_size or settings.batch_size or limits.default_batch
    workers = concurrency or settings.concurrency or limits.default_concurrency
    pace = rate or settings.rate or limits.requests_per_second
    if batch < 1 or workers < 1 or pace <= 0:
        raise UsageError("Batch size, concurrency and rate must be positive.")
    _check(provider.vendor, "batch size", batch, limits.max_batch, limits.batch_documented, warn)
    _check(
        provider.vendor,
        "rate",
        pace,
        limits.max_requests_per_second,
        limits.rate_documented,
        warn,
    )
    if workers > limits.max_concurrency:
        raise UsageError(
            f"Concurrency {workers} is above contactctl's bound of {limits.max_concurrency}."
        )
    return Resolved(batch, workers, pace)


def _check(
    vendor: str,
    what: str,
    value: float,
    ceiling: float,
    documented: bool,
    warn: Callable[[str], None],
) -> None:
    if value <= ceiling:
        return
    if documented:
        raise UsageError(
            f"The {what} {value:g} is above {vendor}'s documented limit of {ceiling:g}.",
            f"Use at most {ceiling:g}.",
        )
    warn(
        f"The {what} {value:g} is above contactctl's conservative default of {ceiling:g}; "
        f"{vendor} documents no limit, so watch for rejected requests."
    )
