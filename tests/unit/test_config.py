from __future__ import annotations

from pathlib import Path

import pytest

from contactctl.config import find_config, load_config, parse_config_text
from contactctl.errors import ConfigError
from contactctl.providers.octopush import OctopushSettings
from contactctl.providers.settings import parse_settings
from contactctl.secrets import Secret


def test_env_references_are_replaced_anywhere_in_a_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCTO_KEY", "k-123")
    monkeypatch.setenv("HOST", "127.0.0.1")
    config = parse_config_text(
        "providers:\n  octopush: {api_key: '${OCTO_KEY}', base_url: 'http://${HOST}:8080'}\n",
        None,
    )
    assert config.providers["octopush"] == {"api_key": "k-123", "base_url": "http://127.0.0.1:8080"}
    assert "providers.octopush.api_key" not in config.literal_keys


def test_missing_env_variable_names_it_and_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOPE_KEY", raising=False)
    with pytest.raises(ConfigError) as caught:
        parse_config_text("providers:\n  shoutout: {api_key: '${NOPE_KEY}'}\n", None)
    assert "NOPE_KEY" in str(caught.value)
    assert "providers.shoutout.api_key" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("providers: [1, 2]", "'providers' must be a mapping"),
        ("defaults: {}", "unknown key 'defaults'"),
        ("a: [unclosed", "not valid YAML at line 1"),
        ("- just\n- a list", "expected a mapping"),
        ("default_region: 33", "default_region must be a string"),
    ],
)
def test_bad_config_gives_a_clear_error(text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        parse_config_text(text, Path("contactctl.yaml"))


def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONTACTCTL_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert find_config(None) is None
    (tmp_path / "contactctl.yaml").write_text("default_region: FR\n")
    assert find_config(None) == Path("contactctl.yaml")
    other = tmp_path / "other.yaml"
    other.write_text("default_region: BE\n")
    monkeypatch.setenv("CONTACTCTL_CONFIG", str(other))
    assert load_config(None).default_region == "BE"
    explicit = tmp_path / "explicit.yaml"
    explicit.write_text("default_region: DE\n")
    assert load_config(explicit).default_region == "DE"


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.yaml")


def test_settings_are_typed_and_secrets_redacted() -> None:
    settings = parse_settings(
        OctopushSettings,
        {"api_login": "me@example.com", "api_key": "s3cr3t-key", "timeout": 5, "batch_size": 50},
        "providers.octopush",
    )
    assert settings.api_key == Secret("s3cr3t-key")
    assert settings.timeout == 5.0
    assert "s3cr3t-key" not in repr(settings)
    assert settings.secrets() == ["s3cr3t-key"]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ({"batchsize": 5}, "providers.octopush.batchsize is not a setting"),
        ({"batch_size": "many"}, "providers.octopush.batch_size must be a whole number"),
        ({"batch_size": True}, "providers.octopush.batch_size must be a whole number"),
        ({"base_url": "https://api.example.com/v1/public"}, "has a path"),
        ({"base_url": "ftp://example.com"}, "is not an http"),
    ],
)
def test_bad_settings_name_the_key_path(block: dict[str, object], expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        parse_settings(OctopushSettings, block, "providers.octopush")


def test_the_example_config_builds_every_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    from contactctl.providers import BUILTIN
    from contactctl.providers.base import RunOptions
    from contactctl.setup import build_provider

    example = Path(__file__).resolve().parents[2] / "config.example.yaml"
    for name in (
        "OCTOPUSH_API_LOGIN",
        "OCTOPUSH_API_KEY",
        "SHOUTOUT_API_KEY",
        "CALLBELL_API_TOKEN",
        "PABBLY_API_KEY",
        "IVVY_API_KEY",
        "IVVY_API_SECRET",
    ):
        monkeypatch.setenv(name, f"value-of-{name}")
    config = parse_config_text(example.read_text(), example)
    assert set(config.providers) == set(BUILTIN)
    for name in BUILTIN:
        provider = build_provider(name, config, RunOptions())
        assert provider.missing_credentials() == []


def test_literal_secret_in_a_readable_config_is_warned(tmp_path: Path) -> None:
    from tests.cli.helpers import run_cli

    config = tmp_path / "c.yaml"
    config.write_text("providers:\n  shoutout: {api_key: literal-key-123}\n")
    config.chmod(0o644)
    source = tmp_path / "a.csv"
    source.write_text("Mobile\n+33612345678\n")
    warned = run_cli("import", source, "-p", "shoutout", "-c", config, "--dry-run")
    assert "holds providers.shoutout.api_key in clear text" in warned.stderr
    assert "literal-key-123" not in warned.stderr
    config.chmod(0o600)
    quiet = run_cli("import", source, "-p", "shoutout", "-c", config, "--dry-run")
    assert "clear text" not in quiet.stderr


@pytest.mark.parametrize("key", ["s3cr3t-key\n", " s3cr3t-key", "s3cr3t-key\t"])
def test_a_credential_with_surrounding_whitespace_is_refused_clearly(key: str) -> None:
    with pytest.raises(ConfigError, match="api_key starts or ends with a space or a newline"):
        parse_settings(OctopushSettings, {"api_key": key}, "providers.octopush")


def test_a_credential_of_the_wrong_type_is_not_echoed() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(OctopushSettings, {"api_key": ["s3cr3t-key"]}, "providers.octopush")
    assert "s3cr3t" not in str(caught.value)


def _alias_bomb(levels: int) -> str:
    """Each level lists the previous one nine times: 9**levels values from a few lines."""
    lines = ["mapping:", "  l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels + 1):
        lines.append(f"  l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused_clearly() -> None:
    with pytest.raises(ConfigError, match="more than 100,000 values") as caught:
        parse_config_text(_alias_bomb(6), None)
    assert caught.value.exit_code == 2


def test_a_config_with_ordinary_aliases_still_loads() -> None:
    config = parse_config_text(_alias_bomb(2), None)
    assert config.mapping is not None
