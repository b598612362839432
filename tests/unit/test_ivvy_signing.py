"""iVvy request signing, checked against a worked example derived by hand from the docs.

VENDORS.md 5.2: signature = hex HMAC-SHA1(secret, lower(method + Content-MD5 + Content-Type +
Date + path?query + API version + "ivvydate=" + IVVY-Date)), Date empty when IVVY-Date is used.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import httpx

from contactctl.providers.ivvy_auth import IvvySigner, content_md5, ivvy_date, string_to_sign

KEY = "4f1c0e2b9a7d"
SECRET = "s3cr3t-Example-Secret"
WHEN = datetime(2024, 3, 5, 14, 7, 9, tzinfo=UTC)
URL = "https://api.eu-west-2.ivvy.com/api/1.0/contact?action=getContactList"
BODY = b'{"filter":{"externalId":"CRM-42"}}'


def sign(request: httpx.Request, when: datetime = WHEN) -> httpx.Request:
    flow = IvvySigner(KEY, SECRET, clock=lambda: when).sync_auth_flow(request)
    return next(flow)


def test_worked_example() -> None:
    # Step by step, as the docs describe it (not through the code under test).
    body_md5 = hashlib.md5(BODY).hexdigest()
    to_sign = (
        "POST"
        + body_md5
        + "application/json"
        + ""  # Date: empty, IVVY-Date is used instead
        + "/api/1.0/contact?action=getContactList"
        + "1.0"
        + "ivvydate=2024-03-05 14:07:09"
    ).lower()
    expected = hmac.new(SECRET.encode(), to_sign.encode(), hashlib.sha1).hexdigest()

    signed = sign(
        httpx.Request("POST", URL, content=BODY, headers={"Content-Type": "application/json"})
    )

    assert signed.headers["Content-MD5"] == body_md5
    assert signed.headers["IVVY-Date"] == "2024-03-05 14:07:09"
    assert signed.headers["X-Api-Version"] == "1.0"
    assert signed.headers["X-Api-Authorization"] == f"IWS {KEY}:{expected}"


def test_string_to_sign_keeps_the_query_and_lowercases_everything() -> None:
    text = string_to_sign(
        "POST",
        "ABCDEF0123",
        "application/json",
        "/api/1.0/contact?action=addOrUpdateContact",
        {"IVVY-Date": "2024-03-05 14:07:09"},
    )
    assert text == (
        "postabcdef0123application/json/api/1.0/contact?action=addorupdatecontact"
        "1.0ivvydate=2024-03-05 14:07:09"
    )


def test_ivvy_headers_lose_dashes_and_underscores_and_are_sorted() -> None:
    text = string_to_sign("POST", "m", "t", "/u", {"IVVY-Date": "d", "IVVY_Api-Extra": "x"})
    assert text.endswith("1.0ivvyapiextra=x&ivvydate=d")


def test_content_md5_of_an_empty_body() -> None:
    assert content_md5(b"") == "d41d8cd98f00b204e9800998ecf8427e"
    signed = sign(httpx.Request("POST", URL))
    assert signed.headers["Content-MD5"] == "d41d8cd98f00b204e9800998ecf8427e"
    # The content type is set when missing, since it is part of what is signed.
    assert signed.headers["Content-Type"] == "application/json"


def test_the_date_comes_from_the_clock_in_utc() -> None:
    sydney = timezone(timedelta(hours=11))
    assert ivvy_date(datetime(2024, 3, 6, 1, 7, 9, tzinfo=sydney)) == "2024-03-05 14:07:09"
    later = sign(httpx.Request("POST", URL, content=BODY), WHEN + timedelta(minutes=10))
    assert later.headers["IVVY-Date"] == "2024-03-05 14:17:09"
    assert (
        later.headers["X-Api-Authorization"]
        != sign(httpx.Request("POST", URL, content=BODY)).headers["X-Api-Authorization"]
    )


def test_a_client_request_is_signed_over_the_bytes_it_sends() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": 1})

    client = httpx.Client(
        base_url="https://api.eu-west-2.ivvy.com",
        auth=IvvySigner(KEY, SECRET, clock=lambda: WHEN),
        transport=httpx.MockTransport(handler),
    )
    with client:
        client.post("/api/1.0/contact", params={"action": "addOrUpdateContact"}, json={"a": "é"})
    sent = seen[0]
    to_sign = (
        "POST"
        + hashlib.md5(sent.content).hexdigest()
        + sent.headers["Content-Type"]
        + "/api/1.0/contact?action=addOrUpdateContact"
        + "1.0"
        + "ivvydate=2024-03-05 14:07:09"
    ).lower()
    expected = hmac.new(SECRET.encode(), to_sign.encode(), hashlib.sha1).hexdigest()
    assert sent.headers["X-Api-Authorization"] == f"IWS {KEY}:{expected}"
