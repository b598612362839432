"""`contactctl import`: one run from plan to exit code."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from rich.console import Console

from contactctl.delivery import JournalHooks, ResumeFilter
from contactctl.errors import ExitCode, UsageError
from contactctl.journal import Journal, default_journal_path
from contactctl.model import Contact, RowResult, Status
from contactctl.pipeline import Screen, open_inputs, read_contacts
from contactctl.plan import ImportPlan
from contactctl.progress import ProgressSink
from contactctl.providers.base import Provider
from contactctl.report import Reporter
from contactctl.secrets import Redactor
from contactctl.send.client import build_api, build_client, check_transport_security
from contactctl.send.sender import Sender, SendHooks, SendOutcome, SendSettings
from contactctl.setup import build_provider, require_credentials
from contactctl.tuning import Resolved, resolve_tuning


def run_import(plan: ImportPlan, stdout: Console, stderr: Console) -> ExitCode:
    def warn(text: str) -> None:
        stderr.print(f"warning: {text}", markup=False, highlight=False)

    with ExitStack() as stack:
        overrides = stack.enter_context(_sandbox(plan)) if plan.sandbox else None
        provider = build_provider(plan.provider, plan.config, plan.run, overrides)
        tuning = resolve_tuning(
            provider, plan.tuning.batch_size, plan.tuning.concurrency, plan.tuning.rate, warn
        )
        if not plan.dry_run:
            require_credentials(provider)
            check_transport_security(provider.base_url(), plan.allow_http)
        inputs = open_inputs(plan.inputs, stack, warn)
        items = Screen(provider, plan.allow_landlines, warn)(
            read_contacts(inputs, plan.inputs.normalize)
        )
        reporter = Reporter(plan.report, stdout, stderr)
        sink = stack.enter_context(ProgressSink(reporter.add, stderr, plan.report.output))
        if plan.dry_run:
            for result in _dry_run(items, provider):
                sink(result)
            reporter.finish()
            return reporter.summary.exit_code
        journal = stack.enter_context(_open_journal(plan, provider))
        resume = ResumeFilter(journal, provider, plan.run, plan.resume)
        hooks = JournalHooks(journal, provider, resume)
        outcome = asyncio.run(_send(plan, provider, tuning, resume(items), sink, hooks, stderr))
        reporter.extra["journal_saved"] = resume.saved
        if resume.saved:
            reporter.note(f"journal: {resume.saved} rows unchanged since an earlier run, not sent")
        return _finish(reporter, outcome, stderr)


def _open_journal(plan: ImportPlan, provider: Provider[Any]) -> Journal:
    path = plan.journal_path or default_journal_path()
    return Journal(path, provider.name, provider.account_fingerprint())


def _finish(reporter: Reporter, outcome: SendOutcome, stderr: Console) -> ExitCode:
    if outcome.aborted:
        reporter.extra["aborted"] = outcome.aborted
    if outcome.interrupted:
        reporter.extra["interrupted"] = True
    reporter.finish()
    if outcome.interrupted:
        stderr.print("Interrupted: the partial report is written; run again to resume.")
        return ExitCode.INTERRUPTED
    if outcome.aborted:
        stderr.print(f"Run aborted: {outcome.aborted}", markup=False, highlight=False)
        return ExitCode.ABORTED
    return reporter.summary.exit_code


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
    client = build_client(provider, tuning.concurrency, redact, plan.verbose, stderr.file)
    async with client:
        api = build_api(provider, client, tuning.requests_per_second, redact)
        settings = SendSettings(tuning.batch_size, tuning.concurrency, plan.max_failures)
        sender = Sender(provider, api, settings, emit, hooks)
        task = asyncio.ensure_future(sender.run(items))
        with _interrupts_cancel(task):
            return await task


@contextmanager
def _interrupts_cancel(task: asyncio.Future[Any]) -> Iterator[None]:
    """Ctrl-C and SIGTERM stop sending; the sender then reports every row it held."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, task.cancel)
            installed.append(sig)
        except (RuntimeError, ValueError):  # RuntimeError covers platforms without it
            pass  # not the main thread (tests through CliRunner): default handling applies
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


@contextmanager
def _sandbox(plan: ImportPlan) -> Iterator[dict[str, Any]]:
    """Start the provider's emulator on 127.0.0.1 and point the provider at it."""
    from contactctl.sandbox import EMULATORS, SANDBOX_CREDENTIALS, SandboxServer

    if plan.provider not in EMULATORS:
        raise UsageError(f"Provider {plan.provider!r} has no built-in sandbox.")
    emulator = EMULATORS[plan.provider]()
    with SandboxServer(emulator) as server:
        yield {"base_url": server.base_url, **SANDBOX_CREDENTIALS[plan.provider]}
