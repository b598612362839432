"""Headers → contact fields: aliases from real exports, precedence, the user's mapping."""

from __future__ import annotations

import pytest

from contactctl.errors import ConfigError, InputError
from contactctl.intake.mapping import FIELDS, ColumnMap, MappingSpec, is_blank
from contactctl.model import RawRow


def field_of(header: str, key_column: str = "Email") -> str | None:
    """The field a header feeds (None when unmapped), in a file that also has a phone or
    e-mail column so that the file can be mapped at all."""
    columns = ColumnMap.build("c.csv", [header, key_column], None)
    return columns.assignments.get(header)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # phone
        ("phone", "phone"),
        ("Mobile", "phone"),
        ("mobile number", "phone"),
        ("mobile_number", "phone"),
        ("MSISDN", "phone"),
        ("Cell", "phone"),
        ("Cell Phone", "phone"),
        ("Telephone", "phone"),
        ("Tel.", "phone"),
        ("Phone Number", "phone"),
        ("WhatsApp", "phone"),
        ("Phone 1 - Value", "phone"),  # Google Contacts
        ("Mobile Phone", "phone"),  # Outlook
        ("Primary Phone", "phone"),
        ("Business Phone", "phone"),
        ("Home Phone", "phone"),
        ("Mobile Phone Number", "phone"),  # HubSpot
        # email
        ("email", "email"),
        ("E-mail", "email"),
        ("Email Address", "email"),
        ("E-mail Address", "email"),  # Outlook
        ("E-mail 1 - Value", "email"),  # Google
        # names
        ("First Name", "first_name"),
        ("firstname", "first_name"),
        ("Given Name", "first_name"),
        ("Forename", "first_name"),
        ("Last Name", "last_name"),
        ("lastname", "last_name"),
        ("Surname", "last_name"),
        ("Family Name", "last_name"),
        ("Name", "name"),
        ("Full Name", "name"),
        ("Display Name", "name"),
        ("Contact Name", "name"),
        # ids
        ("External ID", "external_id"),
        ("id", "external_id"),
        ("User ID", "external_id"),
        ("Contact ID", "external_id"),
        ("Customer ID", "external_id"),
        ("Record ID", "external_id"),  # HubSpot
        # tags and lists
        ("Tags", "tags"),
        ("TAGS", "tags"),  # Mailchimp
        ("Labels", "tags"),
        ("Categories", "tags"),
        ("Group Membership", "tags"),  # Google
        ("Lists", "lists"),
        ("List", "lists"),
        ("Segment", "lists"),
        # country
        ("Country", "country"),
        ("Country Code", "country"),
        ("Country/Region", "country"),  # HubSpot
        ("Business Country/Region", "country"),  # Outlook
        # opt-in
        ("Opt In", "opt_in"),
        ("optin", "opt_in"),
        ("opt_in", "opt_in"),
        ("Consent", "opt_in"),
        ("Subscribed", "opt_in"),
        ("Marketing Consent", "opt_in"),
    ],
)
def test_known_headers(header: str, field: str) -> None:
    assert field_of(header, "Email" if field == "phone" else "Mobile") == field


@pytest.mark.parametrize(
    "header", ["Mobile Phone", "mobile_phone", "MOBILE-PHONE", " mobile.phone ", "MobilePhone"]
)
def test_headers_compare_without_case_or_punctuation(header: str) -> None:
    assert field_of(header) == "phone"


@pytest.mark.parametrize(
    ("headers", "phone_column"),
    [
        (["Home Phone", "Mobile"], "Mobile"),
        (["Business Phone", "Mobile Phone", "Home Phone"], "Mobile Phone"),  # Outlook
        (["Primary Phone", "Business Phone"], "Primary Phone"),
        (["Phone", "Cell"], "Cell"),
        (["Telephone", "WhatsApp"], "WhatsApp"),
        (["Phone Number", "Mobile Phone Number"], "Mobile Phone Number"),  # HubSpot
        (["Phone 1 - Type", "Phone 1 - Value"], "Phone 1 - Value"),  # Google
    ],
)
def test_every_phone_column_is_used_best_kind_first(headers: list[str], phone_column: str) -> None:
    columns = ColumnMap.build("c.csv", [*headers, "Email"], None)
    phones = [column.header for column in columns.phone_columns]
    assert phones[0] == phone_column
    assert sorted(phones) == sorted(h for h in headers if h != "Phone 1 - Type")
    assert columns.unmapped == []


def test_an_outlook_export() -> None:
    headers = [
        "First Name", "Last Name", "Company", "E-mail Address", "Mobile Phone",
        "Business Phone", "Home Phone", "Business Fax", "Pager", "Business Country/Region",
        "Home Country/Region", "Categories",
    ]  # fmt: skip
    columns = ColumnMap.build("outlook.csv", headers, None)
    assert columns.field_columns == {
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "email": ("E-mail Address",),
        "phone": ("Mobile Phone", "Home Phone", "Business Phone"),
        "country": ("Home Country/Region", "Business Country/Region"),
        "tags": ("Categories",),
    }
    assert columns.unmapped == ["Company", "Business Fax", "Pager"]


def test_a_google_contacts_export() -> None:
    headers = [
        "Name", "Given Name", "Family Name", "Group Membership", "E-mail 1 - Type",
        "E-mail 1 - Value", "Phone 1 - Type", "Phone 1 - Value", "Phone 2 - Label",
        "Phone 2 - Value",
    ]  # fmt: skip
    columns = ColumnMap.build("google.csv", headers, None)
    assert columns.assignments == {
        "Name": "name",
        "Given Name": "first_name",
        "Family Name": "last_name",
        "Group Membership": "tags",
        "E-mail 1 - Value": "email",
        "Phone 1 - Value": "phone",
        "Phone 2 - Value": "phone",
    }
    assert [c.labels for c in columns.phone_columns] == [("Phone 1 - Type",), ("Phone 2 - Label",)]
    assert columns.unmapped == ["E-mail 1 - Type"]


def test_the_vcard_readers_headers() -> None:
    headers = [
        "Full Name", "First Name", "Last Name", "Phone", "Other Phones", "Email", "Tags",
        "Organization",
    ]  # fmt: skip
    columns = ColumnMap.build("cards.vcf", headers, None)
    assert columns.unmapped == ["Organization"]
    assert columns.field_columns["phone"] == ("Phone", "Other Phones")
    assert columns.assignments["Full Name"] == "name"
    assert columns.assignments["Tags"] == "tags"


def test_no_phone_or_email_column_is_an_input_error_listing_the_headers() -> None:
    with pytest.raises(InputError) as caught:
        ColumnMap.build("contacts.csv", ["Name", "Fax"], None)
    assert str(caught.value) == (
        "No phone or e-mail column in contacts.csv (headers: Name, Fax). "
        "Map one with mapping.phone in contactctl.yaml or --mapping."
    )


def test_an_email_column_alone_is_enough() -> None:
    assert ColumnMap.build("c.csv", ["Name", "Email"], None).assignments["Email"] == "email"


def test_an_explicit_mapping_wins_over_aliases() -> None:
    spec = MappingSpec({"phone": "Tel", "name": "Who"}, {"city": "Town"})
    columns = ColumnMap.build("c.csv", ["Mobile", "Tel", "Who", "Name", "Town"], spec)
    assert columns.assignments == {"Tel": "phone", "Who": "name"}
    assert columns.attribute_assignments == {"Town": "city"}
    assert columns.unmapped == ["Mobile", "Name"]


def test_an_explicit_mapping_finds_its_header_ignoring_case_and_punctuation() -> None:
    spec = MappingSpec({"email": "e-mail address"})
    columns = ColumnMap.build("c.csv", ["E-mail Address"], spec)
    assert columns.assignments == {"E-mail Address": "email"}


def test_an_explicit_mapping_can_feed_one_column_to_two_fields() -> None:
    spec = MappingSpec({"phone": "Mobile", "external_id": "Mobile"})
    columns = ColumnMap.build("c.csv", ["Mobile"], spec)
    mapped = columns.apply(RawRow("c.csv", 2, {"Mobile": "+33612345678"}))
    assert mapped.fields == {"phone": "+33612345678", "external_id": "+33612345678"}


def test_an_explicit_mapping_naming_a_missing_header_lists_the_headers() -> None:
    with pytest.raises(InputError) as caught:
        ColumnMap.build("c.csv", ["Mobile", "Email"], MappingSpec({"phone": "Portable"}))
    message = str(caught.value)
    assert "'Portable'" in message
    assert "(headers: Mobile, Email)" in message


def test_apply_keeps_only_non_blank_cells() -> None:
    columns = ColumnMap.build(
        "c.csv", ["Phone", "Email", "Name", "Tags", "Town"], MappingSpec({}, {"city": "Town"})
    )
    raw = RawRow(
        "c.csv",
        2,
        {"Phone": " +33612345678 ", "Email": "  ", "Name": "", "Tags": ["", " "], "Town": " Lyon "},
    )
    mapped = columns.apply(raw)
    assert mapped.fields == {"phone": " +33612345678 "}
    assert mapped.attributes == {"city": " Lyon "}


def test_list_cells_are_kept_as_lists() -> None:
    columns = ColumnMap.build("c.json", ["phone", "tags"], None)
    mapped = columns.apply(RawRow("c.json", 1, {"phone": "+33612345678", "tags": ["a", "b"]}))
    assert mapped.fields["tags"] == ["a", "b"]


def test_missing_cells_are_absent() -> None:
    columns = ColumnMap.build("c.jsonl", ["phone", "email"], None)
    mapped = columns.apply(RawRow("c.jsonl", 1, {"phone": "+33612345678"}))
    assert mapped.fields == {"phone": "+33612345678"}


# --- the mapping as written in YAML ---


def test_from_mapping_reads_fields_and_attributes() -> None:
    spec = MappingSpec.from_mapping(
        {"phone": "Mobile", "email": "E-mail Address", "attributes": {"city": "City"}}, "mapping"
    )
    assert spec.fields == {"phone": ("Mobile",), "email": ("E-mail Address",)}
    assert spec.attributes == {"city": "City"}


@pytest.mark.parametrize("data", [None, {}, {"attributes": None}])
def test_from_mapping_accepts_an_empty_mapping(data: object) -> None:
    spec = MappingSpec.from_mapping(data, "mapping")
    assert (dict(spec.fields), dict(spec.attributes)) == ({}, {})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["phone"], "contactctl.yaml: mapping must map contact fields to column headers."),
        ({"phon": "Mobile"}, "contactctl.yaml: mapping.phon is not a contact field."),
        ({"phone": 33}, "contactctl.yaml: mapping.phone must be a column header (text)."),
        ({"phone": ""}, "contactctl.yaml: mapping.phone must be a column header (text)."),
        ({"attributes": ["City"]}, "contactctl.yaml: mapping.attributes must map attribute"),
        ({"attributes": {"city": 3}}, "contactctl.yaml: mapping.attributes.city must be a column"),
    ],
)
def test_from_mapping_errors_name_the_key_path(data: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        MappingSpec.from_mapping(data, "contactctl.yaml: mapping")
    assert str(caught.value).startswith(message)


def test_an_unknown_field_error_lists_the_fields() -> None:
    with pytest.raises(ConfigError) as caught:
        MappingSpec.from_mapping({"mobile": "Mobile"}, "--mapping m.yaml")
    assert caught.value.hint == f"Fields: {', '.join(FIELDS)}; and ignore: [columns]."


def test_a_mapping_file_lists_columns_switches_fields_off_and_ignores_columns() -> None:
    spec = MappingSpec.from_mapping(
        {"phone": ["Home", "Work"], "tags": None, "ignore": ["Fax"], "country": ["Pays"]},
        "mapping",
    )
    assert spec.fields == {"phone": ("Home", "Work"), "tags": (), "country": ("Pays",)}
    headers = ["Mobile", "Home", "Work", "Categories", "Fax", "Pays", "Country"]
    columns = ColumnMap.build("c.csv", headers, spec)
    assert columns.field_columns == {"phone": ("Home", "Work"), "country": ("Pays",)}
    # Tags are off, so Categories is reported; the ignored Fax is not.
    assert columns.unmapped == ["Mobile", "Categories", "Country"]
    mapped = columns.apply(RawRow("c.csv", 2, {"Home": " ", "Work": "+33612345678"}))
    assert mapped.fields == {"phone": "+33612345678"}
    assert mapped.phones == (("Work", "+33612345678"),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": ["A", "B"]}, "mapping.email must be a column header (text)."),
        ({"phone": ["A", 3]}, "mapping.phone must be a list of column headers."),
        ({"ignore": {"A": 1}}, "mapping.ignore must be a list of column headers."),
    ],
)
def test_lists_only_where_a_field_takes_several_columns(data: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        MappingSpec.from_mapping(data, "mapping")
    assert str(caught.value).startswith(message)


def test_google_labels_order_the_phone_columns_per_row() -> None:
    headers = ["Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value"]
    columns = ColumnMap.build("g.csv", headers, None)
    cells = {"Phone 1 - Label": "Work Fax", "Phone 1 - Value": "1", "Phone 2 - Label": "Home"}
    mapped = columns.apply(RawRow("g.csv", 2, {**cells, "Phone 2 - Value": "2"}))
    assert mapped.phones == (("Phone 2 - Value", "2"),)
    cells = {"Phone 1 - Label": "Home", "Phone 1 - Value": "1", "Phone 2 - Label": "Mobile"}
    mapped = columns.apply(RawRow("g.csv", 2, {**cells, "Phone 2 - Value": "2"}))
    assert mapped.phones == (("Phone 2 - Value", "2"), ("Phone 1 - Value", "1"))
    assert mapped.fields["phone"] == "2"


@pytest.mark.parametrize("cell", ["", "  ", "\u200b", "\ufeff \t", "\u2060\u00ad", ["", "\u200b"]])
def test_whitespace_and_format_characters_alone_are_blank(cell: str | list[str]) -> None:
    assert is_blank(cell)


@pytest.mark.parametrize("cell", ["a", "\u200bAxelle", " 0 ", ["", "x"]])
def test_any_visible_character_is_not_blank(cell: str | list[str]) -> None:
    assert not is_blank(cell)
