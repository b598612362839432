"""A mistyped provider name is named as a typo, with the nearest name, before anything else."""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import run_cli

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


def test_a_typo_with_sandbox_suggests_the_provider_not_a_missing_sandbox() -> None:
    run = run_cli("import", SAMPLES / "contacts.csv", "--provider", "octopus", "--sandbox")
    assert run.exit_code == 2
    assert "Unknown provider 'octopus', did you mean octopush?" in run.stderr
    assert "sandbox" not in run.stderr


def test_the_sandbox_command_suggests_too() -> None:
    run = run_cli("sandbox", "-p", "calbell")
    assert run.exit_code == 2
    assert "did you mean callbell?" in run.stderr


def test_a_name_near_nothing_lists_the_known_ones() -> None:
    run = run_cli("import", SAMPLES / "contacts.csv", "-p", "zzz", "--dry-run")
    assert run.exit_code == 2
    assert "did you mean" not in run.stderr
    assert "Known providers: callbell, ivvy, octopush, pabbly, shoutout." in run.stderr
