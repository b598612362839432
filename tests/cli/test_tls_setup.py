"""A TLS context that cannot be built (bad SSL_CERT_FILE) aborts the run with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import import_to, write_csv
from tests.conftest import SandboxFactory


@pytest.mark.parametrize("certificates", ["garbage", "missing"])
def test_a_bad_certificate_file_aborts_with_one_line_and_a_report(
    tmp_path: Path, sandbox: SandboxFactory, monkeypatch: pytest.MonkeyPatch, certificates: str
) -> None:
    bundle = tmp_path / "ca.pem"
    if certificates == "garbage":
        bundle.write_text("not a certificate\n")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    source = write_csv(tmp_path / "c.csv", "phone,name\n+33612345678,Ann\n+33612345679,Bob\n")
    report = tmp_path / "r.json"
    with sandbox("octopush") as (emulator, base_url):
        run = import_to(tmp_path, "octopush", base_url, source, "--report", report)
        requests = list(emulator.requests)

    assert run.exit_code == 3, run.stderr
    assert "internal error" not in run.stderr
    [line] = [text for text in run.stderr.splitlines() if "TLS" in text]
    assert f"SSL_CERT_FILE={bundle}" in line
    assert line.endswith("or unset them")
    assert requests == []
    rows = json.loads(report.read_text())["rows"]
    assert [(r["row"], r["status"], r["reason"]) for r in rows] == [
        (2, "failed", "not sent: run aborted"),
        (3, "failed", "not sent: run aborted"),
    ]
