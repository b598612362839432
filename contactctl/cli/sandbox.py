"""`contactctl sandbox`: run a provider's emulator on 127.0.0.1 until Ctrl-C."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer

from contactctl.cli import options as o
from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode


def sandbox_command(
    provider: Annotated[
        str,
        typer.Option(
            "--provider",
            "-p",
            metavar="NAME",
            autocompletion=o.complete_provider,
            help=f"Which vendor to emulate: {o.PROVIDER_NAMES}.",
        ),
    ],
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, metavar="PORT", help="0: any free port.")
    ] = 0,
) -> None:
    """Run a vendor emulator on 127.0.0.1 (for rehearsals and scripts) until Ctrl-C."""

    def body() -> ExitCode:
        import sys

        from contactctl.errors import UsageError
        from contactctl.providers import check_provider_name
        from contactctl.sandbox import EMULATORS, SANDBOX_CREDENTIALS, SandboxServer

        check_provider_name(provider)
        if provider not in EMULATORS:
            raise UsageError(
                f"No sandbox for {provider!r}.", f"Known: {', '.join(sorted(EMULATORS))}."
            )
        try:
            server = SandboxServer(EMULATORS[provider](), port=port)
        except OSError as exc:
            raise UsageError(f"Cannot listen on 127.0.0.1:{port}: {exc.strerror}.") from None
        with server:
            print(f"base_url: {server.base_url}", flush=True)
            creds = ", ".join(f"{k}={v}" for k, v in SANDBOX_CREDENTIALS[provider].items())
            print(f"credentials: {creds}", flush=True)
            print("Ctrl-C to stop.", file=sys.stderr, flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
        return ExitCode.OK

    run_command(body)
