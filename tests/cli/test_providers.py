"""`contactctl providers`: what it lists, third parties' plug-ins, and what it never imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from contactctl.providers import BUILTIN, provider_class, provider_names
from contactctl.providers.profile import Profile
from tests.cli.helpers import run_cli

PLUGIN = """
from contactctl.model import OnDuplicate
from contactctl.providers.base import Provider
from contactctl.providers.profile import Channel, Identity, Limits
from contactctl.providers.settings import ProviderSettings


class Acme(Provider[ProviderSettings]):
    name = "acme"
    vendor = "Acme Messaging"
    docs_url = "https://acme.invalid/docs"
    default_base_url = "https://acme.invalid"
    limits = Limits(10, 50, True, 2, 20, False)
    identity = Identity.PHONE
    channel = Channel.SMS
    required_fields = "phone, acme_code"
    duplicate_modes = (OnDuplicate.SKIP,)
    phone_format = "+E.164"
    how_status_is_known = "not at all"
    settings_type = ProviderSettings

    def identity_key(self, contact):
        return contact.phone

    def check_contact(self, contact):
        return None

    def auth(self):
        raise NotImplementedError

    async def push(self, batch, api):
        raise NotImplementedError
"""

METADATA = "Metadata-Version: 2.1\nName: acme-contacts\nVersion: 1.0\n"
ENTRY_POINTS = """
[contactctl.providers]
acme = acme_contacts:Acme
broken = acme_missing_module:Nothing
octopush = acme_contacts:Acme
"""

# What --help and `providers` must not pay for at start-up (issue #6, figure 6).
HEAVY = (
    "httpx", "httpcore", "phonenumbers", "python_calamine", "openpyxl", "yaml", "vobject",
    "pycountry",
)  # fmt: skip


def write_plugin(root: Path) -> Path:
    """A third party's installed distribution, as pip lays it out in site-packages."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "acme_contacts.py").write_text(PLUGIN)
    info = root / "acme_contacts-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(METADATA)
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    return root


def blocks(stdout: str) -> dict[str, str]:
    """The listing, one block per provider, by provider name."""
    return {block.split()[0]: block for block in stdout.strip().split("\n\n")}


def test_lists_every_vendor_with_its_limits_identity_and_duplicate_modes() -> None:
    run = run_cli("providers")
    assert run.exit_code == 0, run.stderr
    listed = blocks(run.stdout)
    assert list(listed) == ["callbell", "ivvy", "octopush", "pabbly", "shoutout"]
    assert "1 contact per request (max 1)" in listed["callbell"]
    assert "250 requests/s (max 300)" in listed["callbell"]
    assert "200 contacts per request (max 200, undocumented)" in listed["octopush"]
    assert "external_id, else email" in listed["ivvy"]
    assert "duplicates     update\n" in listed["shoutout"]
    assert "phone sent as  E.164 digits, no +" in listed["pabbly"]


@pytest.mark.parametrize("name", sorted(BUILTIN))
def test_each_vendor_declares_its_profile_in_its_own_module(name: str) -> None:
    cls = provider_class(name)
    declared = cls.__dict__["profile"]
    assert Profile.of(cls) is declared
    assert declared.name == name
    assert cls.limits is declared.limits  # the class attributes are the profile's


def test_a_third_party_plugin_is_listed_and_cannot_take_over_our_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(write_plugin(tmp_path)))
    run = run_cli("providers")
    assert run.exit_code == 0, run.stderr
    listed = blocks(run.stdout)
    assert "acme (Acme Messaging)" in listed["acme"]
    assert "10 contacts per request (max 50)" in listed["acme"]
    assert "2 requests/s (max 20, undocumented)" in listed["acme"]
    assert "duplicates     skip\n" in listed["acme"]
    assert "cannot be loaded: ModuleNotFoundError" in listed["broken"]
    assert "octopush (Octopush)" in listed["octopush"]
    assert provider_names().count("octopush") == 1
    assert provider_class("acme").vendor == "Acme Messaging"


def test_a_zip_on_the_path_is_left_to_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("acme_contacts.py", PLUGIN)
        zipped.writestr("acme_contacts-1.0.dist-info/METADATA", METADATA)
        zipped.writestr("acme_contacts-1.0.dist-info/entry_points.txt", ENTRY_POINTS)
    monkeypatch.syspath_prepend(str(archive))
    assert "acme" in provider_names()


def test_an_unzipped_egg_of_any_case_is_left_to_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    egg = tmp_path / "Acme_Contacts-1.0.EGG"
    (egg / "EGG-INFO").mkdir(parents=True)
    (egg / "EGG-INFO" / "PKG-INFO").write_text(METADATA)
    (egg / "EGG-INFO" / "entry_points.txt").write_text(ENTRY_POINTS)
    (egg / "acme_contacts.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(egg))
    assert "acme" in provider_names()


def test_a_path_object_on_sys_path_does_not_break_the_listing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "path", [Path.cwd(), *sys.path])
    assert provider_names()[:5] == ["callbell", "ivvy", "octopush", "pabbly", "shoutout"]


def modules_after(*args: str, path: Path | None = None) -> list[str]:
    """The modules a fresh interpreter holds after running `contactctl ARGS`."""
    code = textwrap.dedent(
        f"""
        import json, sys
        from contactctl.cli.app import main
        sys.argv = ["contactctl", *{list(args)!r}]
        try:
            main()
        except SystemExit as exit:
            assert exit.code in (0, None), exit.code
        print(json.dumps(sorted(sys.modules)), file=sys.stderr)
        """
    )
    env = {"PYTHONPATH": str(path)} if path else {}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=path or Path.cwd(),
        env={**_inherited_env(), **env},
    )
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def _inherited_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_help_imports_no_heavy_machinery_and_no_vendor() -> None:
    loaded = modules_after("--help")
    assert [m for m in loaded if m.split(".")[0] in HEAVY] == []
    assert "importlib.metadata" not in loaded
    assert "rich.table" not in loaded
    assert not [m for m in loaded if m.startswith("contactctl.providers.") and "octopush" in m]
    # Figure 6's budget: help is drawn by click's formatter, so rich and the contact model
    # (the option choices live in contactctl.choices) are not worth their ~25 ms here.
    assert "rich.console" not in loaded
    assert "contactctl.model" not in loaded
    assert "contactctl.providers.settings" not in loaded


def test_providers_reads_each_vendors_module_but_no_heavy_machinery() -> None:
    # Its start-up target was dropped (issue 15): one place per vendor is worth ~50 ms here.
    loaded = modules_after("providers")
    assert [m for m in loaded if m.split(".")[0] in HEAVY] == []
    assert "rich.table" not in loaded


def test_the_real_command_finds_an_installed_plugin(tmp_path: Path) -> None:
    loaded = modules_after("providers", path=write_plugin(tmp_path))
    assert "acme_contacts" in loaded
