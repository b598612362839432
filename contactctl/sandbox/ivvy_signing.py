"""iVvy request signing (VENDORS.md 5.2), the one place the sandbox computes it.

    string to sign = lowercase(method + contentMD5 + contentType + date + requestURI
                               + apiVersion + ivvyHeaders)
    signature      = hex(HMAC-SHA1(api secret, string to sign))
    header         = X-Api-Authorization: IWS <api key>:<signature>

- contentMD5: hex MD5 of the exact body bytes (of b"" when there is none);
- contentType: the Content-Type header exactly as sent;
- date: the `Date` header, or "" when the `IVVY-Date` header carries the time instead;
- requestURI: the path and query as sent (`/api/1.0/contact?action=addOrUpdateContact`);
- apiVersion: the `X-Api-Version` header ("1.0"), or "" when it is not sent (the .NET SDK
  sends none, the JS SDK and the docs send it);
- ivvyHeaders: every `IVVY-*` header as `name=value`, the name lower-cased with "-" and "_"
  removed, sorted by name, joined by "&" (in practice `ivvydate=2024-05-01 10:00:00`).

The client has its own implementation; the two meet only over HTTP, and a test pins this one
to a worked example computed by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

IVVY_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
API_VERSION = "1.0"
CONTENT_TYPE = "application/json"


def content_md5(body: bytes) -> str:
    return hashlib.md5(body).hexdigest()


def ivvy_headers_part(headers: Mapping[str, str]) -> str:
    """The canonical form of the IVVY-* headers: `name=value` pairs joined by "&"."""
    pairs = sorted(
        (name.lower().replace("-", "").replace("_", ""), value)
        for name, value in headers.items()
        if name.lower().startswith(("ivvy-", "ivvy_"))
    )
    return "&".join(f"{name}={value}" for name, value in pairs)


def ivvy_string_to_sign(
    *,
    method: str,
    content_md5: str,
    content_type: str,
    date: str,
    request_uri: str,
    api_version: str,
    ivvy_headers: str,
) -> str:
    parts = (method, content_md5, content_type, date, request_uri, api_version, ivvy_headers)
    return "".join(parts).lower()


def ivvy_signature(secret: str, string_to_sign: str) -> str:
    return hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha1).hexdigest()


def ivvy_date(timestamp: float) -> str:
    """An `IVVY-Date` value (UTC) for a Unix time."""
    return time.strftime(IVVY_DATE_FORMAT, time.gmtime(timestamp))


def signed_headers(
    key: str,
    secret: str,
    method: str,
    request_uri: str,
    body: bytes,
    timestamp: float,
    *,
    content_type: str = CONTENT_TYPE,
    api_version: str = API_VERSION,
) -> dict[str, str]:
    """Every header a signed request needs, dated with IVVY-Date (as the JS SDK does)."""
    md5 = content_md5(body)
    date = ivvy_date(timestamp)
    to_sign = ivvy_string_to_sign(
        method=method,
        content_md5=md5,
        content_type=content_type,
        date="",
        request_uri=request_uri,
        api_version=api_version,
        ivvy_headers=ivvy_headers_part({"IVVY-Date": date}),
    )
    headers = {"Content-Type": content_type, "Content-MD5": md5, "IVVY-Date": date}
    if api_version:
        headers["X-Api-Version"] = api_version
    headers["X-Api-Authorization"] = f"IWS {key}:{ivvy_signature(secret, to_sign)}"
    return headers
