"""A mapped row → a Contact or a failed RowResult: every field's rules, and the country column."""

from __future__ import annotations

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from contactctl.intake.countries import region_for, table_regions
from contactctl.intake.mapping import MappedRow
from contactctl.intake.normalize import (
    EmailProblem,
    NormalizeOptions,
    join_name,
    normalize,
    normalize_email,
    split_name,
    split_tags,
)
from contactctl.model import Cell, Contact, PhoneType, RawRow, RowResult, Status


def run(
    fields: dict[str, Cell],
    attributes: dict[str, str] | None = None,
    region: str | None = None,
    problem: str | None = None,
) -> Contact | RowResult:
    raw = RawRow("contacts.csv", 7, {"cells": "as read"}, problem)
    return normalize(raw, MappedRow(fields, attributes or {}), NormalizeOptions(region))


def contact(fields: dict[str, Cell], **kwargs: object) -> Contact:
    result = run(fields, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, Contact), result
    return result


def failure(fields: dict[str, Cell], **kwargs: object) -> RowResult:
    result = run(fields, **kwargs)  # type: ignore[arg-type]
    assert isinstance(result, RowResult), result
    assert result.status is Status.FAILED
    return result


def test_a_full_row() -> None:
    result = contact(
        {
            "phone": "06 12 34 56 78",
            "email": " Axelle.Durand@EXAMPLE.COM ",
            "first_name": " Axelle ",
            "last_name": "Durand",
            "name": "Axelle  Durand",
            "external_id": "A-17",
            "tags": "vip; newsletter",
            "lists": "clients",
            "opt_in": "yes",
            "country": "fr",
        },
        attributes={"city": " Lyon "},
    )
    assert result == Contact(
        source="contacts.csv",
        row=7,
        phone="+33612345678",
        phone_type=PhoneType.MOBILE,
        email="Axelle.Durand@example.com",
        first_name="Axelle",
        last_name="Durand",
        name="Axelle Durand",
        external_id="A-17",
        tags=("vip", "newsletter"),
        lists=("clients",),
        attributes={"city": "Lyon"},
        opt_in=True,
        country="FR",
    )
    assert result.raw is not None
    assert result.raw.cells == {"cells": "as read"}


def test_absent_fields_are_none_or_empty_never_blank_strings() -> None:
    result = contact({"phone": "+33612345678"})
    assert (result.email, result.first_name, result.last_name, result.name) == (None,) * 4
    assert (result.external_id, result.opt_in, result.country) == (None, None, None)
    assert (result.tags, result.lists, dict(result.attributes), result.notes) == ((), (), {}, ())


def test_a_row_the_reader_could_not_trust_fails_with_its_problem() -> None:
    result = failure({"phone": "+33612345678"}, problem="ragged row: 5 cells, 4 headers")
    assert result.reason == "ragged row: 5 cells, 4 headers"
    assert result.raw is not None


def test_a_row_with_neither_phone_nor_email_fails() -> None:
    assert failure({"name": "Axelle"}).reason == "no phone or e-mail"


def test_a_row_with_only_an_email_is_a_contact() -> None:
    result = contact({"email": "a@example.com"})
    assert (result.phone, result.email) == (None, "a@example.com")


def test_a_failed_row_says_every_problem_and_keeps_the_name() -> None:
    result = failure({"phone": "call me", "email": "x@", "first_name": "Axelle"})
    assert result.reason == (
        "not a phone number: 'call me'; invalid e-mail 'x@': there must be something after "
        "the @-sign"
    )
    assert (result.name, result.source, result.row) == ("Axelle", "contacts.csv", 7)


def test_an_invalid_phone_fails_the_row_even_with_a_valid_email() -> None:
    result = failure({"phone": "+33 12", "email": "a@example.com"})
    assert result.reason == "invalid phone number '+33 12': too short"
    assert result.email == "a@example.com"


def test_repairs_are_noted_on_the_contact() -> None:
    result = contact({"phone": "33612345678.0", "country": "FR"})
    assert result.phone == "+33612345678"
    assert result.notes == (
        "recovered from spreadsheet damage: '33612345678.0' read as +33612345678"
        " (stored as a number, + missing)",
    )


# --- country column and region ---


@pytest.mark.parametrize(
    ("cell", "region"),
    [
        ("BE", "BE"),
        ("be", "BE"),
        (" Be ", "BE"),
        ("Belgium", "BE"),
        ("BELGIUM", "BE"),
        ("BEL", "BE"),
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("Great Britain", "GB"),
        ("USA", "US"),
        ("United States of America", "US"),
        ("the Netherlands", "NL"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d Ivoire", "CI"),
        ("Ivory Coast", "CI"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("St Kitts & Nevis", "KN"),
        ("Saint Kitts and Nevis", "KN"),
        ("Korea", "KR"),
        ("Czech Republic", "CZ"),
        ("+33", "FR"),
        ("44", "GB"),
        # Names in the file's language, from pycountry's ISO 3166 translations.
        ("Belgique", "BE"),
        ("Österreich", "AT"),
        ("oesterreich", None),
        ("México", "MX"),
        ("Brasil", "BR"),
        ("Allemagne", "DE"),
        ("Deutschland", "DE"),
        ("Países Bajos", "NL"),
        ("Paesi Bassi", "NL"),
        ("Duitsland", "DE"),
        ("Suisse", "CH"),
        ("Royaume-Uni", "GB"),
        ("Narnia", None),
        ("ZZ", None),
        ("+999", None),
    ],
)
def test_country_cells(cell: str, region: str | None) -> None:
    assert region_for(cell) == region


def test_the_country_table_covers_every_region_phonenumbers_supports() -> None:
    assert table_regions() == phonenumbers.SUPPORTED_REGIONS


@pytest.mark.parametrize("country", ["FR", "fr", "France", "FRA"])
def test_the_rows_country_reads_national_numbers(country: str) -> None:
    result = contact({"phone": "06 12 34 56 78", "country": country})
    assert (result.phone, result.country) == ("+33612345678", "FR")


def test_the_rows_country_wins_over_the_default_region() -> None:
    assert contact({"phone": "0470 12 34 56", "country": "BE"}, region="FR").phone == "+32470123456"


@pytest.mark.parametrize("region", ["FR", "fr"])
def test_the_default_region_serves_rows_without_a_country(region: str) -> None:
    assert contact({"phone": "06 12 34 56 78"}, region=region).phone == "+33612345678"


def test_an_unknown_country_is_noted_and_the_default_region_used() -> None:
    result = contact({"phone": "06 12 34 56 78", "country": "Narnia"}, region="FR")
    assert (result.phone, result.country) == ("+33612345678", None)
    assert result.notes == ("country 'Narnia' not understood: not used for the phone number",)


def test_a_valid_foreign_number_in_a_row_of_another_country() -> None:
    result = contact({"phone": "+44 7400 123456", "country": "FR"})
    assert (result.phone, result.country) == ("+447400123456", "FR")


def test_no_country_anywhere_fails_a_national_number() -> None:
    assert failure({"phone": "0612345678"}).reason == (
        "no country for '0612345678': add a country column, --region or default_region"
    )


# --- e-mail ---


@pytest.mark.parametrize(
    ("cell", "email"),
    [
        ("axelle@example.com", "axelle@example.com"),
        ("  axelle@example.com\t", "axelle@example.com"),
        ("Axelle.Durand@EXAMPLE.COM", "Axelle.Durand@example.com"),
        ("a+tag@Sub.Example.org", "a+tag@sub.example.org"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("jürgen@example.de", "jürgen@example.de"),
        ("a@BÜCHER.ch", "a@bücher.ch"),
        ("a@xn--bcher-kva.ch", "a@xn--bcher-kva.ch"),
    ],
)
def test_valid_emails(cell: str, email: str) -> None:
    assert normalize_email(cell) == email


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("x@", "invalid e-mail 'x@': there must be something after the @-sign"),
        ("axelle", "invalid e-mail 'axelle': an email address must have an @-sign"),
        ("a@b", "invalid e-mail 'a@b': the part after the @-sign is not valid. It should have"),
        ("a..b@example.com", "invalid e-mail 'a..b@example.com': "),
        ("a b@example.com", "invalid e-mail 'a b@example.com': "),
        ("a@exa mple.com", "invalid e-mail 'a@exa mple.com': "),
        ("a@localhost", "invalid e-mail 'a@localhost': "),
        ("@example.com", "invalid e-mail '@example.com': "),
    ],
)
def test_invalid_emails(cell: str, reason: str) -> None:
    with pytest.raises(EmailProblem) as caught:
        normalize_email(cell)
    assert str(caught.value).startswith(reason)


def test_the_same_bad_domain_fails_every_row_that_uses_it() -> None:
    # Domains are checked once and remembered, failures included.
    for local in ("a", "b"):
        with pytest.raises(EmailProblem, match=f"'{local}@example': "):
            normalize_email(f"{local}@example")


_ADDRESS_CHARS = "abcXYZ09.-_+'!#@ é\u00fc"


@settings(max_examples=500, deadline=None)
@given(
    local=st.text(alphabet=_ADDRESS_CHARS, min_size=0, max_size=12),
    domain=st.sampled_from(["example.com", "EXAMPLE.ORG", "b", "a-.com", "x.y", "ab--c.de", ""]),
)
def test_emails_agree_with_email_validator(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    try:
        result = validate_email(address.strip(), check_deliverability=False)
        expected: str | None = result.normalized
    except EmailNotValidError:
        expected = None
    try:
        got: str | None = normalize_email(address)
    except EmailProblem:
        got = None
    assert got == expected


# --- names, tags, opt-in, ids, attributes ---


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Axelle Durand", ("Axelle", "Durand")),
        ("Jean Pierre Dupont", ("Jean Pierre", "Dupont")),
        ("Durand, Axelle", ("Axelle", "Durand")),
        ("  Axelle   Durand ", ("Axelle", "Durand")),
        ("Cher", ("Cher", None)),
        ("Durand,", (None, "Durand")),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_split_name(name: str | None, parts: tuple[str | None, str | None]) -> None:
    assert split_name(name) == parts


@pytest.mark.parametrize(
    ("first", "last", "joined"),
    [
        ("Axelle", "Durand", "Axelle Durand"),
        ("Axelle", None, "Axelle"),
        (None, " Durand ", "Durand"),
        (None, None, None),
        (" ", "", None),
    ],
)
def test_join_name(first: str | None, last: str | None, joined: str | None) -> None:
    assert join_name(first, last) == joined


@pytest.mark.parametrize(
    ("cell", "tags"),
    [
        ("vip", ("vip",)),
        ("vip, newsletter", ("vip", "newsletter")),
        ("vip;newsletter|paris", ("vip", "newsletter", "paris")),
        (" vip ,, ;  | newsletter ", ("vip", "newsletter")),
        ("vip, VIP, vip", ("vip", "VIP")),
        ("* myContacts ::: Friends ::: Family", ("Friends", "Family")),
        ("* starred ::: Work", ("starred", "Work")),
        (["a, b", " c ", ""], ("a, b", "c")),
        (["x", "x"], ("x",)),
        (" ", ()),
    ],
)
def test_split_tags(cell: Cell, tags: tuple[str, ...]) -> None:
    assert split_tags(cell) == tags


def test_lists_split_like_tags() -> None:
    assert contact({"email": "a@example.com", "lists": "a|b|a"}).lists == ("a", "b")


@pytest.mark.parametrize(
    ("cell", "opt_in"),
    [
        *[
            (word, True)
            for word in ("true", "TRUE", "yes", "Y", "1", "x", "subscribed", "Opted in", "opted-in")
        ],
        *[(word, False) for word in ("false", "No", "n", "0", "unsubscribed", "opted out")],
    ],
)
def test_opt_in_words(cell: str, opt_in: bool) -> None:
    result = contact({"email": "a@example.com", "opt_in": cell})
    assert (result.opt_in, result.notes) == (opt_in, ())


def test_an_opt_in_word_not_understood_is_left_unset_with_a_note() -> None:
    result = contact({"email": "a@example.com", "opt_in": " maybe "})
    assert result.opt_in is None
    assert result.notes == ("opt_in 'maybe' not understood, left unset",)


@pytest.mark.parametrize(
    ("cell", "external_id", "notes"),
    [
        (" A-17 ", "A-17", ()),
        ("123", "123", ()),
        ("123.0", "123", ("external_id '123.0' read as 123 (a spreadsheet number)",)),
        ("12.5", "12.5", ()),
    ],
)
def test_external_id(cell: str, external_id: str, notes: tuple[str, ...]) -> None:
    result = contact({"email": "a@example.com", "external_id": cell})
    assert (result.external_id, result.notes) == (external_id, notes)


def test_attributes_are_trimmed_and_blank_ones_dropped() -> None:
    result = contact({"email": "a@example.com"}, attributes={"city": " Lyon ", "zip": "  "})
    assert result.attributes == {"city": "Lyon"}


def test_a_list_in_a_one_value_field_uses_the_first_value_and_says_so() -> None:
    result = contact({"email": ["", "a@example.com", "b@example.com"], "name": ["Axelle"]})
    assert (result.email, result.name) == ("a@example.com", "Axelle")
    assert result.notes == ("email: only the first of 2 values used",)


def test_every_number_of_a_phone_list_is_a_candidate() -> None:
    result = contact({"phone": ["", "+3361", "+447400123456"]})
    assert result.phone == "+447400123456"
    assert result.notes == ("phone: number 2 of 2 in column ''",)
