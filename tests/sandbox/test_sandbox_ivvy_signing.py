"""iVvy request signing (VENDORS.md 5.2): a worked example computed by hand, and the
emulator's checks of signature, body hash and age over HTTP."""

from __future__ import annotations

import email.utils
import hashlib
import hmac
from typing import Any

import pytest

from contactctl.sandbox.ivvy_signing import (
    ivvy_headers_part,
    ivvy_signature,
    ivvy_string_to_sign,
    signed_headers,
)

# The worked example: every value fixed, the answer computed independently (openssl) and by
# hand from the rules below.
KEY, SECRET = "demo-key", "Demo-Secret"
BODY = b'{"firstName":"Ann","lastName":"Lee","email":"ann@example.com"}'
URI = "/api/1.0/contact?action=addOrUpdateContact"
DATE = "2024-05-01 10:00:00"
DATE_S = 1714557600.0  # DATE as a Unix time
BODY_MD5 = "064e051940ed30459900817b6ce0c0e0"
STRING_TO_SIGN = (
    "post064e051940ed30459900817b6ce0c0e0application/json"
    "/api/1.0/contact?action=addorupdatecontact1.0ivvydate=2024-05-01 10:00:00"
)
SIGNATURE = "6973ebdb5ab2a1d8e4e59682c14d333820448c0f"
EXAMPLE_CREDENTIALS = {"api_key": KEY, "api_secret": SECRET}


def test_worked_example_by_hand() -> None:
    body_md5 = hashlib.md5(BODY).hexdigest()
    by_hand = (
        "POST" + body_md5 + "application/json" + "" + URI + "1.0" + "ivvydate=" + DATE
    ).lower()
    assert body_md5 == BODY_MD5
    assert by_hand == STRING_TO_SIGN
    assert hmac.new(SECRET.encode(), by_hand.encode(), hashlib.sha1).hexdigest() == SIGNATURE


def test_worked_example_through_the_sandbox_functions() -> None:
    string_to_sign = ivvy_string_to_sign(
        method="POST",
        content_md5=BODY_MD5,
        content_type="application/json",
        date="",
        request_uri=URI,
        api_version="1.0",
        ivvy_headers=ivvy_headers_part({"IVVY-Date": DATE, "Content-Type": "application/json"}),
    )
    assert string_to_sign == STRING_TO_SIGN
    assert ivvy_signature(SECRET, string_to_sign) == SIGNATURE
    headers = signed_headers(KEY, SECRET, "POST", URI, BODY, DATE_S)
    assert headers == {
        "Content-Type": "application/json",
        "Content-MD5": BODY_MD5,
        "IVVY-Date": DATE,
        "X-Api-Version": "1.0",
        "X-Api-Authorization": f"IWS {KEY}:{SIGNATURE}",
    }


def test_ivvy_headers_are_canonicalised_sorted_and_joined() -> None:
    headers = {"IVVY-Date": "d", "ivvy_zone": "z", "Ivvy-Account-Id": "7", "Other": "x"}
    assert ivvy_headers_part(headers) == "ivvyaccountid=7&ivvydate=d&ivvyzone=z"


def test_the_worked_example_is_accepted_over_http(serve) -> None:
    served = serve("ivvy", credentials=EXAMPLE_CREDENTIALS, clock=lambda: DATE_S + 60)
    headers = {
        "Content-Type": "application/json",
        "Content-MD5": BODY_MD5,
        "IVVY-Date": DATE,
        "X-Api-Version": "1.0",
        "X-Api-Authorization": f"IWS {KEY}:{SIGNATURE}",
    }
    answer = served.anonymous.post(URI, content=BODY, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"success": True, "id": 1}


def _hand_signed(
    *, content_type: str, date: str, api_version: str | None, ivvy_date: str | None
) -> dict[str, str]:
    """Headers signed by hand, in the variants the two official SDKs produce."""
    body_md5 = hashlib.md5(BODY).hexdigest()
    ivvy = f"ivvydate={ivvy_date}" if ivvy_date else ""
    to_sign = ("POST" + body_md5 + content_type + date + URI + (api_version or "") + ivvy).lower()
    signature = hmac.new(SECRET.encode(), to_sign.encode(), hashlib.sha1).hexdigest()
    headers = {"Content-Type": content_type, "Content-MD5": body_md5}
    headers["X-Api-Authorization"] = f"IWS {KEY}:{signature}"
    if api_version:
        headers["X-Api-Version"] = api_version
    if ivvy_date:
        headers["IVVY-Date"] = ivvy_date
    if date:
        headers["Date"] = date
    return headers


@pytest.mark.parametrize(
    "variant",
    [
        {"content_type": "application/json", "date": "", "api_version": "1.0", "ivvy_date": DATE},
        {
            "content_type": "application/json; charset=utf-8",
            "date": "",
            "api_version": None,
            "ivvy_date": f"{DATE} UTC",
        },
        {
            "content_type": "application/json",
            "date": email.utils.formatdate(DATE_S, usegmt=True),
            "api_version": "1.0",
            "ivvy_date": None,
        },
    ],
    ids=["js-sdk", "dotnet-sdk", "http-date"],
)
def test_signing_variants_are_accepted(serve, variant: dict[str, Any]) -> None:
    served = serve("ivvy", credentials=EXAMPLE_CREDENTIALS, clock=lambda: DATE_S)
    answer = served.anonymous.post(URI, content=BODY, headers=_hand_signed(**variant))
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    ("change", "specific_code"),
    [
        ({"X-Api-Authorization": f"IWS {KEY}:{'0' * 40}"}, 23003),
        ({"X-Api-Authorization": f"IWS other-key:{SIGNATURE}"}, 23002),
        ({"X-Api-Authorization": f"Bearer {SIGNATURE}"}, 23001),
        ({"X-Api-Authorization": None}, 23001),
        ({"Content-MD5": hashlib.md5(b"other").hexdigest()}, 23004),
        ({"IVVY-Date": None}, 23006),
        ({"IVVY-Date": "yesterday"}, 23007),
        ({"Content-Type": "text/plain"}, 23003),
        ({"X-Api-Version": None}, 23003),
        ({"IVVY-Date": "2024-05-01 10:00:01"}, 23003),
    ],
)
def test_bad_signatures_are_401_and_change_nothing(
    serve, change: dict[str, str | None], specific_code: int
) -> None:
    served = serve("ivvy", credentials=EXAMPLE_CREDENTIALS, clock=lambda: DATE_S)
    headers = _hand_signed(
        content_type="application/json", date="", api_version="1.0", ivvy_date=DATE
    )
    for name, value in change.items():
        headers.pop(name, None)
        if value is not None:
            headers[name] = value
    answer = served.anonymous.post(URI, content=BODY, headers=headers)
    assert answer.status_code == 401
    assert answer.json()["errorCode"] == 401
    assert answer.json()["specificCode"] == specific_code
    assert served.emulator.stored() == []


@pytest.mark.parametrize(("offset_s", "status"), [(299, 200), (-299, 200), (301, 401), (-301, 401)])
def test_requests_more_than_five_minutes_off_are_stale(serve, offset_s: int, status: int) -> None:
    now = [DATE_S]
    served = serve("ivvy", credentials=EXAMPLE_CREDENTIALS, clock=lambda: now[0])
    headers = _hand_signed(
        content_type="application/json", date="", api_version="1.0", ivvy_date=DATE
    )
    now[0] = DATE_S + offset_s
    answer = served.anonymous.post(URI, content=BODY, headers=headers)
    assert answer.status_code == status
    if status == 401:
        assert answer.json() == {
            "errorCode": 401,
            "message": "Request is stale",
            "specificCode": 23005,
        }
