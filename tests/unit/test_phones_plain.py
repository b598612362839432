"""CONTACTCTL_PLAIN_PHONENUMBERS=1: every number through phonenumbers' own API, same answers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from contactctl.intake import phones
from contactctl.intake.phones import PhoneProblem, normalize_phone
from tests.unit.test_phones import _example_cells, count_parses


def _answer(text: str, region: str | None) -> object:
    try:
        phone = normalize_phone(text, region)
    except PhoneProblem as problem:
        return str(problem)
    return phone


def test_plain_phonenumbers_gives_the_fast_paths_answers_and_parses_every_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cells = list(_example_cells())
    fast = [_answer(text, region) for text, region in cells]
    parsed = count_parses(monkeypatch)
    monkeypatch.setattr(phones, "PLAIN_PHONENUMBERS", True)
    plain = [_answer(text, region) for text, region in cells]
    assert plain == fast
    assert len(parsed) >= len(cells)  # no number took the fast path


@pytest.mark.parametrize(("value", "plain"), [("1", True), ("0", False), ("", False)])
def test_the_switch_is_read_from_the_environment(value: str, plain: bool) -> None:
    # Read at import: a fresh interpreter, as a run (and each of its workers) starts one.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from contactctl.intake import phones; print(phones.PLAIN_PHONENUMBERS)",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CONTACTCTL_PLAIN_PHONENUMBERS": value},
        check=True,
    )
    assert done.stdout.strip() == str(plain)
