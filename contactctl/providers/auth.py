"""Header authentication, the kind four of our vendors use (iVvy signs: see ivvy_auth).

Imported only when a run builds its client, so listing providers needs no HTTP machinery.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping

import httpx


class HeaderAuth(httpx.Auth):
    """Sets fixed credential headers on every request."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = dict(headers)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(self._headers)
        yield request
