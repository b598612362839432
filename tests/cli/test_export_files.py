"""Files as real tools export them: every usable number found, per row, without a mapping.

Each file is written here with its tool's published header row and value conventions
(Google's " ::: " joins and UTF-8 BOM, Outlook's Country/Region columns, Apple's item groups
with X-ABLabel, Android's 2.1 quoted-printable names, a French Excel CSV in cp1252 with ";").
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import rows_by_number, run_cli

FIXED = "fixed-line number {} cannot receive SMS messages"
MOBILE_A, MOBILE_B, HOME = "+33612345678", "+33612345679", "+33142685300"


def validate(path: Path, *options: str) -> dict[int, dict[str, Any]]:
    run = run_cli("validate", path, "--output", "json", "-p", "octopush", *options)
    assert run.exit_code in (0, 1), run.stderr
    return rows_by_number(run.json())


def expect(rows: dict[int, dict[str, Any]], wanted: dict[int, tuple[str | None, str]]) -> None:
    """Per row: the phone chosen (None: the row failed) and a piece of its reason."""
    for row, (phone, reason) in wanted.items():
        got = rows[row]
        assert got["phone"] == phone if phone else got["status"] == "failed", (row, got)
        if phone:
            assert got["status"] in ("skipped", "failed"), (row, got)
        assert reason in (got["reason"] or ""), (row, got)


GOOGLE_CURRENT = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,"
    "Phone 2 - Value,Address 1 - Label,Address 1 - Country\n"
    "Axelle,,Durand,,,,,,,,,,,,,,* myContacts,* Home,axelle@example.com,Home,"
    "+33 1 42 68 53 00,Mobile,+33 6 12 34 56 78,,\n"
    "Bruno,,Petit,,,,,,,,,,,,,,* myContacts,,,Mobile,"
    "+33 6 12 34 56 79 ::: +33 6 12 34 56 78,,,,\n"
    "Chloé,,Martin,,,,,,,,,,,,,,* myContacts,,,Home Fax,+33 6 12 34 56 80,Work,"
    "01 42 68 53 00,Home,France\n"
    "Denis,,Roy,,,,,,,,,,,,,,* myContacts,,,Work,01 42 68 53 00 ::: +33 6 12 34 56 81,,,,\n"
)


def test_google_contacts_current_csv_picks_the_mobile_of_each_row(tmp_path: Path) -> None:
    path = tmp_path / "google.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOGLE_CURRENT.encode())
    rows = validate(path, "-r", "FR")
    expect(
        rows,
        {
            2: (MOBILE_A, "phone from column 'Phone 2 - Value'"),
            3: (MOBILE_B, "valid"),
            # The fax is never used; the work number is a fixed line, refused as one.
            4: (HOME, FIXED.format(HOME)),
            5: ("+33612345681", "phone: number 2 of 2 in column 'Phone 1 - Value'"),
        },
    )


GOOGLE_LEGACY = (
    "Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,"
    "Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,"
    "Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,"
    "Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Language,Photo,"
    "Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
    "Phone 2 - Type,Phone 2 - Value\n"
    "Axelle Durand,Axelle,,Durand,,,,,,,,,,,,,,,,,,,,,,,,,* myContacts,* Home,"
    "axelle@example.com,Home,+33 1 42 68 53 00,Mobile,+33 6 12 34 56 78\n"
    "Eve Blanc,Eve,,Blanc,,,,,,,,,,,,,,,,,,,,,,,,,* myContacts,,,Pager,+33 6 12 34 56 82,"
    "Other,+33 6 12 34 56 83\n"
)


def test_google_contacts_legacy_csv_reads_the_type_columns(tmp_path: Path) -> None:
    path = tmp_path / "google-legacy.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOGLE_LEGACY.encode())
    rows = validate(path)
    expect(
        rows,
        {
            2: (MOBILE_A, "phone from column 'Phone 2 - Value'"),
            3: ("+33612345683", "phone from column 'Phone 2 - Value'"),
        },
    )


OUTLOOK_HEADER = (
    "First Name,Middle Name,Last Name,Title,Suffix,Company,Department,Job Title,"
    "Business Street,Business City,Business Postal Code,Business Country/Region,Home Street,"
    "Home City,Home Postal Code,Home Country/Region,Other Country/Region,Assistant's Phone,"
    "Business Fax,Business Phone,Business Phone 2,Callback,Car Phone,Company Main Phone,"
    "Home Fax,Home Phone,Home Phone 2,ISDN,Mobile Phone,Other Fax,Other Phone,Pager,"
    "Primary Phone,Radio Phone,TTY/TDD Phone,Telex,Categories,E-mail Address,E-mail Type,"
    "E-mail Display Name\n"
)


def outlook_row(name: str, country: dict[str, str], phones: dict[str, str]) -> str:
    columns = OUTLOOK_HEADER.strip().split(",")
    cells = dict.fromkeys(columns, "")
    cells.update({"First Name": name, **country, **phones})
    return ",".join(f'"{cells[column]}"' for column in columns) + "\n"


def test_outlook_desktop_csv_uses_any_phone_column_and_any_country_column(
    tmp_path: Path,
) -> None:
    path = tmp_path / "outlook.csv"
    rows_text = [
        outlook_row("A", {"Home Country/Region": "France"}, {"Home Phone": "06 12 34 56 78"}),
        outlook_row("B", {"Business Country/Region": "FR"}, {"Business Phone": "0612345679"}),
        outlook_row("C", {"Other Country/Region": "fr"}, {"Primary Phone": "01 42 68 53 00"}),
        outlook_row("D", {}, {"Mobile Phone": "+33 6 12 34 56 84", "Home Phone": "0142"}),
        outlook_row("E", {"Home Country/Region": "France"}, {"Business Fax": "0612345685"}),
    ]
    path.write_text(OUTLOOK_HEADER + "".join(rows_text), encoding="utf-8")
    rows = validate(path)
    expect(
        rows,
        {
            2: (MOBILE_A, "phone from column 'Home Phone'"),
            3: (MOBILE_B, "phone from column 'Business Phone'"),
            4: (HOME, FIXED.format(HOME)),
            5: ("+33612345684", "valid"),
            6: (None, "no phone or e-mail"),
        },
    )


def test_hubspot_mailchimp_and_salesforce_exports(tmp_path: Path) -> None:
    hubspot = tmp_path / "hubspot.csv"
    hubspot.write_text(
        "Record ID,First Name,Last Name,Email,Phone Number,Mobile Phone Number,"
        "WhatsApp Phone Number,Country/Region\n"
        "101,Axelle,Durand,a@example.com,,,+33 6 12 34 56 78,France\n"
        "102,Bruno,Petit,b@example.com,0612345679,,,France\n",
        encoding="utf-8",
    )
    expect(validate(hubspot), {2: (MOBILE_A, "WhatsApp Phone Number"), 3: (MOBILE_B, "")})
    mailchimp = tmp_path / "mailchimp.csv"
    mailchimp.write_text(
        '"Email Address","First Name","Last Name","Address","Phone Number"\n'
        '"a@example.com","Axelle","Durand","1 rue de Rivoli  Paris  75001 FR","+33612345678"\n',
        encoding="utf-8",
    )
    expect(validate(mailchimp), {2: (MOBILE_A, "valid")})
    salesforce = tmp_path / "salesforce.csv"
    salesforce.write_text(
        '"Id","FirstName","LastName","Email","Phone","MobilePhone","HomePhone","OtherPhone",'
        '"MailingCountry","OtherCountry"\n'
        '"0035","Axelle","Durand","a@example.com","01 42 68 53 00","","06 12 34 56 78","",'
        '"","France"\n'
        '"0036","Bruno","Petit","b@example.com","","","","0612345679","France",""\n',
        encoding="utf-8",
    )
    expect(
        validate(salesforce),
        {2: (MOBILE_A, "phone from column 'HomePhone'"), 3: (MOBILE_B, "'OtherPhone'")},
    )


APPLE_VCARD = """BEGIN:VCARD
VERSION:3.0
N:Durand;Axelle;;;
FN:Axelle Durand
item1.TEL;type=pref:+33 1 42 68 53 00
item1.X-ABLabel:_$!<Home>!$_
item2.TEL:+33 6 12 34 56 78
item2.X-ABLabel:_$!<Mobile>!$_
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Petit;Bruno;;;
FN:Bruno Petit
TEL;type=FAX;type=WORK:+33 6 12 34 56 86
TEL;type=HOME:+33 1 42 68 53 00
END:VCARD
"""

ANDROID_VCARD = """BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Lef=C3=A8vre;Chlo=C3=A9;;;
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Chlo=C3=A9=20Lef=C3=A8vre
TEL;HOME:+33142685300
TEL;CELL:+33612345679
END:VCARD
"""


def test_apple_and_android_vcards_find_the_mobile(tmp_path: Path) -> None:
    apple = tmp_path / "apple.vcf"
    apple.write_text(APPLE_VCARD.replace("\n", "\r\n"), encoding="utf-8")
    expect(validate(apple), {1: (MOBILE_A, "valid"), 2: (HOME, FIXED.format(HOME))})
    android = tmp_path / "android.vcf"
    android.write_text(ANDROID_VCARD.replace("\n", "\r\n"), encoding="utf-8")
    rows = validate(android)
    expect(rows, {1: (MOBILE_B, "valid")})
    assert rows[1]["name"] == "Chloé Lefèvre"


def test_a_french_excel_csv_in_cp1252_with_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "contacts-fr.csv"
    path.write_bytes(
        "Prénom;Nom;Téléphone;Portable;Courriel;Pays\r\n"
        "Élodie;Mercier;01 42 68 53 00;06 12 34 56 78;elodie@example.fr;France\r\n"
        "Gérard;Lenoir;01 42 68 53 00;;gerard@example.fr;France\r\n".encode("cp1252")
    )
    rows = validate(path)
    expect(rows, {2: (MOBILE_A, "valid"), 3: (HOME, FIXED.format(HOME))})
    assert rows[2]["name"] == "Élodie Mercier"


def test_german_spanish_portuguese_italian_dutch_spreadsheets(tmp_path: Path) -> None:
    sheets = {
        "de.csv": "Vorname;Nachname;Telefon;Mobil;E-Mail;Land\n"
        "Jonas;Weber;030 1234567;0151 23456789;j@example.de;Deutschland\n"
        "Lena;Huber;01 5123456;;l@example.at;Österreich\n",
        "es.csv": "Nombre,Apellidos,Teléfono,Móvil,Correo electrónico,País\n"
        "Lucía,García,,55 1234 5678,l@example.mx,México\n",
        "pt.csv": "Nome,Apelido,Telemóvel,País\nJoão,Silva,912 345 678,Portugal\n",
        "it.csv": "Nome,Cognome,Cellulare,Paese\nGiulia,Rossi,312 345 6789,Italia\n",
        "nl.csv": "Voornaam,Achternaam,Telefoonnummer,Mobiel,Land\n"
        "Daan,de Vries,020 123 4567,06 12345678,Nederland\n",
    }
    expected = {
        "de.csv": {2: ("+4915123456789", "valid"), 3: ("+4315123456", "'Telefon'")},
        "es.csv": {2: ("+525512345678", "valid")},
        "pt.csv": {2: ("+351912345678", "valid")},
        "it.csv": {2: ("+393123456789", "valid")},
        "nl.csv": {2: ("+31612345678", "valid")},
    }
    for name, text in sheets.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        expect(validate(path, "--allow-landlines"), expected[name])


def test_an_xlsx_number_that_lost_its_digits_fails_like_the_same_text_in_a_csv(
    tmp_path: Path,
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Mobile"])
    sheet.append(["Typed 3.36123E+10", 33612300000])  # what Excel stores for that text
    sheet.append(["Float too", 447400000000.0])
    sheet.append(["Every digit", 33612345678])
    sheet.append(["Short round number", 612000000])  # 9 digits: not the rule's case
    book.save(tmp_path / "damaged.xlsx")
    csv = tmp_path / "damaged.csv"
    csv.write_text("Name,Mobile\nTyped,3.36123E+10\n", encoding="utf-8")
    rows = validate(tmp_path / "damaged.xlsx", "-r", "FR")
    expect(
        rows,
        {
            2: (None, "precision lost in a spreadsheet: '3.36123E+10'"),
            3: (None, "precision lost in a spreadsheet: '4.474E+11'"),
            4: (MOBILE_A, "valid"),
            5: ("+33612000000", "valid"),
        },
    )
    assert validate(csv)[2]["reason"] == rows[2]["reason"]


def test_json_columns_are_every_objects_keys_even_a_late_one(tmp_path: Path) -> None:
    objects = [{"name": f"P{n}", "email": f"p{n}@example.com"} for n in range(600)]
    objects[2] = {"name": "Late", "phoneNumber": "06 12 34 56 78", "address": {"country": "FR"}}
    objects[599] = {"name": "Last", "mobile": "+33 6 12 34 56 79"}
    as_json = tmp_path / "contacts.json"
    as_json.write_text(json.dumps({"contacts": objects}), encoding="utf-8")
    as_jsonl = tmp_path / "contacts.jsonl"
    as_jsonl.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
    for path, last_row in ((as_json, 600), (as_jsonl, 600)):
        rows = validate(path, "--allow-landlines")
        expect(rows, {3: (MOBILE_A, "valid"), last_row: (MOBILE_B, "valid")})
        assert len(rows) == 600


def test_standard_input_that_cannot_be_rewound_is_read_twice_from_a_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from contactctl.readers import source
    from contactctl.readers.decoding import open_text
    from contactctl.readers.json_values import with_every_key
    from contactctl.readers.jsonl_table import _rows
    from contactctl.readers.source import ByteInput

    lines = b'{"name": "A"}\n{"name": "B", "mobile": "+33612345678"}\n'
    read_end, write_end = os.pipe()
    os.write(write_end, lines[:10])
    os.write(write_end, lines[10:])
    os.close(write_end)
    # A first block of 10 bytes stands for the 64 KiB one, so the rest is still in the pipe.
    monkeypatch.setattr(source, "HEAD_BYTES", 10)
    with open(read_end, "rb") as pipe:
        assert not pipe.seekable()
        data = ByteInput("<stdin>", pipe.read(10), pipe)
        headers, rows = with_every_key(data, lambda d: _rows(open_text(d, None), 1000))
        assert headers == ["name", "mobile"]
        assert [dict(row.cells) for row in rows] == [
            {"name": "A"},
            {"name": "B", "mobile": "+33612345678"},
        ]


def test_german_and_spanish_excel_workbooks_with_numbers_typed_as_numbers(
    tmp_path: Path,
) -> None:
    """Excel drops a typed number's leading 0 (0151... is stored as 151...): still found."""
    import openpyxl

    sheets = {
        "kontakte.xlsx": [
            ["Vorname", "Nachname", "Telefon", "Mobil", "E-Mail", "Land"],
            ["Jonas", "Weber", "030 1234567", 15123456789, "j@example.de", "Deutschland"],
            ["Lena", "Huber", None, "0151 23456788", "l@example.de", "Deutschland"],
            ["Eva", "Maier", 301234567, None, "e@example.de", "Deutschland"],
        ],
        "contactos.xlsx": [
            ["Nombre", "Apellidos", "Teléfono", "Móvil", "Correo electrónico", "País"],
            ["Lucía", "García", None, 612345678, "l@example.es", "España"],
        ],
    }
    for name, cells in sheets.items():
        book = openpyxl.Workbook()
        for line in cells:
            book.active.append(line)
        book.save(tmp_path / name)
    expect(
        validate(tmp_path / "kontakte.xlsx"),
        {
            2: ("+4915123456789", "valid"),
            3: ("+4915123456788", "valid"),
            4: (None, FIXED.format("+49301234567") + "; pass --allow-landlines"),
        },
    )
    expect(validate(tmp_path / "contactos.xlsx"), {2: ("+34612345678", "valid")})
