"""A mapped row → a Contact, or a failed RowResult saying why it cannot be one.

Phones go to E.164 (`phones.py`), e-mails are trimmed with their domain lower-cased and
their syntax checked without network, names are trimmed, tags and lists are split and
de-duplicated, opt-in words become booleans. A blank cell is an absent value, never "".
What normalisation repaired or could not read rides along in `Contact.notes`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from contactctl.intake.countries import region_for
from contactctl.intake.mapping import MappedRow
from contactctl.intake.phone_choice import choose_phone
from contactctl.intake.phones import Phone, PhoneProblem, normalize_phone
from contactctl.model import Cell, Contact, RawRow, RowResult, Status

NO_KEY = "no phone or e-mail"

_TAG_SEPARATORS = re.compile(r":::|[,;|]")
# Google Contacts puts every contact in this system group; as a tag it says nothing.
_GOOGLE_ALL_CONTACTS = "* mycontacts"
_SPREADSHEET_INTEGER = re.compile(r"(\d+)\.0+")
# An ASCII dot-atom local part (RFC 5322) needs no further checking; anything else does.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_OPT_IN = {
    **dict.fromkeys(("true", "yes", "y", "1", "x", "subscribed", "opted in", "on"), True),
    **dict.fromkeys(("false", "no", "n", "0", "unsubscribed", "opted out", "off"), False),
}


@dataclass(frozen=True, slots=True)
class NormalizeOptions:
    # From --region, else the config's default_region (the caller resolves that order).
    default_region: str | None = None

    def __post_init__(self) -> None:
        if self.default_region is not None:  # "fr" works as well as "FR"
            object.__setattr__(self, "default_region", self.default_region.strip().upper())


class EmailProblem(ValueError):
    """The cell is not a valid e-mail address; the message is the row's reason."""


def normalize(raw: RawRow, mapped: MappedRow, options: NormalizeOptions) -> Contact | RowResult:
    """One row's contact, or its failure (every problem the row has, in one reason)."""
    if raw.problem:
        return RowResult.for_raw(raw, Status.FAILED, raw.problem)
    # A million rows pass here: an absent field costs one dict look-up and nothing else.
    get = mapped.fields.get
    notes: list[str] = []
    problems: list[str] = []
    country = _country(cell, notes) if (cell := get("country")) is not None else None
    phone = _phone(mapped, country or options.default_region, notes, problems)
    email = _email(get("email"), notes, problems)
    if not problems and phone is None and email is None:
        problems.append(NO_KEY)
    first_name = _name(_text(cell, "first_name", notes)) if (cell := get("first_name")) else None
    last_name = _name(_text(cell, "last_name", notes)) if (cell := get("last_name")) else None
    name = _name(_text(cell, "name", notes)) if (cell := get("name")) else None
    if problems:
        reason = "; ".join((*problems, *notes))
        display = name or join_name(first_name, last_name)
        return RowResult(raw.source, raw.row, Status.FAILED, reason, display, None, email, raw=raw)
    return Contact(
        source=raw.source,
        row=raw.row,
        phone=phone.e164 if phone else None,
        phone_type=phone.type if phone else None,
        email=email,
        first_name=first_name,
        last_name=last_name,
        name=name,
        external_id=_external_id(cell, notes) if (cell := get("external_id")) else None,
        tags=split_tags(cell) if (cell := get("tags")) else (),
        lists=split_tags(cell) if (cell := get("lists")) else (),
        attributes=_attributes(mapped.attributes) if mapped.attributes else {},
        opt_in=_opt_in(cell, notes) if (cell := get("opt_in")) else None,
        country=country,
        notes=tuple(notes),
        raw=raw,
    )


def _phone(
    mapped: MappedRow, region: str | None, notes: list[str], problems: list[str]
) -> Phone | None:
    cell = mapped.fields.get("phone")
    if cell is None:
        return None
    try:
        if (
            mapped.phones
            or not isinstance(cell, str)
            # The cell may hold several numbers (`phone_choice.split_numbers` decides).
            or ":::" in cell
            or "\n" in cell
            or " / " in cell
            or ";" in cell
        ):
            first = mapped.first_phone or (mapped.phones[0][0] if mapped.phones else "")
            phone, origin = choose_phone(mapped.phones or ((first, cell),), first, region)
            if origin:
                notes.append(origin)
        else:  # one column, one number: most rows of most files
            phone = normalize_phone(cell, region)
    except PhoneProblem as problem:
        problems.append(str(problem))
        return None
    notes.extend(phone.notes)
    return phone


def _email(cell: Cell | None, notes: list[str], problems: list[str]) -> str | None:
    if cell is None:
        return None
    try:
        return normalize_email(_text(cell, "email", notes))
    except EmailProblem as problem:
        problems.append(str(problem))
        return None


def _text(cell: Cell, name: str, notes: list[str]) -> str:
    """A one-value field's text; from a list cell (a JSON array) the first value is used."""
    if isinstance(cell, str):
        return cell
    values = [value for value in cell if value.strip()]
    if len(values) > 1:
        notes.append(f"{name}: only the first of {len(values)} values used")
    return values[0] if values else ""


def _country(cell: Cell, notes: list[str]) -> str | None:
    text = _text(cell, "country", notes)
    if not text.strip():
        return None
    region = region_for(text)
    if region is None:
        notes.append(f"country {text.strip()!r} not understood: not used for the phone number")
    return region


def normalize_email(cell: str) -> str:
    """Trimmed, domain lower-cased, syntax checked (no network); EmailProblem when invalid.

    email_validator costs ~50 µs an address, most of it the domain: a plain ASCII local part
    is checked here and each distinct domain is validated once.
    """
    text = cell.strip()
    local, at, domain = text.rpartition("@")
    if at and len(local) <= 64 and len(text) <= 254 and _PLAIN_LOCAL.fullmatch(local):
        checked, error = _checked_domain(domain)
        if checked is not None:
            return f"{local}@{checked}"
        raise EmailProblem(f"invalid e-mail {text!r}: {error}")
    return _validated(text)


@functools.lru_cache(maxsize=4096)
def _checked_domain(domain: str) -> tuple[str | None, str]:
    """(normalised domain, "") or (None, why): a domain is validated once, errors included."""
    try:
        return _validated(f"x@{domain}").partition("@")[2], ""
    except EmailProblem as problem:
        return None, str(problem).partition(": ")[2]


def _validated(address: str) -> str:
    """email_validator's verdict (imported on first use: it costs ~40 ms to load)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        why = str(exc).rstrip(".")
        raise EmailProblem(f"invalid e-mail {address!r}: {why[:1].lower()}{why[1:]}") from None
    # An ASCII domain is kept as written, lower-cased (email_validator would show an "xn--"
    # domain in Unicode); a Unicode one gets email_validator's normalisation.
    written = address.rpartition("@")[2]
    domain = result.ascii_domain.lower() if written.isascii() else result.domain
    return f"{result.local_part}@{domain}"


def _name(text: str | None) -> str | None:
    """Trimmed, runs of spaces inside made one; None when blank."""
    if text is None:
        return None
    text = text.strip()
    if "  " in text or "\t" in text or "\n" in text:
        text = " ".join(text.split())
    return text or None


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """(first, last) from a full name: the last word is the last name; "Durand, Axelle"
    reads as last name first."""
    text = _name(name)
    if text is None:
        return None, None
    if "," in text:
        last, _, first = text.partition(",")
        return _name(first), _name(last)
    first, _, last = text.rpartition(" ")
    return (first or last), (last if first else None)


def join_name(first: str | None, last: str | None) -> str | None:
    """ "First Last", or whichever of the two there is."""
    return " ".join(part for part in (_name(first), _name(last)) if part) or None


def split_tags(cell: Cell | None) -> tuple[str, ...]:
    """Tags from a cell: split on , ; | (and Google's :::), trimmed, each once, in order.

    A list cell (JSON array, vCard categories) is already split: its items are kept whole.
    """
    if cell is None:
        return ()
    parts = _TAG_SEPARATORS.split(cell) if isinstance(cell, str) else cell
    tags: dict[str, None] = {}
    for part in parts:
        tag = " ".join(part.split())
        if tag.casefold() == _GOOGLE_ALL_CONTACTS:
            continue
        tag = tag.removeprefix("* ")  # Google's other system groups: "* starred" → "starred"
        if tag:
            tags[tag] = None
    return tuple(tags)


def _external_id(cell: Cell, notes: list[str]) -> str | None:
    if not (value := _text(cell, "external_id", notes).strip()):
        return None
    integer = _SPREADSHEET_INTEGER.fullmatch(value)
    if integer:
        notes.append(f"external_id {value!r} read as {integer.group(1)} (a spreadsheet number)")
        return integer.group(1)
    return value


def _opt_in(cell: Cell, notes: list[str]) -> bool | None:
    text = _text(cell, "opt_in", notes)
    key = " ".join(text.replace("-", " ").replace("_", " ").casefold().split())
    if not key:
        return None
    if key not in _OPT_IN:
        notes.append(f"opt_in {text.strip()!r} not understood, left unset")
    return _OPT_IN.get(key)


def _attributes(attributes: Mapping[str, str]) -> dict[str, str]:
    return {name: text for name, value in attributes.items() if (text := value.strip())}
