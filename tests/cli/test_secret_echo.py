"""A vendor echoing the key, in every spelling and across every cut, leaks it nowhere."""

from __future__ import annotations

import json
from pathlib import Path

from contactctl.secrets import representations
from tests.cli.helpers import import_to, write_csv
from tests.conftest import SandboxFactory

KEY = "Zq7/kW+p93xT-leak"
CREDENTIALS = {"api_login": "sandbox@example.com", "api_key": KEY}


def _hostile_echo() -> bytes:
    """The key raw across the 300-character message cut, JSON-escaped (`\\/`) across the
    2,000-character `-v` preview cut, and URL-encoded and base64 elsewhere."""
    escaped = json.dumps(KEY).strip('"').replace("/", "\\/")
    forms = sorted(representations(KEY))
    text = "E" * 290 + KEY + " " + "y" * 1684 + escaped + " " + " ".join(forms)
    return text.encode()


def test_an_echoed_key_reaches_no_sink(tmp_path: Path, sandbox: SandboxFactory) -> None:
    source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345678\n")
    with sandbox("octopush", credentials=CREDENTIALS) as (emulator, base_url):
        emulator.faults.fail_next(400, body=_hostile_echo())
        run = import_to(
            tmp_path,
            "octopush",
            base_url,
            source,
            "-v",
            "--report",
            tmp_path / "r.json",
            "--rejects",
            tmp_path / "rejects.csv",
            **CREDENTIALS,
        )
        answered = [r.status for r in emulator.requests]
    assert answered[0] == 400
    assert run.exit_code == 1, run.stderr
    report = (tmp_path / "r.json").read_text()
    assert json.loads(report)["rows"][0]["status"] == "failed"
    sinks = {
        "stdout": run.stdout,
        "stderr": run.stderr,
        "report": report,
        "rejects": (tmp_path / "rejects.csv").read_text(),
        "journal": (tmp_path / "j.sqlite3").read_bytes().decode("latin-1"),
    }
    for name, text in sinks.items():
        for form in representations(KEY):
            # Not even a prefix: a secret cut short would escape a whole-value redactor.
            assert form[:7] not in text, (name, form)
