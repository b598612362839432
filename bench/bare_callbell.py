"""Figure 5c's yardstick: the Callbell import a user would write with httpx alone.

`python bench/bare_callbell.py IN.csv BASE_URL TOKEN CONCURRENCY PACE` reads the CSV, makes
each Phone E.164 with phonenumbers (the Country column as region), and for each valid number
looks the contact up (`GET /v1/contacts/phone/{digits}`) and creates it when absent
(`POST /v1/contacts`), with CONCURRENCY requests in flight on one httpx.AsyncClient, paced at
PACE requests/s by a plain token bucket. It tries a request again after a dropped connection
(twice at most); no other retries, no journal, no report, no redaction: what contactctl
adds. It prints how many requests it sent.
"""

from __future__ import annotations

import asyncio
import csv
import sys
import time
from collections.abc import Iterator

import httpx
import phonenumbers


def _contacts(path: str) -> Iterator[tuple[str, str]]:
    """(E.164 digits, name) of every row with a valid number."""
    with open(path, newline="", encoding="utf-8") as source:
        for row in csv.DictReader(source):
            region = (row.get("Country") or "").strip().upper() or None
            try:
                number = phonenumbers.parse(row.get("Phone") or "", region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                name = f"{row.get('First Name', '')} {row.get('Last Name', '')}".strip()
                yield e164[1:], name


class _Pace:
    """One request every 1/pace seconds, the first at once."""

    def __init__(self, pace: float) -> None:
        self._gap = 1 / pace
        self._next = time.monotonic()

    async def wait(self) -> None:
        now = time.monotonic()
        slot = max(now, self._next)
        self._next = slot + self._gap
        if slot > now:
            await asyncio.sleep(slot - now)


async def _run(path: str, base_url: str, token: str, concurrency: int, pace: float) -> int:
    pending = _contacts(path)
    pacer = _Pace(pace)
    sent = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits) as client:

        async def call(method: str, path: str, json: object = None) -> httpx.Response:
            # What a careful script does about a dropped keep-alive connection: try again.
            nonlocal sent
            for attempt in range(3):
                await pacer.wait()
                sent += 1
                try:
                    return await client.request(method, path, json=json)
                except httpx.TransportError:
                    if attempt == 2:
                        raise
            raise AssertionError("unreachable")

        async def worker() -> None:
            for digits, name in pending:
                found = await call("GET", f"/v1/contacts/phone/{digits}")
                if found.status_code == 404:
                    body = {"identifier": digits, "name": name or digits, "source": "whatsapp"}
                    created = await call("POST", "/v1/contacts", json=body)
                    created.raise_for_status()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return sent


if __name__ == "__main__":
    path, base_url, token, concurrency, pace = sys.argv[1:]
    print(asyncio.run(_run(path, base_url, token, int(concurrency), float(pace))))
