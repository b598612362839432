"""Figure 7: requests per contact against the minimum each vendor's API allows (issue 16).

For each provider, at its default pace, batch size and concurrency, over its emulator (20 ms
latency, a rate limit the pace never reaches), three imports of CONTACTS contacts:

(a) new contacts into an empty account;
(b) the same file with half of them already there (put there by another machine's run, so
    this one's journal knows none of them);
(c) a re-run of (b), with its journal, where one row in ten changed.

Counted from the emulator's request log; statuses from each run's JSON report, checked row
by row; the store checked to hold every contact once. Contacts per second is the contacts
of the import over the time from its first request to its last answer.

The minimum each provider is held to (issue 16): a batch vendor one request per batch
(Pabbly under update two, in (b) and (c), where batches hold existing contacts); Callbell
one look-up and one write per contact in (a) and (b), one request per changed row in (c);
iVvy 0.05 requests per contact in (a) and (b) (batch runs of 200 jobs, polls included), one
request per changed row in (c). Target: at most 1.1 times that, plus the lone first request.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from child import run_child
from context import Context
from fig_send import RequestClock, _time_requests
from results import Figure, verdict

CONTACTS = 1000
CHANGED_EVERY = 10  # (c): one row in ten changed
LATENCY_S = 0.020
SLACK = 1.1  # the target: within 1.1x of the minimum, plus the lone first request
PROVIDERS = ("octopush", "shoutout", "pabbly", "callbell", "ivvy")


@dataclass(frozen=True)
class Scenario:
    name: str
    requests: int
    minimum: float
    contacts_per_s: float
    statuses_ok: bool
    stored_ok: bool
    problem: str = ""

    @property
    def allowed(self) -> float:
        return SLACK * self.minimum + 1

    @property
    def ok(self) -> bool:
        return self.requests <= self.allowed and self.statuses_ok and self.stored_ok


def requests_figures(ctx: Context) -> list[Figure]:
    return [_provider_figure(ctx, name) for name in PROVIDERS]


def _provider_figure(ctx: Context, provider: str) -> Figure:
    from contactctl.providers import provider_class

    limits = provider_class(provider).limits
    work = ctx.work / f"fig7-{provider}"
    work.mkdir(parents=True, exist_ok=True)
    for stale in work.glob("*.sqlite3*"):
        stale.unlink()
    scenarios = _scenarios(ctx, provider, limits.default_batch, work)
    measured = "; ".join(
        f"{s.name} {s.requests / CONTACTS:.3g} req/contact ({s.requests} vs min "
        f"{s.minimum:g}), {s.contacts_per_s:,.0f}/s"
        for s in scenarios
    )
    problems = [f"{s.name}: {s.problem}" for s in scenarios if s.problem]
    return Figure(
        key="7",
        title=(
            f"{provider}: requests for {CONTACTS:,} contacts, "
            "(a) new (b) half there (c) 10% changed"
        ),
        measured=measured,
        target=f"≤ {SLACK}x min + 1, statuses exact, stored once",
        verdict=verdict(all(s.ok for s in scenarios)),
        details={
            s.name: {
                "requests": s.requests,
                "minimum": s.minimum,
                "allowed": round(s.allowed, 1),
                "requests_per_contact": round(s.requests / CONTACTS, 4),
                "contacts_per_s": round(s.contacts_per_s, 1),
                "statuses_exact": s.statuses_ok,
                "stored_once": s.stored_ok,
            }
            for s in scenarios
        },
        note="; ".join(problems),
    )


def _scenarios(ctx: Context, provider: str, batch: int, work: Path) -> list[Scenario]:
    from contactctl.sandbox import SandboxServer, emulator_class

    found = emulator_class(provider)
    assert found is not None
    results = []
    for name in ("a", "b"):
        clock = RequestClock()
        # A rate limit the provider's default pace never reaches: the figure counts requests.
        emulator = found(latency_s=LATENCY_S, requests_per_second=1000.0)
        with SandboxServer(emulator) as server:
            config = _config(work, provider, str(server.base_url), emulator.sandbox_credentials)
            if name == "b":  # half already there, from another machine
                _import(ctx, provider, _csv(work, "half", CONTACTS // 2), config, "other")
            emulator.requests.clear()
            _time_requests(emulator, clock)
            source = _csv(work, "all", CONTACTS)
            report = _import(ctx, provider, source, config, name)
            results.append(_scenario(name, provider, batch, emulator, clock, report))
            if name == "b":
                clock = RequestClock()
                emulator.requests.clear()
                _time_requests(emulator, clock)
                changed = _csv(work, "changed", CONTACTS, renamed=CHANGED_EVERY)
                report = _import(ctx, provider, changed, config, "b")
                results.append(_scenario("c", provider, batch, emulator, clock, report))
    return results


def _scenario(
    name: str, provider: str, batch: int, emulator: Any, clock: RequestClock, report: Any
) -> Scenario:
    requests = len(emulator.requests)
    sent = CONTACTS if name != "c" else CONTACTS // CHANGED_EVERY
    window = clock.window_s()
    speed = sent / window if window and not math.isnan(window) else math.nan
    rows = report["rows"]
    wrong = [r for r in rows if not _status_ok(provider, name, r)]
    stored = emulator.stored()
    numbers = [str(record[emulator.phone_field]).lstrip("+") for record in stored]
    stored_ok = len(numbers) == len(set(numbers)) == CONTACTS and len(rows) == CONTACTS
    problem = ""
    if wrong:
        first = wrong[0]
        problem = f"{len(wrong)} rows with a wrong status, e.g. row {first['row']}: "
        problem += f"{first['status']} ({first['reason']})"
    elif not stored_ok:
        problem = f"the store holds {len(numbers)} contacts ({len(set(numbers))} numbers)"
    return Scenario(
        name, requests, _minimum(provider, name, batch), speed, not wrong, stored_ok, problem
    )


def _minimum(provider: str, scenario: str, batch: int) -> float:
    """The fewest requests the vendor's API allows for the scenario, as issue 16 sets them."""
    changed = CONTACTS // CHANGED_EVERY
    if provider == "callbell":
        return 2 * CONTACTS if scenario != "c" else changed
    if provider == "ivvy":
        return 0.05 * CONTACTS if scenario != "c" else changed
    sent = CONTACTS if scenario != "c" else changed
    batches = math.ceil(sent / batch)
    two_passes = provider == "pabbly" and scenario != "a"  # batches hold existing contacts
    return batches * (2 if two_passes else 1)


def _status_ok(provider: str, scenario: str, row: dict[str, Any]) -> bool:
    """Whether a row's status is the exact one for its contact in the scenario."""
    status, reason = row["status"], row.get("reason") or ""
    index = row["row"] - 2  # the file's data rows, from 0
    if scenario == "c" and index % CHANGED_EVERY:
        return status == "skipped" and reason.startswith("unchanged since")
    existed = scenario == "c" or (scenario == "b" and index < CONTACTS // 2)
    if provider == "shoutout":  # ShoutOUT never says whether a contact was new
        return status == "upserted"
    if not existed:
        return status == "added"
    if scenario == "b" and status == "skipped":  # a look-up vendor finds the same values
        return reason.startswith("already up to date at")
    return status == "updated"


def _csv(work: Path, name: str, count: int, renamed: int = 0) -> Path:
    path = work / f"{name}.csv"
    lines = ["First Name,Last Name,Mobile,Email"]
    for n in range(count):
        first = f"Changed{n}" if renamed and n % renamed == 0 else f"Name{n}"
        lines.append(f"{first},Last{n},+336130{n:05d},p{n}@example.com")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _config(work: Path, provider: str, base_url: str, credentials: Any) -> Path:
    path = work / "contactctl.yaml"
    block = {"base_url": base_url, **credentials}
    path.write_text(json.dumps({"providers": {provider: block}}), encoding="utf-8")
    path.chmod(0o600)
    return path


def _import(ctx: Context, provider: str, source: Path, config: Path, journal: str) -> Any:
    report = source.with_suffix(".report.json")
    argv = [ctx.contactctl, "import", str(source), "--provider", provider, "--config", str(config)]
    argv += ["--output", "quiet", "--journal", str(source.parent / f"{journal}.sqlite3")]
    run_child([*argv, "--report", str(report)], ok_codes=(0, 1))
    return json.loads(report.read_text(encoding="utf-8"))
