"""`contactctl export`: every page of an account, in columns `import` maps, written whole."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import import_to, run_cli, write_config, write_csv
from tests.conftest import SandboxFactory

TAGS = ("lead", "vip", "customer")  # tags both Callbell's and Pabbly's emulators know


def _contacts(count: int, with_email: bool = False) -> str:
    rows = []
    for n in range(count):
        email = f",p{n}@example.com" if with_email else ""
        rows.append(f"Name{n},Last{n},+336124{n:05d},{TAGS[n % 3]}{email}\n")
    header = "First Name,Last Name,Mobile,Tags" + (",Email" if with_email else "") + "\n"
    return header + "".join(rows)


def _seed(emulator: Any, tmp_path: Path, provider: str, base_url: str, count: int) -> None:
    emulator.set_rate_limit(None)  # the virtual clock paces the import faster than real time
    source = write_csv(tmp_path / "seed.csv", _contacts(count, with_email=provider == "ivvy"))
    run = import_to(tmp_path, provider, base_url, source, "--journal", tmp_path / "seed.db")
    assert run.exit_code == 0, run.stderr


def _export(tmp_path: Path, provider: str, base_url: str, *extra: str) -> Any:
    config = write_config(tmp_path / "c.yaml", provider, base_url)
    return run_cli("export", "-p", provider, "-c", config, *extra)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("provider", "count", "pages"),
    [("callbell", 45, 3), ("pabbly", 60, 3), ("ivvy", 120, 2)],
)
def test_every_page_is_exported_each_contact_once(
    tmp_path: Path, sandbox: SandboxFactory, provider: str, count: int, pages: int
) -> None:
    with sandbox(provider) as (emulator, base_url):
        _seed(emulator, tmp_path, provider, base_url, count)
        start = len(emulator.requests)
        run = _export(tmp_path, provider, base_url, "-o", tmp_path / "out.csv")
        listings = len(emulator.requests) - start
    assert run.exit_code == 0, run.stderr
    rows = _rows((tmp_path / "out.csv").read_text(encoding="utf-8"))
    assert sorted(r["Mobile"] for r in rows) == [f"+336124{n:05d}" for n in range(count)]
    assert listings == pages
    first = next(r for r in rows if r["Mobile"] == "+33612400001")
    full_name = f"{first['First Name']} {first['Last Name']}".strip() or first["Name"]
    assert full_name == "Name1 Last1"
    if provider != "ivvy":  # iVvy has no tags
        assert first["Tags"] == "vip"
    assert f"Exported {count} contacts to" in run.stderr


def test_an_export_imports_into_another_vendor_as_it_was(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (callbell, callbell_url):
        _seed(callbell, tmp_path, "callbell", callbell_url, 30)
        exported = tmp_path / "old.csv"
        assert _export(tmp_path, "callbell", callbell_url, "-o", exported).exit_code == 0
    with sandbox("pabbly") as (pabbly, pabbly_url):
        moved = tmp_path / "moved"
        moved.mkdir()
        run = import_to(moved, "pabbly", pabbly_url, exported)  # no mapping needed
        stored = {"+" + str(r["mobile"]).lstrip("+"): r for r in pabbly.stored()}
    assert run.exit_code == 0, run.stderr
    assert sorted(stored) == [f"+336124{n:05d}" for n in range(30)]
    assert stored["+33612400002"]["name"] == "Name2 Last2"
    assert stored["+33612400002"]["tags"] == ["customer"]


def test_json_format(tmp_path: Path, sandbox: SandboxFactory) -> None:
    with sandbox("callbell") as (emulator, base_url):
        _seed(emulator, tmp_path, "callbell", base_url, 3)
        run = _export(tmp_path, "callbell", base_url, "--format", "json")
    assert run.exit_code == 0, run.stderr
    contacts = json.loads(run.stdout)["contacts"]
    assert sorted(c["Mobile"] for c in contacts) == ["+33612400000", "+33612400001", "+33612400002"]


def test_a_vendor_without_a_listing_is_refused(tmp_path: Path, sandbox: SandboxFactory) -> None:
    with sandbox("octopush") as (emulator, base_url):
        run = _export(tmp_path, "octopush", base_url, "-o", tmp_path / "out.csv")
        requests = len(emulator.requests)
    assert run.exit_code == 2
    assert "Octopush has no endpoint that lists contacts" in run.stderr
    assert requests == 0
    assert not (tmp_path / "out.csv").exists()


def test_a_vendor_failing_mid_listing_leaves_no_file(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("an earlier export\n", encoding="utf-8")
    with sandbox("callbell") as (emulator, base_url):
        _seed(emulator, tmp_path, "callbell", base_url, 45)
        emulator.faults.fail_next(503, count=1000)
        config = write_config(tmp_path / "c.yaml", "callbell", base_url, max_retries=1)
        run = run_cli("export", "-p", "callbell", "-c", config, "-o", target)
    assert run.exit_code == 3
    assert "Traceback" not in run.stderr
    assert target.read_text(encoding="utf-8") == "an earlier export\n"  # untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_help_shows_examples() -> None:
    run = run_cli("export", "--help")
    assert run.exit_code == 0
    assert "contactctl export -p callbell -o old.csv && contactctl import old.csv" in run.stdout


def test_output_json_summarises_on_standard_output_and_needs_a_file(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    with sandbox("callbell") as (emulator, base_url):
        _seed(emulator, tmp_path, "callbell", base_url, 3)
        target = tmp_path / "out.csv"
        summary = _export(tmp_path, "callbell", base_url, "-o", target, "--output", "json")
        no_file = _export(tmp_path, "callbell", base_url, "--output", "json")
        quiet = _export(tmp_path, "callbell", base_url, "-o", target, "--output", "quiet")

    assert summary.exit_code == 0, summary.stderr
    assert summary.json() == {"provider": "callbell", "exported": 3, "file": str(target)}
    assert no_file.exit_code == 2
    assert "--output json needs -o FILE" in no_file.stderr
    assert quiet.exit_code == 0
    assert (quiet.stdout, quiet.stderr) == ("", "")
    assert len(_rows(target.read_text(encoding="utf-8"))) == 3


def test_a_terminal_sees_the_count_while_pages_are_read(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    from rich.console import Console

    from contactctl.config import load_config
    from contactctl.exporter import run_export

    screen, out = io.StringIO(), io.StringIO()
    with sandbox("callbell") as (emulator, base_url):
        _seed(emulator, tmp_path, "callbell", base_url, 25)
        config = load_config(write_config(tmp_path / "c.yaml", "callbell", base_url))
        terminal = Console(file=screen, force_terminal=True, width=80)
        code, count = run_export(
            "callbell", config, sandbox=False, output=None, fmt="csv", stdout=out,
            progress=terminal,
        )  # fmt: skip

    assert (code, count) == (0, 25)
    assert "Reading Callbell" in screen.getvalue()
    assert "Reading" not in out.getvalue()  # the contacts stay clean


def test_an_export_killed_mid_listing_leaves_nothing_and_runs_again_whole(
    tmp_path: Path, sandbox: SandboxFactory
) -> None:
    import os
    import signal
    import subprocess
    import sys

    from tests.cli.helpers import wait_for_requests

    target = tmp_path / "out.csv"
    with sandbox("callbell") as (emulator, base_url):
        _seed(emulator, tmp_path, "callbell", base_url, 100)  # five pages
        config = write_config(tmp_path / "c.yaml", "callbell", base_url)
        start = len(emulator.requests)
        emulator.faults.latency_s = 0.5  # a page every half second: time to kill it
        argv = [sys.executable, "-m", "contactctl", "export", "-p", "callbell", "-c", str(config)]
        child = subprocess.Popen(
            [*argv, "-o", str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_requests(emulator, start + 2)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=20)
        emulator.faults.latency_s = 0.0
        left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("out", ".out")))
        again = _export(tmp_path, "callbell", base_url, "-o", target)

    assert child.returncode == -signal.SIGKILL
    assert left == []  # no file, and no half-written one beside it
    assert again.exit_code == 0, again.stderr
    assert len(_rows(target.read_text(encoding="utf-8"))) == 100
