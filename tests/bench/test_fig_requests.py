"""Figure 7's yardsticks: the minimum each provider is held to, and the exact statuses.

The figure itself comes from `bench/run --only 7`; what is checked here is that it judges
the right numbers: a wrong minimum or a lenient status check would let a regression pass.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def fig() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH))
    try:
        import fig_requests

        yield fig_requests
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.parametrize(
    ("provider", "batch", "minimums"),
    [
        ("octopush", 200, (5, 5, 1)),
        ("shoutout", 100, (10, 10, 1)),
        ("pabbly", 100, (10, 20, 2)),  # two passes where batches hold existing contacts
        ("callbell", 1, (2000, 2000, 100)),
        ("ivvy", 200, (50, 50, 100)),
    ],
)
def test_the_minimums_are_issue_16s(
    fig: ModuleType, provider: str, batch: int, minimums: tuple[int, int, int]
) -> None:
    got = tuple(fig._minimum(provider, s, batch) for s in ("a", "b", "c"))
    assert got == pytest.approx(minimums)


def _row(index: int, status: str, reason: str = "") -> dict[str, object]:
    return {"row": index + 2, "status": status, "reason": reason}


def test_statuses_are_judged_row_by_row(fig: ModuleType) -> None:
    ok = fig._status_ok
    assert ok("callbell", "a", _row(0, "added"))
    assert not ok("callbell", "a", _row(0, "updated"))
    assert ok("callbell", "b", _row(1, "skipped", "already up to date at Callbell"))
    assert not ok("callbell", "b", _row(1, "skipped", "unchanged since 2026-12-04"))
    assert not ok("callbell", "b", _row(600, "updated"))  # the second half is new
    assert ok("pabbly", "c", _row(10, "updated"))  # a changed row
    assert ok("pabbly", "c", _row(11, "skipped", "unchanged since 2026-12-04"))
    assert not ok("pabbly", "c", _row(11, "updated"))  # unchanged rows are not sent
    assert ok("shoutout", "a", _row(0, "upserted"))
    assert not ok("shoutout", "a", _row(0, "added"))
