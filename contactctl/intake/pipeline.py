"""Wires the stages: read → map → normalise → screen (vendor rules, channel, dedupe) → out.

Every stage is an iterator; a row that cannot go on leaves the stream as a RowResult and the
stream never stops for a bad row. Files are all opened (and their columns mapped) before
anything is sent, so a wrong file is an exit-2 error with nothing delivered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

from contactctl.errors import UsageError
from contactctl.intake.dedupe import Deduper
from contactctl.intake.mapping import ColumnMap, MappingSpec
from contactctl.intake.normalize import NormalizeOptions, normalize
from contactctl.intake.sampling import map_columns
from contactctl.model import Contact, PhoneType, RowResult, Status
from contactctl.providers.base import Provider
from contactctl.providers.profile import Channel
from contactctl.readers import ReadOptions, Table, open_table

Warn = Callable[[str], None]

# Numbers that cannot receive SMS or WhatsApp messages.
NOT_MESSAGEABLE = {
    PhoneType.FIXED_LINE: "fixed-line",
    PhoneType.TOLL_FREE: "toll-free",
    PhoneType.PREMIUM_RATE: "premium-rate",
    PhoneType.SHARED_COST: "shared-cost",
    PhoneType.UAN: "UAN",
    PhoneType.VOICEMAIL: "voicemail",
    PhoneType.PAGER: "pager",
}


@dataclass(frozen=True)
class InputPlan:
    files: tuple[str, ...]
    read: ReadOptions
    mapping: MappingSpec | None
    normalize: NormalizeOptions


def open_inputs(plan: InputPlan, stack: ExitStack, warn: Warn) -> list[tuple[Table, ColumnMap]]:
    """Open every file and map its columns, before the first row is sent."""
    if plan.files.count("-") > 1:
        raise UsageError("Standard input ('-') can be read only once.")
    opened: list[tuple[Table, ColumnMap]] = []
    for path in plan.files:
        table = stack.enter_context(open_table(path, plan.read))
        columns = map_columns(table, plan.mapping, plan.normalize.default_region)
        if columns.unmapped:
            warn(
                f"{table.source}: columns not imported (map them with --mapping to use them): "
                + _listing(columns.unmapped)
            )
        opened.append((table, columns))
    return opened


def _listing(names: list[str], most: int = 20) -> str:
    """A list for one warning line: a file with a million columns must not print them all."""
    shown = ", ".join(names[:most])
    return f"{shown} … and {len(names) - most} more" if len(names) > most else shown


def read_contacts(
    inputs: Iterable[tuple[Table, ColumnMap]], options: NormalizeOptions, workers: int = 0
) -> Iterator[Contact | RowResult]:
    """Each row normalised, in file order; by `workers` other processes if not 0."""
    if workers > 0:
        from contactctl.intake.parallel import normalized_in_parallel

        yield from normalized_in_parallel(inputs, options, workers)
        return
    for table, columns in inputs:
        for raw in table.rows:
            yield normalize(raw, columns.apply(raw), options)


class Screen:
    """The per-row rules that need no network: the vendor's, the channel's, duplicates."""

    def __init__(self, provider: Provider[Any] | None, allow_landlines: bool, warn: Warn) -> None:
        self._provider = provider
        self._allow_landlines = allow_landlines
        self._warn = warn
        key = provider.identity_key if provider else Deduper.default_key
        self._deduper = Deduper(key)
        self._warned: set[str] = set()

    def __call__(self, items: Iterable[Contact | RowResult]) -> Iterator[Contact | RowResult]:
        for item in items:
            yield item if isinstance(item, RowResult) else self._screen(item)

    def _screen(self, contact: Contact) -> Contact | RowResult:
        if self._provider is not None:
            reason = self._vendor_reason(contact) or self._channel_reason(contact)
            if reason:
                return RowResult.for_contact(contact, Status.FAILED, reason)
        duplicate = self._deduper.check(contact)
        if duplicate is not None:
            return duplicate
        if self._provider is not None:
            self._warn_unsent(contact)
        return contact

    def _vendor_reason(self, contact: Contact) -> str | None:
        return self._provider.check_contact(contact) if self._provider else None

    def _channel_reason(self, contact: Contact) -> str | None:
        provider = self._provider
        if provider is None or provider.channel is Channel.ANY or self._allow_landlines:
            return None
        kind = NOT_MESSAGEABLE.get(contact.phone_type) if contact.phone_type else None
        if kind is None:
            return None
        return (
            f"{kind} number {contact.phone} cannot receive {provider.channel} messages; "
            "pass --allow-landlines to send it anyway"
        )

    def _warn_unsent(self, contact: Contact) -> None:
        if self._provider is None:
            return
        present = [f for f in self._provider.unsent_fields if getattr(contact, f)]
        present += [f"attribute {a}" for a in self._provider.unsent_attributes(contact)]
        for field_name in present:
            if field_name not in self._warned:
                self._warned.add(field_name)
                self._warn(
                    f"{self._provider.vendor} has no place for {field_name}: "
                    "it is not sent (first seen "
                    f"in {contact.source} row {contact.row})."
                )
