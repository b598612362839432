"""What `--help` teaches (examples, provider names, exit codes), shell completion, and
`providers --output json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from contactctl.cli.app import app
from contactctl.cli.providers import describe
from contactctl.providers import BUILTIN, provider_class
from contactctl.providers.profile import Profile
from tests.cli.helpers import run_cli

COMMANDS = ("import", "validate", "mapping", "providers", "sandbox")


def test_main_help_ends_with_the_exit_code_table() -> None:
    shown = run_cli("--help").stdout
    table = shown[shown.index("Exit codes:") :]
    for code, words in (
        ("0", "every row"),
        ("1", "rows failed"),
        ("2", "nothing was sent"),
        ("3", "aborted"),
        ("130", "interrupted"),
    ):
        assert any(line.split()[:1] == [code] and words in line for line in table.splitlines())


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_has_examples_and_named_values(command: str) -> None:
    shown = run_cli(command, "-h")
    assert shown.exit_code == 0
    examples = shown.stdout[shown.stdout.index("Examples:") :]
    assert f"contactctl {command}" in examples
    assert "<str>" not in shown.stdout
    assert "{files}" not in shown.stdout


@pytest.mark.parametrize("command", ["import", "validate", "sandbox"])
def test_provider_option_names_the_providers(command: str) -> None:
    shown = " ".join(run_cli(command, "-h").stdout.split())
    assert "--provider NAME" in shown
    assert "octopush, shoutout, callbell, pabbly, ivvy" in shown


def _complete(words: str) -> list[str]:
    env = {
        "_CONTACTCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    result = CliRunner().invoke(app, [], env=env, prog_name="contactctl")
    return result.stdout.split()


def test_completion_completes_commands_and_provider_names() -> None:
    assert _complete("contactctl imp") == ["import"]
    assert _complete("contactctl import a.csv -p oc") == ["octopush"]
    assert _complete("contactctl sandbox --provider s") == ["shoutout"]


@pytest.fixture
def named_shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The shell named on the command line, not detected from whatever runs the suite."""
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_show_completion_prints_a_script_for_the_shell(named_shell: Path) -> None:
    shown = _run_named("--show-completion", "zsh")
    assert shown.exit_code == 0
    assert "_CONTACTCTL_COMPLETE=complete_zsh" in shown.stdout
    assert "--install-completion" in run_cli("--help").stdout


def test_install_completion_writes_the_script_for_the_shell(named_shell: Path) -> None:
    installed = _run_named("--install-completion", "bash")
    assert installed.exit_code == 0
    script = named_shell / ".bash_completions" / "contactctl.sh"
    assert "_CONTACTCTL_COMPLETE=complete_bash" in script.read_text()
    assert str(script) in (named_shell / ".bashrc").read_text()


def _run_named(*args: str) -> Result:
    # prog_name: the script is written for the command's real name.
    return CliRunner().invoke(app, list(args), prog_name="contactctl")


def test_providers_json_lists_the_facts_the_text_shows() -> None:
    run = run_cli("providers", "--output", "json")
    assert run.exit_code == 0
    listed = {entry["name"]: entry for entry in json.loads(run.stdout)}
    assert sorted(listed) == sorted(BUILTIN)
    text = run_cli("providers").stdout
    for name, entry in listed.items():
        profile = Profile.of(provider_class(name))
        assert describe(profile) in text
        assert entry["vendor"] == profile.vendor
        assert entry["default_batch"] == profile.limits.default_batch
        assert entry["max_batch"] == profile.limits.max_batch
        assert entry["requests_per_second"] == profile.limits.requests_per_second
        assert entry["identity"] == str(profile.identity)
        assert entry["required_fields"] == profile.required_fields
        assert entry["duplicate_modes"] == [str(m) for m in profile.duplicate_modes]
        assert entry["phone_format"] == profile.phone_format
    assert listed["octopush"]["default_batch"] == 200
    assert listed["callbell"]["rate_documented"] is True
