"""The words of a remote plan (`import --dry-run --lookup`): what an import would do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from contactctl.model import Contact, RowResult, Status

if TYPE_CHECKING:
    import asyncio

    from contactctl.send.api import Api

WOULD_ADD = "would add"
UP_TO_DATE = "already up to date"


def planned(contact: Contact, reason: str, contact_id: str | None = None) -> RowResult:
    """A planned row: skipped (nothing is written), with what would have happened."""
    return RowResult.for_contact(contact, Status.SKIPPED, reason, id=contact_id)


def would_update(changes: Iterable[str]) -> str:
    listed = list(changes)
    return f"would update: {'; '.join(listed)}" if listed else UP_TO_DATE


def value_change(field: str, held: object, wanted: object) -> list[str]:
    """`name: 'Ann' -> 'Anne'` when the row would change the field, else nothing."""
    return [] if held == wanted else [f"{field}: {held!r} -> {wanted!r}"]


def tag_change(held: Iterable[str], wanted: Iterable[str]) -> list[str]:
    """`tags: +vip +lead` for the tags the row would add (an import never removes one)."""
    have = {tag.casefold() for tag in held}
    added = [tag for tag in wanted if tag.casefold() not in have]
    return [f"tags: {' '.join('+' + tag for tag in added)}"] if added else []


def fields_change(held: Mapping[str, object], wanted: Mapping[str, object]) -> list[str]:
    """One `key: 'old' -> 'new'` per field the row would change."""
    return [
        change
        for key, value in wanted.items()
        for change in value_change(key, held.get(key), value)
    ]


class AccountNames:
    """Names an account has (its tags, its custom fields), read once per run when a plan
    first needs them: batches are planned side by side, the first reads, the others wait.
    None when the vendor's answer does not say (the import will tell, after sending)."""

    def __init__(self, read: Callable[[Api], Awaitable[frozenset[str] | None]]) -> None:
        self._read = read
        self._names: frozenset[str] | None = None
        self._done = False
        self._lock: asyncio.Lock | None = None

    async def lacking(self, wanted: Iterable[str], api: Api) -> list[str]:
        """Those of `wanted` the account does not have, compared ignoring case."""
        import asyncio  # here: `contactctl providers` imports the vendors, not the event loop

        wanted = list(wanted)
        if not wanted:
            return []
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if not self._done:
                self._names, self._done = await self._read(api), True
        known = self._names
        return [] if known is None else [name for name in wanted if name.casefold() not in known]


def lacking_in_account(
    contact: Contact, kind: str, name: str, vendor: str, where: str
) -> RowResult:
    """A planned row that names something the account does not have: it fails before
    anything is sent, as the import would fail it after."""
    reason = (
        f"{kind} {name!r} does not exist in this {vendor} account; create it in {where}, "
        "or the import fails this row"
    )
    return RowResult.for_contact(contact, Status.FAILED, reason)
