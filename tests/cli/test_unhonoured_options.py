"""Options and fields a provider cannot honour: refused before sending, or warned about once."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactctl.sandbox import EMULATORS
from tests.cli.helpers import import_to, write_csv
from tests.conftest import SandboxFactory

CONTACTS = """
First Name,Last Name,Mobile,Email,Opt In
Axelle,Durand,+33612345601,axelle@example.com,yes
Bruno,Martin,+33612345602,bruno@example.com,no
"""
VENDOR_NAMES = {
    "octopush": "Octopush",
    "shoutout": "ShoutOUT",
    "callbell": "Callbell",
    "ivvy": "iVvy",
}


def test_tag_is_refused_where_the_provider_has_no_tags(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "contacts.csv", CONTACTS)
    with sandbox("ivvy") as (emulator, base_url):
        run = import_to(tmp_path, "ivvy", base_url, source, "--tag", "vip")
        requests = list(emulator.requests)
        stored = emulator.stored()
    assert run.exit_code == 2, run.stderr
    assert "iVvy has no tags, so --tag cannot be used." in run.stderr
    assert "Traceback" not in run.stderr
    assert requests == []
    assert stored == []


@pytest.mark.parametrize("provider", [p for p in VENDOR_NAMES if p in EMULATORS])
def test_an_opt_in_column_the_provider_has_no_place_for_warns_once(
    tmp_path: Path, sandbox: SandboxFactory, provider: str
) -> None:
    source = write_csv(tmp_path / "contacts.csv", CONTACTS)
    with sandbox(provider) as (_emulator, base_url):
        run = import_to(tmp_path, provider, base_url, source, "-r", "FR")
    assert run.exit_code == 0, run.stderr
    warning = f"{VENDOR_NAMES[provider]} has no place for opt_in: it is not sent"
    assert run.stderr.count(warning) == 1, run.stderr
