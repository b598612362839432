"""The exception tree and the one exit-code table.

    ContactctlError           user-facing: message + hint
    ├── UsageError            bad option values, options that contradict each other   → exit 2
    ├── ConfigError           bad YAML, unknown provider, missing ${VAR}                → exit 2
    ├── InputError            unreadable file, unknown format, no phone column          → exit 2
    └── ProviderError         a problem talking to the vendor; .delivery says whether the
        │                     request may have landed (typed, set where it is raised)
        ├── RetryableError    429, 5xx, timeouts, connection errors; .retry_after_s
        │   └── UncertainDelivery  the request may have landed (timeout or drop after
        │                          sending, unreadable 2xx answer): never resent blindly
        ├── AuthError         401/403: stop the run                                   → exit 3
        ├── BatchRejected     other 4xx: the core splits the batch to find bad rows
        └── RunAborted        the vendor is unreachable after retries                 → exit 3

Third-party exceptions are translated to these at one boundary (`send/api.py`, the readers),
always with `raise X(...) from exc`, so the CLI can print one line and pick the exit code.
"""

from __future__ import annotations

from enum import IntEnum

from contactctl.choices import Delivery


class ExitCode(IntEnum):
    OK = 0
    ROWS_FAILED = 1
    USAGE = 2
    ABORTED = 3
    INTERRUPTED = 130


class ContactctlError(Exception):
    """An error meant for the user: a one-line message and, ideally, what to do next."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class UsageError(ContactctlError):
    """Options that are wrong on their own or together."""


class VendorCannot(UsageError):
    """The vendor's API offers no such call (a look-up, a listing, a delete): what a
    provider without the capability answers when asked anyway (its `can_*` flag is off)."""


class ConfigError(ContactctlError):
    """The config file or the environment is wrong."""


class InputError(ContactctlError):
    """An input file cannot be read as contacts at all."""


class ProviderError(ContactctlError):
    """A problem talking to the vendor.

    `delivery` is whether the request may have reached the vendor; each subclass has the
    default that is true of it (an unexplained 5xx may have landed), and the raiser may say more.
    """

    exit_code = ExitCode.ABORTED
    default_delivery = Delivery.MAY_HAVE_LANDED

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        status_code: int | None = None,
        delivery: Delivery | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.status_code = status_code
        self.delivery = delivery or self.default_delivery


class RetryableError(ProviderError):
    """A transient failure: worth trying again after `retry_after_s` (or a backoff).

    Not processed (connection refused, 429, 503) unless it is an UncertainDelivery.
    """

    default_delivery = Delivery.NOT_SENT

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code)
        self.retry_after_s = retry_after_s


class UncertainDelivery(RetryableError):
    """The request may have reached the vendor: a create must be checked before it is resent."""

    default_delivery = Delivery.MAY_HAVE_LANDED


class AuthError(ProviderError):
    """The vendor refused the credentials: nothing else will work, so the run stops."""

    default_delivery = Delivery.NOT_SENT


class BatchRejected(ProviderError):
    """The vendor refused the request as a whole (a 4xx other than auth and rate limiting)."""

    exit_code = ExitCode.ROWS_FAILED
    default_delivery = Delivery.NOT_SENT


class RunAborted(ProviderError):
    """The run cannot go on (vendor unreachable after retries, --max-failures reached)."""
