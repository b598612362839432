"""The public names of `import contactctl` are pinned: adding or removing one is a decision."""

from __future__ import annotations

import subprocess
import sys

import contactctl


def test_the_exported_names() -> None:
    assert contactctl.__all__ == [
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


def test_every_exported_name_resolves_and_the_errors_are_one_tree() -> None:
    for name in contactctl.__all__:
        assert getattr(contactctl, name) is not None
    for error in ("AuthError", "ConfigError", "InputError", "ProviderError", "UsageError"):
        assert issubclass(getattr(contactctl, error), contactctl.ContactctlError)


def test_importing_the_package_loads_nothing_heavy() -> None:
    # The command line imports the package too: its start-up must not pay for the API.
    heavy = "('httpx', 'rich', 'phonenumbers', 'contactctl')"
    code = (
        "import sys, contactctl; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['contactctl']"
