"""Batch size, concurrency and pace: flag, else config, else the vendor's default, in bounds."""

from __future__ import annotations

from typing import Any

import pytest

from contactctl.config import Config
from contactctl.errors import UsageError
from contactctl.providers.base import Provider, RunOptions
from contactctl.sandbox import SANDBOX_CREDENTIALS
from contactctl.send.tuning import Resolved, resolve_tuning
from contactctl.setup import build_provider


def _provider(name: str, **settings: Any) -> Provider[Any]:
    block = {**SANDBOX_CREDENTIALS[name], **settings}
    return build_provider(name, Config(providers={name: block}), RunOptions())


def _resolve(provider: Provider[Any], **flags: Any) -> tuple[Resolved, list[str]]:
    warnings: list[str] = []
    chosen = {"batch_size": None, "concurrency": None, "rate": None, **flags}
    return resolve_tuning(provider, warn=warnings.append, **chosen), warnings


def test_the_flag_wins_over_the_config_which_wins_over_the_default() -> None:
    default, _ = _resolve(_provider("octopush"))
    limits = _provider("octopush").limits
    assert default == Resolved(
        limits.default_batch, limits.default_concurrency, limits.requests_per_second
    )
    configured = _provider("octopush", batch_size=50, concurrency=2, rate=3)
    assert _resolve(configured)[0] == Resolved(50, 2, 3)
    assert _resolve(configured, batch_size=20, concurrency=1, rate=1.5)[0] == Resolved(20, 1, 1.5)


def test_above_a_documented_limit_is_refused_naming_it() -> None:
    callbell = _provider("callbell")
    ceiling = callbell.limits.max_requests_per_second
    assert callbell.limits.rate_documented
    with pytest.raises(UsageError, match=f"documented limit of {ceiling:g}"):
        _resolve(callbell, rate=ceiling + 1)


def test_above_an_undocumented_default_warns_once_and_keeps_the_value() -> None:
    octopush = _provider("octopush")
    assert not octopush.limits.batch_documented
    above = octopush.limits.max_batch + 100
    resolved, warnings = _resolve(octopush, batch_size=above)
    assert resolved.batch_size == above
    assert len(warnings) == 1
    assert "documents no limit" in warnings[0]


@pytest.mark.parametrize(
    "flags", [{"batch_size": -5}, {"concurrency": -1}, {"rate": -2.0}, {"rate": -0.1}]
)
def test_values_that_are_not_positive_are_refused(flags: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match="must be positive"):
        _resolve(_provider("octopush"), **flags)


def test_concurrency_above_contactctls_bound_is_refused() -> None:
    octopush = _provider("octopush")
    with pytest.raises(UsageError, match="bound of"):
        _resolve(octopush, concurrency=octopush.limits.max_concurrency + 1)
