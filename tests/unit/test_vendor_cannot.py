"""A capability a provider does not declare is refused with the vendor's name (exit 2),
never a bare NotImplementedError: what a plug-in that sets a `can_*` flag it cannot back
meets, and what the core never asks of the others."""

from __future__ import annotations

import asyncio

import pytest

from contactctl.errors import ExitCode, UsageError, VendorCannot
from contactctl.model import RunRow
from contactctl.providers import provider_class
from contactctl.providers.base import RunOptions
from contactctl.sandbox import SANDBOX_CREDENTIALS


def test_what_octopush_lacks_is_refused_by_name() -> None:
    cls = provider_class("octopush")
    provider = cls(cls.settings_type(**SANDBOX_CREDENTIALS["octopush"]), RunOptions())
    row = RunRow("a.csv", 2, "+33612345601", "updated", None, "+33612345601", {}, {})
    for call in (provider.current(row, None), provider.restore(row, None)):
        with pytest.raises(VendorCannot, match="Octopush") as refused:
            asyncio.run(call)
        assert isinstance(refused.value, UsageError)
        assert refused.value.exit_code is ExitCode.USAGE
