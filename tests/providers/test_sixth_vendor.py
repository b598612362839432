"""A sixth vendor registered the way a third party would (an installed distribution's entry
point, nothing else) is listed, runs the whole contract suite and imports from the CLI.

The vendor lives in tests/sixth_vendor.py; the distribution's metadata is written here, in a
folder put on the child processes' PYTHONPATH, so no file of contactctl or of the suite
names it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from tests.providers import test_contract

REPO = Path(__file__).resolve().parents[2]
ENTRY_POINTS = "[contactctl.providers]\nacme = tests.sixth_vendor:AcmeSms\n"
# A built-in vendor that runs every test of the suite (it keeps consent, as Acme does).
YARDSTICK = "pabbly"
# Every test of the suite that takes a vendor.
CONTRACT_TESTS = [
    name
    for name, test in vars(test_contract).items()
    if name.startswith("test_") and "vendor" in test.__code__.co_varnames
]


@pytest.fixture
def installed(tmp_path: Path) -> dict[str, str]:
    """The environment of a Python where the Acme plug-in is installed."""
    site = tmp_path / "site"
    info = site / "acme_sms-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-sms\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    path = os.pathsep.join([str(site), str(REPO), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "NO_COLOR": "1", "COLUMNS": "200"}


def _run(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def _outcomes(junit: Path, vendor: str) -> dict[str, str]:
    """Each contract test run for `vendor` (its name with the vendor's id taken out) and how
    it ended."""
    outcomes = {}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        name = case.get("name", "")
        if vendor not in name:
            continue
        ended = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        outcomes[name.replace(vendor, "VENDOR")] = ended[0] if ended else "passed"
    return outcomes


def test_the_sixth_vendor_runs_the_whole_contract_suite(
    installed: dict[str, str], tmp_path: Path
) -> None:
    junit = tmp_path / "contract.xml"
    run = _run(
        installed,
        REPO,
        "-m",
        "pytest",
        "tests/providers/test_contract.py",
        "-k",
        f"acme or {YARDSTICK}",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
    )
    assert run.returncode == 0, run.stdout[-3000:]
    acme, yardstick = _outcomes(junit, "acme"), _outcomes(junit, YARDSTICK)
    assert {name.partition("[")[0] for name in acme} == set(CONTRACT_TESTS)
    assert acme == yardstick  # every test a built-in vendor runs, and each passed
    assert set(acme.values()) == {"passed"}


def test_the_sixth_vendor_is_listed_and_imports_from_the_command_line(
    installed: dict[str, str], tmp_path: Path
) -> None:
    listed = _run(installed, tmp_path, "-m", "contactctl", "providers")
    source = tmp_path / "contacts.csv"
    source.write_text("Name,Mobile,Opt In\nAnn Lee,+33612345601,yes\nBo Chan,06 12 34 56 02,\n")
    common = ("-m", "contactctl", "import", str(source), "-p", "acme", "--sandbox")
    first = _run(installed, tmp_path, *common, "--region", "FR", "--output", "json")
    again = _run(installed, tmp_path, *common, "--region", "FR", "--output", "json")

    assert listed.returncode == 0, listed.stderr
    assert "acme" in listed.stdout
    assert "Acme SMS" in listed.stdout
    assert first.returncode == 0, first.stderr
    rows = json.loads(first.stdout)["rows"]
    assert [(r["row"], r["status"]) for r in rows] == [(2, "added"), (3, "added")]
    # The sandbox kept its store between the two runs, as it does for ours.
    assert again.returncode == 0, again.stderr
    assert {r["status"] for r in json.loads(again.stdout)["rows"]} <= {"updated", "skipped"}
