"""Every command the README shows runs as written, against the emulators, in a fresh folder.

The README's commands name `sample_data/contacts.csv` and a real vendor; here the vendor is
its emulator on 127.0.0.1 (the config the README shows, plus a `base_url`), and the
credentials come from the environment variables the README tells the reader to set.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import yaml

from contactctl.config import parse_config_text
from contactctl.sandbox import SANDBOX_CREDENTIALS
from tests.cli.helpers import run_cli
from tests.conftest import SandboxFactory

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PROVIDERS = ("octopush", "shoutout", "callbell", "pabbly", "ivvy")
# The README's step 4 fails the sample rows whose tags a new Callbell account lacks.
FIRST_IMPORT = (
    "contactctl import sample_data/contacts.csv --report report.json --rejects rejects.csv"
)
RETRY_REJECTS = "contactctl import rejects.csv"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.+?)\n\s*```", README, flags=re.DOTALL)


def readme_commands() -> list[str]:
    """Each `contactctl ...` in the README's shell blocks, in order (also after `&&`)."""
    commands = []
    for block in _blocks("sh"):
        for line in block.splitlines():
            for part in line.split("&&"):
                if part.strip().startswith("contactctl "):
                    commands.append(part.strip())
    return commands


def _readme_config() -> dict[str, object]:
    """The config file the README's step 2 shows (its one YAML block with `providers`)."""
    configs = [text for text in _blocks("yaml") if "providers:" in text]
    assert len(configs) == 1
    data = yaml.safe_load(re.sub(r"(?m)^ {3}", "", configs[0]))
    assert isinstance(data, dict)
    return data


@pytest.fixture
def readme_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox: SandboxFactory
) -> Iterator[dict[str, Any]]:
    """A folder holding the sample file and the README's config (pointed at emulators)."""
    (tmp_path / "sample_data").mkdir()
    shutil.copy(ROOT / "sample_data" / "contacts.csv", tmp_path / "sample_data")
    config = _readme_config()
    blocks = config.setdefault("providers", {})
    assert isinstance(blocks, dict)
    emulators: dict[str, Any] = {}
    with ExitStack() as stack:
        for name in PROVIDERS:
            emulator, base_url = stack.enter_context(sandbox(name))
            emulators[name] = emulator
            blocks[name] = {**(blocks.get(name) or {}), "base_url": base_url}
            for key, value in SANDBOX_CREDENTIALS[name].items():
                monkeypatch.setenv(f"CONTACTCTL_{name.upper()}_{key.upper()}", value)
        (tmp_path / "contactctl.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        yield emulators


def test_the_readme_shows_commands_for_each_step() -> None:
    commands = readme_commands()
    assert len(commands) >= 6
    assert any("--dry-run" in command for command in commands)
    assert any("--report report.xml" in command for command in commands)


def _create_tags_in_the_dashboard(emulator: Any, *tags: str) -> None:
    account = emulator.account
    more = {tag.lower(): tag for tag in tags}
    emulator.account = dataclasses.replace(account, tags={**account.tags, **more})


def test_every_readme_command_runs_as_written(readme_folder: dict[str, Any]) -> None:
    commands = readme_commands()
    assert FIRST_IMPORT in commands
    assert commands.index(RETRY_REJECTS) == commands.index(FIRST_IMPORT) + 1
    callbell = readme_folder["callbell"]
    for command in commands:
        if command == RETRY_REJECTS:
            _create_tags_in_the_dashboard(callbell, "newsletter", "event-2026")
        run = run_cli(*shlex.split(command)[1:])
        expected = 1 if command == FIRST_IMPORT else 0
        assert run.exit_code == expected, f"{command}\n{run.stderr}"
        assert "Traceback" not in run.stderr
        if command == FIRST_IMPORT:
            rejects = Path("rejects.csv").read_text(encoding="utf-8")
            assert "Tag 'newsletter' does not exist in this account" in rejects
            assert len(callbell.contacts) == 34
    assert len(callbell.contacts) == 58  # the 61 rows less 3 in-file duplicates, once each
    assert Path("report.json").is_file()
    assert Path("report.xml").read_text(encoding="utf-8").startswith("<?xml")


def test_the_readme_config_is_a_valid_config() -> None:
    config = parse_config_text(yaml.safe_dump(_readme_config()), Path("contactctl.yaml"))
    assert config.default_provider == "callbell"


def test_the_ci_recipe_is_valid_yaml_naming_a_readme_command() -> None:
    steps = [text for text in _blocks("yaml") if "actions/cache" in text]
    assert len(steps) == 1
    parsed = yaml.safe_load(steps[0])
    run = next(step["run"] for step in parsed if "contactctl import" in step.get("run", ""))
    assert "--report report.xml" in run
    assert "--journal" in run


def test_the_readme_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (example,) = _blocks("python")
    (tmp_path / "sample_data").mkdir()
    shutil.copy(ROOT / "sample_data" / "contacts.csv", tmp_path / "sample_data")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(example, "README.md", "exec"), namespace)
    namespace["import_leads"]()
    written = json.loads(Path("report.json").read_text(encoding="utf-8"))
    assert written["summary"]["added"] == 58
