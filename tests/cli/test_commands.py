"""The smaller commands and options: providers, sandbox, dry run, verbose, interrupts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from contactctl.sandbox import SANDBOX_CREDENTIALS
from tests.cli.helpers import import_to, run_cli, wait_for_requests, write_config, write_csv
from tests.conftest import SandboxFactory

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


def test_dry_run_sends_nothing_and_plans_each_row(tmp_path: Path, sandbox: SandboxFactory) -> None:
    with sandbox("octopush") as (emulator, base_url):
        config = write_config(tmp_path / "c.yaml", "octopush", base_url)
        run = run_cli(
            "import",
            SAMPLES / "contacts.csv",
            "-p",
            "octopush",
            "-c",
            config,
            "--dry-run",
            "--output",
            "json",
        )
        requests = list(emulator.requests)
    rows = run.json()["rows"]
    assert run.exit_code == 0
    assert requests == []
    assert run.json()["dry_run"] is True
    assert sum(r["reason"] == "dry run: would be sent to Octopush" for r in rows) == 58


def test_dry_run_needs_no_credentials(tmp_path: Path) -> None:
    run = run_cli(
        "import", SAMPLES / "contacts.csv", "-p", "octopush", "--dry-run", "--output", "quiet"
    )
    assert run.exit_code == 0, run.stderr


def test_missing_credentials_name_the_keys_and_variables() -> None:
    run = run_cli("import", SAMPLES / "contacts.csv", "-p", "octopush")
    assert run.exit_code == 2
    assert "CONTACTCTL_OCTOPUSH_API_KEY" in run.stderr


def test_credentials_from_environment_variables(
    tmp_path: Path, sandbox: SandboxFactory, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    creds = SANDBOX_CREDENTIALS["octopush"]
    with sandbox("octopush") as (emulator, base_url):
        monkeypatch.setenv("CONTACTCTL_OCTOPUSH_API_KEY", creds["api_key"])
        monkeypatch.setenv("CONTACTCTL_OCTOPUSH_API_LOGIN", creds["api_login"])
        monkeypatch.setenv("CONTACTCTL_OCTOPUSH_BASE_URL", base_url)
        source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345678\n")
        run = run_cli("import", source, "-p", "octopush", "--journal", tmp_path / "j")
        assert len(emulator.stored()) == 1
    assert run.exit_code == 0, run.stderr


def test_unknown_provider_and_bad_options_exit_2(tmp_path: Path) -> None:
    assert run_cli("import", SAMPLES / "contacts.csv", "-p", "nope", "--dry-run").exit_code == 2
    over = run_cli(
        "import", SAMPLES / "contacts.csv", "-p", "shoutout", "--sandbox", "--on-duplicate", "skip"
    )
    assert over.exit_code == 2
    assert "always overwrites" in over.stderr
    plain_http = tmp_path / "c.yaml"
    plain_http.write_text(
        "providers:\n  shoutout: {api_key: k, base_url: 'http://api.example.com'}\n"
    )
    refused = run_cli("import", SAMPLES / "contacts.csv", "-p", "shoutout", "-c", plain_http)
    assert refused.exit_code == 2
    assert "--allow-http" in refused.stderr


def test_verbose_shows_exchanges_with_secrets_redacted(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("octopush") as (_, base_url):
        source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345678\n")
        run = import_to(tmp_path, "octopush", base_url, source, "-v")
    assert "> POST" in run.stderr
    assert "/v1/public/contact/create" in run.stderr
    assert "api-key: ***" in run.stderr
    assert SANDBOX_CREDENTIALS["octopush"]["api_key"] not in run.stderr + run.stdout


def _spawn(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "contactctl", *args],
        text=True,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,  # type: ignore[call-overload]
    )


def test_sandbox_command_serves_until_interrupted() -> None:
    process = _spawn("sandbox", "--provider", "octopush")
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("base_url: http://127.0.0.1:")
        base_url = line.split(": ", 1)[1].strip()
        creds = SANDBOX_CREDENTIALS["octopush"]
        answer = httpx.post(
            f"{base_url}/v1/public/contact/create",
            headers={"api-login": creds["api_login"], "api-key": creds["api_key"]},
            json={"contacts": [{"phone_number": "+33612345678"}]},
        )
        assert answer.status_code == 201
        assert answer.json()["items"][0]["status"] == "added"
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=20)
    assert process.returncode == 0


def test_ctrl_c_writes_the_partial_report_and_exits_130_and_the_rerun_resumes(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    rows = "".join(f"+336123{n:05d}\n" for n in range(400))
    source = write_csv(tmp_path / "many.csv", "Mobile\n" + rows)
    report, journal = tmp_path / "r.json", tmp_path / "j.sqlite3"
    with sandbox("octopush") as (emulator, base_url):
        emulator.faults.latency_s = 0.2
        config = write_config(tmp_path / "c.yaml", "octopush", base_url, batch_size=10, rate=20)
        args = (
            "import",
            str(source),
            "-p",
            "octopush",
            "-c",
            str(config),
            "--journal",
            str(journal),
            "--output",
            "quiet",
        )
        process = _spawn(*args, "--report", str(report))
        wait_for_requests(emulator, 3)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
        stored_then = len(emulator.stored())
        emulator.faults.latency_s = 0.0
        rerun = run_cli(*args, "--report", tmp_path / "r2.json")
        stored_now = len(emulator.stored())
    first = json.loads(report.read_text())
    second = json.loads((tmp_path / "r2.json").read_text())
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert first["interrupted"] is True
    added = first["summary"]["added"]
    unconfirmed = sum(
        (r["reason"] or "").startswith("not confirmed: interrupted") for r in first["rows"]
    )
    # Rows in flight at the interrupt may or may not have landed: they are reported as such.
    reasons = {r["reason"] for r in first["rows"]}
    assert 0 < added <= stored_then <= added + unconfirmed < 400, reasons
    summary = first["summary"]
    assert summary["total"] == sum(
        summary[k] for k in ("added", "updated", "upserted", "skipped", "failed")
    )
    assert rerun.exit_code == 0, rerun.stderr
    assert second["journal_saved"] == added
    assert stored_now == 400
