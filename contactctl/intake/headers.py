"""Which contact field a header names: aliases of common exports, in six languages.

Headers are compared in canonical form: case, accents and punctuation ignored, so
"Téléphone", "telephone" and "TELEPHONE" are one header. The aliases are those of Google
Contacts (current and legacy CSV), Outlook (outlook.com and desktop), the vCard reader,
HubSpot, Mailchimp and Salesforce exports, and the headers people type in French, German,
Spanish, Portuguese, Italian and Dutch spreadsheets. A phone header also says what kind of
number it holds (`PhoneKind`), which orders the numbers of a row: mobile ones first.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from enum import IntEnum


class PhoneKind(IntEnum):
    """What a phone column or label says about its number; lower is tried first."""

    MOBILE = 0
    UNTYPED = 1
    FIXED = 2  # home, work, other, main
    NEVER = 3  # fax, pager: never a contact's phone


# Aliases separated by ";", best first: the order is the precedence between columns of one
# file (for phone, within one kind).
_PHONE_TEXT = {
    PhoneKind.MOBILE: "mobile; mobile phone; mobile number; mobile phone number; cell;"
    " cell phone; cell number; cellular; msisdn; whatsapp; whatsapp number;"
    " whatsapp phone number; iphone; portable; téléphone portable; tél portable;"
    " numéro de portable; numéro de mobile; téléphone mobile; gsm; mobil; mobiltelefon;"
    " mobilnummer; handy; handynummer; telefon mobil; celular; teléfono celular;"
    " teléfono móvil; móvil; número de celular; número de móvil; telemóvel;"
    " número de telemóvel; telefone celular; cellulare; telefono cellulare;"
    " numero di cellulare; mobiel; mobiel nummer; mobiele telefoon; mobielnummer",
    PhoneKind.UNTYPED: "phone; phone number; telephone; telephone number; tel; téléphone;"
    " numéro de téléphone; tél; telefon; telefonnummer; teléfono; número de teléfono;"
    " telefono; numero di telefono; telefone; número de telefone; telefoon;"
    " telefoonnummer; other phones",
    PhoneKind.FIXED: "primary phone; main phone; company main phone; home phone;"
    " home phone 2; business phone; business phone 2; work phone; office phone; other phone;"
    " landline; car phone; téléphone fixe; téléphone domicile; téléphone professionnel;"
    " téléphone bureau; tél domicile; tél bureau; festnetz; telefon privat;"
    " telefon geschäftlich; telefon festnetz; teléfono fijo; teléfono de casa;"
    " teléfono del trabajo; telefone fixo; telefone residencial; telefone comercial;"
    " telefono fisso; telefono casa; telefono ufficio; vaste telefoon; telefoon thuis;"
    " telefoon werk; vast nummer",
}

_ALIAS_TEXT = {
    "email": "email; email address; e-mail 1 - value; primary email; mail; e-mail 2 address;"
    " e-mail 2 - value; courriel; adresse e-mail; adresse électronique; e-mail-adresse;"
    " correo; correo electrónico; endereço de e-mail; indirizzo email; posta elettronica;"
    " e-mailadres",
    "first_name": "first name; given name; forename; prenom; vorname; nombre; primeiro nome;"
    " nome próprio; nome; voornaam",
    "last_name": "last name; surname; family name; nom; nom de famille; nachname;"
    " familienname; apellidos; apellido; sobrenome; apelido; cognome; achternaam",
    "name": "name; full name; display name; contact name; fn; nom complet;"
    " vollständiger name; nombre completo; nome completo; naam; volledige naam",
    "external_id": "external id; id; user id; contact id; customer id; record id",
    "tags": "tags; tag; labels; categories; group membership; étiquettes; catégories;"
    " etiketten; kategorien; etiquetas; categorías; categorias; etichette; categorie",
    "lists": "lists; list; segment; segments",
    # Every one of these is tried, in this order, per row: the first non-empty one counts.
    "country": "country; country code; country/region; address.country; home country/region;"
    " business country/region; other country/region; mailing country; other country;"
    " address 1 - country; address 2 - country; pays; pays/région; land; land/region; país;"
    " país/región; país/região; paese; nazione",
    "opt_in": "opt in; consent; subscribed; marketing consent",
}

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_GOOGLE_PHONE = re.compile(r"phone(\d+)value")


@functools.lru_cache(maxsize=4096)
def canonical(header: str) -> str:
    """The form headers are compared in: lower case, no accents, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", header.casefold())
    return _NOT_ALNUM.sub("", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _ranked(texts: dict[str, str]) -> dict[str, tuple[str, int]]:
    ranks: dict[str, tuple[str, int]] = {}
    for key, text in texts.items():
        for rank, alias in enumerate(text.split(";")):
            ranks.setdefault(canonical(alias.strip()), (key, rank))
    return ranks


# canonical alias → (field, rank); a lower rank is a better column for that field.
_FIELD_RANK = _ranked(_ALIAS_TEXT)
_PHONE_RANK = {
    alias: (PhoneKind(int(kind)), rank)
    for alias, (kind, rank) in _ranked({str(k.value): t for k, t in _PHONE_TEXT.items()}).items()
}
ALIASES: dict[str, tuple[str, ...]] = {
    "phone": tuple(a.strip() for t in _PHONE_TEXT.values() for a in t.split(";")),
    **{fld: tuple(a.strip() for a in text.split(";")) for fld, text in _ALIAS_TEXT.items()},
}


def field_for(header: str) -> tuple[str, int] | None:
    """(field, rank) of a header that is not a phone column, None when it names no field."""
    return _FIELD_RANK.get(canonical(header))


def phone_kind(header: str) -> tuple[PhoneKind, int] | None:
    """(kind, rank) of a phone column; Google's "Phone N - Value" is UNTYPED until its label
    column says more (see `label_columns`). None when the header is not a phone column."""
    key = canonical(header)
    if (hit := _PHONE_RANK.get(key)) is not None:
        return hit
    google = _GOOGLE_PHONE.fullmatch(key)
    return (PhoneKind.UNTYPED, 1000 + int(google.group(1))) if google else None


def label_columns(header: str, headers: list[str]) -> list[str]:
    """The type/label columns beside a Google "Phone N - Value" column (legacy "Type",
    current "Label"), as the file names them."""
    google = _GOOGLE_PHONE.fullmatch(canonical(header))
    if google is None:
        return []
    wanted = {f"phone{google.group(1)}{word}" for word in ("type", "label")}
    return [other for other in headers if canonical(other) in wanted]


_LABEL_WORDS = {
    PhoneKind.NEVER: "fax pager beeper telex",
    PhoneKind.MOBILE: "mobile cell cellular iphone portable mobil handy celular movil"
    " telemovel cellulare mobiel whatsapp gsm",
    PhoneKind.FIXED: "home work main business office other company landline car domicile"
    " bureau fixe privat geschaftlich festnetz casa trabajo fijo fixo residencial comercial"
    " fisso ufficio thuis werk vast",
}
_LABEL_KIND = {word: kind for kind, text in _LABEL_WORDS.items() for word in text.split()}


@functools.lru_cache(maxsize=1024)
def label_kind(label: str) -> PhoneKind:
    """What a type/label cell says ("Mobile", "* Work", "Home Fax", Apple's
    "_$!<Mobile>!$_"): fax and pager win over the rest, unknown words are UNTYPED."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    kinds = {_LABEL_KIND.get(word) for word in _NOT_ALNUM.split(plain)}
    for kind in (PhoneKind.NEVER, PhoneKind.MOBILE, PhoneKind.FIXED):
        if kind in kinds:
            return kind
    return PhoneKind.UNTYPED
