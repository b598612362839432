"""What can go wrong with the delivery journal, as errors a user can act on."""

from __future__ import annotations

from contactctl.errors import ContactctlError, ExitCode


class JournalError(ContactctlError):
    """The journal file cannot be used (not SQLite, not ours, unreadable): nothing was sent."""

    exit_code = ExitCode.USAGE


class JournalBusy(JournalError):
    """Another run holds the lock for the same provider and account."""


class JournalFailed(JournalError):
    """Reading or writing the journal failed mid-run (disk full, file removed).

    Requests may already have gone out, so this is an aborted run (exit 3), not a usage error:
    rows whose outcome could not be recorded are pending and a later run checks them.
    """

    exit_code = ExitCode.ABORTED
