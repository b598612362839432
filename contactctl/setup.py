"""Builds a provider from its name, the config and the environment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contactctl.config import Config, env_credentials
from contactctl.errors import ConfigError, UsageError
from contactctl.providers import provider_class
from contactctl.providers.base import Provider, RunOptions
from contactctl.providers.settings import parse_settings, secret_keys, setting_keys


def build_provider(
    name: str,
    config: Config,
    run: RunOptions,
    overrides: Mapping[str, Any] | None = None,
) -> Provider[Any]:
    """The provider `name`, its settings from the config block, CONTACTCTL_* and `overrides`.

    CONTACTCTL_<PROVIDER>_<KEY> variables win over the file (the usual order for secrets
    injected by a scheduler); `overrides` (the sandbox's) win over both.
    """
    cls = provider_class(name)
    from_env = env_credentials(name, setting_keys(cls.settings_type))
    block = dict(config.providers.get(name, {})) | from_env | dict(overrides or {})

    def source(key: str) -> str:
        if overrides and key in overrides:
            return "--sandbox"
        if key in from_env:
            return f"CONTACTCTL_{name.upper()}_{key.upper()}"
        return str(config.path) if config.path else "config"

    settings = parse_settings(cls.settings_type, block, f"providers.{name}", source)
    provider: Provider[Any] = cls(settings, run)
    provider.check_run()  # the vendor's own words first: they say why, not just what
    if run.on_duplicate not in provider.duplicate_modes:
        modes = ", ".join(provider.duplicate_modes)
        raise UsageError(
            f"{provider.vendor} cannot do --on-duplicate {run.on_duplicate}.",
            f"It supports: {modes}.",
        )
    if run.list_name and not provider.has_lists:
        raise UsageError(f"{provider.vendor} has no contact lists, so --list cannot be used.")
    if run.tags and not provider.has_tags:
        raise UsageError(f"{provider.vendor} has no tags, so --tag cannot be used.")
    return provider


def require_credentials(provider: Provider[Any]) -> None:
    missing = provider.missing_credentials()
    if not missing:
        return
    name = provider.name
    keys = ", ".join(f"providers.{name}.{key}" for key in missing)
    env = ", ".join(f"CONTACTCTL_{name.upper()}_{key.upper()}" for key in missing)
    raise ConfigError(
        f"No credentials for {provider.vendor}: set {keys} in the config or {env}.",
        "Or rehearse with --sandbox.",
    )


def credential_keys(name: str) -> list[str]:
    return secret_keys(provider_class(name).settings_type)
