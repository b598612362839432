"""Checking an iVvy request's signature and age (VENDORS.md 5.2), the way the server would.

Specific codes: 23005 "Request is stale" is iVvy's own; the others (23001 malformed
authorization header, 23002 unknown key, 23003 signature mismatch, 23004 Content-MD5
mismatch, 23006 no date, 23007 unreadable date) are the emulator's choice, all with 401.
"""

from __future__ import annotations

import calendar
import email.utils
import hmac
import re
import time
from collections.abc import Mapping

from contactctl.sandbox.core import Request, VendorError
from contactctl.sandbox.ivvy_signing import (
    IVVY_DATE_FORMAT,
    content_md5,
    ivvy_headers_part,
    ivvy_signature,
    ivvy_string_to_sign,
)

AUTHORIZATION = re.compile(r"IWS (?P<key>[^:\s]+):(?P<signature>[0-9A-Fa-f]+)")
STALE = 23005


def verify_signature(
    request: Request, credentials: Mapping[str, str], now_s: float, time_to_live_s: float
) -> None:
    """Raise the vendor's 401 unless the request is signed with the account's key and
    secret and was dated within `time_to_live_s` of `now_s`."""
    headers = request.headers
    match = AUTHORIZATION.fullmatch(headers.get("X-Api-Authorization", "").strip())
    if match is None:
        raise _refused("X-Api-Authorization must be 'IWS <key>:<signature>'", 23001)
    if match["key"] != credentials["api_key"]:
        raise _refused("Unknown API key", 23002)
    sent_md5 = headers.get("Content-MD5", "")
    if sent_md5.lower() != content_md5(request.body):
        raise _refused("Content-MD5 does not match the request body", 23004)
    date_part, sent_at_s = _request_date(headers)
    string_to_sign = ivvy_string_to_sign(
        method=request.method,
        content_md5=sent_md5,
        content_type=headers.get("Content-Type", ""),
        date=date_part,
        request_uri=request.target,
        api_version=headers.get("X-Api-Version", ""),
        ivvy_headers=ivvy_headers_part(headers),
    )
    expected = ivvy_signature(credentials["api_secret"], string_to_sign)
    if not hmac.compare_digest(expected, match["signature"].lower()):
        raise _refused("Signature does not match", 23003)
    if abs(now_s - sent_at_s) > time_to_live_s:
        raise _refused("Request is stale", STALE)


def _request_date(headers: Mapping[str, str]) -> tuple[str, float]:
    """(the date as it enters the string to sign, the time it names)."""
    ivvy_date = headers.get("IVVY-Date")
    if ivvy_date:
        return "", _parse_ivvy_date(ivvy_date)
    http_date = headers.get("Date")
    if http_date:
        try:
            return http_date, email.utils.parsedate_to_datetime(http_date).timestamp()
        except (TypeError, ValueError):
            raise _refused(f"Unreadable Date header {http_date!r}", 23007) from None
    raise _refused("A Date or IVVY-Date header is required", 23006)


def _parse_ivvy_date(text: str) -> float:
    value = text.strip()
    value = value.removesuffix(" UTC")
    try:
        return float(calendar.timegm(time.strptime(value, IVVY_DATE_FORMAT)))
    except ValueError:
        raise _refused(f"Unreadable IVVY-Date header {text!r}", 23007) from None


def _refused(message: str, specific_code: int) -> VendorError:
    return VendorError(401, message, specificCode=specific_code)
