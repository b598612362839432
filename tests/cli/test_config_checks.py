"""The config is checked by the same rules as the flags; errors name the file and key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactctl.providers.settings import MINIMUMS
from tests.cli.helpers import run_cli, write_csv


def _import_with(tmp_path: Path, config_text: str, *flags: str) -> tuple[int, str]:
    config = tmp_path / "contactctl.yaml"
    config.write_text(config_text, encoding="utf-8")
    source = write_csv(tmp_path / "a.csv", "Mobile\n+33612345678\n")
    run = run_cli("import", source, "-p", "octopush", "-c", config, "--sandbox", *flags)
    return run.exit_code, run.stderr


@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_batch_size_the_flag_refuses_is_refused_in_the_config_naming_file_and_key(
    tmp_path: Path, value: str
) -> None:
    code, stderr = _import_with(tmp_path, f"providers:\n  octopush:\n    batch_size: {value}\n")
    assert code == 2
    config = tmp_path / "contactctl.yaml"
    assert f"{config}: providers.octopush.batch_size must be at least 1, not {value}." in stderr
    flag_code, flag_stderr = _import_with(tmp_path, "{}\n", "--batch-size", value)
    assert flag_code == 2
    assert "--batch-size" in flag_stderr


@pytest.mark.parametrize(("key", "least"), sorted(MINIMUMS.items()))
def test_every_number_has_its_least_value_checked_in_the_config(
    tmp_path: Path, key: str, least: float
) -> None:
    below = least - 1 if isinstance(least, int) else 0
    code, stderr = _import_with(tmp_path, f"providers:\n  octopush:\n    {key}: {below}\n")
    assert code == 2
    assert f"providers.octopush.{key} must be at least" in stderr
    assert "Traceback" not in stderr


def test_a_bad_value_from_the_environment_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTACTCTL_OCTOPUSH_RATE", "fast")
    code, stderr = _import_with(tmp_path, "{}\n")
    assert code == 2
    assert "CONTACTCTL_OCTOPUSH_RATE: providers.octopush.rate must be a number" in stderr


def test_a_yaml_error_at_the_end_points_at_the_last_line_and_where_it_began(
    tmp_path: Path,
) -> None:
    text = "providers:\n  octopush:\n    api_key: abc\n    batch_size: [1\n"
    code, stderr = _import_with(tmp_path, text)
    assert code == 2
    assert "not valid YAML at line 4 (expected ',' or ']'" in stderr
    nested = "providers:\n  octopush:\n    api_key: abc\n   rate: 1\n"
    code, stderr = _import_with(tmp_path, nested)
    assert code == 2
    assert "at line 4" in stderr
    assert "while parsing a block mapping at line 2" in stderr
