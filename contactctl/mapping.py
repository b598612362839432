"""Headers → contact fields: well-known aliases from common exports, and the user's mapping.

Headers are compared case- and punctuation-insensitively ("Mobile Phone", "mobile_phone"
and "MOBILE-PHONE" are one header). Where several columns could be the phone, the most
specific wins: mobile-ish names over generic ones over home or business numbers.
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

# field → aliases, best first (the order is the precedence between columns).
ALIASES: dict[str, tuple[str, ...]] = {
    "phone": (
        "mobile",
        "mobile phone",
        "mobile number",
        "mobile phone number",
        "mobile_number",
        "cell",
        "cell phone",
        "cellphone",
        "msisdn",
        "whatsapp",
        "whatsapp number",
        "phone",
        "phone number",
        "phone 1 - value",
        "telephone",
        "tel",
        "primary phone",
        "home phone",
        "business phone",
    ),
    "email": (
        "email",
        "e-mail",
        "email address",
        "e-mail address",
        "e-mail 1 - value",
        "mail",
    ),
    "first_name": ("first name", "firstname", "given name", "forename", "prenom"),
    "last_name": ("last name", "lastname", "surname", "family name", "nom"),
    "name": ("name", "full name", "display name", "contact name", "fn"),
    "external_id": (
        "external id",
        "external_id",
        "id",
        "user id",
        "contact id",
        "customer id",
        "record id",
    ),
    "tags": ("tags", "tag", "labels", "categories", "group membership"),
    "lists": ("lists", "list", "segment", "segments"),
    "country": (
        "country",
        "country code",
        "country/region",
        "business country/region",
        "home country/region",
    ),
    "opt_in": ("opt in", "optin", "opt_in", "consent", "subscribed", "marketing consent"),
}


def canonical(header: str) -> str:
    """The form headers are compared in: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", header.casefold())


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
        if not isinstance(data, dict):
            raise ConfigError(f"{where} must be a mapping of contact field to column header.")
        fields: dict[str, str] = {}
        attributes: dict[str, str] = {}
        for key, value in data.items():
            if key == "attributes":
                attributes = _attribute_map(value, f"{where}.attributes")
            elif key not in FIELDS:
                raise ConfigError(
                    f"{where}.{key} is not a contact field.", f"Fields: {', '.join(FIELDS)}."
                )
            elif not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}.{key} must be a column header (a string).")
            else:
                fields[key] = value
        return cls(fields, attributes)


def _attribute_map(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ConfigError(f"{where} must map attribute names to column headers.")
    return dict(value)


@dataclass(frozen=True, slots=True)
class MappedRow:
    fields: Mapping[str, Cell]
    attributes: Mapping[str, str]


class ColumnMap:
    """Which header feeds which field, decided once per file."""

    def __init__(
        self, assignments: dict[str, str], attributes: dict[str, str], unmapped: list[str]
    ) -> None:
        self.assignments = assignments  # header → field
        self.attribute_columns = attributes  # header → attribute name
        self.unmapped = unmapped
        self._pairs = tuple(assignments.items())
        self._attribute_pairs = tuple(attributes.items())

    @classmethod
    def build(cls, source: str, headers: Sequence[str], spec: MappingSpec | None) -> ColumnMap:
        explicit = spec.fields if spec else {}
        attributes = spec.attributes if spec else {}
        _check_explicit_headers(source, headers, [*explicit.values(), *attributes.values()])
        assignments = {header: fld for fld, header in explicit.items()}
        attribute_columns = {header: name for name, header in attributes.items()}
        taken = set(explicit)
        best: dict[str, tuple[int, str]] = {}
        for header in headers:
            if header in assignments or header in attribute_columns:
                continue
            hit = _ALIAS_RANK.get(canonical(header))
            if hit and hit[0] not in taken and (hit[0] not in best or hit[1] < best[hit[0]][0]):
                best[hit[0]] = (hit[1], header)
        assignments |= {header: fld for fld, (_, header) in best.items()}
        if "phone" not in assignments.values() and "email" not in assignments.values():
            raise InputError(
                f"No phone or e-mail column in {source} (headers: {', '.join(headers) or 'none'}).",
                "Map one with mapping.phone in contactctl.yaml or --mapping.",
            )
        used = set(assignments) | set(attribute_columns)
        unmapped = [h for h in headers if h not in used]
        return cls(assignments, attribute_columns, unmapped)

    def apply(self, raw: RawRow) -> MappedRow:
        cells = raw.cells
        fields: dict[str, Cell] = {}
        for header, fld in self._pairs:
            value = cells.get(header)
            if value and (not isinstance(value, str) or value.strip()):
                fields[fld] = value
        attributes: dict[str, str] = {}
        for header, name in self._attribute_pairs:
            value = cells.get(header)
            text = ", ".join(value) if isinstance(value, list) else (value or "").strip()
            if text:
                attributes[name] = text
        return MappedRow(fields, attributes)


def _check_explicit_headers(source: str, headers: Sequence[str], wanted: list[str]) -> None:
    missing = [h for h in wanted if h not in headers]
    if missing:
        raise InputError(
            f"The mapping names column {missing[0]!r}, which {source} does not have "
            f"(headers: {', '.join(headers)}).",
            "Fix the mapping or the file's header row.",
        )
