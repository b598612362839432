"""Batch size, concurrency and pace: the user's value, checked against the vendor's limits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from contactctl.errors import UsageError
from contactctl.providers.base import Provider

T = TypeVar("T", int, float)


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
    batch = _first(batch_size, settings.batch_size, limits.default_batch)
    workers = _first(concurrency, settings.concurrency, limits.default_concurrency)
    pace = _first(rate, settings.rate, limits.requests_per_second)
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


def _first(flag: T | None, configured: T | None, default: T) -> T:
    """The flag's value, else the config's, else the default (a 0 given is not "unset")."""
    if flag is not None:
        return flag
    return configured if configured is not None else default


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
