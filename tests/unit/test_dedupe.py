"""In-import duplicates: later rows with a seen identity key are skipped, naming the first."""

from __future__ import annotations

import pytest

from contactctl.intake.dedupe import Deduper, compact_key
from contactctl.model import Contact, RowResult, Status


def person(source: str, row: int, **fields: str | None) -> Contact:
    return Contact(source=source, row=row, **fields)  # type: ignore[arg-type]


def test_the_first_row_passes_and_later_ones_name_it_across_files() -> None:
    deduper = Deduper(Deduper.default_key)
    assert deduper.check(person("a.csv", 2, phone="+33612345678", name="Axelle")) is None
    assert deduper.check(person("a.csv", 3, phone="+33698765432")) is None
    second = deduper.check(person("b.xlsx", 9, phone="+33612345678", name="A. Durand"))
    assert second == RowResult(
        source="b.xlsx",
        row=9,
        status=Status.SKIPPED,
        reason="duplicate of a.csv row 2",
        name="A. Durand",
        phone="+33612345678",
    )
    third = deduper.check(person("c.json", 4, phone="+33612345678"))
    assert third is not None
    assert third.reason == "duplicate of a.csv row 2"


def test_a_contact_without_a_key_never_dedupes() -> None:
    deduper = Deduper(Deduper.default_key)
    for row in range(2, 5):
        assert deduper.check(person("a.csv", row, name="No Key")) is None
    assert len(deduper) == 0


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"phone": "+33612345678", "email": "a@example.com"}, "+33612345678"),
        ({"email": "Axelle@Example.com"}, "axelle@example.com"),
        ({"name": "Axelle"}, None),
    ],
)
def test_default_key(fields: dict[str, str], key: str | None) -> None:
    assert Deduper.default_key(person("a.csv", 2, **fields)) == key


def test_emails_differing_only_in_case_are_duplicates_by_default() -> None:
    deduper = Deduper(Deduper.default_key)
    assert deduper.check(person("a.csv", 2, email="axelle@example.com")) is None
    duplicate = deduper.check(person("a.csv", 5, email="AXELLE@example.com"))
    assert duplicate is not None
    assert duplicate.reason == "duplicate of a.csv row 2"


def test_a_providers_own_key() -> None:
    deduper = Deduper(lambda contact: contact.external_id)
    assert deduper.check(person("a.csv", 2, external_id="17", phone="+33612345678")) is None
    assert deduper.check(person("a.csv", 3, external_id="18", phone="+33612345678")) is None
    duplicate = deduper.check(person("a.csv", 4, external_id="17"))
    assert duplicate is not None
    assert duplicate.reason == "duplicate of a.csv row 2"


def test_a_skipped_duplicate_keeps_what_normalisation_noted() -> None:
    deduper = Deduper(Deduper.default_key)
    deduper.check(person("a.csv", 2, phone="+33612345678"))
    late = Contact(source="a.csv", row=3, phone="+33612345678", notes=("extension 12 dropped",))
    duplicate = deduper.check(late)
    assert duplicate is not None
    assert duplicate.reason == "duplicate of a.csv row 2; extension 12 dropped"


def test_large_row_numbers_and_many_sources_come_back_exactly() -> None:
    deduper = Deduper(Deduper.default_key)
    for index in range(300):
        deduper.check(person(f"part-{index}.csv", 1_048_577 + index, phone=f"+3361234{index:04d}"))
    duplicate = deduper.check(person("again.csv", 2, phone="+33612340299"))
    assert duplicate is not None
    assert duplicate.reason == "duplicate of part-299.csv row 1048876"
    assert len(deduper) == 300


@pytest.mark.parametrize(
    ("key", "compact"),
    [
        ("+33612345678", 33612345678),
        ("33612345678", "33612345678"),  # an external id, not a number: stays text
        ("+033612345678", "+033612345678"),  # int() would drop the zero
        ("+٣٣٦١٢", "+٣٣٦١٢"),  # Arabic-Indic digits: int() would read them as 33612
        ("+", "+"),
        ("+1234567890123456", "+1234567890123456"),  # 16 digits: longer than any E.164
        ("+" + "1" * 5000, "+" + "1" * 5000),  # int() refuses over 4,300 digits
        ("id:+33612345678", "id:+33612345678"),
        ("a@example.com", "a@example.com"),
    ],
)
def test_only_plain_e164_keys_are_stored_as_numbers(key: str, compact: str | int) -> None:
    assert compact_key(key) == compact
    assert type(compact_key(key)) is type(compact)


def test_keys_that_look_alike_stay_apart() -> None:
    deduper = Deduper(lambda contact: contact.external_id)
    keys = ["+33612", "33612", "+٣٣٦١٢", "+033612"]
    for row, key in enumerate(keys, start=2):
        assert deduper.check(person("a.csv", row, external_id=key)) is None
    again = deduper.check(person("a.csv", 9, external_id="+33612"))
    assert again is not None
    assert again.reason == "duplicate of a.csv row 2"
    assert len(deduper) == 4
