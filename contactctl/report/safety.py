"""Cells that a spreadsheet would run as formulas, and characters XML cannot carry."""

from __future__ import annotations

import re

# [0-9], not \d: \d also matches other scripts' digits, which are not E.164.
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 forbids these even as character references; a parser would reject the whole file.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def is_e164(text: str) -> bool:
    return _E164.fullmatch(text) is not None


def spreadsheet_safe(text: str, *, phone: bool = False) -> str:
    """Prefix a formula-like cell with `'`; an E.164 phone stays as is when `phone` is set.

    A bare E.164 number is harmless even if a spreadsheet evaluates it (it is just a number),
    and rewriting it would make the phone column unusable.
    """
    if phone and is_e164(text):
        return text
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def xml_safe(text: str) -> str:
    """Text fit for an XML attribute or element: forbidden characters dropped, formulas defused."""
    return spreadsheet_safe(_XML_FORBIDDEN.sub("", text))
