"""Headers → contact fields: well-known aliases from common exports, and the user's mapping.

Headers are compared case- and punctuation-insensitively ("Mobile Phone", "mobile_phone"
and "MOBILE-PHONE" are one header). Where several columns could feed one field, the alias
listed first below wins and the others are reported unmapped; for `phone` that means
mobile-ish names (mobile, cell, msisdn, whatsapp), then generic ones (phone, telephone,
Google's "Phone 1 - Value"), then Outlook's primary, home, business and other numbers.
An explicit mapping wins over every alias.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from contactctl.errors import ConfigError, InputError
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

# field → aliases separated by ";", best first: the order is the precedence between columns
# of one file. Compared in canonical form, so "E-mail Address" also stands for "Email Address".
_ALIAS_TEXT = {
    "phone": "mobile; mobile phone; mobile number; mobile phone number; cell; cell phone;"
    " cell number; msisdn; whatsapp; whatsapp number; phone; phone number; phone 1 - value;"
    " telephone; telephone number; tel; primary phone; home phone; business phone;"
    " other phone; phone 2 - value",
    "email": "email; email address; e-mail 1 - value; primary email; mail; e-mail 2 address;"
    " e-mail 2 - value",
    "first_name": "first name; given name; forename; prenom",
    "last_name": "last name; surname; family name; nom",
    "name": "name; full name; display name; contact name; fn",
    "external_id": "external id; id; user id; contact id; customer id; record id",
    "tags": "tags; tag; labels; categories; group membership",
    "lists": "lists; list; segment; segments",
    "country": "country; country code; country/region; business country/region;"
    " home country/region; other country/region",
    "opt_in": "opt in; consent; subscribed; marketing consent",
}
ALIASES: dict[str, tuple[str, ...]] = {
    fld: tuple(alias.strip() for alias in text.split(";")) for fld, text in _ALIAS_TEXT.items()
}

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def canonical(header: str) -> str:
    """The form headers are compared in: lower case, letters and digits only."""
    return _NOT_ALNUM.sub("", header.casefold())


# canonical alias → (field, rank); a lower rank is a better column for that field.
_ALIAS_RANK: dict[str, tuple[str, int]] = {}
for _field, _names in ALIASES.items():
    for _rank, _alias in enumerate(_names):
        _ALIAS_RANK.setdefault(canonical(_alias), (_field, _rank))


@dataclass(frozen=True, slots=True)
class MappingSpec:
    """A user's explicit mapping: contact field → column header, attribute name → header."""

    fields: Mapping[str, str]
    attributes: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: object, where: str) -> MappingSpec:
        """Validate the YAML shape; errors name the key path (`where` is its prefix)."""
        if data is None:
            return cls({})
        if not isinstance(data, dict):
            raise ConfigError(f"{where} must map contact fields to column headers.")
        fields: dict[str, str] = {}
        attributes: dict[str, str] = {}
        for key, value in data.items():
            if key == "attributes":
                attributes = _attribute_map(value, f"{where}.attributes")
            elif key not in FIELDS:
                raise ConfigError(
                    f"{where}.{key} is not a contact field.",
                    f"Fields: {', '.join(FIELDS)}.",
                )
            elif not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}.{key} must be a column header (text).")
            else:
                fields[key] = value
        return cls(fields, attributes)


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


class ColumnMap:
    """Which header feeds which field, decided once per file."""

    def __init__(
        self,
        field_columns: Sequence[tuple[str, str]],
        attribute_columns: Sequence[tuple[str, str]],
        unmapped: list[str],
    ) -> None:
        self._field_columns = tuple(field_columns)  # (header, field)
        self._attribute_columns = tuple(attribute_columns)  # (header, attribute name)
        self.unmapped = unmapped
        self.assignments: Mapping[str, str] = {
            header: ", ".join(f for h, f in self._field_columns if h == header)
            for header, _ in self._field_columns
        }
        self.attribute_assignments: Mapping[str, str] = dict(self._attribute_columns)

    @classmethod
    def build(cls, source: str, headers: Sequence[str], spec: MappingSpec | None) -> ColumnMap:
        """Explicit mapping first, then the best alias per remaining field."""
        spec = spec or MappingSpec({})
        field_columns = [(_find(source, headers, h), f) for f, h in spec.fields.items()]
        attribute_columns = [(_find(source, headers, h), n) for n, h in spec.attributes.items()]
        used = {header for header, _ in (*field_columns, *attribute_columns)}
        best: dict[str, tuple[int, str]] = {}
        for header in headers:
            hit = _ALIAS_RANK.get(canonical(header))
            if header in used or hit is None or hit[0] in spec.fields:
                continue
            fld, rank = hit
            if fld not in best or rank < best[fld][0]:
                best[fld] = (rank, header)
        field_columns += [(header, fld) for fld, (_, header) in best.items()]
        if not any(fld in ("phone", "email") for _, fld in field_columns):
            raise InputError(
                f"No phone or e-mail column in {source} (headers: {_listed(headers)}).",
                "Map one with mapping.phone in contactctl.yaml or --mapping.",
            )
        used |= {header for header, _ in field_columns}
        unmapped = [header for header in headers if header not in used]
        return cls(field_columns, attribute_columns, unmapped)

    def apply(self, raw: RawRow) -> MappedRow:
        """The row's non-blank cells, by field and attribute name."""
        get = raw.cells.get
        fields: dict[str, Cell] = {}
        for header, fld in self._field_columns:
            value = get(header)
            if value and (not value.isspace() if isinstance(value, str) else _any_text(value)):
                fields[fld] = value
        if not self._attribute_columns:
            return MappedRow(fields, {})
        attributes: dict[str, str] = {}
        for header, name in self._attribute_columns:
            value = get(header)
            text = (
                "; ".join(v.strip() for v in value if v.strip())
                if isinstance(value, list)
                else value
            )
            if text and not text.isspace():
                attributes[name] = text
        return MappedRow(fields, attributes)


def _any_text(values: list[str]) -> bool:
    return any(value and not value.isspace() for value in values)


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
