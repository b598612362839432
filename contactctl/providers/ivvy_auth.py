"""iVvy request signing (https://developer.ivvy.com, "Signing the request").

Every request carries:
- `Content-MD5`: hex MD5 of the exact body bytes (of b"" when there is none);
- `IVVY-Date`: `YYYY-MM-DD HH:MM:SS` in UTC (used instead of `Date`, so `Date` is signed empty);
- `X-Api-Version: 1.0`;
- `X-Api-Authorization: IWS <key>:<signature>`, the signature being the hex HMAC-SHA1, keyed
  with the API secret, of the lower-cased concatenation
  method + Content-MD5 + Content-Type + Date + path?query + API version + IVVY headers,
  where the IVVY headers are `name=value` pairs (name without `-`/`_`), sorted, joined by `&`:
  in practice `ivvydate=<IVVY-Date>`.

The server refuses a request whose date is more than 5 minutes off, so the clock is injectable:
tests sign with a fixed date, and a stale date can be produced on purpose.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator, Mapping
from datetime import UTC, datetime

import httpx

from contactctl.send.timing import utc_now

API_VERSION = "1.0"
CONTENT_TYPE = "application/json"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def content_md5(body: bytes) -> str:
    """Hex MD5 of the body; an empty body is hashed too, as the docs require."""
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def ivvy_date(moment: datetime) -> str:
    """The `IVVY-Date` value: UTC, `YYYY-MM-DD HH:MM:SS`."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(DATE_FORMAT)


def string_to_sign(
    method: str,
    md5: str,
    content_type: str,
    request_uri: str,
    ivvy_headers: Mapping[str, str],
    date: str = "",
    api_version: str = API_VERSION,
) -> str:
    """The lower-cased text the signature covers (`date` stays empty when IVVY-Date is used)."""
    pairs = sorted(
        f"{name.replace('-', '').replace('_', '')}={value}" for name, value in ivvy_headers.items()
    )
    joined = "&".join(pairs)
    return f"{method}{md5}{content_type}{date}{request_uri}{api_version}{joined}".lower()


def signature(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha1).hexdigest()


class IvvySigner(httpx.Auth):
    """Signs each request as iVvy requires; reads the body, so it must be loaded first."""

    requires_request_body = True

    def __init__(self, key: str, secret: str, clock: Callable[[], datetime] = utc_now) -> None:
        self._key = key
        self._secret = secret
        self._clock = clock

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        md5 = content_md5(request.content)
        # The signed content type must be byte for byte the one sent.
        content_type = request.headers.setdefault("Content-Type", CONTENT_TYPE)
        date = ivvy_date(self._clock())
        text = string_to_sign(
            request.method,
            md5,
            content_type,
            request.url.raw_path.decode("ascii"),
            {"IVVY-Date": date},
        )
        request.headers["Content-MD5"] = md5
        request.headers["IVVY-Date"] = date
        request.headers["X-Api-Version"] = API_VERSION
        request.headers["X-Api-Authorization"] = f"IWS {self._key}:{signature(self._secret, text)}"
        yield request
