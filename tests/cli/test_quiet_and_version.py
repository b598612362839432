"""`-q` for cron (warnings silenced, errors kept), `--version` and `-h`."""

from __future__ import annotations

from pathlib import Path

from contactctl import __version__
from tests.cli.helpers import import_to, run_cli, write_csv
from tests.conftest import SandboxFactory


def _warning_source(tmp_path: Path) -> Path:
    # "Notes" maps to nothing: every run warns that it is not imported.
    return write_csv(tmp_path / "a.csv", "Mobile,Notes\n+33612345678,x\n+33612345679,y\n")


def test_quiet_validate_leaves_stderr_empty_on_a_run_that_warns(tmp_path: Path) -> None:
    source = _warning_source(tmp_path)
    loud = run_cli("validate", source)
    quiet = run_cli("validate", source, "-q")
    assert "warning" in loud.stderr  # the run does warn
    assert quiet.exit_code == loud.exit_code == 0
    assert quiet.stderr == ""
    assert quiet.stdout == loud.stdout  # standard output is --output's business


def test_quiet_import_leaves_stderr_empty_and_still_sends(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = _warning_source(tmp_path)
    with sandbox("octopush") as (emulator, base_url):
        # A rate above the default warns too; so does the config's readable literal key.
        run = import_to(tmp_path, "octopush", base_url, source, "--quiet", rate=20)
        stored = len(emulator.stored())
    assert run.exit_code == 0, run.stderr
    assert run.stderr == ""
    assert stored == 2


def test_quiet_still_prints_errors(tmp_path: Path) -> None:
    run = run_cli("validate", tmp_path / "missing.csv", "-q")
    assert run.exit_code == 2
    assert "no such file" in run.stderr


def test_quiet_still_says_why_a_run_aborted(tmp_path: Path, sandbox: SandboxFactory) -> None:
    source = _warning_source(tmp_path)
    with sandbox("octopush") as (emulator, base_url):
        emulator.faults.go_away()
        run = import_to(tmp_path, "octopush", base_url, source, "-q")
    assert run.exit_code == 3
    assert "warning" not in run.stderr
    assert "Run aborted" in run.stderr


def test_version_and_short_help() -> None:
    version = run_cli("--version")
    assert version.exit_code == 0
    assert version.stdout.strip() == f"contactctl {__version__}"
    for args in (["-h"], ["import", "-h"], ["validate", "-h"]):
        shown = run_cli(*args)
        assert shown.exit_code == 0, args
        assert "Usage:" in shown.stdout
    assert "--quiet" in run_cli("import", "-h").stdout
