"""`contactctl import`: one run from plan to exit code."""

from __future__ import annotations

import asyncio
import signal
import ssl
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, cast

from rich.console import Console

from contactctl.errors import ContactctlError, ExitCode, UsageError
from contactctl.intake.pipeline import Screen, open_inputs, read_contacts
from contactctl.intake.unread import ReadTracker, not_read_line
from contactctl.interrupts import STOP_SIGNALS, Interrupts
from contactctl.journal import Journal, default_journal_path
from contactctl.model import Contact, RowResult, Status
from contactctl.plan import ImportPlan
from contactctl.printable import printable
from contactctl.providers.base import Provider
from contactctl.report import Reporter
from contactctl.report.progress import InputMeter, ProgressSink
from contactctl.secrets import Redactor
from contactctl.send.client import (
    build_api,
    build_client,
    check_transport_security,
    tls_setup_failure,
)
from contactctl.send.delivery import JournalHooks, ResumeFilter
from contactctl.send.sender import (
    NOT_SENT_ABORTED,
    Sender,
    SendHooks,
    SendOutcome,
    SendSettings,
)
from contactctl.send.tuning import Resolved, resolve_tuning
from contactctl.setup import build_provider, require_credentials


def run_import(plan: ImportPlan, stdout: Console, stderr: Console) -> ExitCode:
    """The run; stopped by Ctrl-C or SIGTERM at any moment, it still reports and exits 130."""
    tracker = ReadTracker(plan.inputs.files)
    reporters: list[Reporter] = []
    with Interrupts() as interrupts:
        try:
            return _run(plan, stdout, stderr, tracker, reporters)
        except KeyboardInterrupt:
            pass
        except ContactctlError:
            # Ctrl-C at a terminal also ends the pipe feeding standard input: an input
            # error then is the interrupt's doing, not the file's.
            if interrupts.received is None:
                raise
        reporter = reporters[0] if reporters else Reporter(plan.report, stdout, stderr)
        if reporter.finished:  # stopped after the report was written: nothing left to say
            return ExitCode.INTERRUPTED
        return _finish(reporter, SendOutcome(interrupted=True), tracker, stderr)


def _run(
    plan: ImportPlan,
    stdout: Console,
    stderr: Console,
    tracker: ReadTracker,
    reporters: list[Reporter],
) -> ExitCode:
    def warn(text: str) -> None:
        stderr.print(f"warning: {text}", markup=False, highlight=False)

    with ExitStack() as stack:
        sandbox = stack.enter_context(sandbox_for(plan.provider)) if plan.sandbox else None
        overrides = sandbox.overrides if sandbox is not None else None
        provider = build_provider(plan.provider, plan.config, plan.run, overrides)
        tuning = resolve_tuning(
            provider, plan.tuning.batch_size, plan.tuning.concurrency, plan.tuning.rate, warn
        )
        if plan.lookup and not provider.can_plan:
            raise UsageError(
                f"{provider.vendor} has no look-up, so --lookup cannot say what would change.",
                "--dry-run --lookup works for Callbell, Pabbly Chatflow and iVvy; plain "
                "--dry-run for any vendor.",
            )
        if not plan.dry_run or plan.lookup:
            require_credentials(provider)
            check_transport_security(provider.base_url(), plan.allow_http)
        reporter = Reporter(plan.report, stdout, stderr)
        reporters.append(reporter)
        inputs = tracker.track(open_inputs(plan.inputs, stack, warn))
        reporter.expect_sources(table.source for table, _ in inputs)
        items = Screen(provider, plan.allow_landlines, warn)(
            read_contacts(inputs, plan.inputs.normalize)
        )
        report = tracker.counting(reporter.add)
        meter = InputMeter(table for table, _ in inputs)
        sink = stack.enter_context(ProgressSink(report, stderr, plan.report.output, meter))
        if plan.lookup:  # read-only look-ups at the vendor's pace, no journal
            outcome = asyncio.run(
                _send(plan, _planning(provider), tuning, items, sink, SendHooks(), stderr)
            )
            sink.stop()
            return _finish(reporter, outcome, tracker, stderr)
        if plan.dry_run:
            for result in _dry_run(items, provider):
                sink(result)
            sink.stop()  # the display is cleared before the table
            return _finish(reporter, SendOutcome(), tracker, stderr)
        journal = stack.enter_context(_open_journal(plan, provider, sandbox))
        resume = ResumeFilter(journal, provider, plan.run, plan.resume)
        hooks = JournalHooks(journal, provider, resume)
        outcome = asyncio.run(_send(plan, provider, tuning, resume(items), sink, hooks, stderr))
        reporter.extra["journal_saved"] = resume.saved
        journal.record_run(plan.inputs.files, reporter.summary.as_dict())
        if resume.saved:
            reporter.note(f"journal: {resume.saved} rows unchanged since an earlier run, not sent")
        sink.stop()  # the display is cleared before the table
        return _finish(reporter, outcome, tracker, stderr)


def _open_journal(plan: ImportPlan, provider: Provider[Any], sandbox: SandboxRun | None) -> Journal:
    path = plan.journal_path or default_journal_path()
    # The sandbox's port changes every run: its saved store's account id stands for it.
    account = sandbox.account if sandbox is not None else provider.account_fingerprint()
    return Journal(path, provider.name, account)


def _finish(
    reporter: Reporter, outcome: SendOutcome, tracker: ReadTracker, stderr: Console
) -> ExitCode:
    if outcome.aborted:
        reporter.extra["aborted"] = outcome.aborted
    if outcome.interrupted:
        reporter.extra["interrupted"] = True
    unread = tracker.not_read()
    reporter.extra["not_read"] = unread
    reporter.finish(not_read_line(unread))
    if outcome.interrupted:
        _error_line(stderr, "Interrupted: the partial report is written; run again to resume.")
        return ExitCode.INTERRUPTED
    if outcome.aborted:
        _error_line(stderr, f"Run aborted: {outcome.aborted}")
        return ExitCode.ABORTED
    return reporter.summary.exit_code


def _error_line(stderr: Console, line: str) -> None:
    """An error: printed even under -q, which silences the console itself."""
    stderr.file.write(printable(line) + "\n")
    stderr.file.flush()


class _Planning:
    """The provider, with `push` answering what it would do (`plan`) instead of writing."""

    looks_up_created = False  # nothing is created, so nothing may have landed

    def __init__(self, provider: Provider[Any]) -> None:
        self._provider = provider

    def __getattr__(self, name: str) -> Any:
        return getattr(self._provider, name)

    async def push(self, batch: Sequence[Contact], api: Any) -> list[RowResult]:
        return await self._provider.plan_batch(batch, api)


def _planning(provider: Provider[Any]) -> Provider[Any]:
    # The sender reads a provider's attributes and calls push: the stand-in has both.
    return cast("Provider[Any]", _Planning(provider))


def _dry_run(items: Iterable[Contact | RowResult], provider: Provider[Any]) -> Iterator[RowResult]:
    reason = f"dry run: would be sent to {provider.vendor}"
    for item in items:
        yield (
            item
            if isinstance(item, RowResult)
            else RowResult.for_contact(item, Status.SKIPPED, reason)
        )


async def _send(
    plan: ImportPlan,
    provider: Provider[Any],
    tuning: Resolved,
    items: Iterable[Contact | RowResult],
    emit: Callable[[RowResult], None],
    hooks: SendHooks,
    stderr: Console,
) -> SendOutcome:
    redact = Redactor(provider.settings.secrets())
    try:
        client = build_client(provider, tuning.concurrency, redact, plan.verbose, stderr.file)
    except (ssl.SSLError, OSError) as exc:  # the TLS context reads certificate files now
        return _abort_unsent(items, emit, tls_setup_failure(exc))
    async with client:
        api = build_api(provider, client, tuning.requests_per_second, redact)
        settings = SendSettings(tuning.batch_size, tuning.concurrency, plan.max_failures)
        sender = Sender(provider, api, settings, emit, hooks)
        task = asyncio.ensure_future(sender.run(items))
        with _interrupts_cancel(task):
            return await task


def _abort_unsent(
    items: Iterable[Contact | RowResult], emit: Callable[[RowResult], None], why: str
) -> SendOutcome:
    """Nothing can be sent: every row is reported, the contacts as not sent."""
    for item in items:
        if isinstance(item, Contact):
            item = RowResult.for_contact(item, Status.FAILED, NOT_SENT_ABORTED)
        emit(item)
    return SendOutcome(aborted=why)


@contextmanager
def _interrupts_cancel(task: asyncio.Future[Any]) -> Iterator[None]:
    """Ctrl-C and SIGTERM stop sending; the sender then reports every row it held."""
    loop = asyncio.get_running_loop()
    installed: dict[signal.Signals, Any] = {}
    for sig in STOP_SIGNALS:
        try:
            previous = signal.getsignal(sig)
            loop.add_signal_handler(sig, task.cancel)
            installed[sig] = previous
        except (RuntimeError, ValueError):  # RuntimeError covers platforms without it
            pass  # not the main thread (tests through CliRunner): default handling applies
    try:
        yield
    finally:
        for sig, previous in installed.items():
            loop.remove_signal_handler(sig)
            signal.signal(sig, previous)  # asyncio leaves the default, not what was there


@dataclass(frozen=True)
class SandboxRun:
    overrides: dict[str, Any]  # base_url and credentials, over the config's
    account: str  # what the journal knows this sandbox by


@contextmanager
def sandbox_for(provider: str) -> Iterator[SandboxRun]:
    """Start the provider's emulator on 127.0.0.1 with its saved store (saved back at the
    end) and point the provider at it (`--sandbox` of import and export)."""
    from contactctl.sandbox import SandboxServer, emulator_for
    from contactctl.sandbox.persist import persistent_store, sandbox_account

    emulator = emulator_for(provider)
    with persistent_store(emulator) as account, SandboxServer(emulator) as server:
        overrides = {"base_url": server.base_url, **emulator.sandbox_credentials}
        yield SandboxRun(overrides, sandbox_account(provider, account))
