"""Figures 4 and 5: the sender against a sandbox emulator with the vendor's latency and pace.

The emulator runs in the harness process (its CPU is not the client's); `contactctl import`
runs as a child, pointed at it by a temporary config. Achieved contacts/s is the pace the
client kept (requests after the first over the time they took to start, times contacts per
request), compared with the ceiling the pace allows (pace x batch size, or pace / requests
per contact); the window from first request to last answer is shown beside it. The client's
CPU per request is what sending adds: the import's CPU time less that of the same import with
--dry-run (start-up, reading, normalising, reporting), over the requests the emulator
answered; the whole run's CPU per request is shown beside it.
"""

from __future__ import annotations

import json
import math
import resource
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from child import ChildFailed, ChildRun, Summary, run_child
from context import Context
from results import Figure, Verdict, verdict


@dataclass(frozen=True)
class SendCase:
    key: str
    provider: str
    latency_s: float
    pace: float  # requests per second, as the vendor allows
    batch_size: int
    requests_per_contact: float  # per new contact, per batch for a batch vendor
    share_target: float  # of the ceiling
    cpu_ms_per_request_target: float | None = None

    @property
    def ceiling(self) -> float:
        """Contacts per second the pace allows at best."""
        return self.pace * self.batch_size / self.requests_per_contact


OCTOPUSH = SendCase("4", "octopush", 0.020, 5.0, 200, 1.0, 0.95)
CALLBELL = SendCase("5", "callbell", 0.050, 250.0, 1, 2.0, 0.90)
# Figure 5c: contactctl's client CPU per request against the bare httpx script's, at most.
BARE_SCRIPT_RATIO_TARGET = 1.2


@dataclass
class RequestClock:
    """When the emulator saw each request begin and end (wall clock of the harness)."""

    starts: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def window_s(self) -> float:
        """First request in to last answer out."""
        return max(self.ends) - min(self.starts) if self.starts and self.ends else math.nan

    def requests_per_s(self) -> float:
        """The pace the client kept: requests after the first over the time they took to
        start. Unlike a window, it does not credit the client with the first request's free
        token or blame it for the last answer's latency, so it means the same at any size."""
        if len(self.starts) < 2:
            return math.nan
        return (len(self.starts) - 1) / (max(self.starts) - min(self.starts))


@dataclass(frozen=True)
class SendRuns:
    sent: ChildRun  # the import
    dry: ChildRun  # the same import with --dry-run: everything but the sending
    emulator_cpu_s: float  # the harness's CPU during the import: the emulator's threads


def _harness_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sender_figure(ctx: Context, case: SendCase, contacts: int) -> Figure:
    try:
        from contactctl.sandbox import EMULATORS
    except ImportError as exc:
        return _skip(case, contacts, f"no sandbox module yet ({exc})")
    if case.provider not in EMULATORS:
        return _skip(case, contacts, f"no {case.provider} emulator in contactctl.sandbox yet")
    data = ctx.dataset(contacts, "clean", ("csv",))
    clock = RequestClock()
    with _emulator(case, clock) as (emulator, base_url):
        config = _write_config(ctx, case, base_url)
        dry = _import(ctx, case, data.file("csv"), config, "--dry-run")
        before_s = _harness_cpu_s()
        sent = _import(ctx, case, data.file("csv"), config)
        emulator_cpu_s = _harness_cpu_s() - before_s
        stored = _stored_count(emulator)
    return _figure(case, contacts, SendRuns(sent, dry, emulator_cpu_s), clock, stored)


def _figure(
    case: SendCase, contacts: int, runs: SendRuns, clock: RequestClock, stored: int | None
) -> Figure:
    requests = len(clock.starts)
    achieved = clock.requests_per_s() * contacts / max(requests, 1)
    share = achieved / case.ceiling
    total_ms = runs.sent.cpu_s * 1000 / max(requests, 1)
    sending_ms = (runs.sent.cpu_s - runs.dry.cpu_s) * 1000 / max(requests, 1)
    ok = share >= case.share_target and stored in (None, contacts)
    target = f"≥ {case.share_target:.0%} of {case.ceiling:,.0f} contacts/s"
    measured = f"{share:.1%} ({achieved:,.0f} contacts/s), CPU {sending_ms:.2f} ms/request"
    if case.cpu_ms_per_request_target is not None:
        ok = ok and sending_ms <= case.cpu_ms_per_request_target
        target += f", CPU ≤ {case.cpu_ms_per_request_target} ms/request"
    window_s = clock.window_s()
    return Figure(
        key=case.key,
        title=(
            f"{case.provider} sandbox, {contacts:,} contacts "
            f"({case.latency_s * 1000:.0f} ms latency, {case.pace:g} req/s)"
        ),
        measured=measured,
        target=target,
        verdict=verdict(ok),
        details={
            "requests": requests,
            "concurrency": _concurrency(case),
            "requests_per_s": round(clock.requests_per_s(), 2),
            "send_window_s": round(window_s, 3),
            "contacts_per_s_over_window": round(contacts / window_s, 1),
            "contacts_per_s_over_child_wall": round(contacts / runs.sent.wall_s, 1),
            "import": Summary.of([runs.sent]).as_dict(),
            "dry_run": Summary.of([runs.dry]).as_dict(),
            "cpu_ms_per_request_sending": round(sending_ms, 3),
            "cpu_ms_per_request_whole_run": round(total_ms, 3),
            "stored_by_emulator": stored,
            # If this nears one core, the emulator (one GIL) and not the client sets the pace.
            "emulator_cpu_cores": round(runs.emulator_cpu_s / window_s, 2),
            "emulator_cpu_ms_per_request": round(runs.emulator_cpu_s * 1000 / max(requests, 1), 3),
        },
        note="" if stored in (None, contacts) else f"emulator stored {stored} of {contacts}",
    )


def _skip(case: SendCase, contacts: int, why: str) -> Figure:
    title = f"{case.provider} sandbox, {contacts:,} contacts"
    return Figure(
        case.key, title, "-", f"≥ {case.share_target:.0%} of ceiling", Verdict.SKIP, note=why
    )


@contextmanager
def _emulator(case: SendCase, clock: RequestClock) -> Iterator[tuple[Any, str]]:
    from contactctl.sandbox import EMULATORS, SandboxServer

    emulator = EMULATORS[case.provider](**_emulator_knobs(case))
    _time_requests(emulator, clock)
    with SandboxServer(emulator) as server:
        yield emulator, str(server.base_url)


def _emulator_knobs(case: SendCase) -> dict[str, Any]:
    """Latency as the vendor's, and a rate limit the client's pace never reaches (the figure
    is about the client filling the pace, not about the emulator throttling it)."""
    return {"latency_s": case.latency_s, "requests_per_second": case.pace * 4}


def _time_requests(emulator: Any, clock: RequestClock) -> None:
    """Wrap the emulator's whole exchange (vendor logic and latency) so each request's start
    and end are recorded."""
    respond: Callable[..., Any] = emulator.respond

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return respond(*args, **kwargs)
        finally:
            ended = time.perf_counter()
            with clock.lock:
                clock.starts.append(started)
                clock.ends.append(ended)

    emulator.respond = timed


def _stored_count(emulator: Any) -> int | None:
    stored = getattr(emulator, "stored", None)
    return len(stored()) if callable(stored) else None


def _concurrency(case: SendCase) -> int:
    """Requests in flight needed to fill the pace at this latency (Little's law, with a
    quarter more for the client's own time), within contactctl's bound for the provider.
    Not more: httpx's pool spends CPU per request in proportion to its connections."""
    from contactctl.providers import provider_class

    limits = provider_class(case.provider).limits
    wanted = math.ceil(case.pace * case.latency_s * 1.25) + 1
    return max(1, min(int(limits.max_concurrency), max(int(limits.default_concurrency), wanted)))


def _write_config(ctx: Context, case: SendCase, base_url: str) -> Path:
    from contactctl.sandbox import SANDBOX_CREDENTIALS

    block = {
        "base_url": base_url,
        **SANDBOX_CREDENTIALS[case.provider],
        "rate": case.pace,
        "batch_size": case.batch_size,
        "concurrency": _concurrency(case),
    }
    path = ctx.work / f"contactctl-{case.provider}.yaml"
    # JSON is YAML; the file is private to the run.
    path.write_text(json.dumps({"providers": {case.provider: block}}, indent=2), encoding="utf-8")
    path.chmod(0o600)
    return path


def _import(ctx: Context, case: SendCase, source: Path, config: Path, *extra: str) -> ChildRun:
    journal = ctx.work / f"journal-{case.provider}.sqlite"
    journal.unlink(missing_ok=True)
    argv = [ctx.contactctl, "import", str(source), "--provider", case.provider]
    argv += ["--config", str(config), "--output", "quiet", "--no-resume"]
    argv += ["--journal", str(journal), *extra]
    return run_child(argv)


def bare_script_figure(ctx: Context, case: SendCase, contacts: int, ours: Figure) -> Figure:
    """5c: figure 5's import against bench/bare_callbell.py, the same work with httpx alone
    (csv + phonenumbers + one client, look-up then create, the same concurrency and pace),
    each against a fresh emulator. Both sides are whole processes: start-up, reading and
    normalising included, over the requests the emulator answered."""
    from contactctl.sandbox import SANDBOX_CREDENTIALS

    data = ctx.dataset(contacts, "clean", ("csv",))
    clock = RequestClock()
    with _emulator(case, clock) as (emulator, base_url):
        token = SANDBOX_CREDENTIALS[case.provider]["api_token"]
        argv = [ctx.python, ctx.bench_script("bare_callbell.py"), str(data.file("csv"))]
        try:
            run = run_child([*argv, base_url, token, str(_concurrency(case)), f"{case.pace:g}"])
        except ChildFailed as exc:  # figure 5 stands on its own; say why 5c has no figure
            title = f"client CPU per request vs a bare httpx script, {contacts:,} contacts"
            return Figure("5c", title, "-", "≤ 1.2x", Verdict.SKIP, note=str(exc)[:300])
        stored = _stored_count(emulator)
    bare_ms = run.cpu_s * 1000 / max(len(clock.starts), 1)
    ours_ms = float(ours.details["cpu_ms_per_request_whole_run"])
    ratio = ours_ms / bare_ms
    return Figure(
        key="5c",
        title=f"client CPU per request vs a bare httpx script, {contacts:,} callbell contacts",
        measured=f"{ratio:.2f}x ({ours_ms:.2f} vs {bare_ms:.2f} ms/request)",
        target=f"≤ {BARE_SCRIPT_RATIO_TARGET}x",
        verdict=verdict(ratio <= BARE_SCRIPT_RATIO_TARGET),
        details={
            "bare_script": Summary.of([run]).as_dict(),
            "bare_requests": len(clock.starts),
            "bare_requests_per_s": round(clock.requests_per_s(), 2),
            "bare_stored_by_emulator": stored,
            "contactctl_cpu_ms_per_request": ours_ms,
        },
    )


def transport_figure(ctx: Context, case: SendCase, requests: int) -> Figure:
    """5b: the client options for figure 5's workload, side by side (no target: it shows
    what httpx's pool and API cost against aiohttp alone)."""
    from contactctl.sandbox import SANDBOX_CREDENTIALS

    token = SANDBOX_CREDENTIALS[case.provider]["api_token"]
    concurrency = _concurrency(case)
    with _emulator(case, RequestClock()) as (_, base_url):
        argv = [ctx.python, ctx.bench_script("transports.py"), base_url, token]
        run = run_child([*argv, str(requests), str(concurrency), f"{case.pace:g}"])
    results: dict[str, dict[str, float]] = json.loads(run.stdout)
    shown = "; ".join(
        f"{name}: {r['cpu_ms_per_request']:.2f} ms, {r['requests_per_s']:.0f}/s"
        for name, r in results.items()
    )
    missing = "" if len(results) > 1 else " (pip install httpx-aiohttp to compare aiohttp)"
    return Figure(
        key="5b",
        title=f"client CPU per request by transport, {requests:,} paced look-ups",
        measured=shown + missing,
        target="(no target)",
        verdict=Verdict.INFO,
        details={"concurrency": concurrency, "pace": case.pace, **results},
    )
