"""The README's first two commands are the contract for a new user; .ci/run runs the second."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _first_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("\n## ", 1)[0]
    return re.findall(r"```(?:sh|shell|bash)\n(.+?)\n```", head)


def test_readme_opens_with_the_two_setup_commands() -> None:
    commands = _first_commands()
    assert len(commands) == 2
    assert all(c.startswith("pip install") and "\n" not in c for c in commands)
    assert "--sandbox" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _first_commands()[1] in ci
