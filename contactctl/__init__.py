"""contactctl: a bulk contact importer that accounts for every row.

The Python API (SPEC section 14): `import_contacts`, `import_contacts_async` and
`validate_contacts` return a `Report`; errors are raised from one tree rooted at
`ContactctlError`. Names are loaded on first use, so `contactctl --help` stays as quick as
before (the command line imports this package too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from contactctl.api import (
        Report,
        import_contacts,
        import_contacts_async,
        validate_contacts,
    )
    from contactctl.errors import (
        AuthError,
        ConfigError,
        ContactctlError,
        ExitCode,
        InputError,
        ProviderError,
        UsageError,
    )
    from contactctl.model import RowResult, Status

_WHERE = {
    "Report": "contactctl.api",
    "import_contacts": "contactctl.api",
    "import_contacts_async": "contactctl.api",
    "validate_contacts": "contactctl.api",
    "RowResult": "contactctl.model",
    "Status": "contactctl.model",
    "ContactctlError": "contactctl.errors",
    "ConfigError": "contactctl.errors",
    "InputError": "contactctl.errors",
    "UsageError": "contactctl.errors",
    "ProviderError": "contactctl.errors",
    "AuthError": "contactctl.errors",
    "ExitCode": "contactctl.errors",
}

__all__ = [
    "AuthError",
    "ConfigError",
    "ContactctlError",
    "ExitCode",
    "InputError",
    "ProviderError",
    "Report",
    "RowResult",
    "Status",
    "UsageError",
    "__version__",
    "import_contacts",
    "import_contacts_async",
    "validate_contacts",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'contactctl' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # looked up once
    return value
