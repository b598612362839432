"""Slow start: wrong credentials cost one request, not a burst from every worker."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import import_to, write_csv
from tests.conftest import SandboxFactory


def test_a_wrong_callbell_token_costs_exactly_one_request(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    rows = "".join(f"+336123450{n:02d},Name{n}\n" for n in range(40))
    source = write_csv(tmp_path / "a.csv", "Mobile,First Name\n" + rows)
    with sandbox("callbell") as (emulator, base_url):
        run = import_to(
            tmp_path,
            "callbell",
            base_url,
            source,
            "--output",
            "json",
            api_token="wrong-token",
            concurrency=8,
        )
        requests = list(emulator.requests)
    assert run.exit_code == 3
    assert len(requests) == 1, [r.path for r in requests]
    assert "refused the credentials" in run.stderr
    reasons = {row["reason"].split(" (")[0] for row in run.json()["rows"]}
    assert reasons == {"not sent: run aborted"}
