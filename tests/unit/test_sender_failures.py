"""Any exception in a worker ends the run cleanly: every row reported once, nothing hangs.

Real parts: the Octopush emulator on 127.0.0.1, the real Api and Sender, a real SQLite journal
(made full with `PRAGMA max_page_count`, which fails writes exactly like a full disk).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contactctl.journal import Journal
from contactctl.model import Contact, RowResult, Status
from contactctl.providers.base import RunOptions
from contactctl.providers.callbell import Callbell, CallbellSettings
from contactctl.providers.octopush import Octopush, OctopushSettings
from contactctl.sandbox import SANDBOX_CREDENTIALS
from contactctl.secrets import Secret
from contactctl.send.api import Api
from contactctl.send.client import build_api
from contactctl.send.delivery import JournalHooks, ResumeFilter
from contactctl.send.sender import Sender, SendHooks, SendOutcome, SendSettings
from tests.conftest import SandboxFactory

CREDENTIALS = SANDBOX_CREDENTIALS["octopush"]
CREATE = "/v1/public/contact/create"


def octopush(base_url: str, kind: type[Octopush] = Octopush) -> Octopush:
    settings = OctopushSettings(
        base_url=base_url,
        api_login=CREDENTIALS["api_login"],
        api_key=Secret(CREDENTIALS["api_key"]),
        max_retries=1,
    )
    return kind(settings, RunOptions())


def contacts(count: int) -> list[Contact]:
    return [
        Contact(source="c.csv", row=n + 2, phone=f"+336123{n:05d}", first_name=f"N{n}")
        for n in range(count)
    ]


def send(
    provider: Octopush | Callbell,
    rows: Sequence[Contact],
    hooks: SendHooks | None = None,
    batch_size: int = 5,
) -> tuple[SendOutcome, list[RowResult]]:
    results: list[RowResult] = []

    async def go() -> SendOutcome:
        async with httpx.AsyncClient(base_url=provider.base_url(), auth=provider.auth()) as client:
            api = build_api(provider, client, 1000.0)
            sender = Sender(provider, api, SendSettings(batch_size, 3), results.append, hooks)
            return await sender.run(rows)

    return asyncio.run(go()), results


def one_result_per_row(rows: Sequence[Contact], results: Sequence[RowResult]) -> bool:
    return Counter(r.row for r in results) == Counter(c.row for c in rows)


def test_a_journal_that_fills_up_mid_run_aborts_with_every_row_reported(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    rows = contacts(400)
    with sandbox("octopush") as (_emulator, base_url):
        provider = octopush(base_url)
        with Journal(tmp_path / "j.sqlite3", provider.name, "acct") as journal:
            # The file may not grow any more: the next page it needs fails like a full disk.
            pages = journal._db.execute("PRAGMA page_count").fetchone()[0]
            journal._db.execute(f"PRAGMA max_page_count = {pages + 1}")
            resume = ResumeFilter(journal, provider, provider.run, resume=True)
            hooks = JournalHooks(journal, provider, resume)
            outcome, results = send(provider, list(resume(rows)), hooks)
    assert outcome.aborted is not None
    assert "journal" in outcome.aborted
    assert one_result_per_row(rows, results)
    failed = [r for r in results if r.status is Status.FAILED]
    assert failed
    assert all(r.reason and r.reason.startswith("not ") for r in failed)
    assert any(r.reason and r.reason.startswith("not confirmed") for r in failed)


class BuggyOctopush(Octopush):
    """A provider bug after the request went out (the answer read the wrong way)."""

    async def push(self, batch: Sequence[Contact], api: Api) -> list[RowResult]:
        await super().push(batch, api)
        raise TypeError("unhashable type: 'list'")


def test_a_provider_bug_aborts_the_run_with_in_flight_rows_not_confirmed(
    sandbox: SandboxFactory,
) -> None:
    rows = contacts(200)
    with sandbox("octopush") as (_emulator, base_url):
        outcome, results = send(octopush(base_url, BuggyOctopush), rows)
    assert outcome.aborted is not None
    assert "TypeError" in outcome.aborted
    assert one_result_per_row(rows, results)
    reasons = Counter((r.reason or "").split(" (")[0] for r in results)
    assert set(reasons) <= {"not confirmed: run aborted", "not sent: run aborted"}
    assert reasons["not confirmed: run aborted"] >= 1


def test_a_list_where_octopush_echoes_a_number_is_not_confirmed(sandbox: SandboxFactory) -> None:
    rows = contacts(2)
    answer = {"items": [{"phone_number": [c.phone], "status": "added"} for c in rows]}
    with sandbox("octopush") as (emulator, base_url):
        emulator.faults.answer_next(answer)
        outcome, results = send(octopush(base_url), rows)
    assert outcome.aborted is None
    assert [r.reason for r in results] == [
        "not confirmed: Octopush's answer does not mention this number"
    ] * 2


def test_an_answer_nested_too_deep_to_parse_may_have_landed(sandbox: SandboxFactory) -> None:
    rows = contacts(3)
    nested = b"[" * 200_000 + b"]" * 200_000
    with sandbox("octopush") as (emulator, base_url):
        emulator.faults.answer_next(nested, count=10)
        outcome, results = send(octopush(base_url), rows)
    assert outcome.aborted is not None
    assert "unreachable" in outcome.aborted
    assert one_result_per_row(rows, results)
    assert all((r.reason or "").startswith("not confirmed: run aborted") for r in results)


ANSWERS = st.one_of(
    st.binary(max_size=300),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
        max_leaves=20,
    ),
    st.fixed_dictionaries(
        {"items": st.lists(st.dictionaries(st.sampled_from(["phone_number", "status"]), st.text()))}
    ),
)


def callbell(base_url: str) -> Callbell:
    token = Secret(SANDBOX_CREDENTIALS["callbell"]["api_token"])
    config = CallbellSettings(base_url=base_url, api_token=token, max_retries=1)
    return Callbell(config, RunOptions())


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answer=ANSWERS)
def test_any_answer_to_look_ups_and_creates_leaves_one_status_per_row(
    sandbox: SandboxFactory, answer: Any
) -> None:
    # Callbell: look-ups, creates that may have landed, the core's create-once protocol.
    rows = contacts(4)
    with sandbox("callbell") as (emulator, base_url):
        emulator.faults.answer_next(answer, count=100)
        outcome, results = send(callbell(base_url), rows, batch_size=1)
    assert one_result_per_row(rows, results)
    assert outcome.interrupted is False


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answer=ANSWERS, status=st.sampled_from([200, 201, 202]))
def test_any_answer_leaves_every_row_with_exactly_one_status(
    sandbox: SandboxFactory, answer: Any, status: int
) -> None:
    rows = contacts(7)
    with sandbox("octopush") as (emulator, base_url):
        emulator.faults.answer_next(answer, count=100, status=status)
        outcome, results = send(octopush(base_url), rows, batch_size=3)
    assert one_result_per_row(rows, results)
    assert all(isinstance(r.status, Status) for r in results)
    assert outcome.interrupted is False


def test_a_report_that_cannot_be_written_ends_the_run_instead_of_hanging(
    sandbox: SandboxFactory,
) -> None:
    # Every worker dies reporting its rows (the report's disk is full): the producer, with a
    # full queue, must not wait for them forever.
    def emit(result: RowResult) -> None:
        raise OSError(28, "No space left on device")

    async def go(base_url: str) -> None:
        provider = octopush(base_url)
        async with httpx.AsyncClient(base_url=base_url, auth=provider.auth()) as client:
            api = build_api(provider, client, 1000.0)
            await Sender(provider, api, SendSettings(2, 2), emit).run(contacts(300))

    with sandbox("octopush") as (_emulator, base_url), pytest.raises(OSError, match="No space"):
        asyncio.run(go(base_url))
