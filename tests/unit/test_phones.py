"""Phone cells → E.164: spreadsheet damage, reasons that quote the cell, and agreement with
phonenumbers on every region it knows."""

from __future__ import annotations

import random
from collections.abc import Iterator

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from contactctl.intake.phones import PRECISION_LOST, PhoneProblem, normalize_phone
from contactctl.model import PhoneType

_AS_MODEL = {
    getattr(PhoneNumberType, kind.name): kind for kind in PhoneType if kind.name != "UNKNOWN"
}
_TYPES_WITH_EXAMPLES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.PAGER,
    PhoneNumberType.UAN,
    PhoneNumberType.VOICEMAIL,
)


def reference(text: str, region: str | None) -> tuple[str, PhoneType] | None:
    """What plain phonenumbers makes of a cell: (E.164, type) when valid, else None."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return e164, _AS_MODEL[phonenumbers.number_type(number)]


def ours(text: str, region: str | None) -> tuple[str, PhoneType] | None:
    try:
        phone = normalize_phone(text, region)
    except PhoneProblem:
        return None
    return phone.e164, phone.type


def problem(cell: str, region: str | None) -> str:
    with pytest.raises(PhoneProblem) as caught:
        normalize_phone(cell, region)
    return str(caught.value)


@pytest.mark.parametrize(
    ("cell", "region", "e164"),
    [
        ("+33612345678", None, "+33612345678"),
        ("+33 6 12 34 56 78", None, "+33612345678"),
        ("+33 (0)6 12 34 56 78", None, "+33612345678"),
        ("0033 6 12 34 56 78", None, "+33612345678"),
        ("0612345678", "FR", "+33612345678"),
        ("06.12.34.56.78", "FR", "+33612345678"),
        ("06-12-34-56-78", "FR", "+33612345678"),
        ("612345678", "FR", "+33612345678"),
        ("33612345678", "FR", "+33612345678"),
        ("  +33612345678  ", None, "+33612345678"),
        ("(201) 555-0123", "US", "+12015550123"),
        ("020 7946 0018", "GB", "+442079460018"),
        ("".join(chr(0xFF10 + int(d)) for d in "0612345678"), "FR", "+33612345678"),  # full width
        ("\u0660\u0666\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668", "FR", "+33612345678"),
    ],
)
def test_numbers_written_every_usual_way(cell: str, region: str | None, e164: str) -> None:
    assert normalize_phone(cell, region).e164 == e164


@pytest.mark.parametrize(
    ("cell", "region", "repairs"),
    [
        ("33612345678.0", "FR", "stored as a number, + missing"),
        ("33612345678,0", None, "stored as a number, + missing"),
        ("612345678.0", "FR", "stored as a number"),
        ("3.3612345678E+10", None, "scientific notation, + missing"),
        ("3,3612345678E+10", "FR", "scientific notation, + missing"),
        ("3.3612345678e10", "BE", "scientific notation, + missing"),
        ("'+33612345678", None, "leading apostrophe"),
        ("'0612345678", "FR", "leading apostrophe"),
        ("33612345678", None, "+ missing"),
        ("33612345678", "GB", "+ missing"),
        ("'33612345678.0", None, "leading apostrophe, stored as a number, + missing"),
    ],
)
def test_spreadsheet_damage_is_undone_and_noted(
    cell: str, region: str | None, repairs: str
) -> None:
    phone = normalize_phone(cell, region)
    assert phone.e164 == "+33612345678"
    assert phone.notes == (
        f"recovered from spreadsheet damage: {cell!r} read as +33612345678 ({repairs})",
    )


def test_a_national_number_is_read_in_its_region_before_any_missing_plus() -> None:
    # As a French number this is valid; the international reading (+61 2...) is not tried.
    assert normalize_phone("612345678", "FR") == ("+33612345678", PhoneType.MOBILE, ())


def test_digits_valid_only_abroad_are_read_as_a_lost_plus() -> None:
    phone = normalize_phone("447400123456", "FR")
    assert phone.e164 == "+447400123456"
    assert phone.notes == (
        "recovered from spreadsheet damage: '447400123456' read as +447400123456 (+ missing)",
    )


def test_digits_starting_with_the_rows_own_calling_code_are_international() -> None:
    # Also a (strange) valid German number as written; a number stored as a number that lost
    # its "+" is the likelier story, and the row says which reading was taken.
    phone = normalize_phone("4915123456789", "DE")
    assert phone.e164 == "+4915123456789"
    assert phone.notes == (
        "recovered from spreadsheet damage: '4915123456789' read as +4915123456789 (+ missing)",
    )


@pytest.mark.parametrize("cell", ["3.36123E+10", "3.36E+10", "3E+10", "4.178513433E+10"])
def test_digits_a_spreadsheet_already_lost_fail_the_row(cell: str) -> None:
    assert problem(cell, "FR") == f"{PRECISION_LOST}: {cell!r}"
    assert problem(cell, None).startswith("precision lost in a spreadsheet")


@pytest.mark.parametrize(
    ("cell", "extension"),
    [
        ("+33 6 12 34 56 78 ext. 123", "123"),
        ("+33 6 12 34 56 78 ext 123", "123"),
        ("+33612345678x123", "123"),
        ("+33 6 12 34 56 78 #45", "45"),
        ("06 12 34 56 78 extension 9", "9"),
        ("+33612345678;ext=77", "77"),
    ],
)
def test_extensions_are_dropped_with_a_note(cell: str, extension: str) -> None:
    phone = normalize_phone(cell, "FR")
    assert phone.e164 == "+33612345678"
    assert phone.notes == (f"extension {extension} dropped",)


@pytest.mark.parametrize("cell", ["call me", "n/a", "tbd", "-", "+", "'", "1-800-FLOWERS"])
def test_text_that_is_not_a_number(cell: str) -> None:
    assert problem(cell, "FR") == f"not a phone number: {cell!r}"


@pytest.mark.parametrize(
    ("cell", "region", "reason"),
    [
        ("+33 12", None, "invalid phone number '+33 12': too short"),
        (
            "+33 6 12 34 56 78 90 12",
            None,
            "invalid phone number '+33 6 12 34 56 78 90 12': too long",
        ),
        ("+999 1234567", None, "invalid phone number '+999 1234567': invalid country code"),
        ("06 12", "FR", "invalid phone number '06 12': too short"),
        ("061234567890123", "FR", "invalid phone number '061234567890123': too long"),
        ("12345", "US", "invalid phone number '12345': too short"),
        ("+1 555 010", "US", "invalid phone number '+1 555 010': too short"),
    ],
)
def test_invalid_numbers_say_why_and_quote_the_cell(
    cell: str, region: str | None, reason: str
) -> None:
    assert problem(cell, region) == reason


def test_a_possible_but_unassigned_number_is_refused() -> None:
    # Right length for France, but no French number starts with 0 after the country code.
    reason = problem("+33 0 00 00 00 00", None)
    assert reason.startswith("invalid phone number '+33 0 00 00 00 00': ")


def test_a_national_number_without_any_region_fails_asking_for_one() -> None:
    assert problem("0612345678", None) == (
        "no country for '0612345678': add a country column, --region or default_region"
    )
    assert problem("06 12 34 56 78", None).startswith("no country for '06 12 34 56 78'")


@pytest.mark.parametrize(
    ("cell", "region", "e164"),
    [
        ("+447400123456", "FR", "+447400123456"),
        ("+1 201 555 0123", "DE", "+12015550123"),
        ("0044 7400 123456", "US", "+447400123456"),
    ],
)
def test_a_valid_foreign_number_is_never_refused_for_its_country(
    cell: str, region: str, e164: str
) -> None:
    assert normalize_phone(cell, region).e164 == e164


@pytest.mark.parametrize(
    ("cell", "kind"),
    [
        ("+33612345678", PhoneType.MOBILE),
        ("+33 1 23 45 67 89", PhoneType.FIXED_LINE),
        ("+1 201 555 0123", PhoneType.FIXED_LINE_OR_MOBILE),
        ("+33 800 12 34 56", PhoneType.TOLL_FREE),
        ("+44 20 7946 0018", PhoneType.FIXED_LINE),
    ],
)
def test_the_number_type_comes_along(cell: str, kind: PhoneType) -> None:
    assert normalize_phone(cell, None).type is kind


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, each text phonenumbers.parse is called with, in order."""
    parsed: list[str] = []
    real_parse = phonenumbers.parse

    def counting_parse(text: str, region: str | None = None) -> phonenumbers.PhoneNumber:
        parsed.append(text)
        return real_parse(text, region)

    monkeypatch.setattr(phonenumbers, "parse", counting_parse)
    return parsed


def _regions_with(kind: int) -> Iterator[tuple[str, phonenumbers.PhoneNumber]]:
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is not None:
            yield region, example


@pytest.mark.parametrize(("region", "example"), list(_regions_with(PhoneNumberType.MOBILE)))
def test_every_regions_example_mobile(region: str, example: phonenumbers.PhoneNumber) -> None:
    e164 = phonenumbers.format_number(example, PhoneNumberFormat.E164)
    national = phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)
    assert normalize_phone(national, region).e164 == e164
    assert normalize_phone(international, None).e164 == e164
    assert normalize_phone(e164, None).e164 == e164


def _example_cells() -> Iterator[tuple[str, str | None]]:
    """Every region's example numbers of every type, with some digits changed (valid or not),
    as E.164, international and national (with the region) text."""
    rng = random.Random(20)
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in _TYPES_WITH_EXAMPLES:
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            nsn = phonenumbers.national_significant_number(example)
            variants = {nsn, nsn[:-1], nsn + "7"}
            variants |= {nsn[:-2] + f"{rng.randrange(100):02d}" for _ in range(4)}
            for variant in variants:
                text = f"+{example.country_code}{variant}"
                number = phonenumbers.parse(text)
                yield text, None
                yield phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL), None
                national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
                if not national.isdigit():  # bare digits may be read as a lost "+": see above
                    yield national, region


def test_every_region_and_number_type_agrees_with_phonenumbers() -> None:
    mismatches = [
        (text, region, reference(text, region), ours(text, region))
        for text, region in _example_cells()
        if reference(text, region) != ours(text, region)
    ]
    assert mismatches == []


def test_the_fast_path_reads_almost_every_example_without_phonenumbers_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The speed comes from not calling parse: prove it is actually skipped."""
    parsed = count_parses(monkeypatch)
    national = PhoneNumberFormat.NATIONAL
    cells = [
        (phonenumbers.format_number(example, style), region if style == national else None)
        for kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE)
        for region, example in _regions_with(kind)
        for style in (PhoneNumberFormat.E164, PhoneNumberFormat.INTERNATIONAL, national)
    ]
    for text, region in cells:
        normalize_phone(text, region)
    assert len(parsed) <= len(cells) // 100, parsed


@settings(max_examples=400, deadline=None)
@given(
    code=st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
    rest=st.text(alphabet="0123456789", min_size=1, max_size=14),
)
def test_any_international_digits_agree_with_phonenumbers(code: int, rest: str) -> None:
    text = f"+{code}{rest}"
    assert ours(text, None) == reference(text, None)


@settings(max_examples=400, deadline=None)
@given(
    region=st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
    digits=st.text(alphabet="0123456789", min_size=3, max_size=13),
)
def test_any_national_text_agrees_with_phonenumbers(region: str, digits: str) -> None:
    # "00" always starts an international number here, whatever the region's own prefix.
    assume(not digits.startswith("00"))
    text = f"{digits[:2]} {digits[2:]}"  # written with a space: not a spreadsheet number
    assert ours(text, region) == reference(text, region)


@settings(max_examples=300, deadline=None)
@given(
    cell=st.text(alphabet=st.sampled_from("0123456789+-.()/ '#xe,;=E\u00a0\uff10a"), max_size=24),
    region=st.sampled_from([None, "FR", "US", "AR", "DE"]),
)
def test_any_cell_gives_a_number_or_a_reason_never_an_exception(
    cell: str, region: str | None
) -> None:
    try:
        phone = normalize_phone(cell, region)
    except PhoneProblem as exc:
        reason = str(exc)
        phone = None
    else:
        reason = ""
    if phone is None:
        assert reason
    else:
        assert phone.e164.startswith("+")
        assert phone.e164[1:].isdigit()
