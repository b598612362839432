"""A stopped run says which rows it never read; SIGTERM at any moment is a clean exit 130."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli, wait_for_requests, wait_until, write_config, write_csv
from tests.conftest import SandboxFactory

ROWS = 3000
# read(2)'s number: x86-64, then arm64 (and the other architectures of the generic table).
READ_SYSCALLS = {"0", "63"}


def _spawn(tmp_path: Path, base_url: str, *source: str, **kwargs: object) -> subprocess.Popen[str]:
    config = write_config(tmp_path / "c.yaml", "octopush", base_url, batch_size=10, rate=20)
    args = ["import", *source, "-p", "octopush", "-c", str(config)]
    args += ["--journal", str(tmp_path / "j.sqlite3"), "--report", str(tmp_path / "r.json")]
    return subprocess.Popen(
        [sys.executable, "-m", "contactctl", *args, "--output", "quiet"],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,  # type: ignore[call-overload]
    )


def _finish(process: subprocess.Popen[str]) -> str:
    try:
        _, stderr = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return stderr


def test_sigterm_mid_run_reports_every_row_read_and_where_reading_stopped(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    rows = "".join(f"+336125{n:05d},Name{n}\n" for n in range(ROWS))
    source = write_csv(tmp_path / "many.csv", "Mobile,First Name\n" + rows)
    with sandbox("octopush") as (emulator, base_url):
        emulator.faults.latency_s = 0.2
        process = _spawn(tmp_path, base_url, str(source))
        wait_for_requests(emulator, 3)
        process.send_signal(signal.SIGTERM)
        stderr = _finish(process)
    report = json.loads((tmp_path / "r.json").read_text())
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    [unread] = report["not_read"]
    assert unread["source"] == str(source)
    # Read + not read = the file: rows 2 (after the header) to from_row - 1 are reported,
    # each once, and the rest are named by where they start.
    reported = sorted(row["row"] for row in report["rows"])
    assert reported == list(range(2, unread["from_row"]))
    assert 2 < unread["from_row"] <= ROWS + 1
    assert report["summary"]["total"] == len(reported)
    assert f"not read: {source} from row {unread['from_row']}" in stderr


def _waiting_on_stdin(process: subprocess.Popen[str]) -> bool:
    """Whether the child is blocked in read(0, ...), i.e. waiting for standard input."""
    try:
        fields = Path(f"/proc/{process.pid}/syscall").read_text().split()
    except OSError:
        return False
    return len(fields) > 1 and fields[0] in READ_SYSCALLS and fields[1] == "0x0"


@pytest.mark.skipif(not Path("/proc/self/syscall").exists(), reason="needs /proc/PID/syscall")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_before_sending_exits_130_with_a_report_of_nothing_read(
    tmp_path: Path, sandbox: SandboxFactory, stop: signal.Signals
) -> None:
    with sandbox("octopush") as (emulator, base_url):
        process = _spawn(tmp_path, base_url, "-", "--input-format", "csv", stdin=subprocess.PIPE)
        wait_until(lambda: process.poll() is not None or _waiting_on_stdin(process), "a read")
        process.send_signal(stop)
        stderr = _finish(process)
        requests = len(emulator.requests)
    assert process.returncode == 130, stderr
    assert "is empty" not in stderr
    assert "Traceback" not in stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["not_read"] == [{"source": "<stdin>", "from_row": 1}]
    assert report["summary"]["total"] == 0
    assert requests == 0


def test_a_run_that_read_everything_says_nothing_is_unread(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345678\n+33612345679\n")
    with sandbox("octopush") as (_, base_url):
        config = write_config(tmp_path / "c.yaml", "octopush", base_url)
        run = run_cli(
            "import",
            source,
            "-p",
            "octopush",
            "-c",
            config,
            "--journal",
            tmp_path / "j.sqlite3",
            "--output",
            "json",
        )
    assert run.exit_code == 0, run.stderr
    assert run.json()["not_read"] == []
    assert "not read" not in run.stderr + run.stdout
