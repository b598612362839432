"""The config file: discovery, ${ENV} interpolation, and errors that name the key path.

Order: `--config PATH`, else `$CONTACTCTL_CONFIG`, else `./contactctl.yaml`, else the user
config dir's `contactctl/config.yaml`. No file at all is fine: `validate` and `--sandbox`
need none, and credentials may come from `CONTACTCTL_<PROVIDER>_<KEY>` variables.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contactctl.errors import ConfigError

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TOP_LEVEL_KEYS = {
    "default_provider",
    "default_region",
    "providers",
    "mapping",
    "max_record_chars",
}
DEFAULT_MAX_RECORD_CHARS = 1_000_000
# Below this a real contact (name, numbers, address, notes) could fail for its size.
MIN_RECORD_CHARS = 1_000


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    default_provider: str | None = None
    default_region: str | None = None
    # Raw provider blocks after interpolation; each provider parses its own block.
    providers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    mapping: object = None
    max_record_chars: int = DEFAULT_MAX_RECORD_CHARS
    # Key paths whose value was written literally in the file (not from ${VAR}).
    literal_keys: frozenset[str] = frozenset()


def find_config(explicit: Path | None) -> Path | None:
    """The config file to use, or None when there is none anywhere."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"Config file {explicit} does not exist.", "Check the --config path.")
        return explicit
    from_env = os.environ.get("CONTACTCTL_CONFIG")
    if from_env:
        path = Path(from_env)
        if not path.is_file():
            raise ConfigError(
                f"CONTACTCTL_CONFIG points to {from_env}, which does not exist.",
                "Fix or unset the variable.",
            )
        return path
    local = Path("contactctl.yaml")
    if local.is_file():
        return local
    from platformdirs import user_config_dir

    user = Path(user_config_dir("contactctl")) / "config.yaml"
    return user if user.is_file() else None


def load_config(explicit: Path | None) -> Config:
    path = find_config(explicit)
    if path is None:
        return Config()
    return parse_config_text(_read_text(path), path)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read config file {path}: {exc}.") from exc


def parse_config_text(text: str, path: Path | None) -> Config:
    import yaml

    where = str(path) if path else "config"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"{where}: not valid YAML{_yaml_place(exc, text)}.", "Fix the syntax."
        ) from exc
    return parse_config_data(data, path)


def parse_config_data(data: object, path: Path | None) -> Config:
    """A config from its parsed YAML (or a mapping handed to the Python API)."""
    where = str(path) if path else "config"
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of keys at the top level.")
    return _checked_config(data, path, where)


def _checked_config(data: dict[Any, Any], path: Path | None, where: str) -> Config:
    unknown = sorted(set(data) - _TOP_LEVEL_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r}.",
            f"Known keys: {', '.join(sorted(_TOP_LEVEL_KEYS))}.",
        )
    literal: set[str] = set()
    data = _interpolate(data, "", literal, _Budget(where))
    providers = data.get("providers") or {}
    if not isinstance(providers, dict):
        raise ConfigError(f"{where}: 'providers' must be a mapping of provider name to settings.")
    for name, block in providers.items():
        if block is not None and not isinstance(block, dict):
            raise ConfigError(f"{where}: providers.{name} must be a mapping of settings.")
    return Config(
        path=path,
        default_provider=_optional_str(data, "default_provider", where),
        default_region=_optional_str(data, "default_region", where),
        providers={str(k): (v or {}) for k, v in providers.items()},
        mapping=data.get("mapping"),
        max_record_chars=_record_limit(data.get("max_record_chars"), where),
        literal_keys=frozenset(literal),
    )


def _record_limit(value: object, where: str) -> int:
    if value is None:
        return DEFAULT_MAX_RECORD_CHARS
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_RECORD_CHARS:
        raise ConfigError(
            f"{where}: max_record_chars must be a whole number of at least {MIN_RECORD_CHARS:,},"
            f" not {value!r}.",
            f"Leave it out for the default, {DEFAULT_MAX_RECORD_CHARS:,}.",
        )
    return value


def _yaml_place(exc: Exception, text: str) -> str:
    """ " at line N (what YAML expected; where the unclosed thing began)" for a YAML error.

    A problem found at the end of the text (a bracket never closed) is marked one line past
    the last; it is shown on the last line, with the line where the thing was opened.
    """
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return ""
    last_line = max(len(text.splitlines()), 1)
    line = min(mark.line + 1, last_line)
    details = [str(getattr(exc, "problem", "") or "").strip()]
    context, opened = getattr(exc, "context", None), getattr(exc, "context_mark", None)
    if context and opened is not None and opened.line + 1 != line:
        details.append(f"{context} at line {opened.line + 1}")
    shown = "; ".join(detail for detail in details if detail)
    return f" at line {line} ({shown})" if shown else f" at line {line}"


def _optional_str(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be a string.")
    return value


# More values than any real config holds. YAML aliases let a few lines name billions of
# values (an "alias bomb"); interpolation walks every one, so it stops at this many.
MAX_CONFIG_VALUES = 100_000


class _Budget:
    """Counts the values interpolation has walked; ConfigError past MAX_CONFIG_VALUES."""

    def __init__(self, where: str) -> None:
        self._where = where
        self._left = MAX_CONFIG_VALUES

    def spend(self) -> None:
        self._left -= 1
        if self._left < 0:
            raise ConfigError(
                f"{self._where}: more than {MAX_CONFIG_VALUES:,} values (YAML aliases that "
                "repeat each other?).",
                "Write the config without nested aliases.",
            )


def _interpolate(value: Any, key_path: str, literal: set[str], budget: _Budget) -> Any:
    budget.spend()
    if isinstance(value, dict):
        return {
            k: _interpolate(v, f"{key_path}.{k}" if key_path else str(k), literal, budget)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_interpolate(v, f"{key_path}[{i}]", literal, budget) for i, v in enumerate(value)]
    if isinstance(value, str):
        if not _ENV_REF.search(value):
            literal.add(key_path)
            return value
        return _ENV_REF.sub(lambda m: _env_value(m.group(1), key_path), value)
    return value


def _env_value(name: str, key_path: str) -> str:
    value = os.environ.get(name)
    if value is None:
        raise ConfigError(
            f"Config key {key_path}: environment variable {name} is not set.",
            f"Export {name} or change {key_path}.",
        )
    return value


def env_credentials(provider: str, keys: list[str]) -> dict[str, str]:
    """CONTACTCTL_<PROVIDER>_<KEY> variables for the given keys, where set."""
    found: dict[str, str] = {}
    for key in keys:
        value = os.environ.get(f"CONTACTCTL_{provider.upper()}_{key.upper()}")
        if value:
            found[key] = value
    return found


def config_is_readable_by_others(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRGRP | stat.S_IROTH))
