"""vCard: fixed headers, which TEL is the phone, categories as tags, bad cards fail alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactctl.readers.vcard_table import HEADERS
from tests.unit.readers_fixtures import cells, input_error, read, write


def _card(*lines: str, version: str = "3.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + "\r\n"


def test_a_card_becomes_the_fixed_headers(tmp_path: Path) -> None:
    text = _card(
        "FN:Élodie Martin",
        "N:Martin;Élodie;;;",
        "TEL;TYPE=HOME:+33 1 42 68 53 00",
        "TEL;TYPE=CELL:+33 6 12 34 56 78",
        "EMAIL;TYPE=INTERNET:elodie@example.com",
        "CATEGORIES:friends,vip",
        "CATEGORIES:vip,golf",
        "ORG:Example Ltd;Sales",
    )
    table, rows = read(write(tmp_path, "c.vcf", text))
    assert table.headers == HEADERS
    assert dict(rows[0].cells) == {
        "Full Name": "Élodie Martin",
        "First Name": "Élodie",
        "Last Name": "Martin",
        "Phone": "+33 6 12 34 56 78",
        "Other Phones": "+33 1 42 68 53 00",
        "Email": "elodie@example.com",
        "Tags": ["friends", "vip", "golf"],
        "Organization": "Example Ltd, Sales",
    }


@pytest.mark.parametrize(
    ("tels", "phone", "others"),
    [
        (["TEL;TYPE=WORK:1", "TEL;TYPE=CELL,VOICE:2", "TEL;TYPE=pref:3"], "2", "3; 1"),
        (["TEL;TYPE=WORK:1", "TEL;TYPE=HOME,pref:2"], "2", "1"),
        (["TEL;TYPE=WORK:1", "TEL;TYPE=HOME:2"], "1", "2"),
        (["TEL;TYPE=mobile:1"], "1", ""),
        (["TEL;HOME:1", "TEL;CELL:2"], "2", "1"),  # vCard 2.1 bare types
    ],
    ids=["cell wins", "then pref", "then first", "mobile", "2.1 style"],
)
def test_the_phone_is_the_mobile_then_the_preferred_then_the_first(
    tmp_path: Path, tels: list[str], phone: str, others: str
) -> None:
    rows = cells(write(tmp_path, "c.vcf", _card("FN:A", *tels)))
    assert (rows[0]["Phone"], rows[0]["Other Phones"]) == (phone, others)


def test_vcard_4_uri_numbers_and_preference_parameters(tmp_path: Path) -> None:
    text = _card(
        "FN:A",
        'TEL;VALUE=uri;TYPE="voice,home":tel:+33-1-42-68-53-00',
        'TEL;VALUE=uri;TYPE="cell,voice":tel:+33-6-12-34-56-78;ext=12',
        "EMAIL;TYPE=work:work@example.com",
        "EMAIL;PREF=1:home@example.com",
        version="4.0",
    )
    row = cells(write(tmp_path, "c.vcf", text))[0]
    assert row["Phone"] == "+33-6-12-34-56-78 ext. 12"
    assert row["Other Phones"] == "+33-1-42-68-53-00"
    assert row["Email"] == "home@example.com"


def test_quoted_printable_names_of_vcard_2_1(tmp_path: Path) -> None:
    text = _card("N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen", version="2.1")
    row = cells(write(tmp_path, "c.vcf", text))[0]
    assert (row["First Name"], row["Last Name"]) == ("Jürgen", "Müller")


def test_cards_are_numbered_and_a_bad_card_fails_alone(tmp_path: Path) -> None:
    text = (
        "junk before the first card\n"
        + _card("FN:One", "TEL:1")
        + _card("FN:Two", "THIS LINE IS NOT A PROPERTY")
        + "BEGIN:VCARD\nVERSION:3.0\nFN:Never ended\n"
        + _card("FN:Four", "TEL:4")
    )
    rows = read(write(tmp_path, "c.vcf", text))[1]
    assert [(r.row, r.cells.get("Full Name"), r.problem) for r in rows] == [
        (1, "One", None),
        (2, None, rows[1].problem),
        (3, None, "unreadable vCard: no END:VCARD line"),
        (4, "Four", None),
    ]
    assert rows[1].problem is not None
    assert rows[1].problem.startswith("unreadable vCard: ")


def test_a_card_without_phone_or_name_still_reads_blank_cells(tmp_path: Path) -> None:
    row = cells(write(tmp_path, "c.vcf", _card("EMAIL:a@example.com")))[0]
    assert row["Email"] == "a@example.com"
    assert (row["Phone"], row["Full Name"], row["Tags"]) == ("", "", [])


def test_a_file_without_cards_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "c.vcf", "Name,Mobile\nAna,1\n")
    assert f"{path} contains no vCard (no BEGIN:VCARD line)" in input_error(path)


def test_vcard_in_cp1252_is_detected(tmp_path: Path) -> None:
    text = _card("FN:René Lefèvre", "N:Lefèvre;René;;;", "TEL;TYPE=CELL:+33612345678")
    row = cells(write(tmp_path, "c.vcf", text, encoding="cp1252"))[0]
    assert row["Full Name"] == "René Lefèvre"
