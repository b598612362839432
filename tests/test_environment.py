"""The suite does not depend on the terminal of whoever runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_terminal_sensitive_tests_pass_from_a_dumb_narrow_colourless_terminal() -> None:
    # The progress display is what rich switches off on a dumb terminal; the table and the
    # CLI's output are what COLUMNS and NO_COLOR change.
    hostile = {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "40", "LINES": "5"}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/unit/test_progress.py",
            "tests/unit/test_report.py",
        ],
        cwd=ROOT,
        env=hostile,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout[-3000:]
