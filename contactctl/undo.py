"""`contactctl undo RUN_ID`: take back what one import run wrote, where the vendor allows it.

The journal keeps each contact a run wrote (`run_rows`: its row, the vendor's id, what was
sent and what the look-up showed before). Undo reads them and, row by row:

- `added` → deleted where the vendor can delete (Octopush by number, Callbell by uuid);
  where it can read a contact back (Callbell), only if it still holds what the run sent;
- `updated` → written back as the look-up saw it before (Callbell, iVvy), only if the
  contact still holds what the run sent; one already back as it was counts as restored;
- anything else (`upserted`, an update made without a look-up, a vendor with no delete or
  no write-back, a contact changed since) is `failed` with the reason, and left alone.

Undo is itself a run: it holds the account's run lock, is recorded in the journal (listed by
`contactctl runs`), and marks each row it took back as it goes, so a second undo of the same
run changes nothing and an undo stopped half way is resumed by running it again (a contact
deleted but not yet marked is found gone; one restored, found as it was). A contact taken
back is forgotten as delivered, so the next import sends it again.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console

from contactctl.config import Config
from contactctl.errors import AuthError, ExitCode, ProviderError, RunAborted, UsageError
from contactctl.journal import Journal
from contactctl.journal.store import KEEP_RUNS
from contactctl.model import RowResult, RunRow, Status
from contactctl.printable import printable
from contactctl.providers.base import Provider, RunOptions
from contactctl.report.reporter import Reporter
from contactctl.report.settings import ReportSettings
from contactctl.secrets import Redactor
from contactctl.send.api import Api
from contactctl.send.client import (
    build_api,
    build_client,
    check_transport_security,
    tls_setup_failure,
)
from contactctl.setup import build_provider, require_credentials

DELETE = "delete"
RESTORE = "restore"


@dataclass(frozen=True)
class UndoRequest:
    run_id: int
    journal: Path
    dry_run: bool
    allow_http: bool = False
    sandbox: bool = False  # the run went to the built-in emulator (import --sandbox)


def run_undo(
    request: UndoRequest,
    config: Config,
    settings: ReportSettings,
    stdout: Console,
    stderr: Console,
) -> ExitCode:
    """Undo one run; the exit code as an import's (0, 1 some rows failed, 3 aborted)."""
    from contactctl.runs import find_run

    record = find_run(request.journal, request.run_id)
    with ExitStack() as stack:
        overrides, account = None, None
        if request.sandbox:
            from contactctl.importer import sandbox_for

            sandbox = stack.enter_context(sandbox_for(record.provider))
            overrides, account = sandbox.overrides, sandbox.account
        provider = build_provider(record.provider, config, RunOptions(), overrides)
        account = account or provider.account_fingerprint()
        if account != record.account:
            raise UsageError(
                f"Run {request.run_id} wrote to {record.account}; the config points "
                f"{record.provider} at {account}.",
                "Undo with the config (and credentials, or --sandbox) that run used.",
            )
        return _undo(request, provider, account, Reporter(settings, stdout, stderr), stderr)


def _undo(
    request: UndoRequest,
    provider: Provider[Any],
    account: str,
    reporter: Reporter,
    stderr: Console,
) -> ExitCode:
    from contactctl.runs import rows_written

    if request.dry_run:
        for row in rows_written(request.journal, request.run_id):
            reporter.add(_planned(provider, request.run_id, row))
        return reporter.finish().exit_code
    require_credentials(provider)
    check_transport_security(provider.base_url(), request.allow_http)
    with Journal(request.journal, provider.name, account) as journal:
        rows = journal.written_by(request.run_id)
        if not rows:
            reporter.note(
                f"Run {request.run_id} has no contacts on record to take back: it wrote none, "
                f"or it is older than the last {KEEP_RUNS} runs of this account (the journal "
                "keeps what those wrote), or it ran before contactctl kept them."
            )
        aborted = asyncio.run(_take_back(provider, journal, request.run_id, rows, reporter.add))
        if aborted:
            reporter.extra["aborted"] = aborted
        summary = reporter.finish()
        journal.record_run([f"undo of run {request.run_id}"], summary.as_dict())
    if aborted:
        stderr.file.write(printable(f"Undo aborted: {aborted}") + "\n")
        return ExitCode.ABORTED
    return summary.exit_code


def _planned(provider: Provider[Any], run_id: int, row: RunRow) -> RowResult:
    """What undo would do to `row`, without asking the vendor anything."""
    action = _action(provider, run_id, row)
    if isinstance(action, RowResult):
        return action
    what = "would delete it" if action == DELETE else "would restore it as it was before"
    return _row(row, Status.SKIPPED, f"{what} (--dry-run)")


def _action(provider: Provider[Any], run_id: int, row: RunRow) -> str | RowResult:
    """DELETE, RESTORE, or the row's result when there is nothing to do."""
    vendor = provider.vendor
    if row.undone is not None:
        return _row(row, Status.SKIPPED, f"already undone by run {row.undone_by} ({row.undone})")
    if row.status == Status.ADDED:
        if not provider.can_delete:
            return _row(row, Status.FAILED, f"{vendor} has no call that deletes a contact")
        if provider.reads_by_id and (row.sent is None or row.vendor_id is None):
            why = "what the run wrote is not recorded, so a change since cannot be ruled out"
            return _row(row, Status.FAILED, why)
        return DELETE
    if row.status == Status.UPDATED:
        if not provider.can_restore:
            return _row(row, Status.FAILED, f"{vendor} cannot write a contact back")
        if row.before is None or not provider.reads_by_id:
            why = (
                f"what {vendor} held before is unknown: run {run_id} updated it without a "
                "look-up, and no earlier run recorded those fields"
            )
            return _row(row, Status.FAILED, why)
        return RESTORE
    why = f"{vendor} did not say whether it was new, so what it held before is unknown"
    return _row(row, Status.FAILED, why)


async def _take_back(
    provider: Provider[Any],
    journal: Journal,
    run_id: int,
    rows: Sequence[RunRow],
    emit: Callable[[RowResult], None],
) -> str | None:
    """Take each row back and emit its result; why the run stopped early, or None."""
    redact = Redactor(provider.settings.secrets())
    concurrency = provider.settings.concurrency or provider.limits.default_concurrency
    try:
        client = build_client(provider, concurrency, redact, False, None)
    except (ssl.SSLError, OSError) as exc:
        raise ProviderError(tls_setup_failure(exc)) from None
    async with client:
        api = build_api(provider, client, provider.limits.requests_per_second, redact)
        undo = _Undo(provider, journal, api, run_id)
        blind: list[RunRow] = []  # deleted without reading back (Octopush): in one go
        read_first: list[tuple[RunRow, str]] = []
        for row in rows:
            action = _action(provider, run_id, row)
            if isinstance(action, RowResult):
                emit(action)
            elif action == DELETE and not provider.reads_by_id:
                blind.append(row)
            else:
                read_first.append((row, action))
        aborted = await _side_by_side(undo, read_first, emit, concurrency)
        if aborted is not None:
            for row in blind:
                emit(_row(row, Status.FAILED, f"not undone: run aborted ({aborted})"))
            return aborted
        try:
            for result in await undo.delete_blind(blind):
                emit(result)
        except ProviderError as exc:
            for row in blind:
                emit(_row(row, Status.FAILED, f"not undone: {exc.message}"))
            return exc.message if isinstance(exc, AuthError | RunAborted) else None
    return None


async def _side_by_side(
    undo: _Undo,
    work: Sequence[tuple[RunRow, str]],
    emit: Callable[[RowResult], None],
    concurrency: int,
) -> str | None:
    """Read back and take back rows, `concurrency` at a time (the Api paces them); why the
    run stopped early, or None. A row already started finishes; the rest are not sent."""
    pending = iter(work)  # shared: each worker takes the next row
    aborted: list[str] = []

    async def worker() -> None:
        for row, action in pending:
            if aborted:
                emit(_row(row, Status.FAILED, f"not undone: run aborted ({aborted[0]})"))
                continue
            try:
                emit(await undo.one(row, action))
            except (AuthError, RunAborted) as exc:
                aborted.append(exc.message)
                emit(_row(row, Status.FAILED, f"not undone: run aborted ({exc.message})"))
            except ProviderError as exc:
                emit(_row(row, Status.FAILED, f"not undone: {exc.message}"))

    await asyncio.gather(*(worker() for _ in range(max(1, min(concurrency, len(work))))))
    return aborted[0] if aborted else None


class _Undo:
    def __init__(self, provider: Provider[Any], journal: Journal, api: Api, run_id: int) -> None:
        self.provider = provider
        self.journal = journal
        self.api = api
        self.run_id = run_id
        self.vendor = provider.vendor

    async def one(self, row: RunRow, action: str) -> RowResult:
        """Delete or restore one contact that the vendor can read back first."""
        now = await self.provider.current(row, self.api)
        if now is None:
            if action == DELETE:  # gone already (by hand, or by an undo cut short)
                self._mark(row, "gone")
                return _row(row, Status.SKIPPED, f"already gone from {self.vendor}")
            return _row(row, Status.FAILED, f"no longer at {self.vendor}; nothing to restore")
        if action == RESTORE and _holds(now, row.before or {}):
            self._mark(row, "restored")
            return _row(row, Status.RESTORED, "already as it was before the run")
        if not _holds(now, row.sent or {}):
            why = f"changed at {self.vendor} since run {self.run_id}; left alone"
            return _row(row, Status.FAILED, why)
        if action == DELETE:
            await self.provider.delete([row], self.api)
            self._mark(row, "deleted")
            return _row(row, Status.DELETED)
        await self.provider.restore(row, self.api)
        self._mark(row, "restored")
        if row.before_run is None:
            return _row(row, Status.RESTORED)
        why = (
            f"restored to what run {row.before_run} wrote: run {self.run_id} updated it by the "
            "journal's id, without a look-up, so a change made in between is not known"
        )
        return _row(row, Status.RESTORED, why)

    async def delete_blind(self, rows: Sequence[RunRow]) -> list[RowResult]:
        """Delete contacts the vendor cannot read back (one request for many)."""
        if not rows:
            return []
        await self.provider.delete(rows, self.api)
        self.journal.undone(self.run_id, [(row, "deleted", True) for row in rows])
        return [_row(row, Status.DELETED) for row in rows]

    def _mark(self, row: RunRow, did: str) -> None:
        self.journal.undone(self.run_id, [(row, did, True)])


def _holds(now: Mapping[str, Any], fields: Mapping[str, Any]) -> bool:
    """Whether the contact as read back holds these fields' values (blank equals blank; a
    list in any order and case; a mapping field by field)."""
    return all(_same(now.get(key), value) for key, value in fields.items())


def _same(held: Any, wanted: Any) -> bool:
    if isinstance(wanted, Mapping):
        have = held if isinstance(held, Mapping) else {}
        return all(_same(have.get(key), value) for key, value in wanted.items())
    if isinstance(wanted, list) or isinstance(held, list):
        return _folded(held) == _folded(wanted)
    if wanted in (None, "") or held in (None, ""):
        return wanted in (None, "") and held in (None, "")
    return str(held).casefold() == str(wanted).casefold()


def _folded(value: Any) -> set[str]:
    return {str(item).casefold() for item in value} if isinstance(value, list) else set()


def _row(row: RunRow, status: Status, reason: str | None = None) -> RowResult:
    return RowResult(
        source=row.source,
        row=row.row,
        status=status,
        reason=reason,
        phone=row.phone,
        id=row.vendor_id,
    )
