"""The mapping an import would use, written as a mapping file to edit and pass back.

`contactctl mapping leads.csv > mapping.yaml` then `--mapping mapping.yaml` maps the file
the same way. Each column is followed by its first values as a comment, so the file says
what each line means; columns left out are listed as comments, and a left-out column that
holds phone numbers is suggested as the phone when nothing else is.
"""

from __future__ import annotations

import json

from contactctl.intake.mapping import FIELDS, MULTI_COLUMN, ColumnMap, MappingSpec
from contactctl.intake.sampling import first_values, phone_columns_left_out
from contactctl.model import RawRow


def mapping_yaml(
    source: str,
    columns: ColumnMap,
    rows: list[RawRow],
    spec: MappingSpec | None,
    default_region: str | None,
) -> str:
    """The YAML text for one file."""
    spec = spec or MappingSpec({})
    lines = [
        f"# The mapping contactctl uses for {_one_line(source)}.",
        "# Edit it and pass it back with --mapping; each column's first values are comments.",
    ]
    for fld in FIELDS:
        headers = columns.field_columns.get(fld, ())
        if fld in MULTI_COLUMN and headers:
            lines.append(f"{fld}:")
            lines += [f"  - {_quoted(h)}{_values(h, rows)}" for h in headers]
        elif headers:
            lines.append(f"{fld}: {_quoted(headers[0])}{_values(headers[0], rows)}")
        elif fld in spec.fields:
            lines.append(f"{fld}: null")
    if not columns.field_columns.get("phone"):
        for header in phone_columns_left_out(columns, rows, default_region):
            found = _values(header, rows).removeprefix("  # ")
            lines.append(f"# phone: {_quoted(header)}  # holds phone numbers: {found}")
    if columns.attribute_assignments:
        lines.append("attributes:")
        lines += [
            f"  {_quoted(name)}: {_quoted(h)}{_values(h, rows)}"
            for h, name in columns.attribute_assignments.items()
        ]
    if columns.unmapped:
        lines.append("# Not imported: map them (e.g. under attributes:) or list them in ignore:")
        lines += [f"#   - {_quoted(h)}{_values(h, rows)}" for h in columns.unmapped]
    lines.append("ignore:" if spec.ignore else "ignore: []")
    lines += [f"  - {_quoted(h)}" for h in spec.ignore]
    return "\n".join(lines) + "\n"


def _quoted(header: str) -> str:
    """A header as a YAML scalar that reads back unchanged (JSON strings are valid YAML)."""
    return json.dumps(header, ensure_ascii=False)


def _values(header: str, rows: list[RawRow]) -> str:
    values = first_values(header, rows)
    return f"  # {' | '.join(_one_line(v)[:40] for v in values)}" if values else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())
