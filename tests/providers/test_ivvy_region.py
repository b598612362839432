"""iVvy's regional hosts: `region` picks one, `base_url` wins, refusals say to check it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contactctl.config import Config
from contactctl.providers.base import RunOptions
from contactctl.sandbox import SANDBOX_CREDENTIALS
from contactctl.setup import build_provider
from tests.cli.helpers import run_cli, write_config, write_csv
from tests.conftest import SandboxFactory


def _ivvy(**settings: Any) -> Any:
    block = {**SANDBOX_CREDENTIALS["ivvy"], **settings}
    return build_provider("ivvy", Config(providers={"ivvy": block}), RunOptions())


@pytest.mark.parametrize(
    ("region", "host"),
    [
        (None, "https://api.eu-west-2.ivvy.com"),
        ("eu", "https://api.eu-west-2.ivvy.com"),
        ("UK", "https://api.eu-west-2.ivvy.com"),
        ("au", "https://api.ap-southeast-2.ivvy.com"),
        ("us", "https://api.us-west-2.ivvy.com"),
    ],
)
def test_the_region_picks_the_accounts_host(region: str | None, host: str) -> None:
    assert _ivvy(region=region).base_url() == host


def test_a_base_url_wins_over_the_region() -> None:
    assert _ivvy(region="au", base_url="http://127.0.0.1:8080").base_url() == (
        "http://127.0.0.1:8080"
    )


def test_refused_credentials_on_the_default_host_say_to_check_the_region() -> None:
    assert "region: au" in _ivvy().auth_hint()
    assert "region: au" not in _ivvy(region="us").auth_hint()


def test_an_unknown_region_is_refused_naming_the_key_and_the_choices(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text("providers:\n  ivvy:\n    region: mars\n", encoding="utf-8")
    source = write_csv(tmp_path / "a.csv", "Email,First Name,Last Name\na@example.com,A,B\n")
    run = run_cli("import", source, "-p", "ivvy", "-c", config, "--dry-run")
    assert run.exit_code == 2
    assert "providers.ivvy.region: 'mars' is not an iVvy region" in run.stderr
    assert "au or us" in run.stderr


def test_a_refusal_from_the_vendor_shows_the_region_hint(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    source = write_csv(tmp_path / "a.csv", "Email,First Name,Last Name\na@example.com,A,B\n")
    with sandbox("ivvy") as (emulator, base_url):
        config = write_config(tmp_path / "c.yaml", "ivvy", base_url, api_secret="wrong-secret")
        run = run_cli("import", source, "-p", "ivvy", "-c", config, "--journal", tmp_path / "j")
        stored = emulator.stored()
    assert run.exit_code == 3
    assert "refused the credentials" in run.stderr
    assert "that region or base_url is your account's" in run.stderr
    assert stored == []
