"""Transport security is decided on the parsed base_url, never on its spelling."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactctl.errors import UsageError
from contactctl.send.client import check_transport_security
from tests.cli.helpers import run_cli

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.mark.parametrize(
    "url",
    [
        "HTTP://api.evil.example",
        "Http://api.evil.example:8080",
        "http://127.attacker.example",
        "http://127.0.0.1.attacker.example",
        "http://localhost.attacker.example",
        "http://[::2]",
    ],
)
def test_plain_http_to_another_machine_is_refused(url: str) -> None:
    with pytest.raises(UsageError, match="--allow-http"):
        check_transport_security(url, allow_http=False)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080", "http://127.9.8.7", "HTTP://LOCALHOST:9000", "http://[::1]:80"],
)
def test_plain_http_to_this_machine_is_allowed(url: str) -> None:
    check_transport_security(url, allow_http=False)


def test_https_and_explicit_allow_http_pass() -> None:
    check_transport_security("HTTPS://api.example.com", allow_http=False)
    check_transport_security("http://api.example.com", allow_http=True)


def test_userinfo_in_base_url_is_refused_without_echoing_the_password(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        "providers:\n  shoutout: {api_key: k, base_url: 'https://me:hunter2-pw@api.example.com'}\n"
    )
    run = run_cli("import", SAMPLES / "contacts.csv", "-p", "shoutout", "-c", config)
    assert run.exit_code == 2, run.stderr
    assert "user name or password" in run.stderr
    assert "hunter2" not in run.stderr + run.stdout
