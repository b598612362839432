"""The user's mapping file, and which columns feed which contact field in one file.

The columns are found by `headers.py`'s aliases unless the mapping names them. `phone` and
`country` may have several columns: every phone column's numbers are candidates for the row
(ordered by kind: mobile, untyped, fixed; see `phone_choice.py`), and the first non-empty
country column counts. An explicit mapping wins over every alias; `null` switches a field's
automatic mapping off and `ignore:` silences columns.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from contactctl.errors import ConfigError, InputError
from contactctl.intake.headers import (
    PhoneKind,
    canonical,
    field_for,
    label_columns,
    label_kind,
    phone_kind,
)
from contactctl.model import Cell, RawRow

FIELDS: tuple[str, ...] = (
    "phone",
    "email",
    "first_name",
    "last_name",
    "name",
    "external_id",
    "tags",
    "lists",
    "attributes",
    "opt_in",
    "country",
)
# Fields that take a list of columns, tried in order per row.
MULTI_COLUMN = ("phone", "country")
__all__ = ["FIELDS", "ColumnMap", "MappedRow", "MappingSpec", "canonical"]


@dataclass(frozen=True, slots=True)
class MappingSpec:
    """A user's explicit mapping: contact field → column headers (tried in order; none: the
    field's automatic mapping is off), attribute name → header, and columns to leave alone."""

    fields: Mapping[str, Sequence[str]]
    attributes: Mapping[str, str] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # A single header is a list of one: MappingSpec({"phone": "Tel"}) reads naturally.
        columns = {f: (h,) if isinstance(h, str) else tuple(h) for f, h in self.fields.items()}
        object.__setattr__(self, "fields", columns)

    @classmethod
    def from_mapping(cls, data: object, where: str) -> MappingSpec:
        """Validate the YAML shape; errors name the key path (`where` is its prefix)."""
        if data is None:
            return cls({})
        if not isinstance(data, dict):
            raise ConfigError(f"{where} must map contact fields to column headers.")
        fields: dict[str, tuple[str, ...]] = {}
        attributes: dict[str, str] = {}
        ignore: tuple[str, ...] = ()
        for key, value in data.items():
            if key == "attributes":
                attributes = _attribute_map(value, f"{where}.attributes")
            elif key == "ignore":
                ignore = _headers(value, f"{where}.ignore", "a list of column headers")
            elif key not in FIELDS:
                raise ConfigError(
                    f"{where}.{key} is not a contact field.",
                    f"Fields: {', '.join(FIELDS)}; and ignore: [columns].",
                )
            elif value is None:
                fields[key] = ()
            elif isinstance(value, list) and key in MULTI_COLUMN:
                fields[key] = _headers(value, f"{where}.{key}", "a list of column headers")
            elif not isinstance(value, str) or not value.strip():
                raise ConfigError(
                    f"{where}.{key} must be a column header (text).",
                    "Or null, to map nothing to it.",
                )
            else:
                fields[key] = (value,)
        return cls(fields, attributes, ignore)


def _headers(value: object, where: str, what: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) and item.strip() for item in items):
        raise ConfigError(f"{where} must be {what}.")
    return tuple(items)


def _attribute_map(value: object, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must map attribute names to column headers.")
    for name, header in value.items():
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: attribute names must be text, not {name!r}.")
        if not isinstance(header, str) or not header.strip():
            raise ConfigError(f"{where}.{name} must be a column header (text).")
    return dict(value)


@dataclass(frozen=True, slots=True)
class MappedRow:
    fields: Mapping[str, Cell]  # only non-blank values; field name → cell
    attributes: Mapping[str, str]  # only non-blank
    # With several phone columns: every non-blank one, best kind first, as (header, cell).
    # `fields["phone"]` is the first of them; `first_phone` is the file's best phone column.
    phones: tuple[tuple[str, Cell], ...] = ()
    first_phone: str = ""


@dataclass(frozen=True, slots=True)
class PhoneColumn:
    header: str
    kind: PhoneKind
    rank: int
    labels: tuple[str, ...] = ()  # type/label columns that say the kind per row


class ColumnMap:
    """Which headers feed which field, decided once per file."""

    def __init__(
        self,
        field_columns: Mapping[str, Sequence[str]],
        attribute_columns: Sequence[tuple[str, str]],
        unmapped: list[str],
        phones: Sequence[PhoneColumn] = (),
    ) -> None:
        self.field_columns = {f: tuple(h) for f, h in field_columns.items() if h}
        self.phone_columns = tuple(phones)
        # One column for a field (the phone of most files included) costs one look-up a row;
        # only several phone or country columns take the slower paths below.
        self._first_phone = self.phone_columns[0].header if self.phone_columns else ""
        self._labelled = any(column.labels for column in self.phone_columns)
        self._choose_phone = len(self.phone_columns) > 1 or self._labelled
        self._single = tuple(
            (hs[0], f)
            for f, hs in self.field_columns.items()
            if len(hs) == 1 and not (f == "phone" and self._choose_phone)
        )
        countries = self.field_columns.get("country", ())
        self._countries = countries if len(countries) > 1 else ()
        self._attribute_columns = tuple(attribute_columns)  # (header, attribute name)
        self.unmapped = unmapped
        assignments: dict[str, list[str]] = {}
        for fld, headers in self.field_columns.items():
            for header in headers:
                assignments.setdefault(header, []).append(fld)
        self.assignments: Mapping[str, str] = {h: ", ".join(f) for h, f in assignments.items()}
        self.attribute_assignments: Mapping[str, str] = dict(self._attribute_columns)

    @classmethod
    def build(
        cls,
        source: str,
        headers: Sequence[str],
        spec: MappingSpec | None,
        *,
        require_key: bool = True,
    ) -> ColumnMap:
        """Explicit mapping first, then the aliases for the fields it leaves out; an
        InputError when no column gives a phone or an e-mail, unless not `require_key`."""
        spec = spec or MappingSpec({})
        chosen = {f: [_find(source, headers, h) for h in hs] for f, hs in spec.fields.items()}
        attribute_columns = [(_find(source, headers, h), n) for n, h in spec.attributes.items()]
        ignored = {_find(source, headers, h) for h in spec.ignore}
        used = {h for hs in chosen.values() for h in hs} | {h for h, _ in attribute_columns}
        free = [h for h in headers if h not in used and h not in ignored]
        # A listed column keeps its place, but a label beside it still speaks per row.
        phones = [
            PhoneColumn(h, PhoneKind.UNTYPED, rank, tuple(label_columns(h, list(headers))))
            for rank, h in enumerate(chosen.get("phone", ()))
        ]
        if "phone" not in chosen:
            phones = _phone_columns(free, list(headers))
            chosen["phone"] = [column.header for column in phones]
        chosen.update(_alias_columns(free, spec.fields))
        used |= {h for hs in chosen.values() for h in hs}
        used |= {label for column in phones for label in column.labels}
        unmapped = [h for h in headers if h not in used and h not in ignored]
        columns = cls(chosen, attribute_columns, unmapped, phones)
        if require_key:
            columns.check_key(source, headers)
        return columns

    def check_key(self, source: str, headers: Sequence[str]) -> None:
        """InputError when no column gives a phone or an e-mail."""
        if not any(self.field_columns.get(fld) for fld in ("phone", "email")):
            raise InputError(
                f"No phone or e-mail column in {source} (headers: {_listed(headers)}).",
                "Map one with mapping.phone in contactctl.yaml or --mapping.",
            )

    def apply(self, raw: RawRow) -> MappedRow:
        """The row's non-blank cells, by field and attribute name."""
        get = raw.cells.get
        fields: dict[str, Cell] = {}
        for header, fld in self._single:
            value = get(header)
            if value and not is_blank(value):
                fields[fld] = value
        for header in self._countries:
            value = get(header)
            if value and not is_blank(value):
                fields["country"] = value
                break
        phones = self._phones(get) if self._choose_phone else ()
        first = self._first_phone
        if phones:
            fields["phone"] = phones[0][1]
            if len(phones) == 1 and phones[0][0] == first:
                phones = ()  # the common case: no choice to make, no origin to note
        if not self._attribute_columns:
            return MappedRow(fields, {}, phones, first)
        attributes: dict[str, str] = {}
        for header, name in self._attribute_columns:
            value = get(header)
            text = (
                "; ".join(v.strip() for v in value if not is_blank(v))
                if isinstance(value, list)
                else value
            )
            if text and not is_blank(text):
                attributes[name] = text
        return MappedRow(fields, attributes, phones, first)

    def _phones(self, get: Any) -> tuple[tuple[str, Cell], ...]:
        """The row's non-blank phone cells, best first: a label beside a column (Google's
        "Phone 2 - Label" = "Mobile") decides its kind for this row; fax and pager drop out."""
        found: list[tuple[int, int, str, Cell]] = []
        for position, column in enumerate(self.phone_columns):
            value = get(column.header)
            if not value or is_blank(value):
                continue
            kind = column.kind
            if column.labels:
                label = next((t for h in column.labels if isinstance(t := get(h), str) and t), "")
                kind = label_kind(label) if label else kind
                if kind is PhoneKind.NEVER:
                    continue
            found.append((kind, position, column.header, value))
        if self._labelled:
            found.sort(key=lambda item: (item[0], item[1]))
        return tuple((header, value) for _, _, header, value in found)


def _phone_columns(free: Sequence[str], headers: list[str]) -> list[PhoneColumn]:
    """Every phone column among `free`, best kind and alias first (fax and pager never)."""
    columns: list[PhoneColumn] = []
    for header in free:
        hit = phone_kind(header)
        if hit is not None and hit[0] is not PhoneKind.NEVER:
            columns.append(
                PhoneColumn(header, hit[0], hit[1], tuple(label_columns(header, headers)))
            )
    return sorted(columns, key=lambda column: (column.kind, column.rank))


def _alias_columns(
    free: Sequence[str], explicit: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """The best alias column per field the mapping leaves out; every country column."""
    best: dict[str, list[tuple[int, str]]] = {}
    for header in free:
        hit = field_for(header)
        if hit is None or hit[0] in explicit:
            continue
        best.setdefault(hit[0], []).append((hit[1], header))
    return {
        fld: [h for _, h in sorted(ranked)] if fld in MULTI_COLUMN else [min(ranked)[1]]
        for fld, ranked in best.items()
    }


def is_blank(value: Cell) -> bool:
    """True when nothing visible is left after removing whitespace and format characters
    (Unicode Cf: U+200B, U+FEFF, U+2060...): such a cell is absent, never sent."""
    if isinstance(value, list):
        return all(is_blank(item) for item in value)
    text = value.strip()
    if not text:
        return True
    if text.isprintable() and not text.isspace():
        return False  # the common case: Cf characters are never printable
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def _find(source: str, headers: Sequence[str], wanted: str) -> str:
    """The file's header a mapping names: exactly, else the one equal ignoring case and
    punctuation ("e-mail address" finds "E-mail Address")."""
    if wanted in headers:
        return wanted
    close = [header for header in headers if canonical(header) == canonical(wanted)]
    if len(close) == 1:
        return close[0]
    raise InputError(
        f"The mapping names column {wanted!r}, which {source} does not have "
        f"(headers: {_listed(headers)}).",
        "Fix the mapping or the file's header row.",
    )


def _listed(headers: Sequence[str]) -> str:
    return ", ".join(headers) if headers else "none"
