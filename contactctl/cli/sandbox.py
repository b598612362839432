"""`contactctl sandbox`: run a provider's emulator on 127.0.0.1 until Ctrl-C, or --reset the
store `--sandbox` keeps between runs."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Annotated

import typer

from contactctl.cli import options as o
from contactctl.cli.errors import run_command
from contactctl.errors import ExitCode

if TYPE_CHECKING:
    from contactctl.sandbox import Emulator


def sandbox_command(
    provider: Annotated[
        str | None,
        typer.Option(
            "--provider",
            "-p",
            metavar="NAME",
            autocompletion=o.complete_provider,
            help=f"Which vendor to emulate: {o.PROVIDER_NAMES}.",
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, metavar="PORT", help="0: any free port.")
    ] = 0,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset", help="Empty the saved sandbox store (of --provider, else of all), exit."
        ),
    ] = False,
) -> None:
    """Run a vendor emulator on 127.0.0.1 (for rehearsals and scripts) until Ctrl-C.

    It starts with the contacts earlier `--sandbox` runs left, and keeps what it receives.
    """

    def body() -> ExitCode:
        from contactctl.errors import UsageError
        from contactctl.sandbox import EMULATORS, emulator_for

        if provider is None:
            if reset:
                return _reset(sorted(EMULATORS))
            raise UsageError("Which provider? Pass --provider NAME.", f"One of {o.PROVIDER_NAMES}.")
        emulator = emulator_for(provider)
        if reset:
            return _reset([provider])
        return _serve(emulator, port)

    run_command(body)


def _reset(providers: list[str]) -> ExitCode:
    from contactctl.sandbox.persist import reset_store

    for name in providers:
        emptied = reset_store(name)
        print(f"{name}: sandbox store {'emptied' if emptied else 'was already empty'}")
    return ExitCode.OK


def _serve(emulator: Emulator, port: int) -> ExitCode:
    import sys

    from contactctl.errors import UsageError
    from contactctl.sandbox import SandboxServer
    from contactctl.sandbox.persist import persistent_store

    with persistent_store(emulator):
        try:
            server = SandboxServer(emulator, port=port)
        except OSError as exc:
            raise UsageError(f"Cannot listen on 127.0.0.1:{port}: {exc.strerror}.") from None
        with server:
            print(f"base_url: {server.base_url}", flush=True)
            creds = ", ".join(f"{k}={v}" for k, v in emulator.sandbox_credentials.items())
            print(f"credentials: {creds}", flush=True)
            print("Ctrl-C to stop.", file=sys.stderr, flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
    return ExitCode.OK
