"""The screen: the vendor's rules, the channel's (fixed lines), in-file duplicates, warnings."""

from __future__ import annotations

from typing import Any

from contactctl.config import Config
from contactctl.intake.pipeline import Screen
from contactctl.model import Contact, PhoneType, RowResult, Status
from contactctl.providers.base import Provider, RunOptions
from contactctl.sandbox import SANDBOX_CREDENTIALS
from contactctl.setup import build_provider


def _provider(name: str) -> Provider[Any]:
    config = Config(providers={name: dict(SANDBOX_CREDENTIALS[name])})
    return build_provider(name, config, RunOptions())


def _screened(screen: Screen, *contacts: Contact) -> list[Contact | RowResult]:
    return list(screen(contacts))


def test_a_fixed_line_fails_for_a_messaging_vendor_unless_allowed() -> None:
    landline = Contact("c.csv", 2, phone="+33123456789", phone_type=PhoneType.FIXED_LINE)
    refused = _screened(Screen(_provider("octopush"), False, print), landline)[0]
    assert isinstance(refused, RowResult)
    assert refused.status is Status.FAILED
    assert "cannot receive sms messages" in (refused.reason or "").lower()
    assert _screened(Screen(_provider("octopush"), True, print), landline) == [landline]
    # iVvy is not a messaging channel: a fixed line is just a number.
    venue_contact = Contact(
        "c.csv", 2, phone="+33123456789", phone_type=PhoneType.FIXED_LINE, email="a@example.com"
    )
    assert _screened(Screen(_provider("ivvy"), False, print), venue_contact) == [venue_contact]


def test_a_second_row_with_the_same_identity_is_skipped_naming_the_first() -> None:
    first = Contact("c.csv", 2, phone="+33612345678", phone_type=PhoneType.MOBILE)
    again = Contact("c.csv", 7, phone="+33612345678", phone_type=PhoneType.MOBILE)
    results = _screened(Screen(_provider("octopush"), False, print), first, again)
    assert results[0] == first
    second = results[1]
    assert isinstance(second, RowResult)
    assert second.status is Status.SKIPPED
    assert second.reason == "duplicate of c.csv row 2"


def test_the_vendors_own_rule_fails_the_row_before_the_duplicate_check() -> None:
    # iVvy knows a contact by its external id or e-mail: a row with neither cannot be sent,
    # and it is not a duplicate of the next one with no key either.
    keyless = [Contact("c.csv", n, phone="+33612345678") for n in (2, 3)]
    failed = _screened(Screen(_provider("ivvy"), False, print), *keyless)
    assert [r.status for r in failed if isinstance(r, RowResult)] == [Status.FAILED] * 2


def test_a_field_the_vendor_cannot_hold_is_warned_about_once() -> None:
    warnings: list[str] = []
    screen = Screen(_provider("octopush"), False, warnings.append)
    rows = [Contact("c.csv", n, phone=f"+3361234567{n}", email=f"p{n}@example.com") for n in (2, 3)]
    assert _screened(screen, *rows) == rows
    assert warnings == [
        "Octopush has no place for email: it is not sent (first seen in c.csv row 2)."
    ]


def test_results_pass_through_untouched_and_no_provider_only_dedupes() -> None:
    earlier = RowResult("c.csv", 2, Status.FAILED, "not a phone number")
    landline = Contact("c.csv", 3, phone="+33123456789", phone_type=PhoneType.FIXED_LINE)
    assert _screened(Screen(None, False, print), earlier, landline) == [earlier, landline]
