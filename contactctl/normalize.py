"""A mapped row → a Contact, or a failed RowResult whose reason quotes what was read.

Blank cells are absent values (None or empty), never empty strings: an import must never
send "" and wipe what the vendor already holds.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from contactctl.countries import region_for
from contactctl.mapping import MappedRow
from contactctl.model import Cell, Contact, RawRow, RowResult, Status
from contactctl.phones import PhoneProblem, normalize_phone

_SPLIT_TAGS = re.compile(r"[,;|]")
_TRUE = frozenset({"true", "yes", "y", "1", "x", "subscribed", "opted in", "opt-in", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "unsubscribed", "opted out", "opt-out", "off"})
# Plain ASCII addresses, the overwhelming majority: checked here, the domain once per domain.
_SIMPLE_LOCAL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$"
)


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    default_region: str | None = None


def normalize(raw: RawRow, mapped: MappedRow, options: NormalizeOptions) -> Contact | RowResult:
    if raw.problem:
        return RowResult.for_raw(raw, Status.FAILED, raw.problem)
    fields = mapped.fields
    notes: list[str] = []
    try:
        country = _country(fields.get("country"), notes)
        region = country or options.default_region
        phone = normalize_phone(_text(fields["phone"]), region) if "phone" in fields else None
        email = normalize_email(_text(fields["email"])) if "email" in fields else None
    except (PhoneProblem, EmailProblem) as exc:
        return _failed(raw, mapped, str(exc))
    if phone is None and email is None:
        return _failed(raw, mapped, "no phone or e-mail")
    if phone is not None:
        notes.extend(phone.notes)
    return Contact(
        source=raw.source,
        row=raw.row,
        phone=phone.e164 if phone else None,
        phone_type=phone.type if phone else None,
        email=email,
        first_name=_optional(fields.get("first_name")),
        last_name=_optional(fields.get("last_name")),
        name=_optional(fields.get("name")),
        external_id=_external_id(fields.get("external_id"), notes),
        tags=split_list(fields.get("tags")),
        lists=split_list(fields.get("lists")),
        attributes=dict(mapped.attributes),
        opt_in=_opt_in(fields.get("opt_in"), notes),
        country=country,
        notes=tuple(notes),
        raw=raw,
    )


def _failed(raw: RawRow, mapped: MappedRow, reason: str) -> RowResult:
    result = RowResult.for_raw(raw, Status.FAILED, reason)
    name = _optional(mapped.fields.get("name")) or join_name(
        _optional(mapped.fields.get("first_name")), _optional(mapped.fields.get("last_name"))
    )
    email = _optional(mapped.fields.get("email"))
    return RowResult(result.source, result.row, result.status, reason, name, None, email, raw=raw)


def _text(cell: Cell) -> str:
    return ", ".join(cell) if isinstance(cell, list) else cell


def _optional(cell: Cell | None) -> str | None:
    if cell is None:
        return None
    text = _text(cell).strip()
    return text or None


def _country(cell: Cell | None, notes: list[str]) -> str | None:
    text = _optional(cell)
    if text is None:
        return None
    region = region_for(text)
    if region is None:
        notes.append(f"country {text!r} not understood, ignored")
    return region


def _external_id(cell: Cell | None, notes: list[str]) -> str | None:
    text = _optional(cell)
    if text and re.fullmatch(r"\d+\.0+", text):
        notes.append(f"external id {text!r} read as {text.split('.')[0]!r}")
        return text.split(".")[0]
    return text


def _opt_in(cell: Cell | None, notes: list[str]) -> bool | None:
    text = _optional(cell)
    if text is None:
        return None
    folded = text.casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    notes.append(f"opt-in {text!r} not understood, left unset")
    return None


def split_list(cell: Cell | None) -> tuple[str, ...]:
    """Tags or lists: list cells as they are, text split on , ; or |; no blanks or repeats."""
    if cell is None:
        return ()
    parts = cell if isinstance(cell, list) else _SPLIT_TAGS.split(cell)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


def split_name(name: str) -> tuple[str | None, str | None]:
    """ "Axelle Durand" → (Axelle, Durand); "Durand, Axelle" → (Axelle, Durand)."""
    text = name.strip()
    if "," in text:
        last, _, first = text.partition(",")
        return first.strip() or None, last.strip() or None
    first, _, last = text.rpartition(" ")
    if not first:
        return last or None, None
    return first.strip(), last.strip() or None


def join_name(first: str | None, last: str | None) -> str | None:
    joined = " ".join(part for part in (first, last) if part)
    return joined or None


class EmailProblem(ValueError):
    """The message is the row's reason; `detail` is email-validator's own words."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


def normalize_email(cell: str) -> str:
    text = cell.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise EmailProblem(f"invalid e-mail {text!r}: no @ with a name and a domain")
    if text.isascii() and _SIMPLE_LOCAL.match(local) and len(local) <= 64:
        problem = _domain_problem(domain.lower())
        if problem is None:
            return f"{local}@{domain.lower()}"
        raise EmailProblem(f"invalid e-mail {text!r}: {problem}")
    return _full_check(text)


@functools.lru_cache(maxsize=65536)
def _domain_problem(domain: str) -> str | None:
    """A domain's syntax, checked once per domain: the costly half of an address."""
    try:
        _full_check(f"a@{domain}")
    except EmailProblem as exc:
        return exc.detail
    return None


def _full_check(address: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise EmailProblem(f"invalid e-mail {address!r}: {exc}", str(exc)) from None
    return f"{result.local_part}@{result.domain.lower()}"
