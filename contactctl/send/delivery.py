"""The journal in the run: skip what was delivered unchanged, record intents and outcomes.

`ResumeFilter` is a pipeline stage (before batching): a contact confirmed earlier with the
same content becomes `skipped`. `JournalHooks` plugs into the sender: the intent is written
before a batch goes out and the outcome after it, so a run killed at any point can be
resumed without sending anything twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from contactctl.journal import Journal, content_hash
from contactctl.model import WRITTEN_STATUSES, Contact, Delivery, RowResult, RunRow, Status
from contactctl.providers.base import Provider, RunOptions
from contactctl.send.sender import SendHooks


def run_extra(run: RunOptions) -> Mapping[str, object]:
    """Run-wide choices that change what a contact looks like at the vendor."""
    return {"tags": sorted(run.tags), "list": run.list_name}


class ResumeFilter:
    """Contacts already delivered with the same content leave the stream as `skipped`."""

    def __init__(
        self, journal: Journal, provider: Provider[Any], run: RunOptions, resume: bool
    ) -> None:
        self._journal = journal
        self._provider = provider
        self._extra = run_extra(run)
        self._resume = resume
        self.saved = 0
        # Content hashes of contacts on their way to the vendor (dropped once answered).
        self.hashes: dict[str, str] = {}

    def __call__(self, items: Iterable[Contact | RowResult]) -> Iterator[Contact | RowResult]:
        for item in items:
            yield item if isinstance(item, RowResult) else self._filter(item)

    def _filter(self, contact: Contact) -> Contact | RowResult:
        key = self._provider.identity_key(contact)
        if key is None:
            return contact
        digest = content_hash(contact, self._extra)
        if self._resume:
            earlier = self._journal.unchanged(key, digest)
            if earlier is not None:
                self.saved += 1
                reason = f"unchanged since {earlier.confirmed_at}"
                return RowResult.for_contact(contact, Status.SKIPPED, reason, id=earlier.vendor_id)
        self.hashes[key] = digest
        if self._provider.updates_by_known_id:
            known = self._journal.vendor_id(key)
            if known is not None:
                return dataclasses.replace(contact, known_id=known)
        return contact


class JournalHooks(SendHooks):
    def __init__(self, journal: Journal, provider: Provider[Any], resume: ResumeFilter) -> None:
        self._journal = journal
        self._provider = provider
        self._hashes = resume.hashes

    def before_send(self, batch: Sequence[Contact]) -> None:
        self._journal.intend([(key, digest) for key, digest in self._keyed(batch)])

    def after_send(self, batch: Sequence[Contact], results: Sequence[RowResult]) -> None:
        confirmed: list[tuple[str, str, str, str | None]] = []
        written: list[RunRow] = []
        up_to_date: list[tuple[str, str, str | None]] = []
        abandoned: list[str] = []
        uncertain: list[str] = []
        for contact, result in zip(batch, results, strict=True):
            key = self._provider.identity_key(contact)
            digest = self._hashes.pop(key, None) if key else None
            if key is None or digest is None:
                continue
            if result.status in WRITTEN_STATUSES:
                confirmed.append((key, digest, str(result.status), result.id))
                written.append(_run_row(key, result))
            elif _found_up_to_date(result):
                up_to_date.append((key, digest, result.id))
            elif result.status is Status.SKIPPED or result.delivery is Delivery.NOT_SENT:
                # Kept as it was at the vendor, or surely not sent: this content did not land.
                abandoned.append(key)
            else:
                # It may have landed: the intent stays open; the next run checks or re-sends it.
                uncertain.append(key)
        if confirmed:
            self._journal.confirm(confirmed, written)
        if up_to_date:
            self._journal.confirm_up_to_date(up_to_date)
        if abandoned:
            self._journal.abandon(abandoned)
        if uncertain:
            self._journal.may_have_landed(uncertain)

    def _keyed(self, batch: Sequence[Contact]) -> list[tuple[str, str]]:
        pairs = []
        for contact in batch:
            key = self._provider.identity_key(contact)
            if key is not None and key in self._hashes:
                pairs.append((key, self._hashes[key]))
        return pairs


def _found_up_to_date(result: RowResult) -> bool:
    """A row skipped because the vendor already holds exactly this content (a look-up showed
    it): the content is there, so the next run may call it unchanged without asking again."""
    return result.status is Status.SKIPPED and result.delivery is Delivery.LANDED


def _run_row(identity: str, result: RowResult) -> RunRow:
    """What undo needs of a written row: where it came from, its id, what changed."""
    change = result.change
    return RunRow(
        result.source,
        result.row,
        identity,
        str(result.status),
        result.id,
        result.phone,
        dict(change.sent) if change is not None else None,
        dict(change.before) if change is not None and change.before is not None else None,
    )
