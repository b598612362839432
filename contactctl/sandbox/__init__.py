"""The sandbox: one emulator per vendor API, each with an in-memory store and fault knobs,
and the loopback HTTP server that runs them (SPEC section 10).

    from contactctl.sandbox import EMULATORS, SANDBOX_CREDENTIALS, SandboxServer

    emulator = EMULATORS["octopush"](max_batch=50)
    with SandboxServer(emulator) as server:
        ...  # point the client at server.base_url with SANDBOX_CREDENTIALS["octopush"]
        emulator.stored(), emulator.requests, emulator.faults.fail_next(429, retry_after_s=1)

Each emulator module's docstring lists what is vendor truth (VENDORS.md) and what is the
emulator's own choice where the vendor documents nothing.
"""

from __future__ import annotations

from contactctl.sandbox.callbell import CallbellEmulator
from contactctl.sandbox.core import (
    BadRequest,
    HandMade,
    Headers,
    RecordedRequest,
    Request,
    Response,
    VendorError,
)
from contactctl.sandbox.credentials import SANDBOX_CREDENTIALS
from contactctl.sandbox.emulator import Emulator
from contactctl.sandbox.faults import Faults
from contactctl.sandbox.ivvy import IvvyEmulator
from contactctl.sandbox.octopush import OctopushEmulator
from contactctl.sandbox.pabbly import PabblyEmulator
from contactctl.sandbox.server import SandboxServer
from contactctl.sandbox.shoutout import ShoutoutEmulator

EMULATORS: dict[str, type[Emulator]] = {
    OctopushEmulator.name: OctopushEmulator,
    CallbellEmulator.name: CallbellEmulator,
    PabblyEmulator.name: PabblyEmulator,
    IvvyEmulator.name: IvvyEmulator,
    ShoutoutEmulator.name: ShoutoutEmulator,
}


def emulator_class(provider: str) -> type[Emulator] | None:
    """The emulator of `provider`: ours, or the one a plug-in's provider class names in its
    `sandbox` attribute ("module:Class"); None when it has none."""
    import importlib

    from contactctl.providers import provider_class

    if provider in EMULATORS:
        return EMULATORS[provider]
    target = getattr(provider_class(provider), "sandbox", None)
    if not target:
        return None
    module_name, _, class_name = str(target).partition(":")
    found: type[Emulator] = getattr(importlib.import_module(module_name), class_name)
    return found


def emulator_for(provider: str) -> Emulator:
    """A fresh emulator of `provider`; a typo is named as an unknown provider (with the
    nearest name), a plug-in without an emulator as having no sandbox."""
    from contactctl.errors import UsageError
    from contactctl.providers import check_provider_name

    check_provider_name(provider)
    found = emulator_class(provider)
    if found is None:
        raise UsageError(
            f"Provider {provider!r} has no sandbox.",
            f"Sandboxes: {', '.join(sorted(EMULATORS))}, and plug-ins that bring one.",
        )
    return found()


__all__ = [
    "EMULATORS",
    "SANDBOX_CREDENTIALS",
    "BadRequest",
    "CallbellEmulator",
    "Emulator",
    "Faults",
    "HandMade",
    "Headers",
    "IvvyEmulator",
    "OctopushEmulator",
    "PabblyEmulator",
    "RecordedRequest",
    "Request",
    "Response",
    "SandboxServer",
    "ShoutoutEmulator",
    "VendorError",
    "emulator_class",
    "emulator_for",
]
