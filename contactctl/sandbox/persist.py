"""The `--sandbox` store kept between runs: one file per provider in the user state directory.

The file holds the emulator's store and a sandbox account id made when the file is: the
journal knows the sandbox by that id (its port changes every run), so a second run of the
same file finds its rows unchanged, and `contactctl sandbox --reset` (a new file, a new id)
starts both the store and the journal's memory of it afresh.

The store is written with `marshal`: it keeps the emulators' plain structures (integer
keys, tuples) as they are, which JSON would not, and unlike pickle loading it runs no code.
"""

from __future__ import annotations

import marshal
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs

from contactctl.errors import ConfigError
from contactctl.sandbox.emulator import Emulator

FORMAT = 1


def store_path(provider: str) -> Path:
    return Path(platformdirs.user_state_dir("contactctl")) / "sandbox" / f"{provider}.store"


@contextmanager
def persistent_store(emulator: Emulator) -> Iterator[str]:
    """Load the provider's saved store into `emulator`, yield the sandbox account id, and
    save the store back when the block ends (also after an error or Ctrl-C)."""
    account, state = _load(emulator.name)
    if state is not None:
        try:
            emulator.load_store_state(state)
        except (KeyError, TypeError, ValueError) as exc:
            raise _damaged(emulator.name, f"it lacks {exc}") from None
    try:
        yield account
    finally:
        _save(emulator.name, account, emulator.store_state())


def reset_store(provider: str) -> bool:
    """Forget the provider's saved store; False when there was none."""
    path = store_path(provider)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise ConfigError(f"Cannot remove the sandbox store {path}: {exc.strerror}.") from None
    return True


def sandbox_account(provider: str, account: str) -> str:
    """The account the journal records sandbox deliveries under."""
    return f"sandbox:{provider}#{account}"


def _load(provider: str) -> tuple[str, dict[str, Any] | None]:
    path = store_path(provider)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return secrets.token_hex(8), None
    except OSError as exc:
        raise _damaged(provider, exc.strerror or str(exc)) from None
    try:
        data = marshal.loads(raw)
    except (EOFError, ValueError, TypeError) as exc:  # what marshal raises for damage
        raise _damaged(provider, str(exc)) from None
    if not _well_formed(data):
        raise _damaged(provider, "not a contactctl sandbox store")
    return data["account"], data["state"]


def _save(provider: str, account: str, state: dict[str, Any]) -> None:
    path = store_path(provider)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        data = marshal.dumps({"format": FORMAT, "account": account, "state": state})
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)  # a run stopped mid-write leaves the old store whole
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ConfigError(f"Cannot save the sandbox store {path}: {exc.strerror}.") from None


def _well_formed(data: object) -> bool:
    return (
        isinstance(data, dict)
        and data.get("format") == FORMAT
        and isinstance(data.get("account"), str)
        and isinstance(data.get("state"), dict)
    )


def _damaged(provider: str, why: str) -> ConfigError:
    return ConfigError(
        f"The sandbox store {store_path(provider)} cannot be read ({why}).",
        f"Start it afresh: contactctl sandbox -p {provider} --reset.",
    )
