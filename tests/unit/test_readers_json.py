"""JSON arrays (plain or wrapped) and JSON Lines: values as cells, positions as rows, bad items."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from contactctl.readers import json_stream
from tests.unit.readers_fixtures import cells, input_error, numbers, read, write


def test_json_values_become_cells_that_keep_every_digit(tmp_path: Path) -> None:
    text = """[{
        "Phone": 33612345678, "Float": 33612345678.0, "Sci": 3.3612345678E+10,
        "Subscribed": true, "Nothing": null, "Tags": ["vip", 7, null],
        "address": {"city": "Paris", "geo": {"zip": "75001"}}, "Empty": {}
    }]"""
    table, rows = read(write(tmp_path, "c.json", text))
    assert dict(rows[0].cells) == {
        "Phone": "33612345678",
        "Float": "33612345678.0",
        "Sci": "3.3612345678E+10",
        "Subscribed": "true",
        "Nothing": "",
        "Tags": ["vip", "7"],
        "address.city": "Paris",
        "address.geo.zip": "75001",
        "Empty": "",
    }
    assert table.headers == list(rows[0].cells)  # the first object's keys, in order


def test_json_rows_are_positions_and_non_objects_fail_alone(tmp_path: Path) -> None:
    path = write(tmp_path, "c.json", '[{"Phone": "1"}, 5, null, {"Phone": "2", "Extra": "x"}]')
    table, rows = read(path)
    assert table.headers == ["Phone", "Extra"]  # every object's keys
    assert [(r.row, dict(r.cells), r.problem) for r in rows] == [
        (1, {"Phone": "1"}, None),
        (2, {}, "item is not an object"),
        (3, {}, "item is not an object"),
        (4, {"Phone": "2", "Extra": "x"}, None),
    ]


def test_headers_come_from_the_first_object_even_after_bad_items(tmp_path: Path) -> None:
    table, rows = read(write(tmp_path, "c.json", '["x", {"Mobile": "1", "Name": "A"}]'))
    assert table.headers == ["Mobile", "Name"]
    assert [r.row for r in rows] == [1, 2]


@pytest.mark.parametrize(
    "text",
    [
        '{"contacts": [{"Phone": "1"}, {"Phone": "2"}]}',
        '{"meta": {"page": 1}, "tags": ["a", "b"], "people": [{"Phone": "1"}, {"Phone": "2"}]}',
        '{"Contacts": [{"Phone": "1"}, {"Phone": "2"}], "next": null}',
    ],
    ids=["contacts", "first array of objects", "case of the key"],
)
def test_an_object_wrapping_the_contacts_array(tmp_path: Path, text: str) -> None:
    assert cells(write(tmp_path, "c.json", text)) == [{"Phone": "1"}, {"Phone": "2"}]


@pytest.mark.parametrize("text", ["[]", '{"contacts": []}', " [ ] "])
def test_an_empty_array_has_no_headers_and_no_rows(tmp_path: Path, text: str) -> None:
    table, rows = read(write(tmp_path, "c.json", text))
    assert (table.headers, rows) == ([], [])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"meta": 1, "ids": [1, 2]}', "has no array of contact objects"),
        ('"hello"', "is not a JSON array of contacts: it starts with '\"'"),
        ("  \n ", "is not a JSON array of contacts: it holds only white space"),
        ("[1, 2", "line 1: not valid JSON (expected ']' but found the end of the file)"),
        ('[{"a": 1},\n{"a": 2},\n{"a": tru}]', "line 3: not valid JSON (expecting value)"),
        ('[{"a": 1}] trailing', "line 1: not valid JSON (extra data after the array)"),
        ("[" * 100_000, "not valid JSON (nested too deeply)"),
    ],
)
def test_json_that_is_not_contacts_is_an_input_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, "c.json", text)
    error = input_error(path)
    assert error.startswith(str(path))
    assert message in error


def test_json_in_utf8_with_bom_and_utf16(tmp_path: Path) -> None:
    text = '[{"Name": "Zoë"}]'
    assert cells(write(tmp_path, "a.json", codecs.BOM_UTF8 + text.encode())) == [{"Name": "Zoë"}]
    assert cells(write(tmp_path, "b.json", text.encode("utf-16"))) == [{"Name": "Zoë"}]


def test_a_large_array_is_streamed_in_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tiny windows force every value to be cut at a window's end at least once.
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 7)
    items = [{"Phone": 33612345000 + i, "Name": f"Ana {i}", "Tags": ["a", "b"]} for i in range(300)]
    path = write(tmp_path, "c.json", json.dumps({"meta": {"n": 300}, "contacts": items}, indent=1))
    rows = read(path)[1]
    assert [r.cells["Phone"] for r in rows] == [str(33612345000 + i) for i in range(300)]
    assert [r.row for r in rows] == list(range(1, 301))


def test_an_oversized_value_is_refused_not_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_stream, "CHUNK_CHARS", 64)
    path = write(tmp_path, "c.json", '[{"Notes": "' + "x" * 5000 + '"}]')
    assert "a value longer than 1,000 characters" in input_error(path, max_record_chars=1000)
    assert read(path, max_record_chars=6000)[1][0].cells["Notes"] == "x" * 5000


def test_json_lines_rows_are_line_numbers_and_bad_lines_fail_alone(tmp_path: Path) -> None:
    text = (
        '{"Phone": "1", "Tags": ["a", "b"]}\n'  # line 1
        "\n"  # line 2: blank
        "not json\n"  # line 3
        "[1, 2]\n"  # line 4
        '{"Phone": 2, "Nested": {"x": true}}\r\n'  # line 5
        + "[" * 50_000  # line 6: nested too deeply for the parser
        + "\n"
        + '{"Phone": "3"} extra\n'  # line 7
    )
    table, rows = read(write(tmp_path, "c.jsonl", text))
    assert table.headers == ["Phone", "Tags", "Nested.x"]  # every object's keys
    assert [(r.row, dict(r.cells), r.problem) for r in rows] == [
        (1, {"Phone": "1", "Tags": ["a", "b"]}, None),
        (3, {}, "not valid JSON: expecting value at column 1"),
        (4, {}, "item is not an object"),
        (5, {"Phone": "2", "Nested.x": "true"}, None),
        (6, {}, "not valid JSON: nested too deeply"),
        (7, {}, "not valid JSON: extra data at column 16"),
    ]


def test_json_lines_headers_skip_leading_bad_lines(tmp_path: Path) -> None:
    table, rows = read(write(tmp_path, "c.ndjson", 'oops\n{"Mobile": "1"}\n'))
    assert table.headers == ["Mobile"]
    assert [(r.row, r.problem is None) for r in rows] == [(1, False), (2, True)]


def test_json_lines_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "c.jsonl", b'{"a": "1"}\n{"a": "\xff"}\n')
    assert f"{path} line 2: undecodable bytes for utf-8" in input_error(path, encoding="utf-8")


def test_json_lines_with_only_blank_lines_has_no_rows(tmp_path: Path) -> None:
    assert numbers(write(tmp_path, "c.jsonl", "\n\n  \n")) == []
