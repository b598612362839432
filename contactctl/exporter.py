"""`contactctl export`: an account's contacts, listed page by page, written as one file.

The file is written whole or not at all (a temporary file beside it, renamed at the end), in
the columns `contactctl import` maps by itself, so moving an account is two commands. The
listing goes through the same Api as an import: pacing, retries, redaction, bounds.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import ssl
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console

from contactctl.config import Config
from contactctl.errors import ExitCode, ProviderError, UsageError
from contactctl.providers.base import Provider, RunOptions
from contactctl.providers.listing import EXPORT_COLUMNS
from contactctl.secrets import Redactor
from contactctl.send.client import (
    build_api,
    build_client,
    check_transport_security,
    tls_setup_failure,
)
from contactctl.setup import build_provider, require_credentials

FORMATS = ("csv", "json")


def run_export(
    provider_name: str,
    config: Config,
    *,
    sandbox: bool,
    output: Path | None,
    fmt: str,
    stdout: TextIO,
    progress: Console | None = None,
) -> tuple[ExitCode, int]:
    """Export the account; the exit code and how many contacts were written. `progress`:
    the console that shows a running count while pages are read (when it is a terminal)."""
    if fmt not in FORMATS:
        raise UsageError(f"Unknown export format {fmt!r}.", "Use --format csv or json.")
    with ExitStack() as stack:
        overrides = None
        if sandbox:
            from contactctl.importer import sandbox_for

            overrides = stack.enter_context(sandbox_for(provider_name)).overrides
        provider = build_provider(provider_name, config, RunOptions(), overrides)
        if not provider.can_list:
            raise UsageError(
                f"{provider.vendor} has no endpoint that lists contacts, so they cannot be "
                "exported.",
                "Export works for Callbell, Pabbly Chatflow and iVvy.",
            )
        require_credentials(provider)
        check_transport_security(provider.base_url(), allow_http=False)
        rows = asyncio.run(_listed(provider, progress))
        text = _render(rows, fmt)
        if output is None:
            stdout.write(text)
        else:
            _write_whole(output, text)
    return ExitCode.OK, len(rows)


async def _listed(provider: Provider[Any], progress: Console | None) -> list[dict[str, str]]:
    redact = Redactor(provider.settings.secrets())
    try:
        client = build_client(provider, 1, redact, False, None)
    except (ssl.SSLError, OSError) as exc:
        raise ProviderError(tls_setup_failure(exc)) from None
    rows: list[dict[str, str]] = []
    async with client:
        api = build_api(provider, client, provider.limits.requests_per_second, redact)
        with _Counter(progress, provider.vendor) as counter:
            async for row in provider.list_contacts(api):
                rows.append(row)
                counter.advance()
    return rows


class _Counter:
    """A running count of the contacts read, on a terminal only (a log gets the last line)."""

    def __init__(self, console: Console | None, vendor: str) -> None:
        self._live = None
        if console is not None and console.is_terminal and not console.quiet:
            from rich.progress import Progress, SpinnerColumn, TextColumn

            columns = (SpinnerColumn(), TextColumn("{task.description}: {task.completed} contacts"))
            self._live = Progress(*columns, console=console, transient=True)
            self._task = self._live.add_task(f"Reading {vendor}", total=None)

    def advance(self) -> None:
        if self._live is not None:
            self._live.advance(self._task)

    def __enter__(self) -> _Counter:
        if self._live is not None:
            self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()


def _render(rows: list[dict[str, str]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"contacts": rows}, ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _write_whole(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all: a failure leaves no half file behind."""
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise UsageError(f"-o {path}: the folder {folder} does not exist.")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
