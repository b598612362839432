"""The journal in a run: the resume filter, and the intent/outcome hooks around each batch."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from contactctl.config import Config
from contactctl.journal import Journal
from contactctl.model import Contact, Delivery, RowResult, Status
from contactctl.providers.base import Provider, RunOptions
from contactctl.sandbox import SANDBOX_CREDENTIALS
from contactctl.send.delivery import JournalHooks, ResumeFilter
from contactctl.setup import build_provider

ACCOUNT = "octopush-test-account"


def _provider() -> Provider[Any]:
    config = Config(providers={"octopush": dict(SANDBOX_CREDENTIALS["octopush"])})
    return build_provider("octopush", config, RunOptions())


def _contacts(*phones: str) -> list[Contact]:
    return [Contact("c.csv", n + 2, phone=p, first_name=f"N{n}") for n, p in enumerate(phones)]


def _rows(path: Path) -> dict[str, tuple[Any, ...]]:
    """identity → (status, intent_hash is set, delivery) as stored."""
    with closing(sqlite3.connect(path)) as db:
        query = "SELECT identity, status, intent_hash IS NOT NULL, delivery FROM deliveries"
        return {row[0]: row[1:] for row in db.execute(query)}


def _send(journal: Journal, batch: list[Contact], outcomes: list[RowResult]) -> ResumeFilter:
    provider = _provider()
    resume = ResumeFilter(journal, provider, RunOptions(), resume=True)
    list(resume(batch))
    hooks = JournalHooks(journal, provider, resume)
    hooks.before_send(batch)
    hooks.after_send(batch, outcomes)
    return resume


def test_each_outcome_leaves_the_journal_as_the_next_run_needs_it(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    added, kept, refused, lost = _contacts(
        "+33612345601", "+33612345602", "+33612345603", "+33612345604"
    )
    outcomes = [
        RowResult.for_contact(added, Status.ADDED, id="v-1"),
        RowResult.for_contact(kept, Status.SKIPPED, "kept by the vendor"),
        RowResult.for_contact(refused, Status.FAILED, "rejected", delivery=Delivery.NOT_SENT),
        RowResult.not_confirmed(lost, "timeout"),
    ]
    with Journal(path, "octopush", ACCOUNT) as journal:
        _send(journal, [added, kept, refused, lost], outcomes)
    rows = _rows(path)
    assert rows["+33612345601"][:2] == ("added", 0)  # confirmed, intent closed
    # Kept as it was at the vendor, or surely not sent: the intent is forgotten, so the next
    # run sends it as if never tried.
    assert "+33612345602" not in rows
    assert "+33612345603" not in rows
    assert rows["+33612345604"][1:] == (1, "may have landed")  # stays open for the next run


def test_the_next_run_skips_only_what_was_confirmed_with_the_same_content(
    tmp_path: Path,
) -> None:
    path = tmp_path / "j.sqlite3"
    added, lost = _contacts("+33612345601", "+33612345604")
    with Journal(path, "octopush", ACCOUNT) as journal:
        _send(
            journal,
            [added, lost],
            [RowResult.for_contact(added, Status.ADDED), RowResult.not_confirmed(lost, "timeout")],
        )
    changed = Contact("c.csv", 2, phone="+33612345601", first_name="Renamed")
    with Journal(path, "octopush", ACCOUNT) as journal:
        resume = ResumeFilter(journal, _provider(), RunOptions(), resume=True)
        again = list(resume([added, lost, changed]))
    assert isinstance(again[0], RowResult)
    assert again[0].status is Status.SKIPPED
    assert (again[0].reason or "").startswith("unchanged since")
    assert again[1] == lost  # may have landed: sent again, never called unchanged
    assert again[2] == changed  # new content: sent
    assert resume.saved == 1


def test_without_resume_nothing_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    (added,) = _contacts("+33612345601")
    with Journal(path, "octopush", ACCOUNT) as journal:
        _send(journal, [added], [RowResult.for_contact(added, Status.ADDED)])
        resume = ResumeFilter(journal, _provider(), RunOptions(), resume=False)
        assert list(resume([added])) == [added]
